import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { Simulation } from '../kernel/simulation.js';
import { constant, exponential } from './distribution.js';
import { FifoQueue } from './fifo-queue.js';
import { ProcessorSharingServer } from './processor-sharing-server.js';
import type { ServerListener } from './server.js';

const seed =
  process.env['FC_SEED'] !== undefined
    ? Number(process.env['FC_SEED'])
    : Rng.fromEntropy().seed % 0x7fffffff;
console.log(`processor-sharing-server.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

/** A listener that logs `job:outcome@time`. */
function recorder(log: string[]): ServerListener {
  return {
    completed: (s, job, ok) => log.push(`${job}:${ok ? 'ok' : 'err'}@${s.now}`),
    dropped: (s, job, reason) => log.push(`${job}:${reason}@${s.now}`),
  };
}

function server(
  sim: Simulation,
  log: string[],
  k: number,
  workers = Infinity,
  workUs = 1000,
): ProcessorSharingServer {
  return new ProcessorSharingServer(sim, {
    workers,
    work: constant(workUs),
    slowdownPerInProgress: k,
    rng: sim.rng('server'),
    listener: recorder(log),
  });
}

describe('ProcessorSharingServer', () => {
  it('takes W × (1 + k·n) for a job that shares the server with n - 1 others throughout', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const s = server(sim, log, 0.01, Infinity, 1_000_000);
    s.submit(0);
    sim.run();
    assert.deepEqual(log, ['0:ok@1010000']); // 1.0 s + 0.01 s × 1
    for (let job = 1; job <= 3; job++) s.submit(job);
    sim.run();
    // Three at once: 1.0 s + 0.01 s × 3 each, all finishing together.
    assert.deepEqual(log.slice(1), ['1:ok@2040000', '2:ok@2040000', '3:ok@2040000']);
  });

  it('slows down the jobs already in service when another arrives, and speeds them up after', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const s = server(sim, log, 1);
    s.submit(0); // alone: half speed, 1000 µs of work
    sim.scheduleFn(1000, () => s.submit(1)); // job 0 has done 500
    sim.run();
    // Two in service: a third of full speed each; job 0's last 500 take 1500 µs (t = 2500).
    // Job 1 has then done 500 too, and alone again at half speed needs 1000 µs more.
    assert.deepEqual(log, ['0:ok@2500', '1:ok@3500']);
    assert.equal(s.completed, 2);
    assert.equal(s.busy, 0);
  });

  it('gives a cancelled job’s share to the others', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const s = server(sim, log, 1);
    s.submit(0);
    s.submit(1);
    assert.equal(s.speed, 1 / 3);
    sim.scheduleFn(300, () => assert.equal(s.cancel(1), true)); // each has done 100
    sim.run();
    // Job 0 alone from t = 300: 900 µs of work at half speed.
    assert.deepEqual(log, ['1:aborted@300', '0:ok@2100']);
    assert.equal(s.dropped, 1);
    assert.equal(s.cancel(1), false);
    assert.equal(s.cancel(42), false);
  });

  it('serves K jobs at once and queues the rest', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const s = server(sim, log, 0, 2);
    for (let job = 0; job < 5; job++) s.submit(job);
    assert.equal(s.busy, 2);
    assert.equal(s.queued, 3);
    sim.run();
    assert.deepEqual(log, ['0:ok@1000', '1:ok@1000', '2:ok@2000', '3:ok@2000', '4:ok@3000']);
  });

  it('drops a queued job that was cancelled when it reaches the front', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const s = server(sim, log, 0, 1);
    s.submit(0);
    s.submit(1);
    assert.equal(s.cancel(1), true);
    sim.run();
    assert.deepEqual(log, ['1:aborted@1000', '0:ok@1000']);
  });

  it('reports the jobs its queue refuses', () => {
    const sim = new Simulation();
    const log: string[] = [];
    const s = new ProcessorSharingServer(sim, {
      workers: 1,
      work: constant(1000),
      slowdownPerInProgress: 0,
      rng: sim.rng('server'),
      queue: new FifoQueue({ capacity: 1 }),
    });
    s.connect(recorder(log));
    assert.throws(() => s.connect(recorder(log)), /already has a listener/);
    s.submit(0);
    s.submit(1);
    s.submit(2);
    sim.run();
    assert.deepEqual(log, ['2:full@0', '0:ok@1000', '1:ok@2000']);
  });

  it('accounts for every job exactly once under random submissions and cancellations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom(1, 3, Infinity),
        fc.array(
          fc.record({
            atUs: fc.integer({ min: 0, max: 5000 }),
            cancelAfterUs: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
          }),
          { maxLength: 40 },
        ),
        (runSeed, workers, jobs) => {
          const sim = new Simulation({ seed: runSeed });
          const outcomes = new Map<number, number>();
          const s = new ProcessorSharingServer(sim, {
            workers,
            work: exponential(800),
            slowdownPerInProgress: 0.3,
            rng: sim.rng('server'),
            failureProbability: 0.1,
            listener: {
              completed: (_s, job) => outcomes.set(job, (outcomes.get(job) ?? 0) + 1),
              dropped: (_s, job) => outcomes.set(job, (outcomes.get(job) ?? 0) + 1),
            },
          });
          const check = (): void => {
            assert.equal(
              s.submitted,
              s.completed + s.failed + s.dropped + s.queued + s.busy,
              'submitted = completed + failed + dropped + queued + busy',
            );
          };
          jobs.forEach((j, job) => {
            sim.scheduleFn(j.atUs, () => {
              s.submit(job);
              check();
            });
            if (j.cancelAfterUs !== undefined) {
              sim.scheduleFn(j.atUs + j.cancelAfterUs, () => {
                s.cancel(job);
                check();
              });
            }
          });
          sim.run();
          check();
          assert.equal(s.busy + s.queued, 0);
          assert.equal(outcomes.size, jobs.length);
          for (const n of outcomes.values()) assert.equal(n, 1);
        },
      ),
      { seed, numRuns: 200 },
    );
  });

  it('rejects bad options, naming them', () => {
    const sim = new Simulation();
    const base = { work: constant(1), slowdownPerInProgress: 0, rng: sim.rng('x') };
    assert.throws(() => new ProcessorSharingServer(sim, { ...base, workers: 0 }), /workers.*got 0/);
    assert.throws(
      () => new ProcessorSharingServer(sim, { ...base, workers: 1, slowdownPerInProgress: -1 }),
      /slowdownPerInProgress.*got -1/,
    );
    assert.throws(
      () => new ProcessorSharingServer(sim, { ...base, workers: 1, failureProbability: 2 }),
      /failureProbability.*got 2/,
    );
    const s = new ProcessorSharingServer(sim, { ...base, workers: 1 });
    assert.throws(() => s.submit(-1), /job must be an integer/);
    s.submit(3);
    assert.throws(() => s.submit(3), /submitted twice/);
  });
});
