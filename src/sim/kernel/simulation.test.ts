import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { Simulation } from './simulation.js';
import type { EventId } from './simulation.js';

const seed =
  process.env['FC_SEED'] !== undefined
    ? Number(process.env['FC_SEED'])
    : Rng.fromEntropy().seed % 0x7fffffff;
console.log(`simulation.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

describe('Simulation', () => {
  it('fires events in time order, ties in scheduling order, with their payloads and now set', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const h = sim.register((s, a, b) => log.push(`${s.now}:${a}:${b}`));
    sim.schedule(20, h, 1, 10);
    sim.schedule(10, h, 2, 20);
    sim.schedule(20, h, 3, 30);
    sim.schedule(10.4, h, 4, 40); // rounds to 10
    assert.equal(sim.pending, 4);
    assert.equal(sim.run(), 4);
    assert.deepEqual(log, ['10:2:20', '10:4:40', '20:1:10', '20:3:30']);
    assert.equal(sim.now, 20);
    assert.equal(sim.eventsFired, 4);
    assert.equal(sim.pending, 0);
  });

  it('runs events scheduled by events, and run(until) stops at until and sets now to it', () => {
    const sim = new Simulation();
    const times: number[] = [];
    const tick = sim.register((s) => {
      times.push(s.now);
      s.schedule(100, tick);
    });
    sim.schedule(0, tick);
    assert.equal(sim.run(350), 4);
    assert.deepEqual(times, [0, 100, 200, 300]);
    assert.equal(sim.now, 350);
    assert.equal(sim.nextEventTime(), 400);
    sim.run(400);
    assert.deepEqual(times, [0, 100, 200, 300, 400]);
    assert.equal(sim.now, 400);
  });

  it('step() fires one event at a time', () => {
    const sim = new Simulation();
    const seen: number[] = [];
    const h = sim.register((_s, a) => seen.push(a));
    sim.schedule(5, h, 1);
    sim.schedule(7, h, 2);
    assert.equal(sim.step(), true);
    assert.deepEqual(seen, [1]);
    assert.equal(sim.now, 5);
    assert.equal(sim.step(), true);
    assert.equal(sim.step(), false);
    assert.equal(sim.now, 7);
  });

  it('stop() ends run after the current event, leaving time where it was', () => {
    const sim = new Simulation();
    let n = 0;
    const h = sim.register((s) => {
      if (++n === 3) s.stop();
      s.schedule(10, h);
    });
    sim.schedule(10, h);
    assert.equal(sim.run(1_000), 3);
    assert.equal(sim.now, 30);
    assert.equal(sim.pending, 1);
    sim.stop(); // outside a run: no effect on the next one
    assert.equal(sim.run(60), 3);
    assert.equal(sim.now, 60);
  });

  it('cancels pending events, and an old id never cancels the event that reuses its slot', () => {
    const sim = new Simulation({ initialCapacity: 1 });
    const fired: number[] = [];
    const h = sim.register((_s, a) => fired.push(a));
    const first = sim.schedule(10, h, 1);
    const second = sim.schedule(20, h, 2);
    assert.equal(sim.isPending(first), true);
    assert.equal(sim.cancel(first), true);
    assert.equal(sim.cancel(first), false);
    assert.equal(sim.isPending(first), false);
    assert.equal(sim.pending, 1);
    sim.run();
    assert.deepEqual(fired, [2]);
    assert.equal(sim.cancel(second), false, 'already fired');
    // The freed slots are reused; the stale ids must not reach the new events.
    const third = sim.schedule(5, h, 3);
    const fourth = sim.schedule(6, h, 4);
    assert.equal(sim.cancel(first), false);
    assert.equal(sim.cancel(second), false);
    assert.equal(sim.isPending(third), true);
    assert.equal(sim.isPending(fourth), true);
    assert.equal(sim.cancel(-1), false);
    assert.equal(sim.cancel(1.5), false);
    sim.run();
    assert.deepEqual(fired, [2, 3, 4]);
  });

  it('purges tombstones in bulk without disturbing the order of live events', () => {
    const sim = new Simulation();
    const fired: number[] = [];
    const h = sim.register((_s, a) => fired.push(a));
    const ids: EventId[] = [];
    for (let i = 0; i < 5000; i++) ids.push(sim.schedule(5000 - i, h, i));
    for (let i = 0; i < 5000; i++) if (i % 5 !== 0) assert.equal(sim.cancel(ids[i]!), true);
    assert.equal(sim.pending, 1000);
    sim.run();
    assert.equal(fired.length, 1000);
    assert.deepEqual(
      fired,
      Array.from({ length: 1000 }, (_, k) => 4995 - 5 * k),
    );
    assert.equal(sim.pending, 0);
  });

  it('fires exactly the events not cancelled, in (time, scheduling) order, under random operations', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('schedule' as const),
              delay: fc.integer({ min: 0, max: 50 }),
            }),
            fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
            fc.record({ kind: fc.constant('step' as const) }),
          ),
          { maxLength: 200 },
        ),
        (ops) => {
          const sim = new Simulation({ initialCapacity: 2 });
          const fired: number[] = [];
          const h = sim.register((_s, a) => fired.push(a));
          interface Ev {
            id: EventId;
            time: number;
            order: number;
            live: boolean;
          }
          const events: Ev[] = [];
          const expected: number[] = [];
          const fireNextExpected = (): void => {
            const live = events.filter((e) => e.live);
            live.sort((a, b) => a.time - b.time || a.order - b.order);
            const next = live[0];
            if (next === undefined) return;
            next.live = false;
            expected.push(next.order);
          };
          for (const op of ops) {
            if (op.kind === 'schedule') {
              const order = events.length;
              events.push({
                id: sim.schedule(op.delay, h, order),
                time: sim.now + op.delay,
                order,
                live: true,
              });
            } else if (op.kind === 'cancel') {
              if (events.length === 0) continue;
              const e = events[op.pick % events.length]!;
              assert.equal(sim.cancel(e.id), e.live);
              e.live = false;
            } else {
              fireNextExpected();
              sim.step();
            }
            assert.equal(sim.pending, events.filter((e) => e.live).length);
          }
          while (events.some((e) => e.live)) fireNextExpected();
          sim.run();
          assert.deepEqual(fired, expected);
        },
      ),
      { seed, numRuns: 200 },
    );
  });

  it('runs closures given to scheduleFn, which can be cancelled too', () => {
    const sim = new Simulation();
    const log: string[] = [];
    sim.scheduleFn(30, (s) => log.push(`c@${s.now}`));
    const b = sim.scheduleFn(20, () => log.push('b'));
    sim.scheduleFn(10, (s) => {
      log.push(`a@${s.now}`);
      s.scheduleFn(0, () => log.push('a2'));
    });
    sim.cancel(b);
    sim.run();
    assert.deepEqual(log, ['a@10', 'a2', 'c@30']);
  });

  it('refuses to run re-entrantly, and a handler that throws leaves the simulation usable', () => {
    const sim = new Simulation();
    const nested = sim.register((s) => s.run());
    sim.schedule(1, nested);
    assert.throws(() => sim.run(), /already running/);
    const boom = sim.register(() => {
      throw new Error('boom');
    });
    const ok = sim.register((_s, a) => assert.equal(a, 7));
    sim.schedule(1, boom);
    sim.schedule(2, ok, 7);
    assert.throws(() => sim.run(), /boom/);
    assert.equal(sim.running, false);
    assert.equal(sim.run(), 1);
  });

  it('gives each label its own stream, independent of the order streams are taken in', () => {
    const a = new Simulation({ seed: 42 });
    const b = new Simulation({ seed: 42 });
    const c = new Simulation({ seed: 43 });
    const draw = (r: Rng): number[] => Array.from({ length: 5 }, () => r.nextUint32());
    const aNet = draw(a.rng('network'));
    const aSrv = draw(a.rng('server'));
    const bSrv = draw(b.rng('server'));
    const bNet = draw(b.rng('network'));
    assert.deepEqual(aNet, bNet);
    assert.deepEqual(aSrv, bSrv);
    assert.notDeepEqual(aNet, aSrv);
    assert.notDeepEqual(draw(c.rng('network')), aNet);
    // The same label again is a different, but still reproducible, stream.
    const aNet2 = draw(a.rng('network'));
    assert.notDeepEqual(aNet2, aNet);
    assert.deepEqual(draw(b.rng('network')), aNet2);
  });

  it('rejects bad delays, times, handlers and options, naming the value', () => {
    const sim = new Simulation();
    const h = sim.register(() => {});
    assert.throws(() => sim.schedule(-1, h), /delayUs >= 0.*got -1/);
    assert.throws(() => sim.schedule(NaN, h), RangeError);
    assert.throws(() => sim.schedule(Infinity, h), RangeError);
    assert.throws(() => sim.schedule(1, 99), /unknown handler id 99/);
    assert.throws(() => sim.schedule(1, -2 + 0.5), /unknown handler/);
    assert.throws(() => sim.scheduleFn(-5, () => {}), RangeError);
    assert.throws(() => sim.scheduleFn(1, 'x' as never), TypeError);
    assert.throws(() => sim.register(42 as never), TypeError);
    sim.schedule(10, h);
    sim.run();
    assert.throws(() => sim.scheduleAt(5, h), /timeUs >= now \(10\), got 5/);
    assert.throws(() => sim.run(-1), /untilUs >= 0/);
    assert.throws(() => new Simulation({ seed: NaN }), /seed/);
    assert.throws(() => new Simulation({ initialCapacity: 0 }), /initialCapacity/);
  });
});
