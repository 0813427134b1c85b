import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CountWindowBreaker } from './count-window.js';
import type { BreakerStrategySnapshot } from './breaker-strategy.js';

describe('CountWindowBreaker', () => {
  it('does not trip before the minimum number of calls, then trips on the rate', () => {
    const b = new CountWindowBreaker({ size: 10, minimumCalls: 4, failureRateThreshold: 0.5 });
    assert.equal(b.recordFailure(1, 0), undefined);
    assert.equal(b.recordFailure(1, 0), undefined);
    assert.equal(b.recordFailure(1, 0), undefined);
    // The 4th call reaches the minimum with 3/4 failed.
    assert.equal(b.recordFailure(1, 0), 'failure-rate');
  });

  it('can trip on a success that reaches the minimum number of calls', () => {
    const b = new CountWindowBreaker({ size: 4, failureRateThreshold: 0.5 });
    b.recordFailure(1, 0);
    b.recordFailure(1, 0);
    b.recordFailure(1, 0);
    assert.equal(b.recordSuccess(1, 0), 'failure-rate');
  });

  it('trips at exactly the threshold (>=), without floating-point slop', () => {
    const b = new CountWindowBreaker({ size: 10, failureRateThreshold: 0.3 });
    for (let i = 0; i < 7; i++) assert.equal(b.recordSuccess(1, 0), undefined);
    assert.equal(b.recordFailure(1, 0), undefined);
    assert.equal(b.recordFailure(1, 0), undefined);
    assert.equal(b.recordFailure(1, 0), 'failure-rate'); // 3 / 10 = 0.3
  });

  it('only counts the last `size` calls', () => {
    const b = new CountWindowBreaker({ size: 4, failureRateThreshold: 0.75 });
    b.recordFailure(1, 0);
    b.recordFailure(1, 0);
    b.recordSuccess(1, 0);
    assert.equal(b.recordSuccess(1, 0), undefined); // 2/4
    assert.equal(b.recordSuccess(1, 0), undefined); // first failure drops out: 1/4
    assert.deepEqual(b.metrics(0), { calls: 4, failures: 1, slowCalls: 0 });
    b.recordFailure(1, 0); // 1/4 (second failure dropped, this one added)
    b.recordFailure(1, 0);
    assert.equal(b.recordFailure(1, 0), 'failure-rate'); // 3/4
  });

  it('trips on the slow-call rate with its own threshold', () => {
    const b = new CountWindowBreaker({
      size: 4,
      failureRateThreshold: 0.9,
      slowCallDurationMs: 100,
      slowCallRateThreshold: 0.5,
    });
    b.recordSuccess(100, 0); // not slower than 100
    b.recordSuccess(10, 0);
    b.recordSuccess(101, 0);
    assert.equal(b.recordFailure(500, 0), 'slow-rate'); // 2/4 slow, 1/4 failed
    assert.deepEqual(b.metrics(0), { calls: 4, failures: 1, slowCalls: 2 });
  });

  it('ignores durations unless slowCallDurationMs is set', () => {
    const b = new CountWindowBreaker({ size: 2 });
    assert.equal(b.slowCallDurationMs, Infinity);
    b.recordSuccess(1e9, 0);
    assert.equal(b.recordSuccess(1e9, 0), undefined);
  });

  it('round-trips its window through JSON, oldest first', () => {
    const a = new CountWindowBreaker({ size: 3, slowCallDurationMs: 10 });
    a.recordFailure(1, 0);
    a.recordSuccess(50, 0);
    a.recordSuccess(1, 0);
    a.recordFailure(50, 0);
    const snap = JSON.parse(JSON.stringify(a.toJSON(0))) as BreakerStrategySnapshot;
    assert.deepEqual(snap, { kind: 'count-window', size: 3, outcomes: [2, 0, 3] });
    const b = new CountWindowBreaker({ size: 3, slowCallDurationMs: 10 });
    b.restore(snap, 0);
    assert.deepEqual(b.toJSON(0), a.toJSON(0));
    assert.deepEqual(b.metrics(0), a.metrics(0));
  });

  it('keeps the newest outcomes when restored into a smaller window', () => {
    const b = new CountWindowBreaker({ size: 2 });
    b.restore({ kind: 'count-window', size: 4, outcomes: [1, 1, 0, 1] }, 0);
    assert.deepEqual(b.metrics(0), { calls: 2, failures: 1, slowCalls: 0 });
  });

  it('refuses malformed snapshots with a TypeError naming the field', () => {
    const b = new CountWindowBreaker({ size: 2 });
    assert.throws(() => b.restore({ kind: 'time-window' }, 0), {
      name: 'TypeError',
      message: /strategy\.kind/,
    });
    assert.throws(() => b.restore({ kind: 'count-window', outcomes: 'x' }, 0), /outcomes/);
    assert.throws(() => b.restore({ kind: 'count-window', outcomes: [4] }, 0), /outcomes/);
  });

  it('rejects bad options with a RangeError naming the option', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ size: 0 }, /size/],
      [{ size: 2.5 }, /size/],
      [{ size: 10, minimumCalls: 11 }, /minimumCalls/],
      [{ size: 10, minimumCalls: 0 }, /minimumCalls/],
      [{ size: 10, failureRateThreshold: 0 }, /failureRateThreshold/],
      [{ size: 10, failureRateThreshold: 1.5 }, /failureRateThreshold/],
      [{ size: 10, slowCallDurationMs: -1 }, /slowCallDurationMs/],
      [{ size: 10, slowCallDurationMs: 5, slowCallRateThreshold: 0 }, /slowCallRateThreshold/],
    ];
    for (const [opts, msg] of cases) {
      assert.throws(
        () => new CountWindowBreaker(opts as unknown as { size: number }),
        { name: 'RangeError', message: msg },
        JSON.stringify(opts),
      );
    }
    assert.throws(() => new CountWindowBreaker({ size: 10, slowCallRateThreshold: 0.5 }), {
      name: 'TypeError',
      message: /slowCallRateThreshold.*slowCallDurationMs/,
    });
  });
});
