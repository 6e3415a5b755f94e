import { statementForEvent, type XapiVocabulary } from '../../core/xapi-statements.js';
import type { ServerConfig, XapiConfig } from '../config.js';
import { kickAfterCommit } from '../outbox/kick-after-commit.js';
import type { EventRecord, Store, StoreTx } from '../store/store.js';

/**
 * Queues the xAPI statement of a stored event, in the caller's transaction: it
 * is sent if and only if the event committed, and it survives a restart (the
 * xAPI dispatcher sends and retries it). Nothing is queued when no LRS is
 * configured, or for an event type that is not forwarded. Resolves whether a
 * statement was queued.
 */
export async function queueStatement(tx: StoreTx, config: Pick<ServerConfig, 'xapi'>, event: EventRecord): Promise<boolean> {
  const xapi = config.xapi;
  if (!xapi) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.body);
  } catch {
    return false;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const statement = statementForEvent(parsed as Record<string, unknown>, vocabularyOf(xapi));
  if (!statement) return false;
  await tx.insertXapiStatement({
    id: statement.id,
    course: event.course,
    eventType: event.type,
    body: JSON.stringify(statement),
    status: 'pending',
    attempts: 0,
    // The server's clock when the event was stored: due at once.
    nextAttemptAt: event.receivedAt,
    lastError: null,
    createdAt: event.receivedAt,
    finishedAt: null,
  });
  return true;
}

export function vocabularyOf(xapi: XapiConfig): XapiVocabulary {
  return { homePage: xapi.homePage, activityBase: xapi.activityBase, vocabularyBase: xapi.vocabularyBase };
}

/**
 * The store as the routes see it when forwarding may be on: every event
 * stored through `insertEvents` or `insertNewEvents` — the two places all event writes go through
 * (commands, client events, requests, the pool, progress reports, opt-ins) —
 * also queues its statement in the same transaction, and `queued` is called
 * once that transaction has committed (to send it now rather than at the
 * dispatcher's next poll). The configuration is read at each transaction; with
 * none, nothing changes (the transaction gets the store's own writes).
 */
export function xapiForwardingStore(store: Store, config: Pick<ServerConfig, 'xapi'>, queued: () => void): Store {
  return kickAfterCommit(
    store,
    (tx, queuedOne) => {
      if (!config.xapi) return {};
      return {
        insertEvents: async (events) => {
          await tx.insertEvents(events);
          for (const event of events) if (await queueStatement(tx, config, event)) queuedOne();
        },
        insertNewEvents: async (events, tombstoneKey) => {
          const stored = await tx.insertNewEvents(events, tombstoneKey);
          for (const event of events) if (stored.has(event.id) && (await queueStatement(tx, config, event))) queuedOne();
          return stored;
        },
      };
    },
    queued,
  );
}
