import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEV_JWT_SECRET, loadConfig } from '../../src/server/config.js';
import { createTombstones, TOMBSTONE_FULL_RELOAD_MS, TOMBSTONE_MARGIN_MS, tombstoneKey } from '../../src/server/learners/tombstones.js';
import type { Store, StoreTx } from '../../src/server/store/store.js';
import { visibleStatus } from '../../src/server/learner-state.js';
import { createRateLimiter } from '../../src/server/rate-limit.js';
import { numberPlaceholders, orderedValues } from '../../src/server/store/sql.js';
import { canonicalJson } from '../../src/server/validation.js';
import { makeDataDir } from '../helpers/server.js';

const SECRET = 'a-secret-of-sufficient-length';

describe('loadConfig', () => {
  const folder = makeDataDir();
  after(() => folder.remove());
  const coursesFile = join(folder.dir, 'courses.json');
  writeFileSync(coursesFile, JSON.stringify({ c1: { groupSize: 3, objects: ['discuss'], modalities: ['email'], inviteLifetimeDays: 5, title: 'C1' } }));
  const badFile = join(folder.dir, 'bad.json');
  writeFileSync(badFile, JSON.stringify({ c1: { groupSize: 9, objects: ['discuss'], modalities: ['email'], inviteLifetimeDays: 5 } }));

  const cases: { name: string; env: Record<string, string>; dev?: boolean; error?: RegExp; check?: (c: any) => void }[] = [
    {
      name: 'defaults',
      env: { TANDEM_JWT_SECRET: SECRET },
      check: (c) => {
        assert.equal(c.port, 8080);
        assert.equal(c.jwtIssuer, 'tandem-demo');
        assert.equal(c.jwtAudience, 'tandem');
        assert.deepEqual(c.allowedOrigins, []);
        assert.equal(c.platformKey, null);
        assert.equal(c.maxBodyBytes, 65536);
        assert.deepEqual(c.inviteDetailsLimit, { max: 30, windowMs: 60_000 });
      },
    },
    { name: 'no secret for the endpoint', env: {}, error: /TANDEM_JWT_SECRET: required/ },
    { name: 'no secret in production, even for the demo', env: { NODE_ENV: 'production' }, dev: true, error: /TANDEM_JWT_SECRET/ },
    { name: 'no secret for the demo', env: {}, dev: true, check: (c) => assert.equal(c.jwtSecret, DEV_JWT_SECRET) },
    { name: 'a short secret', env: { TANDEM_JWT_SECRET: 'short' }, error: /TANDEM_JWT_SECRET: must be at least 16/ },
    { name: 'a bad port', env: { TANDEM_JWT_SECRET: SECRET, PORT: 'eighty' }, error: /PORT/ },
    {
      name: 'origins, trailing slashes trimmed',
      env: { TANDEM_JWT_SECRET: SECRET, TANDEM_ALLOWED_ORIGINS: 'https://a.example/, http://localhost:3000' },
      check: (c) => assert.deepEqual(c.allowedOrigins, ['https://a.example', 'http://localhost:3000']),
    },
    { name: 'an origin with a path', env: { TANDEM_JWT_SECRET: SECRET, TANDEM_ALLOWED_ORIGINS: 'https://a.example/x' }, error: /not an origin/ },
    {
      name: 'a courses file',
      env: { TANDEM_JWT_SECRET: SECRET, TANDEM_COURSES_FILE: coursesFile },
      check: (c) => assert.deepEqual(c.courses, { c1: { groupSize: 3, objects: ['discuss'], modalities: ['email'], inviteLifetimeDays: 5 } }),
    },
    { name: 'an invalid courses file', env: { TANDEM_JWT_SECRET: SECRET, TANDEM_COURSES_FILE: badFile }, error: /c1\.groupSize/ },
    { name: 'a missing courses file', env: { TANDEM_JWT_SECRET: SECRET, TANDEM_COURSES_FILE: join(folder.dir, 'none.json') }, error: /cannot read/ },
    { name: 'empty variables as unset', env: { TANDEM_JWT_SECRET: SECRET, PORT: '' }, check: (c) => assert.equal(c.port, 8080) },
  ];
  for (const { name, env, dev, error, check } of cases) {
    it(name, () => {
      const result = loadConfig(env, dev ?? false);
      if (error) {
        assert.equal(result.ok, false);
        assert.match((result as { error: string }).error, error);
      } else {
        assert.ok(result.ok, JSON.stringify(result));
        check?.(result.config);
      }
    });
  }
});

describe('createRateLimiter', () => {
  it('allows max per window per key, then says when the window resets', () => {
    let now = 0;
    const limiter = createRateLimiter({ max: 2, windowMs: 10_000, now: () => now });
    assert.deepEqual(limiter.take('a'), { allowed: true });
    assert.deepEqual(limiter.take('a'), { allowed: true });
    assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 10 });
    assert.deepEqual(limiter.take('b'), { allowed: true }, 'keys are counted apart');
    now = 9_500;
    assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 1 });
    now = 10_000;
    assert.deepEqual(limiter.take('a'), { allowed: true });
  });
});

describe('visibleStatus', () => {
  const now = new Date('2025-03-03T09:00:00.000Z');
  const cases = [
    { status: 'pending', expiresAt: '2025-03-03T09:00:00.001Z', expected: 'pending' },
    { status: 'pending', expiresAt: '2025-03-03T09:00:00.000Z', expected: 'expired' },
    { status: 'accepted', expiresAt: '2025-03-01T00:00:00.000Z', expected: 'accepted' },
    { status: 'cancelled', expiresAt: '2025-03-01T00:00:00.000Z', expected: 'cancelled' },
  ] as const;
  for (const { status, expiresAt, expected } of cases) {
    it(`${status} expiring ${expiresAt} is ${expected}`, () => assert.equal(visibleStatus({ status, expiresAt }, now), expected));
  }
});

describe('createTombstones', () => {
  it('keys each learner by the HMAC, kept or computed again once more learners than it keeps were seen', () => {
    const tombstones = createTombstones(SECRET, 2);
    const learners = ['ana', 'ben', 'chloé', 'ana', 'dan', 'ben', 'ana'];
    for (const learner of learners) assert.equal(tombstones.key(learner), tombstoneKey(learner, SECRET), learner);
    assert.notEqual(tombstones.key('ana'), tombstoneKey('ana', `${SECRET}-other`));
    tombstones.record('ben', '2026-01-02T03:04:05.000Z');
    for (const learner of ['eve', 'fay', 'gus']) tombstones.key(learner);
    assert.equal(tombstones.erasedAtMs('ben'), Date.parse('2026-01-02T03:04:05.000Z'));
    assert.equal(tombstones.erasedAtMs('ana'), null);
  });

  it('reloads every tombstone at first and every few minutes, else those since the latest it read, less a margin', async () => {
    const stored = new Map<string, string>();
    const asked: Array<string | undefined> = [];
    const store = {
      transaction: (work: (tx: StoreTx) => Promise<unknown>) =>
        work({
          tombstones: async (since?: string) => {
            asked.push(since);
            return [...stored].filter(([, at]) => since === undefined || at >= since).map(([key, at]) => ({ key, at }));
          },
        } as StoreTx),
    } as Store;
    let wall = 0;
    const tombstones = createTombstones(SECRET, 10, () => wall);
    const erase = (learner: string, at: string) => stored.set(tombstoneKey(learner, SECRET), at);
    const iso = (ms: number) => new Date(ms).toISOString();
    const T = Date.parse('2026-05-01T10:00:00.000Z');

    await tombstones.load(store); // nothing erased yet: every reload reads all
    erase('ana', iso(T));
    wall += 2000;
    await tombstones.load(store);
    assert.deepEqual(asked, [undefined, undefined]);
    assert.equal(tombstones.erasedAtMs('ana'), T);

    // Another process's erasure dated 30 s before the latest known (its clock behind): inside the margin, read.
    erase('ben', iso(T - 30_000));
    erase('cleo', iso(T + 5_000));
    wall += 2000;
    await tombstones.load(store);
    assert.equal(asked[2], iso(T - TOMBSTONE_MARGIN_MS));
    assert.deepEqual(['ana', 'ben', 'cleo'].map((l) => tombstones.erasedAtMs(l)), [T, T - 30_000, T + 5_000]);

    // One dated before the margin is missed by the quick reloads, and read by the next full one.
    erase('dan', iso(T - 10 * 60_000));
    wall += 2000;
    await tombstones.load(store);
    assert.equal(asked[3], iso(T + 5_000 - TOMBSTONE_MARGIN_MS));
    assert.equal(tombstones.erasedAtMs('dan'), null);
    wall += TOMBSTONE_FULL_RELOAD_MS;
    await tombstones.load(store);
    assert.equal(asked[4], undefined);
    assert.equal(tombstones.erasedAtMs('dan'), T - 10 * 60_000);
    // An erasure this process made is kept whatever a reload reads.
    tombstones.record('eve', iso(T + 9_000));
    wall += 2000;
    await tombstones.load(store);
    assert.equal(tombstones.erasedAtMs('eve'), T + 9_000);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [2, 1], c: null } }), '{"a":{"c":null,"d":[2,1]},"b":1}');
    assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
  });
});

describe('numberPlaceholders and orderedValues (the store’s SQL on PostgreSQL)', () => {
  const cases: { name: string; sql: string; text: string; names: string[] | null }[] = [
    { name: 'positional', sql: 'SELECT * FROM t WHERE a = ? AND b = ?', text: 'SELECT * FROM t WHERE a = $1 AND b = $2', names: null },
    { name: 'named, one used twice', sql: 'SELECT 1 WHERE a = @learner OR b = @learner OR c = @now', text: 'SELECT 1 WHERE a = $1 OR b = $1 OR c = $2', names: ['learner', 'now'] },
    { name: 'a cast after a placeholder', sql: 'SELECT json_array_elements_text(?::json)', text: 'SELECT json_array_elements_text($1::json)', names: null },
    { name: 'quoted ? and @ left alone', sql: `SELECT '?', "a@b" FROM t WHERE x = ?`, text: `SELECT '?', "a@b" FROM t WHERE x = $1`, names: null },
    { name: 'no parameters', sql: 'DELETE FROM stats_counters', text: 'DELETE FROM stats_counters', names: null },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(numberPlaceholders(c.sql), { text: c.text, names: c.names }));
  }
  it('refuses a statement mixing ? and @name, and an unterminated quote', () => {
    assert.throws(() => numberPlaceholders('SELECT ? WHERE a = @x'), /both \? and @name/);
    assert.throws(() => numberPlaceholders("SELECT 'oops"), /unterminated quote/);
  });
  it('orders named values, and refuses a missing one or positional values for named parameters', () => {
    assert.deepEqual(orderedValues(['learner', 'now'], [{ now: 'n', learner: 'l' }], 'q'), ['l', 'n']);
    assert.deepEqual(orderedValues(null, [1, 2], 'q'), [1, 2]);
    assert.throws(() => orderedValues(['learner'], [{}], 'q'), /missing parameter @learner/);
    assert.throws(() => orderedValues(['learner'], ['l'], 'q'), /named parameters expected/);
  });
});
