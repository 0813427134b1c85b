import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { Simulation } from '../kernel/simulation.js';
import { constant, exponential, loadDependent } from './distribution.js';
import { FifoQueue } from './fifo-queue.js';
import { Server } from './server.js';
import type { ServerListener } from './server.js';

const seed =
  process.env['FC_SEED'] !== undefined
    ? Number(process.env['FC_SEED'])
    : Rng.fromEntropy().seed % 0x7fffffff;
console.log(`server.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

/** A listener that logs `job:outcome@time`. */
function recorder(log: string[]): ServerListener {
  return {
    completed: (s, job, ok) => log.push(`${job}:${ok ? 'ok' : 'err'}@${s.now}`),
    dropped: (s, job, reason) => log.push(`${job}:${reason}@${s.now}`),
  };
}

describe('Server', () => {
  it('serves K jobs at a time and queues the rest in FIFO order', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const waits: number[] = [];
    const server = new Server(sim, {
      workers: 2,
      serviceTime: constant(100),
      rng: sim.rng('server'),
      listener: recorder(log),
      onStart: (_s, _job, waitedUs) => waits.push(waitedUs),
    });
    for (let job = 0; job < 5; job++) server.submit(job);
    assert.equal(server.busy, 2);
    assert.equal(server.queued, 3);
    sim.run();
    assert.deepEqual(log, ['0:ok@100', '1:ok@100', '2:ok@200', '3:ok@200', '4:ok@300']);
    assert.deepEqual(waits, [0, 0, 100, 100, 200]);
    assert.equal(server.completed, 5);
    assert.equal(server.busy + server.queued, 0);
  });

  it('draws load-dependent service times with the number in service', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const server = new Server(sim, {
      workers: Infinity,
      serviceTime: loadDependent(1_000, 10),
      rng: sim.rng('server'),
    });
    server.connect(recorder(log));
    assert.throws(() => server.connect(recorder(log)), /already has a listener/);
    server.submit(0);
    server.submit(1);
    server.submit(2);
    sim.run();
    assert.deepEqual(log, ['0:ok@1010', '1:ok@1020', '2:ok@1030']);
  });

  it('fails jobs with failureProbability', () => {
    const sim = new Simulation({ seed: 3 });
    const server = new Server(sim, {
      workers: 4,
      serviceTime: exponential(10),
      rng: sim.rng('server'),
      failureProbability: 0.3,
    });
    for (let job = 0; job < 10_000; job++) server.submit(job);
    sim.run();
    assert.equal(server.completed + server.failed, 10_000);
    assert.ok(Math.abs(server.failed / 10_000 - 0.3) < 0.02);
  });

  it('keeps serving unless cancelled: a cancelled queued job is dropped at the front, one in service frees its worker', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const server = new Server(sim, {
      workers: 1,
      serviceTime: constant(100),
      rng: sim.rng('server'),
      listener: recorder(log),
    });
    server.submit(0);
    server.submit(1);
    server.submit(2);
    sim.scheduleFn(30, () => {
      assert.equal(server.cancel(1), true, 'queued');
      assert.equal(server.cancel(0), true, 'in service');
      assert.equal(server.cancel(0), false, 'already dropped');
      assert.equal(server.cancel(77), false, 'unknown');
    });
    sim.run();
    assert.deepEqual(log, ['1:aborted@30', '0:aborted@30', '2:ok@130']);
    assert.equal(server.cancel(2), false, 'done');
    assert.equal(server.dropped, 2);
    assert.equal(server.completed, 1);
  });

  it('conserves jobs under random submits, cancellations and time: each ends exactly once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(
          fc.oneof(
            fc.constant({ kind: 'submit' as const }),
            fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
            fc.record({ kind: fc.constant('wait' as const), us: fc.integer({ min: 0, max: 300 }) }),
          ),
          { maxLength: 150 },
        ),
        fc.integer({ min: 0, max: 1000 }),
        (workers, capacity, ops, simSeed) => {
          const sim = new Simulation({ seed: simSeed });
          const ended = new Map<number, string>();
          const end = (job: number, how: string): void => {
            assert.equal(ended.has(job), false, `job ${job} ended twice`);
            ended.set(job, how);
          };
          const server = new Server(sim, {
            workers,
            serviceTime: exponential(100),
            rng: sim.rng('server'),
            failureProbability: 0.2,
            queue: new FifoQueue({ capacity, dropExpired: true, sim }),
            listener: {
              completed: (_s, job, ok) => end(job, ok ? 'ok' : 'failed'),
              dropped: (_s, job, reason) => end(job, reason),
            },
          });
          const invariant = (): void => {
            assert.equal(
              server.submitted,
              server.completed + server.failed + server.dropped + server.queued + server.busy,
            );
            assert.equal(ended.size, server.completed + server.failed + server.dropped);
            assert.ok(server.busy <= workers);
          };
          let next = 0;
          for (const op of ops) {
            if (op.kind === 'submit') server.submit(next++, 0, 250);
            else if (op.kind === 'cancel' && next > 0) server.cancel(op.pick % next);
            else if (op.kind === 'wait') sim.run(sim.now + op.us);
            invariant();
          }
          sim.run();
          invariant();
          assert.equal(server.queued + server.busy, 0);
          assert.equal(ended.size, next);
        },
      ),
      { seed, numRuns: 200 },
    );
  });

  it('rejects bad options, bad job ids and a job submitted twice', () => {
    const sim = new Simulation();
    const base = { serviceTime: constant(1), rng: new Rng(1) };
    assert.throws(() => new Server(sim, { ...base, workers: 0 }), /workers .* got 0/);
    assert.throws(() => new Server(sim, { ...base, workers: 1.5 }), /workers/);
    assert.throws(
      () => new Server(sim, { ...base, workers: 1, failureProbability: 2 }),
      /failureProbability .* got 2/,
    );
    assert.throws(
      () => new Server(sim, { ...base, workers: 1, serviceTime: 5 as never }),
      TypeError,
    );
    const server = new Server(sim, { ...base, workers: 1 });
    assert.throws(() => server.submit(-1), /job must be an integer/);
    assert.throws(() => server.submit(0.5), /job must be an integer/);
    server.submit(3);
    assert.throws(() => server.submit(3), /job 3 submitted twice/);
  });
});
