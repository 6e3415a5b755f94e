import { afterLeave } from '../../core/group-rules.js';
import type { LeaveGroup, SetContactNote } from '../../protocol/api.js';
import type { ServerEvent } from '../../protocol/events.js';
import type * as z from 'zod/mini';
import { ApiError } from '../errors.js';
import type { GroupRecord, MemberRecord } from '../store/store.js';
import { envelope, type CommandContext, type CommandOutcome } from './command-context.js';

/** The group and its members, when the learner is an active member of it in this course. */
async function ownGroup(ctx: CommandContext, groupId: string): Promise<{ group: GroupRecord; members: MemberRecord[]; me: MemberRecord }> {
  const group = await ctx.tx.getGroup(groupId);
  const members = group ? await ctx.tx.activeMembers(group.id) : [];
  const me = members.find((m) => m.learner === ctx.learner);
  if (!group || group.course !== ctx.course || group.dissolvedAt !== null || !me) {
    throw new ApiError('not_member', 'You are not a member of this group.', 'command.group');
  }
  return { group, members, me };
}

/** group.leave: a group left with one member is dissolved, and that member's membership ends too. */
export async function leaveGroup(ctx: CommandContext, command: z.infer<typeof LeaveGroup>): Promise<CommandOutcome> {
  const { group, members, me } = await ownGroup(ctx, command.group);
  const now = ctx.now.toISOString();
  const { remaining, dissolved } = afterLeave(
    members.map((m) => m.learner),
    ctx.learner,
  );
  await ctx.tx.endMembership(group.id, ctx.learner, now);
  const events: ServerEvent[] = [
    { ...envelope(ctx), type: 'group.left', group: group.id, relationship: me.relationship, modalities: group.modalities },
  ];
  if (dissolved) {
    for (const learner of remaining) await ctx.tx.endMembership(group.id, learner, now);
    await ctx.tx.dissolveGroup(group.id, now);
    events.push({ ...envelope(ctx), type: 'group.dissolved', group: group.id });
  }
  return { result: { id: ctx.commandId, type: command.type, group: group.id }, events };
}

/**
 * group.set-note: the member's "how to reach me", stored verbatim as plain
 * text (the widget renders it as text); an empty note removes it. Notes are
 * personal data, so no event records them.
 */
export async function setContactNote(ctx: CommandContext, command: z.infer<typeof SetContactNote>): Promise<CommandOutcome> {
  const { group } = await ownGroup(ctx, command.group);
  await ctx.tx.setNote(group.id, ctx.learner, command.note === '' ? null : command.note);
  return { result: { id: ctx.commandId, type: command.type, group: group.id }, events: [] };
}
