import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchPool, emptyPoolSignals, type PoolLearner, type PoolResult, type PoolSignals } from '../../src/core/pool-matching.js';
import { pairScore, scoreCandidate, type RankingSignals } from '../../src/core/ranking.js';
import { countHours, dominantSharedPart, slotsToUtcHours, type WeekHours } from '../../src/core/availability.js';
import { generatePool, mulberry32 } from '../../bench/pool-generator.js';
import { maxWeightMatching } from '../../bench/exact-matching.js';
import { exhaustiveOptimum, objective, smallInstance } from '../../bench/pool-reference.js';

const learner = (id: string, over: Partial<PoolLearner> = {}): PoolLearner => ({
  id,
  objects: ['mutual-help'],
  modalities: ['synchronous'],
  languages: ['en'],
  utcOffsetMinutes: 60,
  slots: [3, 7],
  ...over,
});

const pairs = (entries: Array<[string, string]>): Map<string, Set<string>> => {
  const m = new Map<string, Set<string>>();
  for (const [a, b] of entries) {
    if (!m.has(a)) m.set(a, new Set());
    m.get(a)!.add(b);
  }
  return m;
};

const signals = (over: Partial<PoolSignals> = {}): PoolSignals => ({ ...emptyPoolSignals(), ...over });
const sizes = (result: PoolResult) => result.groups.map((g) => g.members.length).sort((a, b) => b - a);
const together = (result: PoolResult, a: string, b: string) => result.groups.some((g) => g.members.includes(a) && g.members.includes(b));

const andHours = (a: WeekHours, b: WeekHours): WeekHours => a.map((x, i) => x & b[i]!) as WeekHours;

/** Every rule of the result, checked with the reference code (ranking.ts, availability.ts), not the matcher's. */
function assertValid(learners: readonly PoolLearner[], s: PoolSignals, groupSize: number, result: PoolResult, label: string): void {
  const byId = new Map(learners.map((l) => [l.id, l]));
  const seen = new Set<string>();
  const blocked = (a: string, b: string) => s.blocked.get(a)?.has(b) === true || s.blocked.get(b)?.has(a) === true;
  let previousFirst = '';
  for (const group of result.groups) {
    const where = `${label} group ${group.members.join(',')}`;
    assert.ok(group.members.length >= 2 && group.members.length <= groupSize, `${where}: size`);
    assert.deepEqual(group.members, [...group.members].sort(), `${where}: members sorted`);
    assert.ok(group.members[0]! > previousFirst, `${where}: groups ordered by first member`);
    previousFirst = group.members[0]!;
    const members = group.members.map((id) => {
      assert.ok(byId.has(id), `${where}: ${id} was not given`);
      assert.ok(!seen.has(id), `${where}: ${id} twice`);
      seen.add(id);
      return byId.get(id)!;
    });
    const languages = members.slice(1).reduce((common, m) => common.filter((l) => m.languages.includes(l)), [...members[0]!.languages]);
    assert.ok(languages.length > 0, `${where}: a language common to all`);
    const hours = members.map((m) => slotsToUtcHours(m.slots, m.utcOffsetMinutes)).reduce(andHours);
    assert.ok(countHours(hours) > 0, `${where}: an hour common to all`);
    let sum = 0;
    for (let a = 0; a < members.length; a++) {
      for (let b = a + 1; b < members.length; b++) {
        assert.ok(!blocked(members[a]!.id, members[b]!.id), `${where}: blocked pair`);
        const score = pairScore(members[a]!, members[b]!, s);
        assert.ok(score !== null, `${where}: pair allowed`);
        sum += score!;
      }
    }
    const mean = sum / ((members.length * (members.length - 1)) / 2);
    assert.ok(Math.abs(mean - group.score) < 1e-9, `${where}: score ${group.score} is the mean pair score ${mean}`);
    assert.ok(group.score >= 0, `${where}: no group with a negative mean`);
  }
  for (const id of result.unmatched) {
    assert.ok(byId.has(id) && !seen.has(id), `${label}: unmatched ${id}`);
    seen.add(id);
  }
  assert.deepEqual(result.unmatched, [...result.unmatched].sort(), `${label}: unmatched sorted`);
  assert.equal(seen.size, learners.length, `${label}: everybody accounted for`);
}

/** Generated pool with some blocks and earlier partners among its learners. */
function generatedCase(seed: number, size: number): { learners: PoolLearner[]; s: PoolSignals } {
  const pool = generatePool(seed, size);
  const random = mulberry32(seed + 1000);
  const pick = () => pool.learners[Math.floor(random() * size)]!.id;
  const blockedPairs: Array<[string, string]> = [];
  const earlierPairs: Array<[string, string]> = [];
  for (let k = 0; k < size / 4; k++) blockedPairs.push([pick(), pick()]);
  for (let k = 0; k < size / 25; k++) earlierPairs.push([pick(), pick()]);
  return {
    learners: pool.learners,
    s: { forumInteractions: pool.forum, earlierPartners: pairs(earlierPairs), blocked: pairs(blockedPairs) },
  };
}

test('pairScore is symmetric and is the ranking score of the pair', () => {
  const { learners, s } = generatedCase(5, 300);
  // One-way signals still count both ways.
  const oneWay: PoolSignals = {
    forumInteractions: new Map([[learners[0]!.id, new Map([[learners[1]!.id, 7]])]]),
    earlierPartners: pairs([[learners[2]!.id, learners[3]!.id]]),
    blocked: pairs([[learners[4]!.id, learners[5]!.id]]),
  };
  for (const sig of [s, oneWay]) {
    for (let i = 0; i < 60; i++) {
      for (let j = 0; j < 60; j++) {
        const a = learners[i]!;
        const b = learners[j]!;
        const ab = pairScore(a, b, sig);
        assert.equal(ab, pairScore(b, a, sig), `${a.id}-${b.id} symmetric`);
        const view = (x: string, y: string): RankingSignals => ({
          forumInteractions: new Map([[y, Math.max(sig.forumInteractions.get(x)?.get(y) ?? 0, sig.forumInteractions.get(y)?.get(x) ?? 0)]]),
          earlierPartners: new Set(sig.earlierPartners.get(x)?.has(y) || sig.earlierPartners.get(y)?.has(x) ? [y] : []),
          blocked: new Set(sig.blocked.get(x)?.has(y) || sig.blocked.get(y)?.has(x) ? [y] : []),
        });
        assert.equal(ab, scoreCandidate(a, b, view(a.id, b.id)), `${a.id}-${b.id} as ranked`);
      }
    }
  }
  assert.equal(pairScore(learners[4]!, learners[5]!, oneWay), null, 'blocked one way is blocked');
  assert.equal(pairScore(learners[0]!, learners[0]!, s), null, 'never with oneself');
});

test('hard constraints hold over many generated pools, for every group size', () => {
  for (let seed = 1; seed <= 8; seed++) {
    const { learners, s } = generatedCase(seed, 40 + seed * 45);
    for (let groupSize = 2; groupSize <= 6; groupSize++) {
      const result = matchPool(learners, s, { groupSize, seed });
      assertValid(learners, s, groupSize, result, `seed ${seed} size ${groupSize}`);
      const full = result.groups.filter((g) => g.members.length === groupSize).length;
      assert.ok(full * groupSize >= learners.length / 3, `seed ${seed} size ${groupSize}: most learners in full groups (${full})`);
    }
  }
});

test('deterministic: same input and seed give the same result, whatever the input order', () => {
  const { learners, s } = generatedCase(21, 500);
  for (const groupSize of [2, 3, 5]) {
    const first = matchPool(learners, s, { groupSize, seed: 9 });
    assert.deepEqual(matchPool(learners, s, { groupSize, seed: 9 }), first, `size ${groupSize}: same input`);
    const shuffled = [...learners];
    const random = mulberry32(4);
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    assert.deepEqual(matchPool(shuffled, s, { groupSize, seed: 9 }), first, `size ${groupSize}: shuffled input`);
  }
});

test('leftovers form the largest valid groups possible; whoever fits nobody is unmatched', () => {
  const alike = (n: number) => Array.from({ length: n }, (_, i) => learner(`p${i}`));
  const cases: Array<[label: string, learners: PoolLearner[], groupSize: number, sizes: number[], unmatched: string[]]> = [
    ['7 alike, size 3', alike(7), 3, [3, 3], ['p6']],
    ['8 alike, size 3', alike(8), 3, [3, 3, 2], []],
    ['7 alike, size 4', alike(7), 4, [4, 3], []],
    ['11 alike, size 6', alike(11), 6, [6, 5], []],
    ['5 alike, size 2', alike(5), 2, [2, 2], ['p4']],
    ['1 learner', alike(1), 2, [], ['p0']],
    ['no shared language', [...alike(4), learner('x', { languages: ['de'] })], 2, [2, 2], ['x']],
    ['no shared hour', [...alike(4), learner('x', { slots: [12] })], 2, [2, 2], ['x']],
    ['no language at all', [...alike(2), learner('x', { languages: [] })], 3, [2], ['x']],
    ['no slot at all', [...alike(3), learner('x', { slots: [] })], 3, [3], ['x']],
  ];
  for (const [label, learners, groupSize, expected, unmatched] of cases) {
    const result = matchPool(learners, signals(), { groupSize, seed: 1 });
    assertValid(learners, signals(), groupSize, result, label);
    assert.deepEqual(sizes(result), expected, `${label}: group sizes`);
    if (unmatched.includes('x')) assert.deepEqual(result.unmatched, ['x'], `${label}: unmatched`);
    else assert.equal(result.unmatched.length, unmatched.length, `${label}: unmatched count`);
  }
});

test('a group needs a language and an hour common to ALL its members, not only pairwise', () => {
  // Pairwise each shares a language (a-b en, b-c fr, a-c de), but no language is common to all three.
  const noCommonLanguage = [
    learner('a', { languages: ['en', 'de'] }),
    learner('b', { languages: ['en', 'fr'] }),
    learner('c', { languages: ['fr', 'de'] }),
  ];
  // Pairwise each shares an evening, but no hour is common to all three.
  const noCommonHour = [learner('a', { slots: [3, 7] }), learner('b', { slots: [7, 11] }), learner('c', { slots: [3, 11] })];
  for (const [label, learners] of [['language', noCommonLanguage], ['hour', noCommonHour]] as const) {
    const result = matchPool(learners, signals(), { groupSize: 3, seed: 1 });
    assertValid(learners, signals(), 3, result, label);
    assert.deepEqual(sizes(result), [2], `${label}: only a leftover pair`);
  }
});

test('blocked pairs are never grouped, whichever way the block was recorded', () => {
  const learners = [learner('a'), learner('b'), learner('c', { objects: ['discuss'] }), learner('d', { objects: ['discuss'] })];
  const free = matchPool(learners, signals(), { groupSize: 2, seed: 1 });
  assert.ok(together(free, 'a', 'b') && together(free, 'c', 'd'), 'without blocks: alike pairs');
  for (const blocked of [pairs([['a', 'b']]), pairs([['b', 'a']])]) {
    const s = signals({ blocked });
    const result = matchPool(learners, s, { groupSize: 2, seed: 1 });
    assertValid(learners, s, 2, result, 'blocked');
    assert.ok(!together(result, 'a', 'b'), 'a and b apart');
    assert.deepEqual(sizes(result), [2, 2], 'everybody still matched');
  }
  const s = signals({ blocked: pairs([['a', 'b']]) });
  const trio = matchPool(learners.slice(0, 3), s, { groupSize: 3, seed: 1 });
  assert.ok(!trio.groups.some((g) => g.members.length === 3), 'no trio with a blocked pair');
});

test('earlier partners end up together, ahead of better-fitting strangers', () => {
  const learners = [
    learner('ana', { objects: ['mutual-help', 'discuss'], modalities: ['synchronous', 'email'] }),
    learner('ben', { objects: ['mutual-help', 'discuss'], modalities: ['synchronous', 'email'] }),
    learner('cleo', { objects: ['encouragement'], modalities: ['social-network'], utcOffsetMinutes: 120, slots: [7] }),
    learner('dan', { objects: ['encouragement'], modalities: ['social-network'] }),
  ];
  const s = signals({ earlierPartners: pairs([['ana', 'cleo']]) });
  const result = matchPool(learners, s, { groupSize: 2, seed: 3 });
  assertValid(learners, s, 2, result, 'earlier');
  assert.ok(together(result, 'ana', 'cleo'));
  const group = result.groups.find((g) => g.members.includes('ana'))!;
  assert.deepEqual(group.reasons[0], { code: 'earlier-partner' });
  // Same with groups of three: the partners are in one group.
  const trio = matchPool([...learners, learner('eve')], s, { groupSize: 3, seed: 3 });
  assert.ok(together(trio, 'ana', 'cleo'));
});

test('empty input and invalid options', () => {
  assert.deepEqual(matchPool([], signals(), { groupSize: 2, seed: 1 }), { groups: [], unmatched: [] });
  for (const groupSize of [1, 7, 2.5, Number.NaN]) {
    assert.throws(() => matchPool([learner('a')], signals(), { groupSize, seed: 1 }), RangeError, `groupSize ${groupSize}`);
  }
  assert.throws(() => matchPool([learner('a'), learner('a')], signals(), { groupSize: 2, seed: 1 }), RangeError, 'duplicate id');
  // Signals about learners not in the pool are ignored.
  const s = signals({ blocked: pairs([['zed', 'a']]), forumInteractions: new Map([['a', new Map([['zed', 5]])]]) });
  assert.deepEqual(sizes(matchPool([learner('a'), learner('b')], s, { groupSize: 2, seed: 1 })), [2]);
});

test('finds the obvious optimum where greedy would not', () => {
  // a-b is the best pair, but taking it leaves c and d, who share no language.
  // The optimum is a-c + b-d.
  const learners = [
    learner('a', { languages: ['en', 'fr'], objects: ['mutual-help', 'discuss', 'watch-videos'], modalities: ['synchronous', 'email'] }),
    learner('b', { languages: ['en', 'de'], objects: ['mutual-help', 'discuss', 'watch-videos'], modalities: ['synchronous', 'email'] }),
    learner('c', { languages: ['fr'], objects: ['mutual-help', 'discuss'], modalities: ['synchronous'] }),
    learner('d', { languages: ['de'], objects: ['mutual-help', 'discuss'], modalities: ['synchronous'] }),
  ];
  const s = signals();
  const [a, b, c, d] = learners;
  assert.ok(pairScore(a!, b!, s)! > pairScore(a!, c!, s)! && pairScore(c!, d!, s) === null, 'the trap is set');
  const result = matchPool(learners, s, { groupSize: 2, seed: 1 });
  assert.ok(together(result, 'a', 'c') && together(result, 'b', 'd'), JSON.stringify(result.groups.map((g) => g.members)));
  // Groups of three: two natural trios, each sharing a language and an evening; crossing them breaks both.
  const trios = [
    ...['x1', 'x2', 'x3'].map((id) => learner(id, { languages: ['es'], slots: [19] })),
    ...['y1', 'y2', 'y3'].map((id) => learner(id, { languages: ['pt'], slots: [23] })),
  ];
  assert.deepEqual(
    matchPool(trios, s, { groupSize: 3, seed: 2 }).groups.map((g) => g.members),
    [['x1', 'x2', 'x3'], ['y1', 'y2', 'y3']],
  );
});

test('small instances: never above the exhaustive optimum, and close to it', () => {
  let evaluated = 0;
  for (let seed = 1; seed <= 45; seed++) {
    const instance = smallInstance(seed);
    const optimum = exhaustiveOptimum(instance.learners, instance.signals, instance.groupSize);
    const result = matchPool(instance.learners, instance.signals, { groupSize: instance.groupSize, seed });
    assertValid(instance.learners, instance.signals, instance.groupSize, result, `small ${seed}`);
    const total = objective(result, instance.groupSize);
    assert.ok(total <= optimum + 1e-9, `small ${seed}: ${total} ≤ optimum ${optimum}`);
    if (optimum > 0) {
      evaluated++;
      assert.ok(total >= 0.85 * optimum, `small ${seed}: ${total} vs optimum ${optimum}`);
    }
  }
  assert.ok(evaluated >= 30, `${evaluated} instances with a grouping`);
});

test('reasons: what all members share, in the ranking shapes and order', () => {
  const learners = [
    learner('a', {
      objects: ['mutual-help', 'discuss', 'watch-videos'],
      modalities: ['in-person-pair', 'synchronous', 'email'],
      languages: ['fr', 'en'],
      city: 'Lyon',
      slots: [3, 7],
    }),
    learner('b', {
      objects: ['discuss', 'mutual-help'],
      modalities: ['synchronous', 'in-person-group', 'email'],
      languages: ['en', 'fr', 'de'],
      city: ' lyon ',
      slots: [3, 7, 11],
    }),
    learner('c', {
      objects: ['mutual-help', 'discuss'],
      modalities: ['in-person-pair', 'synchronous'],
      languages: ['fr', 'en'],
      city: 'LYON',
      slots: [3, 7],
    }),
  ];
  const s = signals({
    forumInteractions: new Map([['a', new Map([['b', 3]])], ['c', new Map([['b', 2]])]]),
    earlierPartners: pairs([['c', 'a']]),
  });
  const result = matchPool(learners, s, { groupSize: 3, seed: 1 });
  assert.equal(result.groups.length, 1);
  assert.deepEqual(result.groups[0]!.reasons, [
    { code: 'earlier-partner' },
    { code: 'forum', count: 5 },
    { code: 'objects', objects: ['discuss', 'mutual-help'] },
    { code: 'modalities', modalities: ['synchronous'] },
    { code: 'availability', hours: 12, part: 'evening' },
    { code: 'same-city' },
    { code: 'language', languages: ['en', 'fr'] },
  ]);
  // Not all in person in the same city, nothing else shared: only availability and language.
  const plain = matchPool(
    [learner('a', { objects: ['discuss'] }), learner('b', { modalities: ['email'], city: 'Lyon' })],
    signals(),
    { groupSize: 2, seed: 1 },
  );
  assert.deepEqual(plain.groups[0]!.reasons, [
    { code: 'availability', hours: 12, part: 'evening' },
    { code: 'language', languages: ['en'] },
  ]);
});

test('availability reasons: hours common to all, part of day in the first member’s local time', () => {
  const { learners, s } = generatedCase(77, 400);
  const byId = new Map(learners.map((l) => [l.id, l]));
  for (const groupSize of [2, 4]) {
    for (const group of matchPool(learners, s, { groupSize, seed: 1 }).groups) {
      const members = group.members.map((id) => byId.get(id)!);
      const common = members.map((m) => slotsToUtcHours(m.slots, m.utcOffsetMinutes)).reduce(andHours);
      const part = dominantSharedPart(common, common, members[0]!.utcOffsetMinutes);
      const reason = group.reasons.find((r) => r.code === 'availability');
      assert.deepEqual(reason, { code: 'availability', hours: countHours(common), part }, group.members.join(','));
    }
  }
});

test('bench helper: the exact maximum-weight matching agrees with brute force', () => {
  const random = mulberry32(99);
  const brute = (n: number, w: number[][]): number => {
    const memo = new Map<number, number>();
    const best = (used: number): number => {
      if (memo.has(used)) return memo.get(used)!;
      let i = 0;
      while (i < n && used & (1 << i)) i++;
      if (i === n) return 0;
      let value = best(used | (1 << i));
      for (let j = i + 1; j < n; j++) if (!(used & (1 << j)) && w[i]![j]! > 0) value = Math.max(value, w[i]![j]! + best(used | (1 << i) | (1 << j)));
      memo.set(used, value);
      return value;
    };
    return best(0);
  };
  for (let t = 0; t < 300; t++) {
    const n = 2 + Math.floor(random() * 11);
    const density = random();
    const w = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const u: number[] = [];
    const v: number[] = [];
    const weights: number[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (random() >= density) continue;
        const weight = 1 + Math.floor(random() * [3, 20, 1000][t % 3]!);
        w[i]![j] = w[j]![i] = weight;
        u.push(i);
        v.push(j);
        weights.push(weight);
      }
    }
    const result = maxWeightMatching({ n, u: Int32Array.from(u), v: Int32Array.from(v), w: Float64Array.from(weights) });
    assert.equal(result.weight, brute(n, w), `graph ${t}`);
    for (let x = 0; x < n; x++) if (result.mate[x]! >= 0) assert.equal(result.mate[result.mate[x]!], x);
  }
});
