import type { CourseSettings, Group, LearnerState, OwnInvite } from '../protocol/api.js';
import type { InviteStatus } from '../protocol/api.js';
import type { OwnInviteRecord, StoreTx } from './store/store.js';

/** Answered, cancelled and expired invites stay in the inviter's list this long, then drop out of it. */
export const INVITE_HISTORY_DAYS = 30;
const DAY_MS = 86_400_000;

/** The status a learner sees: a pending invite past its expiry is "expired" (computed, never stored). */
export function visibleStatus(invite: Pick<OwnInviteRecord, 'status' | 'expiresAt'>, now: Date): InviteStatus {
  if (invite.status === 'pending' && Date.parse(invite.expiresAt) <= now.getTime()) return 'expired';
  return invite.status;
}

/**
 * Everything one learner sees of one course: the groups they are an active
 * member of (every member's name, relationship and note — notes are shown to
 * fellow members only, which these are), their own invites, the settings.
 */
export async function buildLearnerState(
  tx: StoreTx,
  input: { course: string; learner: { id: string; name: string }; settings: CourseSettings; now: Date },
): Promise<LearnerState> {
  const { course, learner, settings, now } = input;
  const groups: Group[] = [];
  for (const group of await tx.listGroupsOf(course, learner.id)) {
    const members = await tx.activeMembers(group.id);
    groups.push({
      id: group.id,
      objects: group.objects,
      modalities: group.modalities,
      size: group.size,
      createdAt: group.createdAt,
      members: members.map((m) => ({
        id: m.learner,
        name: m.name,
        relationship: m.relationship,
        ...(m.note !== null ? { note: m.note } : {}),
        joinedAt: m.joinedAt,
      })),
    });
  }

  const since = new Date(now.getTime() - INVITE_HISTORY_DAYS * DAY_MS).toISOString();
  const invites: OwnInvite[] = (await tx.listOwnInvites(course, learner.id, since)).map((i) => ({
    id: i.id,
    code: i.code,
    relationship: i.relationship,
    objects: i.objects,
    modalities: i.modalities,
    group: i.group,
    status: visibleStatus(i, now),
    createdAt: i.createdAt,
    expiresAt: i.expiresAt,
    ...(i.answeredByName !== null ? { answeredBy: i.answeredByName } : {}),
  }));

  const incomingRequests = await tx.countPendingIn(course, learner.id);
  // The part-1 view of the settings: discovery's own fields are served by the profile route.
  const { groupSize, objects, modalities, inviteLifetimeDays } = settings;
  return {
    course,
    learner,
    settings: { groupSize, objects, modalities, inviteLifetimeDays },
    groups,
    invites,
    incomingRequests,
    serverTime: now.toISOString(),
  };
}
