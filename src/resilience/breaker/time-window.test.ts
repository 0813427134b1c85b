import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TimeWindowBreaker } from './time-window.js';
import type { BreakerStrategySnapshot } from './breaker-strategy.js';

describe('TimeWindowBreaker', () => {
  it('waits for the minimum number of calls, then trips on the failure rate', () => {
    const b = new TimeWindowBreaker({ windowMs: 1000, minimumCalls: 3 });
    assert.equal(b.recordFailure(1, 0), undefined);
    assert.equal(b.recordSuccess(1, 10), undefined);
    assert.equal(b.recordFailure(1, 20), 'failure-rate'); // 2/3 >= 0.5
  });

  it('forgets calls once they fall out of the window', () => {
    const b = new TimeWindowBreaker({ windowMs: 1000, buckets: 10, minimumCalls: 3 });
    b.recordFailure(1, 0);
    b.recordFailure(1, 50);
    assert.deepEqual(b.metrics(999), { calls: 2, failures: 2, slowCalls: 0 });
    // At t = 1000 the bucket [0, 100) has left the window.
    assert.deepEqual(b.metrics(1000), { calls: 0, failures: 0, slowCalls: 0 });
    assert.equal(b.recordFailure(1, 1000), undefined); // only one call in the window
  });

  it('expires bucket by bucket as time moves', () => {
    const b = new TimeWindowBreaker({ windowMs: 400, buckets: 4 });
    b.recordFailure(1, 0); // bucket 0
    b.recordSuccess(1, 150); // bucket 1
    b.recordSuccess(1, 250); // bucket 2
    assert.equal(b.metrics(399).calls, 3);
    assert.deepEqual(b.metrics(400), { calls: 2, failures: 0, slowCalls: 0 });
    assert.equal(b.metrics(599).calls, 1);
    assert.equal(b.metrics(5000).calls, 0);
  });

  it('keeps memory bounded: a long idle gap clears everything at once', () => {
    const b = new TimeWindowBreaker({ windowMs: 100, buckets: 5 });
    for (let t = 0; t < 100; t++) b.recordSuccess(1, t);
    assert.equal(b.metrics(99).calls, 100);
    assert.equal(b.metrics(1e12).calls, 0);
  });

  it('trips on the slow-call rate', () => {
    const b = new TimeWindowBreaker({
      windowMs: 1000,
      minimumCalls: 4,
      slowCallDurationMs: 200,
      slowCallRateThreshold: 0.75,
    });
    b.recordSuccess(300, 0);
    b.recordSuccess(300, 1);
    b.recordSuccess(10, 2);
    assert.equal(b.recordSuccess(201, 3), 'slow-rate');
  });

  it('handles negative times (a monotonic clock with a negative origin)', () => {
    const b = new TimeWindowBreaker({ windowMs: 100, buckets: 4, minimumCalls: 2 });
    b.recordFailure(1, -150);
    assert.equal(b.recordFailure(1, -120), 'failure-rate');
    // 25 ms buckets: -150 is in bucket -6, -120 in bucket -5.
    assert.equal(b.metrics(-60).calls, 2); // window = buckets -6..-3
    assert.equal(b.metrics(-50).calls, 1); // window = buckets -5..-2
    assert.equal(b.metrics(-25).calls, 0);
  });

  it('round-trips through JSON and keeps expiring from where it was saved', () => {
    const a = new TimeWindowBreaker({ windowMs: 400, buckets: 4, slowCallDurationMs: 10 });
    a.recordFailure(50, 1000);
    a.recordSuccess(1, 1150);
    a.recordSuccess(1, 1350);
    const snap = JSON.parse(JSON.stringify(a.toJSON(1399))) as BreakerStrategySnapshot;
    assert.deepEqual(snap.calls, [1, 1, 0, 1]);
    assert.deepEqual(snap.failures, [1, 0, 0, 0]);
    assert.deepEqual(snap.slowCalls, [1, 0, 0, 0]);
    // Restored on a clock whose origin differs: saved at 50 on that clock.
    const b = new TimeWindowBreaker({ windowMs: 400, buckets: 4, slowCallDurationMs: 10 });
    b.restore(snap, 50);
    assert.deepEqual(b.metrics(50), { calls: 3, failures: 1, slowCalls: 1 });
    assert.deepEqual(b.metrics(100), { calls: 2, failures: 0, slowCalls: 0 });
  });

  it('refuses malformed snapshots', () => {
    const b = new TimeWindowBreaker({ windowMs: 100 });
    assert.throws(() => b.restore({ kind: 'consecutive' }, 0), /strategy\.kind/);
    assert.throws(
      () => b.restore({ kind: 'time-window', calls: [1], failures: [], slowCalls: [] }, 0),
      /same length/,
    );
    assert.throws(
      () => b.restore({ kind: 'time-window', calls: [1], failures: [2], slowCalls: [0] }, 0),
      /more failures/,
    );
  });

  it('rejects bad options with a RangeError naming the option', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ windowMs: 0 }, /windowMs/],
      [{ windowMs: Infinity }, /windowMs/],
      [{ windowMs: 100, buckets: 0 }, /buckets/],
      [{ windowMs: 100, buckets: 1.5 }, /buckets/],
      [{ windowMs: 100, minimumCalls: 0 }, /minimumCalls/],
      [{ windowMs: 100, failureRateThreshold: -0.1 }, /failureRateThreshold/],
    ];
    for (const [opts, msg] of cases) {
      assert.throws(
        () => new TimeWindowBreaker(opts as unknown as { windowMs: number }),
        { name: 'RangeError', message: msg },
        JSON.stringify(opts),
      );
    }
  });
});
