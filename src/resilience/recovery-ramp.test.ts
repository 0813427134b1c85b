import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManualClock } from '../core/testing/manual-clock.js';
import { RecoveryRamp } from './recovery-ramp.js';
import type { RampEndEvent, RampShape, RampStartEvent } from './recovery-ramp.js';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20251020;
console.log(`recovery-ramp.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

function close(actual: number, expected: number, tol = 1e-9): void {
  assert.ok(
    Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)),
    `expected ${actual} ≈ ${expected}`,
  );
}

describe('RecoveryRamp', () => {
  it('reads full rate before any start', () => {
    const clock = new ManualClock();
    const ramp = new RecoveryRamp({ clock, startFraction: 0.1, rampMs: 1000 });
    assert.equal(ramp.active, false);
    assert.equal(ramp.fraction(), 1);
    assert.equal(ramp.integral(0, 500), 500);
  });

  it('grows linearly from startFraction to 1 over rampMs', () => {
    const clock = new ManualClock();
    const ramp = new RecoveryRamp({ clock, startFraction: 0.1, rampMs: 1000 });
    ramp.start();
    assert.equal(ramp.active, true);
    close(ramp.fraction(), 0.1);
    clock.advance(500);
    close(ramp.fraction(), 0.55);
    clock.advance(499);
    assert.ok(ramp.fraction() < 1);
    clock.advance(1);
    assert.equal(ramp.fraction(), 1);
    assert.equal(ramp.active, false);
  });

  it('grows exponentially (slow start) when asked, reaching 1 at rampMs', () => {
    const clock = new ManualClock();
    const ramp = new RecoveryRamp({
      clock,
      startFraction: 0.01,
      rampMs: 1000,
      shape: 'exponential',
    });
    ramp.start();
    close(ramp.fraction(), 0.01);
    clock.advance(500);
    close(ramp.fraction(), 0.1); // the geometric mean of 0.01 and 1
    clock.advance(500);
    assert.equal(ramp.fraction(), 1);
  });

  it('announces start and end, and a restart begins a fresh ramp', () => {
    const clock = new ManualClock({ startMs: 0 });
    const ramp = new RecoveryRamp({ clock, startFraction: 0.5, rampMs: 100 });
    const starts: RampStartEvent[] = [];
    const ends: RampEndEvent[] = [];
    ramp.onRampStart((e) => starts.push(e));
    ramp.onRampEnd((e) => ends.push(e));
    ramp.start();
    clock.advance(60);
    ramp.start();
    close(ramp.fraction(), 0.5);
    clock.advance(60);
    assert.equal(ends.length, 0, 'the superseded ramp does not end');
    clock.advance(40);
    assert.deepEqual(starts, [
      { atMs: 0, endsAtMs: 100 },
      { atMs: 60, endsAtMs: 160 },
    ]);
    assert.deepEqual(ends, [{ atMs: 160, completed: true }]);
  });

  it('stop() ends a running ramp at once and says it did not complete', () => {
    const clock = new ManualClock();
    const ramp = new RecoveryRamp({ clock, startFraction: 0.2, rampMs: 100 });
    const ends: RampEndEvent[] = [];
    ramp.onRampEnd((e) => ends.push(e));
    ramp.stop();
    assert.equal(ends.length, 0, 'no-op when idle');
    ramp.start();
    clock.advance(10);
    ramp.stop();
    assert.equal(ramp.fraction(), 1);
    assert.equal(ramp.active, false);
    clock.advance(200);
    assert.deepEqual(ends, [{ atMs: 10, completed: false }]);
    assert.equal(clock.pendingTimers, 0);
  });

  it('calls settle before the curve changes', () => {
    const clock = new ManualClock();
    const seen: Array<[number, number]> = [];
    const ramp: RecoveryRamp = new RecoveryRamp({
      clock,
      startFraction: 0.1,
      rampMs: 100,
      settle: (now) => seen.push([now, ramp.fraction(now)]),
    });
    clock.advance(5);
    ramp.start();
    clock.advance(50);
    ramp.start();
    assert.deepEqual(seen[0], [5, 1]);
    assert.equal(seen[1]?.[0], 55);
    close(seen[1]?.[1] ?? NaN, 0.1 + 0.9 * 0.5);
  });

  it('timeToReach says when a fraction is reached', () => {
    const clock = new ManualClock();
    const ramp = new RecoveryRamp({ clock, startFraction: 0.1, rampMs: 1000 });
    ramp.start();
    close(ramp.timeToReach(0, 0.55), 500);
    assert.equal(ramp.timeToReach(0, 0.05), 0);
    assert.equal(ramp.timeToReach(0, 2), Infinity);
  });

  it('integral and timeToAccumulate are exact inverses, across the ramp end', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 1e5, noNaN: true }),
        fc.constantFrom<RampShape>('linear', 'exponential'),
        fc.double({ min: 0, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (startFraction, rampMs, shape, fromRel, amountRel) => {
          const clock = new ManualClock({ startMs: 1000 });
          const ramp = new RecoveryRamp({ clock, startFraction, rampMs, shape });
          ramp.start();
          const from = 1000 + fromRel * rampMs;
          const amount = amountRel * rampMs;
          const d = ramp.timeToAccumulate(from, amount);
          assert.ok(d >= 0);
          const got = ramp.integral(from, from + d);
          assert.ok(Math.abs(got - amount) <= 1e-7 * Math.max(1, amount), `${got} vs ${amount}`);
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('integral matches a numeric integration of fraction()', () => {
    const clock = new ManualClock();
    for (const shape of ['linear', 'exponential'] as const) {
      const ramp = new RecoveryRamp({ clock, startFraction: 0.05, rampMs: 1000, shape });
      ramp.start();
      let sum = 0;
      const steps = 130_000;
      const dt = 1300 / steps;
      for (let i = 0; i < steps; i++) sum += ramp.fraction(200 + (i + 0.5) * dt) * dt;
      close(ramp.integral(200, 1500), sum, 1e-6);
    }
  });

  it('rejects bad options with a RangeError naming the option', () => {
    const clock = new ManualClock();
    for (const [opts, name] of [
      [{ startFraction: 0, rampMs: 10 }, 'startFraction'],
      [{ startFraction: 1.5, rampMs: 10 }, 'startFraction'],
      [{ startFraction: NaN, rampMs: 10 }, 'startFraction'],
      [{ startFraction: 0.1, rampMs: 0 }, 'rampMs'],
      [{ startFraction: 0.1, rampMs: Infinity }, 'rampMs'],
      [{ startFraction: 0.1, rampMs: 10, shape: 'cubic' }, 'shape'],
    ] as const) {
      assert.throws(
        () => new RecoveryRamp({ clock, ...(opts as { startFraction: number; rampMs: number }) }),
        (e: unknown) => e instanceof RangeError && e.message.includes(name),
      );
    }
  });
});
