import type { EventFailure } from '../../protocol/api.js';
import * as z from 'zod/mini';
import { BeaconBatch, ClientEvent, EventBatch } from '../../protocol/events.js';
import type { TokenClaims } from '../auth.js';
import type { Handler } from '../request-context.js';
import { eventRecord } from '../store/store.js';
import { canonicalJson, parseOrThrow, parseWith } from '../validation.js';

/**
 * `POST /v1/events`: client-side facts, as JSON with a bearer token, or as
 * sendBeacon's text/plain with the token in the body (beacons carry no
 * headers). A batch is stored whole or not at all: when any event fails
 * (schema, another learner or course, a known id with another body) nothing
 * is stored and the failing indices are answered, so the client can set
 * those aside and resend the rest. A known id with the identical body is a
 * duplicate, counted and not stored again: exactly-once storage.
 */
/** Events refused because their ids are stored with other bodies: thrown to roll back the batch's transaction. */
class RefusedBatch extends Error {
  constructor(readonly conflicts: EventFailure[]) {
    super('events with known ids and other bodies');
  }
}

/**
 * ClientEvent as the endpoint reads each event of a batch: the same branches,
 * chosen by `type`. The plain union tries every branch in turn (and builds
 * the issues of each that fails); this tries only the one its type names.
 * (The endpoint's alone: the widget's bundle has no room for it.)
 */
const ClientEventByType = z.discriminatedUnion('type', ClientEvent.def.options);

function conflict(index: number): EventFailure {
  return { index, code: 'id_conflict', message: 'An event with this id was already stored with another body.', path: `events.${index}.id` };
}

export const postEvents: Handler = async (ctx, deps) => {
  const isJson = (ctx.req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json');
  // A JSON post names its learner in the header: refuse a missing token before reading the body.
  const headerClaims = isJson ? ctx.authenticate() : null;
  const body = await ctx.readBody(['json', 'text']);
  let claims: TokenClaims;
  let raw: unknown[];
  if (headerClaims) {
    claims = headerClaims;
    raw = parseOrThrow(EventBatch, body.value).events;
  } else {
    const beacon = parseOrThrow(BeaconBatch, body.value);
    claims = ctx.verify(beacon.token);
    raw = beacon.events;
  }

  const failures: EventFailure[] = [];
  const valid: { index: number; event: ClientEvent; body: string }[] = [];
  raw.forEach((value, index) => {
    const parsed = parseWith(ClientEventByType, value, `events.${index}`);
    if (!parsed.ok) {
      failures.push({ index, code: 'bad_request', message: parsed.message, path: parsed.path });
    } else if (parsed.data.learner !== claims.sub) {
      failures.push({ index, code: 'forbidden', message: 'This event names another learner than the token.', path: `events.${index}.learner` });
    } else if (parsed.data.course !== claims.course) {
      failures.push({ index, code: 'course_mismatch', message: 'This event is for another course than the token.', path: `events.${index}.course` });
    } else {
      valid.push({ index, event: parsed.data, body: canonicalJson(parsed.data) });
    }
  });

  const receivedAt = deps.now().toISOString();
  const outcome = await deps.store
    .transaction(async (tx) => {
      // A transaction may run again when it conflicts with another process's: what it finds is kept in it, and returned.
      const conflicts: EventFailure[] = [];
      const seen = new Map<string, string>();
      const fresh: typeof valid = [];
      let duplicates = 0;
      // An id twice in the batch: stored once, or refused with another body.
      for (const item of valid) {
        const body = seen.get(item.event.id);
        if (body === undefined) {
          seen.set(item.event.id, item.body);
          fresh.push(item);
        } else if (body === item.body) {
          duplicates += 1;
        } else {
          conflicts.push(conflict(item.index));
        }
      }
      if (failures.length > 0 || conflicts.length > 0) {
        // Refused: nothing is stored, and every failing index is answered, ids stored with other bodies included.
        const known = await tx.knownEvents(fresh.map((item) => item.event.id), []);
        for (const item of fresh) {
          const body = known.bodies.get(item.event.id);
          if (body !== undefined && body !== item.body) conflicts.push(conflict(item.index));
        }
        return { ok: false as const, conflicts };
      }
      // Stored in one statement, except events already stored (a resend) and those a browser still held from before
      // the learner's data was erased (taken as delivered, never stored again). Both are read in this transaction,
      // so that what another server process stored or erased is seen at once.
      const key = deps.tombstones.key(claims.sub);
      const stored = await tx.insertNewEvents(fresh.map(({ event, body }) => eventRecord(event, body, 'client', null, receivedAt)), key);
      const skipped = fresh.filter((item) => !stored.has(item.event.id));
      if (skipped.length > 0) {
        const known = await tx.knownEvents(skipped.map((item) => item.event.id), [key]);
        const erasedAt = known.erasedAt.get(key);
        const erasedMs = erasedAt === undefined ? -Infinity : Date.parse(erasedAt);
        for (const item of skipped) {
          const body = known.bodies.get(item.event.id);
          // Dated before the erasure (stored then, and pseudonymised since, or never), the same body again, or (no
          // body: not stored) dated before the erasure to the statement's finer clock: a duplicate.
          if (Date.parse(item.event.time) <= erasedMs || body === undefined || body === item.body) duplicates += 1;
          else conflicts.push(conflict(item.index));
        }
        // A refused batch stores nothing: what was stored above is rolled back with the transaction.
        if (conflicts.length > 0) throw new RefusedBatch(conflicts);
      }
      return { ok: true as const, stored: stored.size, duplicates };
    })
    .catch((err: unknown) => {
      if (err instanceof RefusedBatch) return { ok: false as const, conflicts: err.conflicts };
      throw err;
    });

  if (!outcome.ok) {
    failures.push(...outcome.conflicts);
    failures.sort((a, b) => a.index - b.index);
    return {
      status: 400,
      body: {
        error: {
          code: 'invalid_events',
          message: `${failures.length} of ${raw.length} events were refused; nothing was stored.`,
          path: 'events',
        },
        failures,
      },
    };
  }
  return { status: 200, body: { stored: outcome.stored, duplicates: outcome.duplicates } };
};
