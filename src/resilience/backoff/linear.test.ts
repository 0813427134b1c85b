import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { linearBackoff } from './linear.js';
import type { SimpleJitter } from './jitter.js';

/** Delays in ms: 0 or ≥ 1 µs (subnormal doubles would round jitter onto its bounds). */
const delayArb = (max: number): fc.Arbitrary<number> =>
  fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max, noNaN: true }));

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : randomInt(2 ** 31);
console.log(`linear.test.ts fast-check seed: ${seed} (FC_SEED=${seed} reproduces)`);

describe('linearBackoff', () => {
  it('grows by one step per retry up to the cap', () => {
    const rng = new Rng(1);
    const b = linearBackoff({ baseMs: 100, stepMs: 50, capMs: 300 });
    assert.deepEqual(
      [1, 2, 3, 4, 5, 99].map((n) => b.next(n, 0, rng)),
      [100, 150, 200, 250, 300, 300],
    );
    const byBase = linearBackoff({ baseMs: 10 });
    assert.deepEqual(
      [1, 2, 3].map((n) => byBase.next(n, 0, rng)),
      [10, 20, 30],
    );
  });

  it('stays within min(cap, base + step·(n−1)) and its jitter bounds', () => {
    fc.assert(
      fc.property(
        delayArb(1e5),
        delayArb(1e5),
        fc.double({ min: 1, max: 100, noNaN: true }),
        fc.constantFrom<SimpleJitter>('none', 'full', 'equal'),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer(),
        (baseMs, stepMs, capRatio, jitter, attempt, rngSeed) => {
          const capMs = baseMs * capRatio;
          const d = linearBackoff({ baseMs, stepMs, capMs, jitter }).next(
            attempt,
            0,
            new Rng(rngSeed),
          );
          const max = Math.min(capMs, baseMs + stepMs * (attempt - 1));
          const lo = jitter === 'none' ? max : jitter === 'equal' ? max / 2 : 0;
          assert.ok(d >= lo && d <= max, `${d} outside [${lo}, ${max}]`);
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('rejects bad options', () => {
    assert.throws(() => linearBackoff({ baseMs: -5 }), /baseMs .*got -5/);
    assert.throws(() => linearBackoff({ baseMs: 5, stepMs: Number.NaN }), /stepMs .*got NaN/);
    assert.throws(() => linearBackoff({ baseMs: 5, capMs: 1 }), /capMs must be >= 5, got 1/);
    assert.throws(
      () => linearBackoff({ baseMs: 5, jitter: 'decorrelated' as SimpleJitter }),
      /jitter must be one of/,
    );
  });
});
