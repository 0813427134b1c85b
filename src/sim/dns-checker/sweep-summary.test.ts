import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SeedResult } from './seed-run.js';
import { addSeedResult, checkJson, emptySweepSummary, mergeSweepSummary } from './sweep-summary.js';

function result(seed: number, violated: SeedResult['violated'], error?: string): SeedResult {
  return {
    seed,
    mode: 'legacy',
    violated,
    firsts: violated.map((invariant) => ({ invariant, atUs: 0, message: invariant })),
    timeline: [],
    schedule: [],
    steps: 1,
    events: 1,
    virtualMs: 1,
    ...(error === undefined ? {} : { error }),
  };
}

describe('addSeedResult', () => {
  it('counts seeds per invariant and keeps the lowest breaker of each', () => {
    const s = emptySweepSummary('legacy');
    addSeedResult(s, result(9, ['I2']));
    addSeedResult(s, result(4, []));
    addSeedResult(s, result(7, ['I1', 'I2', 'I3']));
    addSeedResult(s, result(12, ['I1', 'I3', 'I5']));
    addSeedResult(s, result(3, [], 'boom'));
    assert.equal(s.seeds, 5);
    assert.equal(s.violations, 3);
    assert.equal(s.errors, 1);
    assert.deepEqual(s.invariants, { I1: 2, I2: 2, I3: 2, I4: 0, I5: 1 });
    assert.equal(s.firstViolationSeed, 7);
    assert.deepEqual(
      Object.fromEntries(Object.entries(s.firstByInvariant).map(([k, r]) => [k, r.seed])),
      { I1: 7, I2: 7, I3: 7, I5: 12 },
    );
    assert.equal(s.firstError?.seed, 3);
  });
});

describe('mergeSweepSummary', () => {
  it('gives the same figures as adding every result to one summary', () => {
    const results = [
      result(1, []),
      result(2, ['I2']),
      result(3, ['I1', 'I3']),
      result(4, []),
      result(5, ['I5'], 'x'),
      result(6, ['I2']),
    ];
    const whole = emptySweepSummary('legacy');
    for (const r of results) addSeedResult(whole, r);
    const a = emptySweepSummary('legacy');
    const b = emptySweepSummary('legacy');
    for (const r of results) addSeedResult(r.seed % 2 === 0 ? a : b, r);
    const merged = emptySweepSummary('legacy');
    mergeSweepSummary(merged, a);
    mergeSweepSummary(merged, b);
    const norm = (s: typeof whole) => ({
      ...s,
      violating: [...s.violating].sort((x, y) => x.seed - y.seed),
    });
    assert.deepEqual(norm(merged), norm(whole));
  });
});

describe('checkJson', () => {
  it('has exactly the documented keys, in order', () => {
    const s = emptySweepSummary('legacy');
    addSeedResult(s, result(5, ['I1', 'I2', 'I3']));
    assert.equal(
      JSON.stringify(checkJson(s, 212.345)),
      '{"mode":"legacy","seeds":1,"violations":1,"firstViolationSeed":5,"invariants":{"I1":1,"I2":1,"I3":1,"I4":0,"I5":0},"seedsPerSecond":212.3}',
    );
    assert.equal(checkJson(emptySweepSummary('safe'), 1).firstViolationSeed, null);
  });
});
