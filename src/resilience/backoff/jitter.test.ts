import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { decorrelatedDelay, jitterDelay } from './jitter.js';

/** Delays in ms: 0 or ≥ 1 µs (subnormal doubles would round jitter onto its bounds). */
const delayArb = (max: number): fc.Arbitrary<number> =>
  fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max, noNaN: true }));

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : randomInt(2 ** 31);
console.log(`jitter.test.ts fast-check seed: ${seed} (FC_SEED=${seed} reproduces)`);
const params = { seed, numRuns: 300 };

describe('jitterDelay', () => {
  it('none keeps the delay, full draws U(0, d), equal draws d/2 + U(0, d/2)', () => {
    fc.assert(
      fc.property(delayArb(1e9), fc.integer(), (d, s) => {
        assert.equal(jitterDelay('none', d, new Rng(s)), d);
        const twin = new Rng(s);
        assert.equal(jitterDelay('full', d, new Rng(s)), d * twin.float());
        const twin2 = new Rng(s);
        assert.equal(jitterDelay('equal', d, new Rng(s)), d / 2 + (d / 2) * twin2.float());
      }),
      params,
    );
  });
});

describe('decorrelatedDelay', () => {
  it('stays in [base, min(cap, 3 · max(previous, base))]', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1e4, noNaN: true }),
        fc.double({ min: 1, max: 1e4, noNaN: true }),
        delayArb(1e8),
        fc.integer(),
        (baseMs, capRatio, previousDelayMs, s) => {
          const capMs = baseMs * capRatio;
          const d = decorrelatedDelay(baseMs, capMs, previousDelayMs, new Rng(s));
          assert.ok(d >= baseMs && d <= Math.min(capMs, 3 * Math.max(previousDelayMs, baseMs)));
        },
      ),
      params,
    );
  });
});
