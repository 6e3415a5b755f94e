import { InviteDetailsRequest, type InviteDetails } from '../../protocol/api.js';
import { settingsFor } from '../course-settings.js';
import { ApiError } from '../errors.js';
import { visibleStatus } from '../learner-state.js';
import type { Handler } from '../request-context.js';
import { parseOrThrow } from '../validation.js';

const GONE = {
  expired: ['invite_expired', 'This invite has expired.'],
  cancelled: ['invite_cancelled', 'This invite was cancelled by its sender.'],
  accepted: ['invite_used', 'This invite has already been accepted.'],
  declined: ['invite_declined', 'This invite was declined.'],
} as const;

/**
 * `POST /v1/invite-details`: what the holder of a code may see before
 * signing in — the inviter's name, the course, what and how. The code is the
 * authorisation, so lookups are rate-limited per client address against guessing.
 */
export const postInviteDetails: Handler = async (ctx, deps) => {
  const verdict = deps.inviteDetailsLimiter.take(ctx.clientAddress);
  if (!verdict.allowed) {
    throw new ApiError('rate_limited', 'Too many invite lookups; try again later.', '', {
      'Retry-After': String(verdict.retryAfterSeconds),
    });
  }
  const { code } = parseOrThrow(InviteDetailsRequest, (await ctx.readBody(['json'])).value);
  const now = deps.now();

  const details = await deps.store.transaction(async (tx): Promise<InviteDetails> => {
    const invite = await tx.getInviteByCode(code);
    if (!invite) throw new ApiError('invite_not_found', 'No invite has this code.', 'code');
    const status = visibleStatus(invite, now);
    if (status !== 'pending') {
      const [errorCode, message] = GONE[status];
      throw new ApiError(errorCode, message, 'code');
    }
    const group = invite.group ? await tx.getGroup(invite.group) : null;
    if (group && group.dissolvedAt !== null) {
      throw new ApiError('group_not_found', 'The group this invite joins no longer exists.', 'code');
    }
    const members = group ? (await tx.activeMembers(group.id)).length : 0;
    const groupSize = group ? group.size : (await settingsFor(tx, invite.course, deps.config.courses)).groupSize;
    return {
      id: invite.id,
      course: invite.course,
      inviter: { name: (await tx.learnerName(invite.inviter)) ?? invite.inviter },
      relationship: invite.relationship,
      objects: invite.objects,
      modalities: invite.modalities,
      members,
      groupSize,
      expiresAt: invite.expiresAt,
    };
  });
  return { status: 200, body: details };
};
