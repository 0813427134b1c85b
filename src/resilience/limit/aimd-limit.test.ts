import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AimdLimit } from './aimd-limit.js';
import type { AimdLimitOptions } from './aimd-limit.js';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20251020;
console.log(`aimd-limit.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

describe('AimdLimit', () => {
  it('adds 1 per success while in flight is at least half the limit', () => {
    const aimd = new AimdLimit({ initialLimit: 10 });
    assert.equal(aimd.onSample(5, 5, false), 11);
    assert.equal(aimd.onSample(5, 11, false), 12);
    assert.equal(aimd.limit, 12);
  });

  it('does not grow while app-limited (in flight below half the limit)', () => {
    const aimd = new AimdLimit({ initialLimit: 10 });
    assert.equal(aimd.onSample(5, 4, false), 10);
  });

  it('cuts multiplicatively on a drop, and on a success slower than timeoutMs', () => {
    const aimd = new AimdLimit({ initialLimit: 100, backoffRatio: 0.9, timeoutMs: 1000 });
    assert.equal(aimd.onSample(5, 100, true), 90);
    assert.equal(aimd.onSample(1001, 90, false), 81);
    assert.equal(aimd.onSample(1000, 81, false), 82, 'exactly the timeout is not a drop');
  });

  it('always lowers by at least one on a drop, down to minLimit', () => {
    const aimd = new AimdLimit({ initialLimit: 3, minLimit: 2, backoffRatio: 0.99 });
    assert.equal(aimd.onSample(1, 3, true), 2);
    assert.equal(aimd.onSample(1, 3, true), 2);
  });

  it('stays within [minLimit, maxLimit] under any samples', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.array(fc.tuple(fc.nat({ max: 10_000 }), fc.nat({ max: 200 }), fc.boolean()), {
          maxLength: 300,
        }),
        (minLimit, span, samples) => {
          const maxLimit = minLimit + span;
          const aimd = new AimdLimit({ minLimit, maxLimit, initialLimit: minLimit });
          for (const [rtt, inFlight, dropped] of samples) {
            const l = aimd.onSample(rtt, inFlight, dropped);
            assert.ok(Number.isInteger(l) && l >= minLimit && l <= maxLimit, `limit ${l}`);
            assert.equal(l, aimd.limit);
          }
        },
      ),
      { seed, numRuns: 200 },
    );
  });

  it('uses Netflix defaults except minLimit', () => {
    const aimd = new AimdLimit();
    assert.equal(aimd.limit, 20);
    assert.equal(aimd.minLimit, 1);
    assert.equal(aimd.maxLimit, 200);
    assert.equal(aimd.backoffRatio, 0.9);
    assert.equal(aimd.timeoutMs, 5000);
  });

  it('rejects bad options with a RangeError naming the option', () => {
    const cases: Array<[AimdLimitOptions, string]> = [
      [{ minLimit: 0 }, 'minLimit'],
      [{ minLimit: 1.5 }, 'minLimit'],
      [{ minLimit: 5, maxLimit: 4 }, 'maxLimit'],
      [{ initialLimit: 300 }, 'initialLimit'],
      [{ initialLimit: 0 }, 'initialLimit'],
      [{ backoffRatio: 1 }, 'backoffRatio'],
      [{ backoffRatio: 0.4 }, 'backoffRatio'],
      [{ timeoutMs: 0 }, 'timeoutMs'],
      [{ timeoutMs: NaN }, 'timeoutMs'],
    ];
    for (const [opts, name] of cases) {
      assert.throws(
        () => new AimdLimit(opts),
        (e: unknown) => e instanceof RangeError && e.message.includes(name),
        name,
      );
    }
  });
});
