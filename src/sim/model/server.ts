/**
 * @module
 * A simulated server: K workers (or unboundedly many) in front of a {@link ServerQueue}.
 * A submitted job waits in the queue until a worker is free, is served for a time drawn
 * from a {@link Distribution} — which may depend on how many jobs are in service, the
 * overloaded server of the `spike` scenario — and then completes, successfully or (with
 * `failureProbability`) with an error. Jobs the queue refuses or discards are dropped.
 *
 * The server serves what it accepted even when the caller has given up: a client-side
 * timeout does not reach it. That is the default on purpose — it is how real servers behave
 * and what feeds a retry storm. It is told otherwise by `cancel(job)` (a cancellation message
 * arrived: a queued job is dropped when it reaches the front, a job in service stops and
 * frees its worker) or by a queue that drops jobs whose TTL ran out.
 *
 * Every submitted job ends exactly once — completed, failed or dropped — and until then is
 * queued or in service; the counters satisfy
 * `submitted = completed + failed + dropped + queued + busy`.
 *
 * Results go to one {@link ServerListener} (usually a {@link Client}) rather than through
 * event emitters: a listener call per job allocates nothing, an emitter payload would.
 */
import type { Rng } from '../../core/rng.js';
import type { EventId, HandlerId, Simulation } from '../kernel/simulation.js';
import { grow } from '../internal/grow.js';
import type { Distribution } from './distribution.js';
import { checkFailureProbability, checkWorkers, ServerBase } from './internal/server-base.js';
import type { DropReason, ServerQueue } from './server-queue.js';

/** Receives the outcome of every job a {@link Server} was given. */
export interface ServerListener {
  /** `job` finished service; `ok` is false when the server answered with an error. */
  completed(sim: Simulation, job: number, ok: boolean): void;
  /** `job` will never be served: refused or discarded by the queue, or cancelled. */
  dropped(sim: Simulation, job: number, reason: DropReason): void;
}

/** Options for {@link Server}. */
export interface ServerOptions {
  /** Jobs served at once: an integer ≥ 1, or Infinity for a server that never queues. */
  readonly workers: number;
  /** Service time, µs; drawn when service starts, with `load` = jobs in service (this one included). */
  readonly serviceTime: Distribution;
  /** The server's own random stream. */
  readonly rng: Rng;
  /** Where waiting jobs sit. Default: a new unbounded `FifoQueue`. */
  readonly queue?: ServerQueue;
  /** Probability that a served job completes with an error, in [0, 1]. Default 0. */
  readonly failureProbability?: number;
  /** Who hears about completions and drops; can also be set later with `connect`. */
  readonly listener?: ServerListener;
  /** Called when a job starts service, with how long it waited, µs (for metrics). */
  readonly onStart?: (sim: Simulation, job: number, waitedUs: number) => void;
}

/** A server with workers and a queue; see the module comment. */
export class Server extends ServerBase {
  readonly #serviceTime: Distribution;
  readonly #finishHandler: HandlerId;
  /** Per worker slot: the job's completion event. */
  #slotEvent = new Float64Array(16);

  constructor(sim: Simulation, options: ServerOptions) {
    checkWorkers('Server', options.workers);
    const p = checkFailureProbability('Server', options.failureProbability);
    if (typeof options.serviceTime?.sample !== 'function') {
      throw new TypeError('Server serviceTime must be a Distribution');
    }
    super(sim, 'Server', options, p);
    this.#serviceTime = options.serviceTime;
    this.#finishHandler = sim.register((s, job, slot) => this.#finish(s, job, slot));
  }

  protected override serve(job: number, load: number): void {
    const slot = this.takeSlot(job);
    if (this.#slotEvent.length < this.slotJob.length) {
      this.#slotEvent = grow(this.#slotEvent, this.slotJob.length);
    }
    this.#slotEvent[slot] = this.sim.schedule(
      this.#serviceTime.sample(this.rng, load),
      this.#finishHandler,
      job,
      slot,
    );
  }

  protected override stop(slot: number): void {
    this.sim.cancel(this.#slotEvent[slot] as EventId);
    this.#freeSlot(slot);
  }

  #finish(sim: Simulation, job: number, slot: number): void {
    this.#freeSlot(slot);
    this.complete(sim, job);
  }

  #freeSlot(slot: number): void {
    this.releaseSlot(slot);
    this.inService--;
  }
}
