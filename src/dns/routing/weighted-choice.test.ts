import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { pickWeightedEndpoint, pickWeightedIndex, weightedChoice } from './weighted-choice.js';
import type { RoutedEndpoint } from './routing-policy.js';

const SEED = process.env['FC_SEED'] === undefined ? 20261126 : Number(process.env['FC_SEED']);
console.log(`weighted-choice.test: seed ${SEED} (set FC_SEED to change)`);

const ep = (n: number, weight: number): RoutedEndpoint => ({
  address: `192.0.2.${n}`,
  weight,
  healthCheck: `c${n}`,
});
const down = (...ns: number[]): Map<string, boolean> => new Map(ns.map((n) => [`c${n}`, false]));

/** Share of each address over `n` picks. */
function shares(
  endpoints: readonly RoutedEndpoint[],
  health: Map<string, boolean>,
  n: number,
  seed: number,
): Map<string, number> {
  const rng = new Rng(seed);
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const e = pickWeightedEndpoint(endpoints, health, rng)!;
    counts.set(e.address, (counts.get(e.address) ?? 0) + 1);
  }
  return new Map([...counts].map(([a, c]) => [a, c / n]));
}

describe('weightedChoice', () => {
  it('holds cumulative weights, uniform ones when every weight is 0', () => {
    assert.deepEqual(weightedChoice([3, 2, 1]).cumulative, [3, 5, 6]);
    assert.deepEqual(weightedChoice([0, 0]).cumulative, [1, 2]);
  });

  it('rejects an empty list and bad weights', () => {
    assert.throws(() => weightedChoice([]), RangeError);
    assert.throws(() => weightedChoice([1, -1]), /got -1/);
    assert.throws(() => weightedChoice([Number.NaN]), /got NaN/);
    assert.throws(() => weightedChoice([Infinity]), /got Infinity/);
  });
});

describe('pickWeightedIndex', () => {
  it('maps [0, 1) onto the candidates in proportion to their weights', () => {
    const c = weightedChoice([3, 0, 1]);
    assert.equal(pickWeightedIndex(c, 0), 0);
    assert.equal(pickWeightedIndex(c, 0.74), 0);
    assert.equal(pickWeightedIndex(c, 0.75), 2);
    assert.equal(pickWeightedIndex(c, 0.999999), 2);
  });

  it('never picks a zero weight while another weight is above 0 (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 10 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (weights, u) => {
          const i = pickWeightedIndex(weightedChoice(weights), u);
          assert.ok(i >= 0 && i < weights.length);
          if (weights.some((w) => w > 0)) assert.ok(weights[i]! > 0, `picked weight 0 at ${i}`);
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('pickWeightedEndpoint', () => {
  it('over 10 000 seeded picks, shares match weight / total within 2 points', () => {
    const endpoints = [ep(1, 3), ep(2, 2), ep(3, 1), ep(4, 0)];
    const got = shares(endpoints, new Map(), 10_000, SEED);
    console.log(`weighted shares (weights 3:2:1:0, seed ${SEED}): ${JSON.stringify([...got])}`);
    const want: Record<string, number> = {
      '192.0.2.1': 3 / 6,
      '192.0.2.2': 2 / 6,
      '192.0.2.3': 1 / 6,
    };
    for (const [address, share] of Object.entries(want)) {
      assert.ok(
        Math.abs((got.get(address) ?? 0) - share) < 0.02,
        `${address}: ${got.get(address)}`,
      );
    }
    assert.equal(got.get('192.0.2.4'), undefined, 'zero weight drawn while others healthy');
  });

  it('leaves unhealthy endpoints out and re-weighs the healthy ones', () => {
    const got = shares([ep(1, 3), ep(2, 1), ep(3, 1)], down(1), 10_000, SEED + 1);
    assert.equal(got.get('192.0.2.1'), undefined);
    assert.ok(Math.abs(got.get('192.0.2.2')! - 0.5) < 0.02);
  });

  it('uses zero-weight endpoints only when every weighted one is unhealthy, uniformly', () => {
    const endpoints = [ep(1, 5), ep(2, 0), ep(3, 0)];
    assert.deepEqual([...shares(endpoints, new Map(), 1000, SEED).keys()], ['192.0.2.1']);
    const got = shares(endpoints, down(1), 10_000, SEED + 2);
    assert.equal(got.get('192.0.2.1'), undefined);
    assert.ok(Math.abs(got.get('192.0.2.2')! - 0.5) < 0.02, JSON.stringify([...got]));
    // A healthy standby beats an unhealthy weighted endpoint; a down standby is skipped.
    assert.deepEqual([...shares(endpoints, down(1, 2), 1000, SEED).keys()], ['192.0.2.3']);
  });

  it('fails open when nothing is healthy: by weight among all', () => {
    const got = shares([ep(1, 3), ep(2, 1), ep(3, 0)], down(1, 2, 3), 10_000, SEED + 3);
    assert.ok(Math.abs(got.get('192.0.2.1')! - 0.75) < 0.02, JSON.stringify([...got]));
    assert.equal(got.get('192.0.2.3'), undefined);
  });

  it('defaults a missing weight to 1 and returns undefined for no endpoints', () => {
    const rng = new Rng(SEED);
    assert.equal(pickWeightedEndpoint([], new Map(), rng), undefined);
    const got = shares(
      [{ address: '192.0.2.1' }, { address: '192.0.2.2' }],
      new Map(),
      10_000,
      SEED,
    );
    assert.ok(Math.abs(got.get('192.0.2.1')! - 0.5) < 0.02);
  });
});
