import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { Rng } from '../../core/rng.js';
import { PeriodicLoop } from './periodic-loop.js';

describe('PeriodicLoop', () => {
  it('runs a step at once, then every interval (with jitter) on the clock', async () => {
    const clock = new ManualClock();
    const at: number[] = [];
    const loop = new PeriodicLoop({
      name: 'L',
      clock,
      rng: new Rng(1),
      intervalMs: 1000,
      jitter: 0.2,
      step: () => {
        at.push(clock.now());
        return Promise.resolve();
      },
      onError: () => undefined,
    });
    loop.start();
    await clock.advanceAsync(5000);
    await loop.stop();
    assert.equal(at[0], 0);
    for (let i = 1; i < at.length; i++) {
      const gap = at[i]! - at[i - 1]!;
      assert.ok(gap >= 800 && gap <= 1200, `gap ${gap}`);
    }
    assert.ok(at.length >= 5);
  });

  it('passes step errors to onError and carries on; stop() aborts a step in progress', async () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    let n = 0;
    let aborted = false;
    const loop = new PeriodicLoop({
      name: 'L',
      clock,
      rng: new Rng(1),
      intervalMs: 10,
      jitter: 0,
      step: async (signal) => {
        n++;
        if (n === 1) throw new Error('first');
        await clock.sleep(1_000_000, signal).catch((e: unknown) => {
          aborted = true;
          throw e;
        });
      },
      onError: (e) => errors.push(e),
    });
    loop.start();
    await clock.advanceAsync(10);
    assert.equal(n, 2);
    await loop.stop();
    await loop.stop();
    assert.equal(aborted, true);
    assert.equal(errors.length, 1, 'the abort is not reported as an error');
    assert.equal(loop.running, false);
  });

  it('validates intervalMs and jitter', () => {
    const base = {
      name: 'L',
      clock: new ManualClock(),
      rng: new Rng(1),
      step: () => Promise.resolve(),
      onError: () => undefined,
    };
    assert.throws(() => new PeriodicLoop({ ...base, intervalMs: 0, jitter: 0 }), /L: intervalMs/);
    assert.throws(() => new PeriodicLoop({ ...base, intervalMs: 1, jitter: 1 }), /L: jitter/);
  });
});
