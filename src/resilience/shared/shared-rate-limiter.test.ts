import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { EventEmitter } from '../../core/events.js';
import { isRateLimitedError } from '../errors.js';
import { InMemorySharedState } from './in-memory-shared-state.js';
import { SharedLink } from './shared-link.js';
import { SharedRateLimiter } from './shared-rate-limiter.js';
import type { SharedRateLimiterOptions } from './shared-rate-limiter.js';

function fleet(n: number, options: Omit<SharedRateLimiterOptions, 'link' | 'key'>) {
  const clock = new ManualClock();
  const state = new InMemorySharedState({ clock });
  const links = Array.from(
    { length: n },
    (_, i) =>
      new SharedLink({ state, clock, expectedInstances: n, instanceId: `i${i}`, timeoutMs: 50 }),
  );
  const limiters = links.map((link) => new SharedRateLimiter({ link, key: 'dep', ...options }));
  return { clock, state, links, limiters };
}

describe('SharedRateLimiter', () => {
  it('admits at most burst + rate × time across the whole fleet', () => {
    const { limiters, clock } = fleet(4, { ratePerSecond: 10, burst: 10 });
    let admitted = 0;
    for (let t = 0; t < 1000; t++) {
      for (const l of limiters) if (l.tryAcquire()) admitted++;
      clock.advance(10);
    }
    // 10 s at 10/s plus a burst of 10; one instance alone could not have taken more.
    assert.ok(admitted <= 10 + 100 + 1, `admitted ${admitted}`);
    assert.ok(admitted >= 100, `admitted ${admitted}`);
  });

  it('takes tokens in batches so that busy instances rarely call the store', () => {
    const { limiters, state } = fleet(2, { ratePerSecond: 1000, burst: 400 });
    const l = limiters[0]!;
    assert.equal(l.batch, 100);
    for (let i = 0; i < 100; i++) assert.equal(l.tryAcquire(), true);
    assert.equal(state.operations, 1);
  });

  it('drops tokens in hand that were not used within maxHoldMs', () => {
    const { limiters, clock } = fleet(1, { ratePerSecond: 1, burst: 5, batch: 5, maxHoldMs: 100 });
    const l = limiters[0]!;
    assert.equal(l.tryAcquire(), true);
    assert.equal(l.tokensInHand, 4);
    clock.advance(100);
    assert.equal(l.tokensInHand, 0);
  });

  it('ramps the fleet as one: a start by one instance slows every instance, repeats are ignored', () => {
    const recovered = new EventEmitter<void>();
    const { limiters, clock } = fleet(2, {
      ratePerSecond: 100,
      burst: 100,
      batch: 1,
      ramp: { startFraction: 0.1, rampMs: 10_000 },
      rampOn: recovered.event,
    });
    recovered.emit();
    clock.advance(10);
    const rate = limiters[1]!.tryAcquire() ? limiters[1]!.effectiveRatePerSecond() : NaN;
    assert.ok(rate > 9 && rate < 11, `fleet rate after the start ${rate}`);
    // Capacity clipped to 10 tokens fleet-wide (plus what 10 ms earned).
    let n = 1;
    while (limiters[n % 2]!.tryAcquire()) n++;
    assert.ok(n <= 11, `took ${n}`);
    clock.advance(20_000);
    assert.equal(limiters[0]!.tryAcquire(), true);
    assert.equal(limiters[0]!.effectiveRatePerSecond(), 100);
    limiters.forEach((l) => l.dispose());
  });

  it('falls back to rate / expectedInstances when the store is down', () => {
    const { limiters, state, clock } = fleet(4, { ratePerSecond: 40, burst: 40, batch: 1 });
    const l = limiters[0]!;
    state.fault = 'down';
    let admitted = 0;
    for (let i = 0; i < 200; i++) {
      if (l.tryAcquire()) admitted++;
      clock.advance(10);
    }
    assert.equal(l.mode, 'local');
    // Local share: 10/s, burst 10, over 2 s: at most 10 + 20.
    assert.ok(admitted <= 31 && admitted >= 20, `admitted ${admitted}`);
    assert.equal(l.localLimiter.ratePerSecond, 10);
  });

  it('execute rejects with RateLimitedError carrying a retry hint', async () => {
    const { limiters } = fleet(1, { ratePerSecond: 1, burst: 1 });
    const l = limiters[0]!;
    assert.equal(await l.execute(() => 'ok'), 'ok');
    await assert.rejects(
      l.execute(() => 'no'),
      (e) => isRateLimitedError(e) && e.retryAfterMs > 0,
    );
  });

  it('execute waits up to maxWaitMs for the next fleet token', async () => {
    const { limiters, clock } = fleet(1, { ratePerSecond: 10, burst: 1, maxWaitMs: 500 });
    const l = limiters[0]!;
    assert.equal(await l.execute(() => 1), 1);
    const p = l.execute(() => 2);
    await clock.advanceAsync(100);
    assert.equal(await p, 2);
  });

  it('rejects bad options, naming them', () => {
    const { links } = fleet(1, { ratePerSecond: 1 });
    const link = links[0]!;
    assert.throws(
      () => new SharedRateLimiter({ link, key: 'k', ratePerSecond: 0 }),
      /ratePerSecond/,
    );
    assert.throws(
      () => new SharedRateLimiter({ link, key: 'k', ratePerSecond: 1, burst: 0.5 }),
      /burst must be a finite number >= 1, got 0.5/,
    );
    assert.throws(
      () =>
        new SharedRateLimiter({
          link,
          key: 'k',
          ratePerSecond: 1,
          rampOn: () => ({ dispose() {} }),
        }),
      /rampOn needs ramp/,
    );
    assert.throws(
      () =>
        new SharedRateLimiter({
          link,
          key: 'k',
          ratePerSecond: 1,
          ramp: { startFraction: 0, rampMs: 1 },
        }),
      /ramp.startFraction/,
    );
    const l = new SharedRateLimiter({ link, key: 'k', ratePerSecond: 1 });
    assert.throws(() => l.tryAcquire(1.5), /tokens must be an integer >= 1/);
  });
});
