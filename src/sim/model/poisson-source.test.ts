import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../core/rng.js';
import { Simulation } from '../kernel/simulation.js';
import { seconds } from '../units.js';
import { PoissonSource } from './poisson-source.js';
import { RateSchedule } from './rate-schedule.js';

function arrivalTimes(seed: number, rate: number | RateSchedule, runUntilUs: number): number[] {
  const sim = new Simulation({ seed });
  const times: number[] = [];
  new PoissonSource(sim, {
    rate,
    rng: sim.rng('arrivals'),
    onArrival: (s, index) => {
      assert.equal(index, times.length);
      times.push(s.now);
    },
  }).start();
  sim.run(runUntilUs);
  return times;
}

describe('PoissonSource', () => {
  it('follows a piecewise-constant schedule: 40/s, 80/s from 20 s to 25 s, then 40/s until 80 s', () => {
    const schedule = new RateSchedule(
      [
        { fromUs: 0, perSecond: 40 },
        { fromUs: seconds(20), perSecond: 80 },
        { fromUs: seconds(25), perSecond: 40 },
      ],
      { untilUs: seconds(80) },
    );
    const times = arrivalTimes(3, schedule, seconds(100));
    const within = (a: number, b: number): number =>
      times.filter((t) => t >= seconds(a) && t < seconds(b)).length;
    // Poisson counts: mean λ, sd √λ; allow 4 sd.
    const near = (count: number, mean: number): boolean =>
      Math.abs(count - mean) < 4 * Math.sqrt(mean);
    assert.ok(near(within(0, 20), 800), `before: ${within(0, 20)}`);
    assert.ok(near(within(20, 25), 400), `spike: ${within(20, 25)}`);
    assert.ok(near(within(25, 80), 2200), `after: ${within(25, 80)}`);
    assert.equal(within(80, 100), 0);
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! >= times[i - 1]!);
  });

  it('has exponential gaps at a constant rate and is reproducible from the seed', () => {
    const times = arrivalTimes(9, 1000, seconds(20));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    assert.ok(Math.abs(mean - 1000) < 30, `mean gap ${mean} µs`);
    // Exponential: P(gap > mean) = e^-1.
    const above = gaps.filter((g) => g > 1000).length / gaps.length;
    assert.ok(Math.abs(above - Math.exp(-1)) < 0.02, `P(gap > mean) = ${above}`);
    assert.deepEqual(
      arrivalTimes(9, 1000, seconds(1)),
      times.filter((t) => t <= seconds(1)),
    );
    assert.notDeepEqual(arrivalTimes(10, 1000, seconds(1)), arrivalTimes(9, 1000, seconds(1)));
  });

  it('stops and restarts, and honours untilUs', () => {
    const sim = new Simulation();
    let n = 0;
    const source = new PoissonSource(sim, {
      rate: 100,
      rng: sim.rng('a'),
      untilUs: seconds(3),
      onArrival: () => n++,
    });
    assert.equal(source.active, false);
    source.start().start();
    sim.run(seconds(1));
    const atOne = n;
    assert.ok(atOne > 50);
    source.stop();
    assert.equal(source.active, false);
    sim.run(seconds(2));
    assert.equal(n, atOne);
    source.start();
    sim.run();
    assert.equal(source.arrivals, n);
    assert.ok(n - atOne > 50 && sim.now < seconds(3));
  });

  it('rejects bad rates and callbacks', () => {
    const sim = new Simulation();
    const rng = new Rng(1);
    const onArrival = (): void => {};
    assert.throws(() => new PoissonSource(sim, { rate: -1, rng, onArrival }), /rate .* got -1/);
    assert.throws(() => new PoissonSource(sim, { rate: {} as never, rng, onArrival }), TypeError);
    assert.throws(() => new PoissonSource(sim, { rate: 1, rng, onArrival: 1 as never }), TypeError);
    assert.throws(
      () => new PoissonSource(sim, { rate: 1, rng, onArrival, untilUs: NaN }),
      /untilUs/,
    );
  });
});
