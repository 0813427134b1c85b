import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { CONTENTION_BACKOFFS, contentionJson, runContention } from './contention.js';
import type { ContentionResult } from './contention.js';

const seed =
  process.env['FC_SEED'] !== undefined
    ? Number(process.env['FC_SEED'])
    : Rng.fromEntropy().seed % 0x7fffffff;
console.log(`contention.test.ts: seed ${seed} (set FC_SEED to reproduce)`);

function byBackoff(result: ContentionResult, backoff: string) {
  const r = result.results.find((x) => x.backoff === backoff);
  assert.ok(r, `a result for ${backoff}`);
  return r;
}

describe('runContention', () => {
  it('gives the same result for the same seed, and a different one for another seed', () => {
    const a = runContention({ clients: 20, trials: 5, seed: 7 });
    const b = runContention({ clients: 20, trials: 5, seed: 7 });
    const c = runContention({ clients: 20, trials: 5, seed: 8 });
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.notEqual(JSON.stringify(contentionJson(a)), JSON.stringify(contentionJson(c)));
  });

  it('repeats the first trials exactly when asked for fewer trials', () => {
    // Trial t draws from streams named after t, so one trial of a 1-trial run is trial 0 of any.
    const one = runContention({ clients: 15, trials: 1, seed: 3, backoffs: ['full'] });
    const again = runContention({ clients: 15, trials: 1, seed: 3, backoffs: ['full'] });
    const three = runContention({ clients: 15, trials: 3, seed: 3, backoffs: ['full'] });
    assert.deepEqual(one, again);
    // The lone trial is trial 0 of the three: within their range.
    const t0 = byBackoff(one, 'full').meanCompletionMs;
    const all = byBackoff(three, 'full');
    assert.ok(all.minCompletionMs <= t0 && t0 <= all.maxCompletionMs);
  });

  it('shows the blog’s shapes: exponential without jitter is slowest, full jitter writes less than none', () => {
    // 50 clients × 20 trials: the gaps are large (about 10× and 3× at 100 clients), so this
    // holds for any seed; the seed is printed above.
    const result = runContention({ clients: 50, trials: 20, seed });
    const exponential = byBackoff(result, 'exponential');
    for (const r of result.results) {
      if (r.backoff !== 'exponential') {
        assert.ok(
          exponential.meanCompletionMs > r.meanCompletionMs,
          `exponential (${exponential.meanCompletionMs} ms) slower than ${r.backoff} (${r.meanCompletionMs} ms), seed ${seed}`,
        );
      }
    }
    const none = byBackoff(result, 'none');
    const full = byBackoff(result, 'full');
    assert.ok(
      full.meanWriteCalls < none.meanWriteCalls,
      `full jitter ${full.meanWriteCalls} writes < none ${none.meanWriteCalls}, seed ${seed}`,
    );
  });

  it('finishes every client: at least one write per client, and four messages for a lone client', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer(), (clients, runSeed) => {
        const result = runContention({ clients, trials: 2, seed: runSeed });
        for (const r of result.results) {
          assert.ok(r.meanWriteCalls >= clients);
          assert.ok(
            r.minCompletionMs <= r.meanCompletionMs && r.meanCompletionMs <= r.maxCompletionMs,
          );
          const last = r.series[r.series.length - 1];
          assert.ok(last !== undefined && Math.abs(last.done - clients) < 1e-9);
          if (clients === 1) {
            assert.equal(r.meanWriteCalls, 1);
            // Four one-way delays of |N(10 ms, 2 ms)|: far from 0 and from 100 ms.
            assert.ok(r.meanCompletionMs > 10 && r.meanCompletionMs < 80, `${r.meanCompletionMs}`);
          }
        }
      }),
      { seed, numRuns: 30 },
    );
  });

  it('reports progress after every trial of every variant', () => {
    const calls: [number, number][] = [];
    runContention({
      clients: 5,
      trials: 3,
      backoffs: ['none', 'full'],
      onProgress: (d, t) => calls.push([d, t]),
    });
    assert.deepEqual(calls, [
      [1, 6],
      [2, 6],
      [3, 6],
      [4, 6],
      [5, 6],
      [6, 6],
    ]);
  });

  it('runs the variants asked for, in that order', () => {
    const result = runContention({ clients: 5, trials: 1, backoffs: ['decorrelated', 'none'] });
    assert.deepEqual(
      result.results.map((r) => r.backoff),
      ['decorrelated', 'none'],
    );
    assert.deepEqual(
      runContention({ clients: 2, trials: 1 }).results.map((r) => r.backoff),
      [...CONTENTION_BACKOFFS],
    );
  });

  it('rejects bad options, naming them', () => {
    assert.throws(() => runContention({ clients: 0 }), /clients must be an integer >= 1, got 0/);
    assert.throws(() => runContention({ trials: 1.5 }), /trials must be an integer >= 1, got 1.5/);
    assert.throws(() => runContention({ baseMs: 0 }), /baseMs must be a finite number > 0, got 0/);
    assert.throws(() => runContention({ capMs: 1 }), /capMs must be a finite number >= 5, got 1/);
    assert.throws(
      () => runContention({ backoffs: ['linear' as 'none'] }),
      /backoffs must be among .*got 'linear'/,
    );
  });
});

describe('contentionJson', () => {
  it('has exactly the issue’s shape', () => {
    const json = contentionJson(runContention({ clients: 4, trials: 2, seed: 1 }));
    assert.deepEqual(Object.keys(json), ['scenario', 'clients', 'trials', 'results']);
    assert.equal(json.scenario, 'contention');
    assert.equal(json.clients, 4);
    assert.equal(json.trials, 2);
    assert.deepEqual(
      json.results.map((r) => r.backoff),
      [...CONTENTION_BACKOFFS],
    );
    for (const r of json.results) {
      assert.deepEqual(Object.keys(r), ['backoff', 'meanCompletionMs', 'meanWriteCalls']);
      assert.equal(typeof r.meanCompletionMs, 'number');
      assert.equal(typeof r.meanWriteCalls, 'number');
    }
  });
});
