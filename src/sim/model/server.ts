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
import { FifoQueue } from './fifo-queue.js';
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
  /** Where waiting jobs sit. Default: a new unbounded {@link FifoQueue}. */
  readonly queue?: ServerQueue;
  /** Probability that a served job completes with an error, in [0, 1]. Default 0. */
  readonly failureProbability?: number;
  /** Who hears about completions and drops; can also be set later with `connect`. */
  readonly listener?: ServerListener;
  /** Called when a job starts service, with how long it waited, µs (for metrics). */
  readonly onStart?: (sim: Simulation, job: number, waitedUs: number) => void;
}

/** Job states, per job id. */
const NONE = 0;
const QUEUED = 1;
const IN_SERVICE = 2;
const DONE = 3;
const DROPPED = 4;
/** Queued, but its caller cancelled it: dropped when it reaches the front. */
const CANCELLED = 5;

/** A server with workers and a queue; see the module comment. */
export class Server {
  readonly #sim: Simulation;
  readonly #workers: number;
  readonly #serviceTime: Distribution;
  readonly #rng: Rng;
  readonly #queue: ServerQueue;
  readonly #failureProbability: number;
  readonly #onStart: ((sim: Simulation, job: number, waitedUs: number) => void) | undefined;
  readonly #finishHandler: HandlerId;
  #listener: ServerListener | undefined;

  // Per job id.
  #state = new Uint8Array(64);
  #submittedUs = new Float64Array(64);
  // Per worker slot (slots in use are those not on the free stack).
  #slotJob = new Float64Array(16);
  #slotEvent = new Float64Array(16);
  #freeSlots = new Int32Array(16);
  #freeTop = 0;
  #slotCount = 0;

  #busy = 0;
  #queued = 0;
  #submitted = 0;
  #completed = 0;
  #failed = 0;
  #dropped = 0;

  constructor(sim: Simulation, options: ServerOptions) {
    const { workers } = options;
    if (!(workers === Infinity || (Number.isInteger(workers) && workers >= 1))) {
      throw new RangeError(`Server workers must be an integer >= 1 or Infinity, got ${workers}`);
    }
    const p = options.failureProbability ?? 0;
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`Server failureProbability must be in [0, 1], got ${p}`);
    }
    if (typeof options.serviceTime?.sample !== 'function') {
      throw new TypeError('Server serviceTime must be a Distribution');
    }
    this.#sim = sim;
    this.#workers = workers;
    this.#serviceTime = options.serviceTime;
    this.#rng = options.rng;
    this.#failureProbability = p;
    this.#onStart = options.onStart;
    this.#listener = options.listener;
    this.#queue = options.queue ?? new FifoQueue();
    this.#queue.attach((job, reason) => this.#queueDropped(job, reason));
    this.#finishHandler = sim.register((s, job, slot) => this.#finish(s, job, slot));
  }

  /** Sets the listener (once, when not given in the options). */
  connect(listener: ServerListener): void {
    if (this.#listener !== undefined) throw new Error('Server already has a listener');
    this.#listener = listener;
  }

  /** Number of workers (may be Infinity). */
  get workers(): number {
    return this.#workers;
  }
  /** Jobs in service now. */
  get busy(): number {
    return this.#busy;
  }
  /** Jobs waiting in the queue now (cancelled ones until they reach the front). */
  get queued(): number {
    return this.#queued;
  }
  /** Jobs submitted so far. */
  get submitted(): number {
    return this.#submitted;
  }
  /** Jobs served successfully. */
  get completed(): number {
    return this.#completed;
  }
  /** Jobs served with an error. */
  get failed(): number {
    return this.#failed;
  }
  /** Jobs never served (queue refusals and discards, cancellations). */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Hands the server a job. `job` is a non-negative integer not submitted before (an id into
   * the model's tables; the server keeps a byte and a timestamp per id). `priority` (0 most
   * important) and `ttlUs` (how much longer the caller waits) are passed to the queue.
   */
  submit(job: number, priority = 0, ttlUs = Infinity): void {
    if (!(job >= 0 && job <= 0x7fffffff && Number.isInteger(job))) {
      throw new RangeError(`Server.submit: job must be an integer in [0, 2^31), got ${job}`);
    }
    if (job >= this.#state.length) {
      this.#state = grow(this.#state, job + 1);
      this.#submittedUs = grow(this.#submittedUs, job + 1);
    }
    if (this.#state[job] !== NONE)
      throw new RangeError(`Server.submit: job ${job} submitted twice`);
    this.#state[job] = QUEUED;
    this.#submittedUs[job] = this.#sim.now;
    this.#submitted++;
    this.#queued++;
    // Always through the queue, even with an idle worker: the queue decides (a TTL already
    // run out, a closed queue) and keeps its own statistics whole.
    this.#queue.offer(job, priority, ttlUs);
    this.#dispatch();
  }

  /**
   * The caller gave up on `job` and said so: a queued job is dropped (`'aborted'`) when it
   * reaches the front, a job in service stops now and frees its worker. Returns false when
   * the job is not queued or in service.
   */
  cancel(job: number): boolean {
    const state = job >= 0 && job < this.#state.length ? this.#state[job] : NONE;
    if (state === QUEUED) {
      this.#state[job] = CANCELLED;
      return true;
    }
    if (state !== IN_SERVICE) return false;
    for (let slot = 0; slot < this.#slotCount; slot++) {
      if (this.#slotJob[slot] !== job) continue;
      this.#sim.cancel(this.#slotEvent[slot] as EventId);
      this.#freeSlot(slot);
      this.#state[job] = DROPPED;
      this.#dropped++;
      this.#dispatch();
      this.#listener?.dropped(this.#sim, job, 'aborted');
      return true;
    }
    throw new Error(`Server: job ${job} is in service but holds no worker`);
  }

  /** Starts queued jobs while workers are free. */
  #dispatch(): void {
    while (this.#busy < this.#workers && this.#queued > 0) {
      const job = this.#queue.take();
      if (job < 0) break;
      const state = this.#state[job];
      if (state !== QUEUED && state !== CANCELLED) {
        throw new Error(`Server: the queue handed out job ${job}, which it does not hold`);
      }
      this.#queued--;
      if (state === CANCELLED) {
        this.#state[job] = DROPPED;
        this.#dropped++;
        this.#listener?.dropped(this.#sim, job, 'aborted');
        continue;
      }
      this.#start(job);
    }
  }

  #start(job: number): void {
    const sim = this.#sim;
    this.#state[job] = IN_SERVICE;
    const load = ++this.#busy;
    let slot: number;
    if (this.#freeTop > 0) {
      slot = this.#freeSlots[--this.#freeTop] as number;
    } else {
      slot = this.#slotCount++;
      if (slot === this.#slotJob.length) {
        this.#slotJob = grow(this.#slotJob, slot + 1);
        this.#slotEvent = grow(this.#slotEvent, slot + 1);
        this.#freeSlots = grow(this.#freeSlots, slot + 1);
      }
    }
    this.#slotJob[slot] = job;
    this.#slotEvent[slot] = sim.schedule(
      this.#serviceTime.sample(this.#rng, load),
      this.#finishHandler,
      job,
      slot,
    );
    this.#onStart?.(sim, job, sim.now - (this.#submittedUs[job] as number));
  }

  #finish(sim: Simulation, job: number, slot: number): void {
    this.#freeSlot(slot);
    this.#state[job] = DONE;
    const ok = this.#failureProbability === 0 || this.#rng.float() >= this.#failureProbability;
    if (ok) this.#completed++;
    else this.#failed++;
    this.#dispatch();
    this.#listener?.completed(sim, job, ok);
  }

  #freeSlot(slot: number): void {
    this.#slotJob[slot] = -1;
    this.#freeSlots[this.#freeTop++] = slot;
    this.#busy--;
  }

  #queueDropped(job: number, reason: DropReason): void {
    const state = job >= 0 && job < this.#state.length ? this.#state[job] : NONE;
    if (state !== QUEUED && state !== CANCELLED) {
      throw new Error(`Server: the queue dropped job ${job}, which it does not hold`);
    }
    this.#state[job] = DROPPED;
    this.#queued--;
    this.#dropped++;
    this.#listener?.dropped(this.#sim, job, reason);
  }
}
