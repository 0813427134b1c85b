import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { seconds } from '../units.js';
import { RateSchedule } from './rate-schedule.js';

/** The `spike` scenario's schedule. */
const spike = (): RateSchedule =>
  new RateSchedule(
    [
      { fromUs: 0, perSecond: 40 },
      { fromUs: seconds(20), perSecond: 80 },
      { fromUs: seconds(25), perSecond: 40 },
    ],
    { untilUs: seconds(80) },
  );

describe('RateSchedule', () => {
  it('reports the rate in force at each time, 0 outside the schedule', () => {
    const s = spike();
    assert.equal(s.rateAt(0), 40);
    assert.equal(s.rateAt(seconds(19.999)), 40);
    assert.equal(s.rateAt(seconds(20)), 80);
    assert.equal(s.rateAt(seconds(25)), 40);
    assert.equal(s.rateAt(seconds(80)), 0);
    const late = new RateSchedule([{ fromUs: 100, perSecond: 5 }]);
    assert.equal(late.rateAt(50), 0);
    assert.equal(late.untilUs, Infinity);
  });

  it('integrates the rate: expected arrivals over any window', () => {
    const s = spike();
    assert.equal(s.expectedArrivals(0, seconds(80)), 40 * 75 + 80 * 5);
    assert.ok(Math.abs(s.expectedArrivals(seconds(19), seconds(21)) - 120) < 1e-9);
    assert.equal(s.expectedArrivals(seconds(80), seconds(90)), 0);
  });

  it('inverts the cumulative rate exactly across steps', () => {
    const s = spike();
    // Within a step: E / rate.
    assert.ok(Math.abs(s.nextArrivalUs(0, 2) - seconds(2 / 40)) < 1e-6);
    // From 19 s with E = 60: 40 arrivals' worth up to 20 s, then 20 more at 80/s = 0.25 s.
    assert.ok(Math.abs(s.nextArrivalUs(seconds(19), 60) - seconds(20.25)) < 1e-6);
    // Past the end: none.
    assert.equal(s.nextArrivalUs(seconds(79.99), 1), Infinity);
    assert.equal(s.nextArrivalUs(seconds(90), 0.1), Infinity);
    // Before the first step, arrivals start at it; a zero-rate step is skipped.
    const gap = new RateSchedule([
      { fromUs: seconds(1), perSecond: 10 },
      { fromUs: seconds(2), perSecond: 0 },
      { fromUs: seconds(3), perSecond: 10 },
    ]);
    assert.ok(Math.abs(gap.nextArrivalUs(0, 0.5) - seconds(1.05)) < 1e-6);
    assert.ok(Math.abs(gap.nextArrivalUs(seconds(1.5), 6) - seconds(3.1)) < 1e-6);
  });

  it('rejects empty, unordered, negative and non-finite steps', () => {
    assert.throws(() => new RateSchedule([]), /at least one step/);
    assert.throws(
      () =>
        new RateSchedule([
          { fromUs: 5, perSecond: 1 },
          { fromUs: 5, perSecond: 2 },
        ]),
      /steps\[1\]\.fromUs .* got 5/,
    );
    assert.throws(() => new RateSchedule([{ fromUs: 0, perSecond: -1 }]), /perSecond .* got -1/);
    assert.throws(() => new RateSchedule([{ fromUs: 0, perSecond: Infinity }]), /perSecond/);
    assert.throws(() => RateSchedule.constant(1, { untilUs: -1 }), /untilUs/);
  });
});
