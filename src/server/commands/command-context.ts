import type { CommandResult, CourseSettings } from '../../protocol/api.js';
import type { ServerEvent } from '../../protocol/events.js';
import type { StoreTx } from '../store/store.js';
import type { NotificationInput } from '../webhooks/notify.js';

/** What a command handler works with: one open transaction and the request's facts. */
export interface CommandContext {
  tx: StoreTx;
  /** The command's idempotency key, echoed in its result. */
  commandId: string;
  course: string;
  learner: string;
  /** The learner's display name, from their token. */
  learnerName: string;
  settings: CourseSettings;
  now: Date;
  /** Fresh UUIDs for invites, groups and events (injectable so tests can predict them). */
  newId(): string;
  /** Random bytes for invite codes. */
  randomBytes(size: number): Uint8Array;
  /** Queues a webhook notification in this transaction (nothing when no webhook is configured). */
  notify(input: NotificationInput): Promise<void>;
}

/** A handler's answer: the result and the authoritative events to write in the same transaction. */
export interface CommandOutcome {
  result: CommandResult;
  events: ServerEvent[];
}

/** The envelope every server event carries. */
export function envelope(ctx: CommandContext, learner = ctx.learner) {
  return { id: ctx.newId(), v: 1 as const, time: ctx.now.toISOString(), course: ctx.course, learner };
}
