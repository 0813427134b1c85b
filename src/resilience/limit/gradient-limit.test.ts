import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GradientLimit } from './gradient-limit.js';
import type { GradientLimitOptions } from './gradient-limit.js';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20251020;
console.log(`gradient-limit.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

/** Feeds `n` samples of `rttMs` with the limit fully used; returns the limit after. */
function feed(g: GradientLimit, n: number, rttMs: number): number {
  for (let i = 0; i < n; i++) g.onSample(rttMs, g.limit, false);
  return g.limit;
}

describe('GradientLimit', () => {
  it('grows by about queueSize × smoothing per sample while latency holds steady', () => {
    const g = new GradientLimit({ initialLimit: 20, maxLimit: 1000 });
    // gradient 1: next = 0.8·L + 0.2·(L + 4) = L + 0.8
    feed(g, 10, 10);
    assert.equal(g.limit, 28);
  });

  it('lowers the limit when latency rises above the long-term baseline, and recovers after', () => {
    const g = new GradientLimit({ initialLimit: 50, maxLimit: 100 });
    const steady = feed(g, 200, 10);
    assert.equal(steady, 100, 'reaches maxLimit while latency is flat');
    // Latency ×4: beyond the 1.5 tolerance, so the gradient floors at 0.5 and the limit falls
    // towards the fixed point L = 0.9·L + 0.8, i.e. 8 — while the baseline only creeps up.
    const loaded = feed(g, 40, 40);
    assert.ok(loaded < 20, `limit under load ${loaded}`);
    assert.ok(g.longRttMs < 40 / 1.5, 'the long-term baseline lags behind');
    const recovered = feed(g, 200, 10);
    assert.equal(recovered, 100, 'back to maxLimit once latency returns');
  });

  it('tolerates latency up to rttTolerance × baseline', () => {
    const g = new GradientLimit({ initialLimit: 50, maxLimit: 1000, rttTolerance: 2 });
    feed(g, 20, 10);
    const before = g.limit;
    assert.ok(feed(g, 5, 19) > before, 'a 1.9× rise does not shrink it');
  });

  it('keeps the limit while app-limited (in flight below half of it)', () => {
    const g = new GradientLimit({ initialLimit: 40 });
    for (let i = 0; i < 20; i++) g.onSample(i % 2 === 0 ? 10 : 100, 5, false);
    assert.equal(g.limit, 40);
  });

  it('cuts about 10 % on a drop without feeding its RTT into the averages', () => {
    const g = new GradientLimit({ initialLimit: 100, queueSize: 0 });
    feed(g, 5, 10);
    const long = g.longRttMs;
    const before = g.limit;
    g.onSample(1, 0, true);
    assert.equal(g.limit, Math.floor(before * 0.9));
    assert.equal(g.longRttMs, long);
  });

  it('lets the baseline fall quickly once latency drops a lot', () => {
    const g = new GradientLimit({ initialLimit: 20, warmupSamples: 1 });
    feed(g, 1, 100);
    feed(g, 10, 10);
    // EWMA alone (weight 2/601) would still be near 97; the ×0.95 decay brings it down.
    assert.ok(g.longRttMs < 60, `long RTT ${g.longRttMs}`);
  });

  it('takes queueSize as a function of the limit', () => {
    const seen: number[] = [];
    const g = new GradientLimit({
      initialLimit: 16,
      maxLimit: 1000,
      queueSize: (l) => {
        seen.push(l);
        return Math.sqrt(l);
      },
    });
    g.onSample(10, 16, false);
    assert.deepEqual(seen, [16]);
    assert.equal(g.limit, 16); // 16 + 0.2·4 = 16.8
    g.onSample(10, 16, false);
    assert.equal(g.limit, 17);
  });

  it('copes with 0 ms samples (a virtual clock) without NaN', () => {
    const g = new GradientLimit({ initialLimit: 20 });
    feed(g, 30, 0);
    assert.ok(Number.isFinite(g.limit) && g.limit > 20);
  });

  it('stays within [minLimit, maxLimit] under any samples', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 100 }),
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 10_000, noNaN: true }),
            fc.nat({ max: 300 }),
            fc.boolean(),
          ),
          { maxLength: 300 },
        ),
        (minLimit, span, samples) => {
          const maxLimit = minLimit + span;
          const g = new GradientLimit({ minLimit, maxLimit, initialLimit: maxLimit });
          for (const [rtt, inFlight, dropped] of samples) {
            const l = g.onSample(rtt, inFlight, dropped);
            assert.ok(Number.isInteger(l) && l >= minLimit && l <= maxLimit, `limit ${l}`);
          }
        },
      ),
      { seed, numRuns: 200 },
    );
  });

  it('rejects bad options with a RangeError naming the option', () => {
    const cases: Array<[GradientLimitOptions, string]> = [
      [{ minLimit: 0 }, 'minLimit'],
      [{ maxLimit: 0 }, 'maxLimit'],
      [{ initialLimit: 1000 }, 'initialLimit'],
      [{ rttTolerance: 0.9 }, 'rttTolerance'],
      [{ smoothing: 0 }, 'smoothing'],
      [{ smoothing: 1.1 }, 'smoothing'],
      [{ queueSize: -1 }, 'queueSize'],
      [{ longWindow: 0 }, 'longWindow'],
      [{ shortWindow: 2.5 }, 'shortWindow'],
      [{ warmupSamples: -1 }, 'warmupSamples'],
    ];
    for (const [opts, name] of cases) {
      assert.throws(
        () => new GradientLimit(opts),
        (e: unknown) => e instanceof RangeError && e.message.includes(name),
        name,
      );
    }
  });
});
