import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.js';
import { runSpike, SPIKE_VARIANTS, spikeJson, summarizeSpikeWindow } from './spike.js';
import type { SpikeResult, SpikeVariantResult } from './spike.js';

const seed =
  process.env['FC_SEED'] !== undefined
    ? Number(process.env['FC_SEED'])
    : Rng.fromEntropy().seed % 0x7fffffff;
console.log(`spike.test.ts: seed ${seed} (set FC_SEED to reproduce)`);

/** One full run at the printed seed, shared by the tests that only read it. */
const run: SpikeResult = runSpike({ seed });

function variant(result: SpikeResult, name: string): SpikeVariantResult {
  const r = result.results.find((x) => x.variant === name);
  assert.ok(r, `a result for ${name}`);
  return r;
}

describe('runSpike', () => {
  it('accounts for every request: succeeded + failed + timed out + dropped + in flight = issued', () => {
    for (const r of run.results) {
      const t = r.totals;
      assert.equal(
        t.succeeded + t.failed + t.timedOut + t.dropped + t.inFlight,
        t.created,
        `${r.variant}: ${JSON.stringify(t)}, seed ${seed}`,
      );
      // Every issued request was offered once, inside the series.
      assert.equal(
        r.series.reduce((sum, p) => sum + p.offered, 0),
        t.created,
      );
      assert.ok(r.series.reduce((sum, p) => sum + p.goodput, 0) <= t.succeeded);
      // No client-side admission here: every request sends a first attempt, then its retries.
      assert.equal(t.attempts, t.created + t.retries);
    }
  });

  it('accounts for every request under the load-at-start server model too', () => {
    const result = runSpike({ seed, serverModel: 'load-at-start', durationSeconds: 40 });
    for (const r of result.results) {
      const t = r.totals;
      assert.equal(t.succeeded + t.failed + t.timedOut + t.dropped + t.inFlight, t.created);
    }
  });

  it('is healthy before the spike in every variant', () => {
    for (const r of run.results) {
      const before = summarizeSpikeWindow(r, 5, 20);
      assert.ok(before.ratio > 0.9, `${r.variant} before the spike: ${JSON.stringify(before)}`);
    }
  });

  it('shows a metastable failure: no-backoff stays collapsed long after the spike, breakwater recovers', () => {
    const noBackoff = summarizeSpikeWindow(variant(run, 'no-backoff'), 60, 80);
    const jitter = summarizeSpikeWindow(variant(run, 'backoff-jitter'), 60, 80);
    const breakwater = summarizeSpikeWindow(variant(run, 'breakwater'), 60, 80);
    assert.ok(
      noBackoff.goodputPerSecond < 0.2 * noBackoff.offeredPerSecond,
      `no-backoff, last 20 s: ${JSON.stringify(noBackoff)}, seed ${seed}`,
    );
    // Backoff alone does not remove retries, so it does not rescue an open system either.
    assert.ok(jitter.ratio < 0.2, `backoff-jitter, last 20 s: ${JSON.stringify(jitter)}`);
    assert.ok(
      breakwater.goodputPerSecond > 0.9 * breakwater.offeredPerSecond,
      `breakwater, last 20 s: ${JSON.stringify(breakwater)}, seed ${seed}`,
    );
    // And the retry budget keeps breakwater's retries to a fraction of the storm's.
    assert.ok(
      variant(run, 'breakwater').totals.retries * 5 < variant(run, 'no-backoff').totals.retries,
    );
  });

  it('gives all variants the same arrivals (common random numbers)', () => {
    const offered = run.results.map((r) => r.series.map((p) => p.offered));
    for (const o of offered) assert.deepEqual(o, offered[0]);
  });

  it('gives the same JSON for the same seed, and different JSON for another seed', () => {
    const a = JSON.stringify(spikeJson(runSpike({ seed: 11, durationSeconds: 30 })));
    const b = JSON.stringify(spikeJson(runSpike({ seed: 11, durationSeconds: 30 })));
    const c = JSON.stringify(spikeJson(runSpike({ seed: 12, durationSeconds: 30 })));
    assert.equal(a, b);
    assert.notEqual(a, c);
  });

  it('reports progress in simulated time, up to the whole run', () => {
    const seen: number[] = [];
    runSpike({
      durationSeconds: 3,
      variants: ['breakwater'],
      onProgress: (d, t) => seen.push(d / t),
    });
    assert.equal(seen.length, 3);
    assert.equal(seen[seen.length - 1], 1);
  });

  it('rejects bad options, naming them', () => {
    assert.throws(
      () => runSpike({ durationSeconds: 0 }),
      /durationSeconds must be an integer >= 1, got 0/,
    );
    assert.throws(() => runSpike({ timeoutMs: 0 }), /timeoutMs must be a finite number > 0, got 0/);
    assert.throws(() => runSpike({ workers: 2.5 }), /workers must be an integer >= 1, got 2.5/);
    assert.throws(
      () => runSpike({ spikeFromSeconds: 30, spikeUntilSeconds: 20 }),
      /spikeUntilSeconds must be a finite number > 30, got 20/,
    );
    assert.throws(
      () => runSpike({ variants: ['retry-storm' as 'breakwater'] }),
      /got 'retry-storm'/,
    );
    assert.throws(
      () => runSpike({ serverModel: 'magic' as 'load-at-start' }),
      /serverModel must be 'processor-sharing' or 'load-at-start', got 'magic'/,
    );
  });
});

describe('spikeJson', () => {
  it('has exactly the issue’s shape: one row per simulated second', () => {
    const json = spikeJson(run);
    assert.deepEqual(Object.keys(json), ['scenario', 'results']);
    assert.equal(json.scenario, 'spike');
    assert.deepEqual(
      json.results.map((r) => r.variant),
      [...SPIKE_VARIANTS],
    );
    for (const r of json.results) {
      assert.deepEqual(Object.keys(r), ['variant', 'series']);
      assert.equal(r.series.length, 80);
      r.series.forEach((p, i) => {
        assert.deepEqual(Object.keys(p), ['t', 'offered', 'goodput', 'retries', 'timeouts']);
        assert.equal(p.t, i);
      });
    }
  });
});
