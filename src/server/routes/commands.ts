import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { CommandRequest, type CommandResult } from '../../protocol/api.js';
import { ServerEvent } from '../../protocol/events.js';
import { executeCommand } from '../commands/execute-command.js';
import { settingsFor } from '../course-settings.js';
import { ApiError } from '../errors.js';
import { buildLearnerState } from '../learner-state.js';
import type { Handler } from '../request-context.js';
import { eventRecord, type EventRecord } from '../store/store.js';
import { canonicalJson, parseOrThrow, parseWith } from '../validation.js';
import { queueNotification } from '../webhooks/notify.js';
import { requireCourse } from './course-path.js';

function storedServerEvent(record: EventRecord): ServerEvent {
  let value: unknown;
  try {
    value = JSON.parse(record.body);
  } catch {
    throw new Error(`stored event ${record.id} is not JSON`);
  }
  const parsed = parseWith(ServerEvent, value);
  if (!parsed.ok) throw new Error(`stored event ${record.id} is unreadable (${parsed.path}: ${parsed.message})`);
  return parsed.data;
}

/**
 * `POST /v1/commands`: applies a command and writes its events in one
 * transaction. The command id is an idempotency key: the same id and body
 * from the same learner replays the stored result and events (with fresh
 * state), so a client that lost the answer can resend safely; the same id
 * with another body is 409 id_conflict. Refused commands store nothing, so a
 * retry is judged again against the state of then.
 */
export const postCommand: Handler = async (ctx, deps) => {
  const claims = ctx.authenticate();
  const request = parseOrThrow(CommandRequest, (await ctx.readBody(['json'])).value);
  requireCourse(claims, request.course, 'course');
  const hash = createHash('sha256').update(canonicalJson(request)).digest('hex');
  const now = deps.now();

  const outcome = await deps.store.transaction(async (tx) => {
    const known = await tx.getCommand(request.id);
    if (known) {
      if (known.learner !== claims.sub || known.hash !== hash) {
        throw new ApiError('id_conflict', 'This command id was already used for another command.', 'id');
      }
      const events = (await tx.eventsOfCommand(request.id)).map(storedServerEvent);
      return { result: known.result, events, replayed: true };
    }
    await tx.upsertLearner(claims.sub, claims.name, now.toISOString(), request.course);
    const settings = await settingsFor(tx, request.course, deps.config.courses);
    const { result, events } = await executeCommand(
      {
        tx,
        commandId: request.id,
        course: request.course,
        learner: claims.sub,
        learnerName: claims.name,
        settings,
        now,
        newId: randomUUID,
        randomBytes: (size) => randomBytes(size),
        notify: (input) => queueNotification(tx, deps.config, { course: request.course, now }, input),
      },
      request.command,
    );
    await tx.insertCommand({
      id: request.id,
      learner: claims.sub,
      course: request.course,
      hash,
      result,
      createdAt: now.toISOString(),
    });
    await tx.insertEvents(events.map((event) => eventRecord(event, canonicalJson(event), 'server', request.id, now.toISOString())));
    return { result: result satisfies CommandResult, events, replayed: false };
  });

  if (!outcome.replayed && deps.afterCommit) await deps.afterCommit(request.id);

  const stateNow = deps.now();
  const state = await deps.store.transaction(async (tx) => {
    const settings = await settingsFor(tx, request.course, deps.config.courses);
    return buildLearnerState(tx, {
      course: request.course,
      learner: { id: claims.sub, name: claims.name },
      settings,
      now: stateNow,
    });
  });
  return { status: 200, body: { result: outcome.result, events: outcome.events, state } };
};
