import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { Simulation } from '../kernel/simulation.js';
import { ms, seconds } from '../units.js';
import { Client } from './client.js';
import type { ClientOptions } from './client.js';
import { constant, exponential, loadDependent } from './distribution.js';
import { FifoQueue } from './fifo-queue.js';
import { Network } from './network.js';
import { PoissonSource } from './poisson-source.js';
import { RequestStatus } from './request-ledger.js';
import { Server } from './server.js';
import type { ServerOptions } from './server.js';

const seed =
  process.env['FC_SEED'] !== undefined
    ? Number(process.env['FC_SEED'])
    : Rng.fromEntropy().seed % 0x7fffffff;
console.log(`client.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

/** A client and server 10 ms apart (constant delay), for the scripted tests. */
function rig(
  server: Omit<ServerOptions, 'rng'>,
  client: Omit<ClientOptions, 'server' | 'network'>,
): { sim: Simulation; server: Server; client: Client } {
  const sim = new Simulation({ seed: 1 });
  const s = new Server(sim, { ...server, rng: sim.rng('server') });
  const network = new Network(sim, { delay: constant(ms(10)), rng: sim.rng('net') });
  const c = new Client(sim, { ...client, server: s, network });
  return { sim, server: s, client: c };
}

describe('Client', () => {
  it('gets an answer after a round trip plus service time', () => {
    const resolved: string[] = [];
    const { sim, client } = rig(
      { workers: 1, serviceTime: constant(ms(5)) },
      { timeoutUs: ms(100), onResolve: (s, r, st) => resolved.push(`${r}:${st}@${s.now}`) },
    );
    const id = client.call();
    sim.run();
    assert.deepEqual(resolved, [`${id}:${RequestStatus.Succeeded}@${ms(25)}`]);
    assert.equal(client.ledger.latencyUs(id), ms(25));
    assert.equal(client.attempts, 1);
    assert.equal(client.timeouts, 0);
  });

  it('times out while the server goes on serving the abandoned attempt', () => {
    const { sim, server, client } = rig(
      { workers: 1, serviceTime: constant(ms(200)) },
      { timeoutUs: ms(100) },
    );
    const a = client.call();
    const b = client.call();
    sim.run();
    assert.equal(client.ledger.status(a), RequestStatus.TimedOut);
    assert.equal(client.ledger.status(b), RequestStatus.TimedOut);
    assert.equal(client.ledger.resolvedUs(a), ms(100));
    // Both were served in full — 400 ms of work for callers long gone.
    assert.equal(server.completed, 2);
    assert.equal(client.lateResponses, 2);
    assert.equal(sim.now, ms(10 + 200 + 200 + 10));
  });

  it('retries after the delay the model picks, passing attempts made and the outcome', () => {
    const calls: string[] = [];
    const attempts: string[] = [];
    const { sim, server, client } = rig(
      { workers: 1, serviceTime: constant(ms(200)) },
      {
        timeoutUs: ms(50),
        maxAttempts: 3,
        retryDelayUs: (s, _r, made, outcome) => {
          calls.push(`${s.now}:${made}:${outcome}`);
          return ms(made * 10);
        },
        onAttempt: (s, _r, n) => attempts.push(`${n}@${s.now}`),
      },
    );
    const id = client.call();
    sim.run();
    const T = RequestStatus.TimedOut;
    assert.deepEqual(calls, [`${ms(50)}:1:${T}`, `${ms(110)}:2:${T}`]);
    assert.deepEqual(attempts, [`1@0`, `2@${ms(60)}`, `3@${ms(130)}`]);
    assert.equal(client.ledger.status(id), RequestStatus.TimedOut);
    assert.equal(client.ledger.resolvedUs(id), ms(180));
    assert.equal(client.retries, 2);
    assert.equal(client.timeouts, 3);
    assert.equal(server.submitted, 3, 'every retry is another copy of the work');
  });

  it('gives up when the retry hook says so, and books errors and sheds as failed and dropped', () => {
    const { sim, client } = rig(
      {
        workers: 1,
        serviceTime: constant(ms(1)),
        failureProbability: 1,
        queue: new FifoQueue({ capacity: 1 }),
      },
      { timeoutUs: ms(100), maxAttempts: 5, retryDelayUs: () => -1 },
    );
    const first = client.call(); // served, fails
    const second = client.call(); // queued, fails
    const third = client.call(); // shed: the queue is full
    sim.run();
    assert.equal(client.ledger.status(first), RequestStatus.Failed);
    assert.equal(client.ledger.status(second), RequestStatus.Failed);
    assert.equal(client.ledger.status(third), RequestStatus.Dropped);
    assert.equal(client.attempts, 3);
  });

  it('drops requests its admit hook refuses, without sending them', () => {
    let n = 0;
    const { sim, server, client } = rig(
      { workers: 1, serviceTime: constant(1) },
      { timeoutUs: ms(100), admit: () => n++ % 2 === 0 },
    );
    for (let i = 0; i < 10; i++) client.call(i);
    sim.run();
    assert.equal(client.ledger.dropped, 5);
    assert.equal(client.ledger.succeeded, 5);
    assert.equal(server.submitted, 5);
    assert.equal(client.ledger.tag(9), 9);
  });

  it('is told otherwise: a cancellation on timeout, or a propagated deadline, stops wasted work', () => {
    const cancelled = rig(
      { workers: 1, serviceTime: constant(ms(200)) },
      { timeoutUs: ms(100), cancelOnTimeout: true },
    );
    cancelled.client.call();
    cancelled.client.call();
    cancelled.sim.run();
    // The cancel reaches the server at 110 ms: the first stops mid-service, the second is
    // dropped at the front of the queue without being started.
    assert.equal(cancelled.server.completed, 0);
    assert.equal(cancelled.server.dropped, 2);
    assert.equal(cancelled.client.ledger.timedOut, 2);

    const sim = new Simulation();
    const server = new Server(sim, {
      workers: 1,
      serviceTime: constant(ms(200)),
      rng: sim.rng('server'),
      queue: new FifoQueue({ dropExpired: true, sim }),
    });
    const network = new Network(sim, { delay: constant(ms(10)), rng: sim.rng('net') });
    const client = new Client(sim, { server, network, timeoutUs: ms(100) });
    client.call();
    client.call();
    sim.run();
    // The first was started in time and served; the second waited past its deadline.
    assert.equal(server.completed, 1);
    assert.equal(server.dropped, 1);
  });

  it('accounts for every request in an open-loop model with timeouts, retries, loss, errors and shedding', () => {
    fc.assert(
      fc.property(
        fc.record({
          simSeed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
          rate: fc.integer({ min: 20, max: 400 }),
          workers: fc.integer({ min: 1, max: 16 }),
          capacity: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 50 })),
          timeoutMs: fc.integer({ min: 50, max: 3000 }),
          maxAttempts: fc.integer({ min: 1, max: 4 }),
          loss: fc.double({ min: 0, max: 0.2, noNaN: true }),
          failure: fc.double({ min: 0, max: 0.2, noNaN: true }),
          cancelOnTimeout: fc.boolean(),
          dropExpired: fc.boolean(),
        }),
        (p) => {
          const sim = new Simulation({ seed: p.simSeed });
          const server = new Server(sim, {
            workers: p.workers,
            serviceTime: loadDependent(exponential(ms(20)), ms(1)),
            rng: sim.rng('server'),
            failureProbability: p.failure,
            queue: new FifoQueue({ capacity: p.capacity, dropExpired: p.dropExpired, sim }),
          });
          const network = new Network(sim, {
            delay: exponential(ms(5)),
            rng: sim.rng('net'),
            lossProbability: p.loss,
          });
          const backoff = sim.rng('backoff');
          let resolvedByHook = 0;
          const client = new Client(sim, {
            server,
            network,
            timeoutUs: ms(p.timeoutMs),
            maxAttempts: p.maxAttempts,
            cancelOnTimeout: p.cancelOnTimeout,
            retryDelayUs: (_s, _r, made) => backoff.float() * ms(10) * 2 ** made,
            onResolve: () => resolvedByHook++,
          });
          const source = new PoissonSource(sim, {
            rate: p.rate,
            rng: sim.rng('arrivals'),
            untilUs: seconds(5),
            onArrival: () => client.call(),
          }).start();
          const check = (): void => {
            const l = client.ledger;
            const c = l.counts();
            assert.deepEqual(l.recount(), c);
            assert.equal(c.created, source.arrivals);
            assert.equal(c.created, c.inFlight + c.succeeded + c.failed + c.timedOut + c.dropped);
            assert.equal(resolvedByHook, c.created - c.inFlight);
            assert.equal(
              server.submitted,
              server.completed + server.failed + server.dropped + server.queued + server.busy,
            );
          };
          for (let t = 1; t <= 5; t++) {
            sim.run(seconds(t));
            check();
          }
          assert.ok(client.ledger.created > 0);
          sim.run();
          check();
          // With finite timeouts, nothing stays in flight once the arrivals stop.
          assert.equal(client.ledger.inFlight, 0);
          assert.equal(server.queued + server.busy, 0);
        },
      ),
      { seed, numRuns: 40 },
    );
  });

  it('is deterministic: the same seed gives the same run', () => {
    const run = (simSeed: number): string => {
      const sim = new Simulation({ seed: simSeed });
      const server = new Server(sim, {
        workers: 4,
        serviceTime: exponential(ms(30)),
        rng: sim.rng('server'),
      });
      const network = new Network(sim, { delay: exponential(ms(5)), rng: sim.rng('net') });
      const log: string[] = [];
      const client = new Client(sim, {
        server,
        network,
        timeoutUs: ms(100),
        maxAttempts: 3,
        onResolve: (s, r, st) => log.push(`${s.now}:${r}:${st}`),
      });
      new PoissonSource(sim, {
        rate: 150,
        rng: sim.rng('arrivals'),
        untilUs: seconds(2),
        onArrival: () => client.call(),
      }).start();
      sim.run();
      return `${sim.eventsFired}\n${log.join('\n')}`;
    };
    assert.equal(run(5), run(5));
    assert.notEqual(run(5), run(6));
  });

  it('rejects bad options', () => {
    const sim = new Simulation();
    const mk = (over: Partial<ClientOptions>): Client => {
      const server = new Server(sim, { workers: 1, serviceTime: constant(1), rng: new Rng(1) });
      const network = new Network(sim, { delay: constant(1), rng: new Rng(1) });
      return new Client(sim, { server, network, timeoutUs: 1, ...over });
    };
    assert.throws(() => mk({ timeoutUs: 0 }), /timeoutUs .* got 0/);
    assert.throws(() => mk({ timeoutUs: NaN }), /timeoutUs/);
    assert.throws(() => mk({ maxAttempts: 0 }), /maxAttempts .* got 0/);
    assert.doesNotThrow(() => mk({ timeoutUs: Infinity }));
  });
});
