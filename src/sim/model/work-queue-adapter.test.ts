import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { WorkQueue } from '../../resilience/work-queue.js';
import type { WorkQueueOptions } from '../../resilience/work-queue.js';
import { Simulation } from '../kernel/simulation.js';
import { ms, seconds } from '../units.js';
import { VirtualClock } from '../virtual-clock.js';
import { Client } from './client.js';
import { constant, exponential } from './distribution.js';
import { Network } from './network.js';
import { PoissonSource } from './poisson-source.js';
import { Server } from './server.js';
import { WorkQueueAdapter } from './work-queue-adapter.js';

const seed =
  process.env['FC_SEED'] !== undefined
    ? Number(process.env['FC_SEED'])
    : Rng.fromEntropy().seed % 0x7fffffff;
console.log(`work-queue-adapter.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

function queueFor(sim: Simulation, options: Omit<WorkQueueOptions, 'clock'>): WorkQueueAdapter {
  return new WorkQueueAdapter(new WorkQueue<number>({ ...options, clock: new VirtualClock(sim) }));
}

describe('WorkQueueAdapter', () => {
  it('runs the real WorkQueue under a server: sheds the oldest, serves fresh first, drops the expired', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const queue = queueFor(sim, { capacity: 3, lifoAtAgeMs: 100 });
    const server = new Server(sim, {
      workers: 1,
      serviceTime: constant(ms(100)),
      rng: sim.rng('server'),
      queue,
      listener: {
        completed: (s, job) => log.push(`${job}:ok@${s.now / 1000}`),
        dropped: (s, job, reason) => log.push(`${job}:${reason}@${s.now / 1000}`),
      },
    });
    for (let job = 0; job < 6; job++) server.submit(job, 0, ms(250));
    sim.run();
    assert.deepEqual(log, [
      '1:shed@0', // full: the oldest waiting job makes room for job 4
      '2:shed@0', // ... and for job 5
      '0:ok@100',
      '5:ok@200', // backlogged for 100 ms: newest first
      '3:expired@300', // waited 300 ms > its 250 ms TTL, dropped on the way
      '4:ok@300',
    ]);
    const stats = queue.queue.stats();
    assert.equal(stats.offered, 6);
    assert.equal(stats.dropped.shed, 2);
    assert.equal(server.dropped, 3);
    assert.equal(server.completed, 3);
  });

  it('drops a job whose deadline already passed, clamps priorities, and keeps the default TTL for Infinity', () => {
    const sim = new Simulation();
    const dropped: string[] = [];
    const queue = queueFor(sim, { capacity: 10, priorities: 2, defaultTtlMs: 50, order: 'fifo' });
    queue.attach((job, reason) => dropped.push(`${job}:${reason}`));
    assert.throws(() => queue.attach(() => {}), /already attached/);
    queue.offer(1, 0, 0);
    queue.offer(2, 7, Infinity); // priority clamped to 1, default TTL of 50 ms
    queue.offer(3, 0, ms(1000));
    assert.deepEqual(dropped, ['1:expired']);
    assert.equal(queue.size, 2);
    sim.scheduleFn(ms(60), () => {});
    sim.run();
    assert.equal(queue.take(), 3);
    assert.equal(queue.take(), -1);
    assert.deepEqual(dropped, ['1:expired', '2:expired']);
    assert.throws(() => new WorkQueueAdapter({} as never), TypeError);
  });

  it('accounts for every request when clients retry against a server behind the real WorkQueue', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom('fifo' as const, 'lifo' as const, 'adaptive' as const),
        fc.constantFrom('shed-oldest' as const, 'refuse' as const),
        (simSeed, capacity, order, whenFull) => {
          const sim = new Simulation({ seed: simSeed });
          const server = new Server(sim, {
            workers: 4,
            serviceTime: exponential(ms(40)),
            rng: sim.rng('server'),
            queue: queueFor(sim, { capacity, order, whenFull, priorities: 3 }),
          });
          const network = new Network(sim, { delay: exponential(ms(5)), rng: sim.rng('net') });
          const client = new Client(sim, {
            server,
            network,
            timeoutUs: ms(200),
            maxAttempts: 3,
            priorityOf: (attempt) => attempt - 1,
          });
          new PoissonSource(sim, {
            rate: 150,
            rng: sim.rng('arrivals'),
            untilUs: seconds(3),
            onArrival: () => client.call(),
          }).start();
          for (let t = 1; t <= 4; t++) {
            sim.run(seconds(t));
            const c = client.ledger.counts();
            assert.deepEqual(client.ledger.recount(), c);
            assert.equal(c.created, c.inFlight + c.succeeded + c.failed + c.timedOut + c.dropped);
            assert.equal(
              server.submitted,
              server.completed + server.failed + server.dropped + server.queued + server.busy,
            );
          }
          sim.run();
          assert.equal(client.ledger.inFlight, 0);
          assert.equal(server.queued + server.busy, 0);
        },
      ),
      { seed, numRuns: 25 },
    );
  });
});
