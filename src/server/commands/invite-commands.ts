import { acceptRefusal, answerRefusal, groupHasRoom, inviteIsExpired } from '../../core/group-rules.js';
import { encodeInviteCode, INVITE_CODE_BYTES } from '../../core/invite-code.js';
import type { AcceptInvite, CancelInvite, CreateInvite, DeclineInvite } from '../../protocol/api.js';
import type * as z from 'zod/mini';
import { requireOffered } from '../course-offer.js';
import { ApiError } from '../errors.js';
import type { GroupRecord, InviteRecord } from '../store/store.js';
import { envelope, type CommandContext, type CommandOutcome } from './command-context.js';

const DAY_MS = 86_400_000;

/** A refusal of core's rules, with the message people read. */
const REFUSAL_MESSAGES = {
  invite_expired: 'This invite has expired.',
  invite_cancelled: 'This invite was cancelled by its sender.',
  invite_used: 'This invite has already been accepted.',
  invite_declined: 'This invite was declined.',
  own_invite: 'You cannot answer your own invite.',
  already_member: 'You are already a member of this group.',
  group_full: 'This group is full.',
} as const;

async function inviteByCode(ctx: CommandContext, code: string): Promise<InviteRecord> {
  const invite = await ctx.tx.getInviteByCode(code);
  if (!invite) throw new ApiError('invite_not_found', 'No invite has this code.', 'command.code');
  if (invite.course !== ctx.course) {
    throw new ApiError('course_mismatch', 'This invite is for another course.', 'command.code');
  }
  return invite;
}

/** The group a learner may invite into: theirs, in this course, not dissolved, with room. */
async function groupToInviteInto(ctx: CommandContext, groupId: string): Promise<GroupRecord> {
  const group = await ctx.tx.getGroup(groupId);
  const members = group ? await ctx.tx.activeMembers(group.id) : [];
  if (!group || group.course !== ctx.course || group.dissolvedAt !== null || !members.some((m) => m.learner === ctx.learner)) {
    throw new ApiError('not_member', 'You are not a member of this group.', 'command.group');
  }
  if (!groupHasRoom({ members: members.map((m) => m.learner), size: group.size })) {
    throw new ApiError('group_full', REFUSAL_MESSAGES.group_full, 'command.group');
  }
  return group;
}

/**
 * invite.create. Into an existing group, the group's objects and modalities
 * apply and those in the command are ignored (they belong to the group, and
 * the widget may send the form's values). A new tandem's must be offered by
 * the course.
 */
export async function createInvite(ctx: CommandContext, command: z.infer<typeof CreateInvite>): Promise<CommandOutcome> {
  let objects = command.objects;
  let modalities = command.modalities;
  if (command.group !== undefined) {
    const group = await groupToInviteInto(ctx, command.group);
    objects = group.objects;
    modalities = group.modalities;
  } else {
    requireOffered(command, ctx.settings, 'command.');
  }

  const invite: InviteRecord = {
    id: ctx.newId(),
    code: encodeInviteCode(ctx.randomBytes(INVITE_CODE_BYTES)),
    course: ctx.course,
    inviter: ctx.learner,
    relationship: command.relationship,
    objects,
    modalities,
    group: command.group ?? null,
    status: 'pending',
    createdAt: ctx.now.toISOString(),
    expiresAt: new Date(ctx.now.getTime() + ctx.settings.inviteLifetimeDays * DAY_MS).toISOString(),
    answeredBy: null,
    answeredAt: null,
  };
  await ctx.tx.insertInvite(invite);
  return {
    result: { id: ctx.commandId, type: command.type, invite: invite.id, group: invite.group, code: invite.code },
    events: [
      {
        ...envelope(ctx),
        type: 'invite.created',
        invite: invite.id,
        group: invite.group,
        relationship: invite.relationship,
        objects,
        modalities,
      },
    ],
  };
}

/** invite.cancel: only the inviter's own invite, while pending. Another's looks like no invite at all. */
export async function cancelInvite(ctx: CommandContext, command: z.infer<typeof CancelInvite>): Promise<CommandOutcome> {
  const invite = await ctx.tx.getInvite(command.invite);
  if (!invite || invite.inviter !== ctx.learner || invite.course !== ctx.course) {
    throw new ApiError('invite_not_found', 'You have no invite with this id.', 'command.invite');
  }
  const refusal =
    invite.status === 'cancelled'
      ? 'invite_cancelled'
      : invite.status === 'accepted'
        ? 'invite_used'
        : invite.status === 'declined'
          ? 'invite_declined'
          : inviteIsExpired(invite, ctx.now.toISOString())
            ? 'invite_expired'
            : null;
  if (refusal) throw new ApiError(refusal, REFUSAL_MESSAGES[refusal], 'command.invite');

  await ctx.tx.answerInvite(invite.id, {
    status: 'cancelled',
    answeredBy: null,
    answeredAt: ctx.now.toISOString(),
    group: invite.group,
  });
  return {
    result: { id: ctx.commandId, type: command.type, invite: invite.id, group: invite.group },
    events: [{ ...envelope(ctx), type: 'invite.cancelled', invite: invite.id }],
  };
}

/**
 * invite.accept: joins the invite's group, or creates it on first acceptance
 * with the inviter as first member. Both memberships take the invite's
 * relationship (it describes the pair); the group takes the invite's objects
 * and modalities and the course's current group size.
 */
export async function acceptInvite(ctx: CommandContext, command: z.infer<typeof AcceptInvite>): Promise<CommandOutcome> {
  const invite = await inviteByCode(ctx, command.code);
  const now = ctx.now.toISOString();
  let group = invite.group ? await ctx.tx.getGroup(invite.group) : null;
  const members = group ? (await ctx.tx.activeMembers(group.id)).map((m) => m.learner) : [];

  const refusal = acceptRefusal(invite, group ? { members, size: group.size } : null, ctx.learner, now);
  if (refusal) throw new ApiError(refusal, REFUSAL_MESSAGES[refusal], 'command.code');
  if (group && group.dissolvedAt !== null) {
    throw new ApiError('group_not_found', 'The group this invite joins no longer exists.', 'command.code');
  }

  if (!group) {
    group = {
      id: ctx.newId(),
      course: ctx.course,
      objects: invite.objects,
      modalities: invite.modalities,
      size: ctx.settings.groupSize,
      createdAt: now,
      dissolvedAt: null,
    };
    await ctx.tx.insertGroup(group);
    await ctx.tx.addMember(group.id, { learner: invite.inviter, relationship: invite.relationship, joinedAt: now });
  }
  await ctx.tx.addMember(group.id, { learner: ctx.learner, relationship: invite.relationship, joinedAt: now });
  await ctx.tx.answerInvite(invite.id, { status: 'accepted', answeredBy: ctx.learner, answeredAt: now, group: group.id });
  await ctx.notify({
    type: 'invite.accepted',
    learner: invite.inviter,
    data: { invite: invite.id, by: { id: ctx.learner, name: ctx.learnerName }, group: group.id },
  });

  return {
    result: { id: ctx.commandId, type: command.type, invite: invite.id, group: group.id },
    events: [
      {
        ...envelope(ctx),
        type: 'invite.accepted',
        invite: invite.id,
        group: group.id,
        inviter: invite.inviter,
        relationship: invite.relationship,
        objects: group.objects,
        modalities: group.modalities,
      },
    ],
  };
}

/** invite.decline: anyone holding the code but the inviter; the invite is used up. */
export async function declineInvite(ctx: CommandContext, command: z.infer<typeof DeclineInvite>): Promise<CommandOutcome> {
  const invite = await inviteByCode(ctx, command.code);
  const now = ctx.now.toISOString();
  const refusal = answerRefusal(invite, ctx.learner, now);
  if (refusal) throw new ApiError(refusal, REFUSAL_MESSAGES[refusal], 'command.code');
  await ctx.tx.answerInvite(invite.id, { status: 'declined', answeredBy: ctx.learner, answeredAt: now, group: invite.group });
  return {
    result: { id: ctx.commandId, type: command.type, invite: invite.id, group: invite.group },
    events: [{ ...envelope(ctx), type: 'invite.declined', invite: invite.id }],
  };
}
