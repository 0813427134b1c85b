import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isTaskTimeoutError } from '../resilience/errors.js';
import { Timeout } from '../resilience/timeout.js';
import { Simulation } from './kernel/simulation.js';
import { DEFAULT_START_EPOCH_MS, VirtualClock } from './virtual-clock.js';

/** An async workload: workers that sleep random virtual durations and log what they do. */
async function workload(simSeed: number): Promise<string> {
  const sim = new Simulation({ seed: simSeed });
  const clock = new VirtualClock(sim);
  const log: string[] = [];
  const worker = async (name: string): Promise<void> => {
    const rng = sim.rng(name);
    for (let step = 0; step < 20; step++) {
      await clock.sleep(rng.int(0, 50));
      log.push(`${clock.monotonic()} ${name} ${step} ${rng.float().toFixed(6)}`);
    }
  };
  const done = Promise.all(['a', 'b', 'c', 'd'].map(worker));
  await sim.runAsync();
  await done;
  return log.join('\n');
}

describe('VirtualClock', () => {
  it('maps virtual microseconds to now() and monotonic() milliseconds', () => {
    const sim = new Simulation();
    const clock = new VirtualClock(sim, { startEpochMs: 1_000_000 });
    assert.equal(clock.now(), 1_000_000);
    sim.schedule(
      1_500,
      sim.register(() => {}),
    );
    sim.run();
    assert.equal(clock.monotonic(), 1.5);
    assert.equal(clock.now(), 1_000_001);
    assert.equal(new VirtualClock(sim).now(), DEFAULT_START_EPOCH_MS + 1);
    assert.equal(new Date(DEFAULT_START_EPOCH_MS).toISOString(), '2025-10-20T06:48:00.000Z');
  });

  it('runs a real async loop: sleeps resolve in time order, ties in the order they began', async () => {
    const sim = new Simulation();
    const clock = new VirtualClock(sim);
    const log: string[] = [];
    const loop = async (name: string, periodMs: number, rounds: number): Promise<void> => {
      for (let i = 1; i <= rounds; i++) {
        await clock.sleep(periodMs);
        log.push(`${clock.monotonic()}:${name}${i}`);
      }
    };
    const all = Promise.all([loop('a', 30, 3), loop('b', 20, 4), loop('c', 60, 1)]);
    const fired = await sim.runAsync();
    await all;
    assert.deepEqual(log, [
      '20:b1',
      '30:a1',
      '40:b2',
      // All due at 60: c1's sleep began at 0, a2's at 30, b3's at 40.
      '60:c1',
      '60:a2',
      '60:b3',
      '80:b4',
      '90:a3',
    ]);
    assert.equal(fired, 8);
    assert.equal(clock.monotonic(), 90);
  });

  it('lets deep promise chains finish before virtual time moves on', async () => {
    const sim = new Simulation();
    const clock = new VirtualClock(sim);
    const log: number[] = [];
    const deep = async (n: number): Promise<void> => {
      if (n > 0) await deep(n - 1);
    };
    const task = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await deep(500); // hundreds of microtask hops between two sleeps
        await clock.sleep(10);
        log.push(clock.monotonic());
      }
    };
    const other = async (): Promise<void> => {
      await clock.sleep(25);
      log.push(-clock.monotonic());
    };
    const all = Promise.all([task(), other()]);
    await sim.runAsync();
    await all;
    assert.deepEqual(log, [10, 20, -25, 30]);
  });

  it('cancels timers and rejects sleeps whose signal aborts, at the virtual time of the abort', async () => {
    const sim = new Simulation();
    const clock = new VirtualClock(sim);
    let fired = false;
    const t = clock.setTimer(5, () => (fired = true));
    t.cancel();
    t.cancel();
    const never = clock.setTimer(Infinity, () => (fired = true));
    never.cancel();
    const controller = new AbortController();
    clock.setTimer(7, () => controller.abort(new Error('stop')));
    const slept = clock.sleep(100, controller.signal).then(
      () => 'resolved',
      (e: unknown) => `${(e as Error).message}@${clock.monotonic()}`,
    );
    await sim.runAsync();
    assert.equal(await slept, 'stop@7');
    assert.equal(fired, false);
    assert.equal(sim.pending, 0);
    clock.setTimer(-3, () => (fired = true));
    sim.run();
    assert.equal(fired, true, 'a negative delay fires at once');
  });

  it('drives the real Timeout policy in virtual time', async () => {
    const sim = new Simulation();
    const clock = new VirtualClock(sim);
    const timeout = new Timeout({ timeoutMs: 50, clock });
    const fast = timeout.execute(async () => {
      await clock.sleep(20);
      return clock.monotonic();
    });
    const slow = timeout
      .execute(async () => {
        await clock.sleep(80);
        return 'late';
      })
      .catch((e: unknown) => (isTaskTimeoutError(e) ? `timeout@${clock.monotonic()}` : e));
    await sim.runAsync();
    assert.equal(await fast, 20);
    assert.equal(await slow, 'timeout@50');
  });

  it('gives byte-identical logs for the same seed, and different ones for another', async () => {
    const first = await workload(7);
    const second = await workload(7);
    const other = await workload(8);
    assert.equal(first, second);
    assert.notEqual(first, other);
    assert.equal(first.split('\n').length, 80);
  });

  it('rejects a non-finite startEpochMs', () => {
    assert.throws(() => new VirtualClock(new Simulation(), { startEpochMs: NaN }), /startEpochMs/);
  });
});

describe('VirtualClock timers', () => {
  // Under the old rounding this looped forever at one instant: the timeout turns a hang into
  // a failure.
  it(
    'never fire before their delay, so re-arming for "deadline − now" advances time',
    { timeout: 30_000 },
    async () => {
      const sim = new Simulation({ seed: 1 });
      const clock = new VirtualClock(sim);
      // Start at 32.072 ms: "deadline − now" in float ms is then a hair off whole microseconds.
      sim.scheduleFn(32_072, () => undefined);
      sim.run();
      let outcome: unknown;
      const timeout = new Timeout({ timeoutMs: 2000, clock });
      timeout.execute(() => new Promise<never>(() => {})).catch((e: unknown) => (outcome = e));
      const fired = await sim.runAsync(10_000_000);
      assert.ok(isTaskTimeoutError(outcome), 'the timeout expired');
      assert.ok(fired < 100, `${fired} events: the deadline re-armed in place`);
      const start = sim.now;
      let at = -1;
      clock.setTimer(0.0004, () => (at = sim.now));
      sim.run();
      assert.equal(at, start + 1, 'a 0.4 µs delay fires after 1 µs, not at once');
    },
  );
});
