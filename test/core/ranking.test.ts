import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_SCORE_WITHOUT_PARTNERSHIP,
  RANKING_WEIGHTS,
  rankCandidates,
  scoreCandidate,
  type PeerProfile,
  type RankingSignals,
} from '../../src/core/ranking.js';
import { CITY_SHARE, generatePool, LANGUAGE_WEIGHTS } from '../../bench/pool-generator.js';

const profile = (id: string, over: Partial<PeerProfile> = {}): PeerProfile => ({
  id,
  objects: ['mutual-help'],
  modalities: ['synchronous'],
  languages: ['en'],
  utcOffsetMinutes: 60,
  slots: [3],
  ...over,
});
const signals = (over: Partial<RankingSignals> = {}): RankingSignals => ({
  forumInteractions: new Map(),
  earlierPartners: new Set(),
  blocked: new Set(),
  ...over,
});
const ids = (page: { items: Array<{ id: string }> }) => page.items.map((i) => i.id);

test('the weights are the documented ones, and an earlier partnership outweighs everything else', () => {
  assert.deepEqual(RANKING_WEIGHTS, {
    sharedObject: 3,
    sharedModality: 2,
    availabilityHour: 1,
    availabilityCapHours: 12,
    timeZoneHourPenalty: 0.5,
    sameCity: 6,
    forum: 4,
    forumCountCap: 255,
    earlierPartner: 1000,
  });
  assert.equal(MAX_SCORE_WITHOUT_PARTNERSHIP, 18 + 12 + 12 + 6 + 32);
  assert.ok(RANKING_WEIGHTS.earlierPartner > MAX_SCORE_WITHOUT_PARTNERSHIP);
});

test('hard rules: never oneself, never blocked, never without a shared language', () => {
  const asker = profile('me', { languages: ['fr', 'en'] });
  const cases: Array<[label: string, candidate: PeerProfile, s: RankingSignals, listed: boolean]> = [
    ['oneself', profile('me', { languages: ['fr'] }), signals(), false],
    ['blocked', profile('b', { languages: ['fr'] }), signals({ blocked: new Set(['b']) }), false],
    ['blocked even as an earlier partner', profile('b'), signals({ blocked: new Set(['b']), earlierPartners: new Set(['b']) }), false],
    ['no shared language', profile('c', { languages: ['de', 'es'] }), signals(), false],
    ['no language at all', profile('c', { languages: [] }), signals(), false],
    ['one shared language is enough', profile('d', { languages: ['de', 'en'] }), signals(), true],
  ];
  for (const [label, candidate, s, listed] of cases) {
    assert.equal(scoreCandidate(asker, candidate, s) !== null, listed, `${label}: scoreCandidate`);
    const page = rankCandidates(asker, [candidate], s);
    assert.deepEqual(ids(page), listed ? [candidate.id] : [], `${label}: rankCandidates`);
    assert.equal(page.total, listed ? 1 : 0, `${label}: total`);
  }
});

test('each score component moves the order as documented', () => {
  const W = RANKING_WEIGHTS;
  type Case = [label: string, asker: PeerProfile, better: PeerProfile, worse: PeerProfile, s: RankingSignals, gap: number];
  const cases: Case[] = [
    ['shared objects', profile('me', { objects: ['mutual-help', 'discuss'] }), profile('z', { objects: ['discuss', 'mutual-help'] }), profile('a'), signals(), W.sharedObject],
    ['shared modalities', profile('me', { modalities: ['synchronous', 'email'] }), profile('z', { modalities: ['email', 'synchronous'] }), profile('a'), signals(), W.sharedModality],
    ['availability overlap', profile('me'), profile('z', { slots: [3] }), profile('a', { slots: [11] }), signals(), 6 * W.availabilityHour],
    ['availability is capped', profile('me', { slots: [3, 7, 11] }), profile('a', { slots: [3, 7, 11] }), profile('z', { slots: [3, 7] }), signals(), 0],
    ['time-zone distance penalty', profile('me', { slots: [] }), profile('z', { utcOffsetMinutes: 120 }), profile('a', { utcOffsetMinutes: -300 }), signals(), 5 * W.timeZoneHourPenalty],
    ['forum interactions', profile('me'), profile('z'), profile('a'), signals({ forumInteractions: new Map([['z', 3]]) }), W.forum * 2],
    ['forum is log-scaled', profile('me'), profile('z'), profile('a'), signals({ forumInteractions: new Map([['z', 7], ['a', 1]]) }), W.forum * (3 - 1)],
    ['forum is capped', profile('me'), profile('a'), profile('z'), signals({ forumInteractions: new Map([['z', 10_000], ['a', 255]]) }), 0],
    ['invalid forum counts are zero', profile('me'), profile('a'), profile('z'), signals({ forumInteractions: new Map([['z', -4], ['a', NaN]]) }), 0],
  ];
  for (const [label, asker, better, worse, s, gap] of cases) {
    const b = scoreCandidate(asker, better, s)!;
    const w = scoreCandidate(asker, worse, s)!;
    assert.equal(b - w, gap, `${label}: gap`);
    assert.deepEqual(ids(rankCandidates(asker, [worse, better], s)), [better.id, worse.id], `${label}: order`);
  }
});

test('same city counts only when both want an in-person modality', () => {
  const inPerson = { modalities: ['in-person-pair', 'synchronous'] as PeerProfile['modalities'] };
  const cases: Array<[label: string, asker: PeerProfile, candidate: PeerProfile, counted: boolean]> = [
    ['both in person, same city', profile('me', { ...inPerson, city: 'Lyon' }), profile('c', { ...inPerson, city: 'Lyon' }), true],
    ['case and spaces ignored', profile('me', { ...inPerson, city: 'Lyon' }), profile('c', { modalities: ['in-person-group'], city: ' lyon ' }), true],
    ['asker remote only', profile('me', { city: 'Lyon' }), profile('c', { ...inPerson, city: 'Lyon' }), false],
    ['candidate remote only', profile('me', { ...inPerson, city: 'Lyon' }), profile('c', { city: 'Lyon' }), false],
    ['different cities', profile('me', { ...inPerson, city: 'Lyon' }), profile('c', { ...inPerson, city: 'Paris' }), false],
    ['candidate without city', profile('me', { ...inPerson, city: 'Lyon' }), profile('c', inPerson), false],
    ['asker without city', profile('me', inPerson), profile('c', { ...inPerson, city: '' }), false],
  ];
  for (const [label, asker, candidate, counted] of cases) {
    const withCity = scoreCandidate(asker, candidate, signals())!;
    const { city: _drop, ...noCity } = candidate;
    const without = scoreCandidate(asker, noCity, signals())!;
    assert.equal(withCity - without, counted ? RANKING_WEIGHTS.sameCity : 0, `${label}: score`);
    const reasons = rankCandidates(asker, [candidate], signals()).items[0]!.reasons;
    assert.equal(reasons.some((r) => r.code === 'same-city'), counted, `${label}: reason`);
  }
});

test('earlier partners come first even when everything else favours others', () => {
  const asker = profile('me', { objects: ['mutual-help', 'discuss'], modalities: ['synchronous', 'email'], slots: [3, 7] });
  const strong = profile('a', { objects: ['mutual-help', 'discuss'], modalities: ['synchronous', 'email'], slots: [3, 7] });
  const partner = profile('z', { objects: ['encouragement'], modalities: ['social-network'], slots: [20], utcOffsetMinutes: -480 });
  const s = signals({ earlierPartners: new Set(['z']), forumInteractions: new Map([['a', 255]]) });
  const page = rankCandidates(asker, [strong, partner], s);
  assert.deepEqual(ids(page), ['z', 'a']);
  assert.deepEqual(page.items[0]!.reasons[0], { code: 'earlier-partner' });
});

test('reasons are structured codes with parameters, in a stable order', () => {
  const asker = profile('me', {
    objects: ['individual-activities', 'mutual-help'],
    modalities: ['in-person-pair', 'synchronous'],
    languages: ['fr', 'en'],
    city: 'Paris',
    slots: [3, 7],
  });
  const candidate = profile('c', {
    objects: ['mutual-help', 'individual-activities', 'discuss'],
    modalities: ['synchronous', 'in-person-group'],
    languages: ['en', 'fr', 'de'],
    city: 'paris',
    slots: [3, 11],
  });
  const s = signals({ forumInteractions: new Map([['c', 3]]), earlierPartners: new Set(['c']) });
  assert.deepEqual(rankCandidates(asker, [candidate], s).items[0]!.reasons, [
    { code: 'earlier-partner' },
    { code: 'forum', count: 3 },
    { code: 'objects', objects: ['individual-activities', 'mutual-help'] },
    { code: 'modalities', modalities: ['synchronous'] },
    { code: 'availability', hours: 6, part: 'evening' },
    { code: 'same-city' },
    { code: 'language', languages: ['en', 'fr'] },
  ]);
  // Nothing shared but a language: only the language reason.
  const bare = profile('d', { objects: ['discuss'], modalities: ['email'], slots: [11] });
  assert.deepEqual(rankCandidates(asker, [bare], signals()).items[0]!.reasons, [{ code: 'language', languages: ['en'] }]);
});

test('reasons are built only for the returned page', () => {
  const { learners } = generatePool(3, 500);
  let built = 0;
  // Only reason building calls `languages.filter`; scoring reads by index.
  const spied = learners.map((l) => ({
    ...l,
    languages: new Proxy([...l.languages], {
      get(target, key, receiver) {
        if (key === 'filter') built++;
        return Reflect.get(target, key, receiver);
      },
    }),
  }));
  const asker = { ...learners[0]!, languages: ['en', 'fr', 'es'] };
  const page = rankCandidates(asker, spied, signals(), { page: 1, pageSize: 20 });
  assert.equal(page.items.length, 20);
  assert.equal(built, 20);
});

test('paging: pages partition the full order; hasMore and total', () => {
  const asker = profile('me', { slots: [3, 7, 11] });
  const candidates = Array.from({ length: 45 }, (_, i) =>
    profile(`c${String(i).padStart(2, '0')}`, { slots: [(i * 7) % 28, (i * 3) % 28], utcOffsetMinutes: ((i % 9) - 4) * 60 }),
  );
  const all = rankCandidates(asker, candidates, signals(), { pageSize: 1000 });
  assert.equal(all.total, 45);
  const cases: Array<[page: number, size: number, count: number, hasMore: boolean]> = [
    [0, 20, 20, true], [1, 20, 20, true], [2, 20, 5, false], [3, 20, 0, false], [0, 45, 45, false], [4, 9, 9, false], [0, 0, 1, true],
  ];
  for (const [pageNo, size, count, hasMore] of cases) {
    const page = rankCandidates(asker, candidates, signals(), { page: pageNo, pageSize: size });
    const effective = Math.max(1, size);
    assert.equal(page.items.length, count, `page ${pageNo}/${size}: count`);
    assert.equal(page.hasMore, hasMore, `page ${pageNo}/${size}: hasMore`);
    assert.equal(page.total, 45);
    assert.deepEqual(ids(page), ids(all).slice(pageNo * effective, pageNo * effective + effective), `page ${pageNo}/${size}: slice`);
  }
  assert.equal(rankCandidates(asker, candidates, signals()).items.length, 20, 'default page size is 20');
});

test('deterministic: ties broken by id ascending, whatever the input order', () => {
  const asker = profile('me');
  const same = ['m', 'b', 'z', 'a', 'k'].map((id) => profile(id));
  const reversed = [...same].reverse();
  assert.deepEqual(ids(rankCandidates(asker, same, signals())), ['a', 'b', 'k', 'm', 'z']);
  assert.deepEqual(rankCandidates(asker, reversed, signals()), rankCandidates(asker, same, signals()));
});

test('rankCandidates agrees with scoring each candidate and sorting them all (generated pool)', () => {
  const pool = generatePool(11, 2_000);
  const asker = pool.learners[0]!;
  const others = pool.learners.slice(1);
  const s = signals({
    forumInteractions: pool.forum.get(asker.id) ?? new Map(),
    earlierPartners: new Set([others[100]!.id, others[1500]!.id]),
    blocked: new Set([others[5]!.id]),
  });
  const expected = others
    .map((c) => ({ id: c.id, score: scoreCandidate(asker, c, s) }))
    .filter((e): e is { id: string; score: number } => e.score !== null)
    .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
  for (const [pageNo, size] of [[0, 20], [3, 20], [0, 7], [2, 250]] as const) {
    const page = rankCandidates(asker, others, s, { page: pageNo, pageSize: size });
    assert.equal(page.total, expected.length);
    assert.deepEqual(
      page.items.map(({ id, score }) => ({ id, score })),
      expected.slice(pageNo * size, (pageNo + 1) * size),
      `page ${pageNo}/${size}`,
    );
  }
});

test('pool generator: same seed, same pool; another seed, another pool', () => {
  const flat = (seed: number) => {
    const pool = generatePool(seed, 400);
    return { learners: pool.learners, forum: [...pool.forum].map(([id, row]) => [id, [...row]]) };
  };
  assert.deepEqual(flat(42), flat(42));
  assert.notDeepEqual(flat(42), flat(43));
});

test('pool generator: distributions are sane', () => {
  const { learners, forum } = generatePool(2024, 5_000);
  const share = (pred: (l: PeerProfile) => boolean) => learners.filter(pred).length / learners.length;
  const distinct = (xs: readonly unknown[]) => new Set(xs).size === xs.length;
  for (const l of learners) {
    assert.ok(l.slots.length >= 2 && l.slots.length <= 6 && distinct(l.slots), `${l.id} slots`);
    assert.ok(l.slots.every((s) => Number.isInteger(s) && s >= 0 && s < 28), `${l.id} slot range`);
    for (const key of ['languages', 'objects', 'modalities'] as const) {
      assert.ok(l[key].length >= 1 && l[key].length <= 3 && distinct(l[key]), `${l.id} ${key}`);
    }
    if (l.city !== undefined) assert.ok(l.modalities.some((m) => m.startsWith('in-person')), `${l.id} city implies in person`);
  }
  // Languages skewed: en > fr > es > the others.
  const speak = (lang: string) => share((l) => l.languages.includes(lang));
  assert.ok(speak('en') > speak('fr') && speak('fr') > speak('es'));
  for (const [lang] of LANGUAGE_WEIGHTS.slice(3)) assert.ok(speak(lang) < speak('es'), lang);
  // Cities for about 15 %.
  const cities = share((l) => l.city !== undefined);
  assert.ok(Math.abs(cities - CITY_SHARE) < 0.03, `city share ${cities}`);
  // Time zones across the world.
  assert.ok(share((l) => l.utcOffsetMinutes <= -180) > 0.2, 'Americas');
  assert.ok(share((l) => l.utcOffsetMinutes >= 0 && l.utcOffsetMinutes <= 180) > 0.2, 'Europe/Africa');
  assert.ok(share((l) => l.utcOffsetMinutes >= 330) > 0.2, 'Asia/Oceania');
  // Sparse power-law forum graph: symmetric, most learners 0–2 partners, a few hubs.
  const degrees = learners.map((l) => forum.get(l.id)?.size ?? 0).sort((a, b) => a - b);
  assert.ok(degrees.filter((d) => d <= 2).length / degrees.length > 0.85, 'most learners have 0-2 forum partners');
  assert.ok(degrees.at(-1)! >= 50, `a hub exists (max degree ${degrees.at(-1)})`);
  for (const [a, row] of forum) for (const [b, n] of row) assert.equal(forum.get(b)?.get(a), n, `${a}-${b} symmetric`);
});
