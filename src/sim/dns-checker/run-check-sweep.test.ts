import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCheckSweep } from './run-check-sweep.js';
import type { SweepSummary } from './sweep-summary.js';

function figures(s: SweepSummary): unknown {
  return {
    ...s,
    violating: [...s.violating].sort((a, b) => a.seed - b.seed),
  };
}

describe('runCheckSweep', () => {
  it('finds the same in worker threads as in this thread', async () => {
    const progress: number[] = [];
    const here = await runCheckSweep({ mode: 'legacy', from: 1, count: 24, workers: 0 });
    const threads = await runCheckSweep({
      mode: 'legacy',
      from: 1,
      count: 24,
      workers: 2,
      onProgress: (done, total) => {
        assert.equal(total, 24);
        progress.push(done);
      },
    });
    assert.equal(here.workersUsed, 0);
    assert.ok(threads.workersUsed > 0 || threads.fallback !== undefined);
    assert.deepEqual(figures(threads.summary), figures(here.summary));
    assert.equal(progress[progress.length - 1], 24);
    assert.ok(here.summary.violations > 0, 'legacy mode breaks an invariant in 24 seeds');
    assert.ok(here.seedsPerSecond > 0 && here.seconds > 0);
  });

  it('runs the seeds in this thread when no worker can start', async () => {
    const here = await runCheckSweep({ mode: 'legacy', from: 5, count: 12, workers: 0 });
    const fell = await runCheckSweep({
      mode: 'legacy',
      from: 5,
      count: 12,
      workers: 2,
      workerEntry: new URL('./no-such-worker.js', import.meta.url),
    });
    assert.equal(fell.workersUsed, 0);
    assert.match(fell.fallback ?? '', /worker/);
    assert.deepEqual(figures(fell.summary), figures(here.summary));
  });

  it('validates its options', async () => {
    await assert.rejects(runCheckSweep({ mode: 'safe', count: 0 }), /count must be/);
    await assert.rejects(runCheckSweep({ mode: 'safe', count: 1, workers: -1 }), /workers/);
  });
});
