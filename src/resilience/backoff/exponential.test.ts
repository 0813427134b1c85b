import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { exponentialBackoff } from './exponential.js';
import type { Jitter } from './jitter.js';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : randomInt(2 ** 31);
console.log(`exponential.test.ts fast-check seed: ${seed} (FC_SEED=${seed} reproduces)`);
const params = { seed, numRuns: 200 };

const arbOptions = fc.record({
  baseMs: fc.double({ min: 0.001, max: 10_000, noNaN: true }),
  capRatio: fc.double({ min: 1, max: 1e6, noNaN: true }),
  factor: fc.double({ min: 1, max: 10, noNaN: true }),
  attempt: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 41, max: 100_000 })),
  rngSeed: fc.integer(),
});

/** The un-jittered delay the blog's formula gives. */
function expected(baseMs: number, capMs: number, factor: number, attempt: number): number {
  return Math.min(capMs, baseMs * factor ** attempt);
}

describe('exponentialBackoff', () => {
  it('without jitter is min(cap, base · factor^attempt), finite and never above the cap', () => {
    fc.assert(
      fc.property(arbOptions, ({ baseMs, capRatio, factor, attempt, rngSeed }) => {
        const capMs = baseMs * capRatio;
        const b = exponentialBackoff({ baseMs, capMs, factor, jitter: 'none' });
        const d = b.next(attempt, 0, new Rng(rngSeed));
        assert.equal(d, expected(baseMs, capMs, factor, attempt));
        assert.ok(Number.isFinite(d) && d <= capMs && d >= baseMs);
      }),
      params,
    );
  });

  it('gives the contention scenario its exponential variant (base 5 ms, cap 2000 ms)', () => {
    const b = exponentialBackoff({ baseMs: 5, capMs: 2000, jitter: 'none' });
    const rng = new Rng(1);
    assert.deepEqual(
      [1, 2, 3, 8, 9, 50, 10_000].map((n) => b.next(n, 0, rng)),
      [10, 20, 40, 1280, 2000, 2000, 2000],
    );
  });

  it('with full jitter stays in [0, d)', () => {
    fc.assert(
      fc.property(arbOptions, ({ baseMs, capRatio, factor, attempt, rngSeed }) => {
        const capMs = baseMs * capRatio;
        const b = exponentialBackoff({ baseMs, capMs, factor, jitter: 'full' });
        const rng = new Rng(rngSeed);
        const max = expected(baseMs, capMs, factor, attempt);
        for (let i = 0; i < 20; i++) {
          const d = b.next(attempt, 0, rng);
          assert.ok(d >= 0 && d < max, `${d} not in [0, ${max})`);
        }
      }),
      params,
    );
  });

  it('with equal jitter stays in [d/2, d)', () => {
    fc.assert(
      fc.property(arbOptions, ({ baseMs, capRatio, factor, attempt, rngSeed }) => {
        const capMs = baseMs * capRatio;
        const b = exponentialBackoff({ baseMs, capMs, factor, jitter: 'equal' });
        const rng = new Rng(rngSeed);
        const max = expected(baseMs, capMs, factor, attempt);
        for (let i = 0; i < 20; i++) {
          const d = b.next(attempt, 0, rng);
          assert.ok(d >= max / 2 && d <= max, `${d} not in [${max / 2}, ${max}]`);
        }
      }),
      params,
    );
  });

  it('with decorrelated jitter follows min(cap, U(base, 3 · previous)) and stays in [base, cap]', () => {
    fc.assert(
      fc.property(
        arbOptions,
        fc.integer({ min: 1, max: 30 }),
        ({ baseMs, capRatio, rngSeed }, steps) => {
          const capMs = baseMs * capRatio;
          const b = exponentialBackoff({ baseMs, capMs, jitter: 'decorrelated' });
          const rng = new Rng(rngSeed);
          const twin = new Rng(rngSeed);
          let previous = 0;
          for (let attempt = 1; attempt <= steps; attempt++) {
            const d = b.next(attempt, previous, rng);
            const prev = Math.max(previous, baseMs);
            assert.equal(d, Math.min(capMs, twin.uniform(baseMs, 3 * prev)));
            assert.ok(d >= baseMs && d <= capMs && d <= 3 * prev);
            previous = d;
          }
        },
      ),
      params,
    );
  });

  it('with decorrelated jitter treats a previous delay below base (or none) as base', () => {
    const b = exponentialBackoff({ baseMs: 5, capMs: 2000, jitter: 'decorrelated' });
    for (const previous of [0, 1, 4.9]) {
      const rng = new Rng(7);
      const twin = new Rng(7);
      assert.equal(b.next(1, previous, rng), twin.uniform(5, 15));
    }
  });

  it('jitters the whole range, with the means the formulas predict', () => {
    const n = 20_000;
    const mean = (jitter: Jitter): number => {
      const b = exponentialBackoff({ baseMs: 50, capMs: 100, jitter });
      const rng = new Rng(3);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += b.next(1, 0, rng);
      return sum / n;
    };
    assert.ok(Math.abs(mean('full') - 50) < 1.5);
    assert.ok(Math.abs(mean('equal') - 75) < 1);
    assert.equal(mean('none'), 100);
  });

  it('draws nothing from the rng without jitter and is deterministic for a seed', () => {
    const rng = new Rng(11);
    const before = rng.state();
    exponentialBackoff({ baseMs: 1, capMs: 10, jitter: 'none' }).next(3, 0, rng);
    assert.deepEqual(rng.state(), before);
    const b = exponentialBackoff({ baseMs: 1, capMs: 1000 });
    const run = (): number[] => {
      const r = new Rng('same');
      return [1, 2, 3, 4].map((a) => b.next(a, 0, r));
    };
    assert.deepEqual(run(), run());
  });

  it('defaults to factor 2 and full jitter', () => {
    const b = exponentialBackoff({ baseMs: 10, capMs: 1000 });
    const rng = new Rng(5);
    const twin = new Rng(5);
    assert.equal(b.next(2, 0, rng), 40 * twin.float());
  });

  it('rejects bad options, naming the option and the value', () => {
    const ok = { baseMs: 5, capMs: 100 };
    assert.throws(() => exponentialBackoff({ ...ok, baseMs: 0 }), /baseMs must be > 0, got 0/);
    assert.throws(() => exponentialBackoff({ ...ok, baseMs: -1 }), /baseMs .*got -1/);
    assert.throws(() => exponentialBackoff({ ...ok, baseMs: Number.NaN }), RangeError);
    assert.throws(
      () => exponentialBackoff({ ...ok, baseMs: '5' as unknown as number }),
      (e: unknown) => e instanceof TypeError && /baseMs must be a number, got '5'/.test(e.message),
    );
    assert.throws(() => exponentialBackoff({ ...ok, capMs: 4 }), /capMs must be >= 5, got 4/);
    assert.throws(() => exponentialBackoff({ ...ok, factor: 0.5 }), /factor .*got 0.5/);
    assert.throws(
      () => exponentialBackoff({ ...ok, jitter: 'half' as Jitter }),
      /jitter must be one of 'none', 'full', 'equal', 'decorrelated', got 'half'/,
    );
    assert.doesNotThrow(() => exponentialBackoff({ ...ok, capMs: Infinity }));
  });
});
