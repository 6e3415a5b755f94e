import type { EventFailure } from '../../protocol/api.js';
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
    const parsed = parseWith(ClientEvent, value, `events.${index}`);
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
  const outcome = await deps.store.transaction(async (tx) => {
    // Check every event before writing any, so a refused batch leaves nothing behind. (A transaction may run
    // again when it conflicts with another process's: what it finds is kept in it, and returned.)
    const conflicts: EventFailure[] = [];
    const seen = new Map<string, string>();
    const fresh: typeof valid = [];
    let duplicates = 0;
    // Events a browser still held from before the learner's data was erased: taken as delivered, never stored again.
    // Read in this transaction, so that an erasure another server process made is seen at once.
    const key = deps.tombstones.key(claims.sub);
    const known = await tx.knownEvents(valid.map((item) => item.event.id), [key]);
    const erasedAt = known.erasedAt.get(key);
    const erasedMs = erasedAt === undefined ? -Infinity : Date.parse(erasedAt);
    for (const item of valid) {
      if (Date.parse(item.event.time) <= erasedMs) {
        duplicates += 1;
        continue;
      }
      const body = seen.get(item.event.id) ?? known.bodies.get(item.event.id);
      if (body === undefined) {
        seen.set(item.event.id, item.body);
        fresh.push(item);
      } else if (body === item.body) {
        duplicates += 1;
      } else {
        conflicts.push({
          index: item.index,
          code: 'id_conflict',
          message: 'An event with this id was already stored with another body.',
          path: `events.${item.index}.id`,
        });
      }
    }
    if (failures.length > 0 || conflicts.length > 0) return { ok: false as const, conflicts };
    await tx.insertEvents(fresh.map(({ event, body: text }) => eventRecord(event, text, 'client', null, receivedAt)));
    return { ok: true as const, stored: fresh.length, duplicates };
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
