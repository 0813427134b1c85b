import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { constantBackoff } from './constant.js';
import type { SimpleJitter } from './jitter.js';

/** Delays in ms: 0 or ≥ 1 µs (subnormal doubles would round jitter onto its bounds). */
const delayArb = (max: number): fc.Arbitrary<number> =>
  fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max, noNaN: true }));

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : randomInt(2 ** 31);
console.log(`constant.test.ts fast-check seed: ${seed} (FC_SEED=${seed} reproduces)`);

describe('constantBackoff', () => {
  it('waits the same delay before every retry without jitter', () => {
    const b = constantBackoff({ delayMs: 250 });
    const rng = new Rng(1);
    assert.deepEqual(
      [1, 2, 3, 100].map((n) => b.next(n, 1234, rng)),
      [250, 250, 250, 250],
    );
    assert.equal(constantBackoff({ delayMs: 0 }).next(1, 0, rng), 0);
  });

  it('stays within its jitter bounds', () => {
    fc.assert(
      fc.property(
        delayArb(1e7),
        fc.constantFrom<SimpleJitter>('none', 'full', 'equal'),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer(),
        (delayMs, jitter, attempt, rngSeed) => {
          const d = constantBackoff({ delayMs, jitter }).next(attempt, 0, new Rng(rngSeed));
          const lo = jitter === 'none' ? delayMs : jitter === 'equal' ? delayMs / 2 : 0;
          assert.ok(d >= lo && d <= delayMs, `${d} outside [${lo}, ${delayMs}]`);
          if (jitter === 'full' && delayMs > 0) assert.ok(d < delayMs);
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('rejects bad options', () => {
    assert.throws(() => constantBackoff({ delayMs: -1 }), /delayMs .*got -1/);
    assert.throws(() => constantBackoff({ delayMs: Infinity }), /delayMs .*got Infinity/);
    assert.throws(
      () => constantBackoff({ delayMs: 1, jitter: 'decorrelated' as SimpleJitter }),
      /jitter must be one of 'none', 'full', 'equal', got 'decorrelated'/,
    );
  });
});
