/**
 * The group model's rules, pure: the endpoint applies them inside the
 * transaction that writes the result, the widget uses them to explain.
 *
 * An invite is single-use and adds its accepter to the inviter's group
 * (created on first acceptance); objects and modalities belong to the group;
 * the relationship belongs to each membership; a group left with one member
 * is dissolved.
 */

export type InviteStatus = 'pending' | 'accepted' | 'declined' | 'cancelled';

export interface InviteFacts {
  inviter: string;
  status: InviteStatus;
  expiresAt: string;
}

export interface GroupFacts {
  /** Learner ids of the group's current members. */
  members: readonly string[];
  /** Largest size allowed for this group. */
  size: number;
}

/** Refusals, as stable error codes of the API. */
export type AcceptRefusal =
  | 'invite_expired'
  | 'invite_cancelled'
  | 'invite_used'
  | 'invite_declined'
  | 'own_invite'
  | 'already_member'
  | 'group_full';

export function inviteIsExpired(invite: Pick<InviteFacts, 'expiresAt'>, nowIso: string): boolean {
  return Date.parse(invite.expiresAt) <= Date.parse(nowIso);
}

/** Why `learner` may not answer this invite now, or null when they may. */
export function answerRefusal(invite: InviteFacts, learner: string, nowIso: string): AcceptRefusal | null {
  if (invite.inviter === learner) return 'own_invite';
  if (invite.status === 'cancelled') return 'invite_cancelled';
  if (invite.status === 'accepted') return 'invite_used';
  if (invite.status === 'declined') return 'invite_declined';
  if (inviteIsExpired(invite, nowIso)) return 'invite_expired';
  return null;
}

/**
 * Why `learner` may not accept this invite into `group` (the inviter's group,
 * or null when it will be created by this acceptance), or null when they may.
 */
export function acceptRefusal(
  invite: InviteFacts,
  group: GroupFacts | null,
  learner: string,
  nowIso: string,
): AcceptRefusal | null {
  const refusal = answerRefusal(invite, learner, nowIso);
  if (refusal) return refusal;
  if (group) {
    if (group.members.includes(learner)) return 'already_member';
    if (group.members.length >= group.size) return 'group_full';
  }
  return null;
}

/** Whether an inviter may still invite into a group: it has room left. */
export function groupHasRoom(group: GroupFacts): boolean {
  return group.members.length < group.size;
}

/** What leaving does: the remaining members, and whether the group is dissolved. */
export function afterLeave(members: readonly string[], leaver: string): { remaining: string[]; dissolved: boolean } {
  const remaining = members.filter((m) => m !== leaver);
  return { remaining, dissolved: remaining.length <= 1 };
}
