/**
 * @module
 * What {@link Server} and {@link ProcessorSharingServer} share: the admission bookkeeping of
 * a server with K workers (or unboundedly many) in front of a {@link ServerQueue}. Per job id
 * it keeps a state byte and the submit time, grown on demand; it checks `submit` and
 * `cancel`, feeds the queue and takes its drops, starts queued jobs while workers are free,
 * finishes them (drawing failures), and keeps the counters that satisfy
 * `submitted = completed + failed + dropped + queued + busy`.
 *
 * A subclass supplies only its service discipline: how a started job is served
 * ({@link ServerBase.serve}), how a job in service is stopped ({@link ServerBase.stop}), and
 * optionally what to do around a change ({@link ServerBase.beforeAdmit},
 * {@link ServerBase.afterChange}). The hooks are plain method calls on typed arrays, so the
 * hot paths still allocate nothing.
 */
import type { Rng } from '../../../core/rng.js';
import type { Simulation } from '../../kernel/simulation.js';
import { grow } from '../../internal/grow.js';
import { FifoQueue } from '../fifo-queue.js';
import type { ServerLike } from '../server-like.js';
import type { DropReason, ServerQueue } from '../server-queue.js';
import type { ServerListener } from '../server.js';

/** The options every server built on {@link ServerBase} takes. */
export interface ServerBaseOptions {
  /** Jobs in service at once: an integer ≥ 1, or Infinity. Checked by {@link checkWorkers}. */
  readonly workers: number;
  /** The server's own random stream. */
  readonly rng: Rng;
  /** Where waiting jobs sit. Default: a new unbounded {@link FifoQueue}. */
  readonly queue?: ServerQueue;
  /** Who hears about completions and drops; can also be set later with `connect`. */
  readonly listener?: ServerListener;
  /** Called when a job starts service, with how long it waited, µs. */
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

/**
 * Throws unless `workers` is an integer ≥ 1 or Infinity. A function rather than a check in
 * the constructor so that each server validates its options in its own order, before
 * anything is registered with the simulation.
 */
export function checkWorkers(owner: string, workers: number): void {
  if (!(workers === Infinity || (Number.isInteger(workers) && workers >= 1))) {
    throw new RangeError(`${owner} workers must be an integer >= 1 or Infinity, got ${workers}`);
  }
}

/** Returns `failureProbability` (default 0); throws unless it is in [0, 1]. */
export function checkFailureProbability(owner: string, p: number | undefined): number {
  const value = p ?? 0;
  if (!(value >= 0 && value <= 1)) {
    throw new RangeError(`${owner} failureProbability must be in [0, 1], got ${value}`);
  }
  return value;
}

/** The shared part of a queueing server; see the module comment. */
export abstract class ServerBase implements ServerLike {
  protected readonly sim: Simulation;
  protected readonly rng: Rng;
  readonly #name: string;
  readonly #workers: number;
  readonly #queue: ServerQueue;
  readonly #failureProbability: number;
  readonly #onStart: ((sim: Simulation, job: number, waitedUs: number) => void) | undefined;
  #listener: ServerListener | undefined;

  // Per job id.
  #state = new Uint8Array(64);
  #submittedUs = new Float64Array(64);
  /** Job in each worker slot, -1 when none (slots in use are those not on the free stack). */
  protected slotJob = new Float64Array(16);
  #freeSlots = new Int32Array(16);
  #freeTop = 0;
  /** Slots ever handed out; slot ids are below it. */
  protected slotCount = 0;

  /** Jobs in service now (the `busy` getter). */
  protected inService = 0;
  #queued = 0;
  #submitted = 0;
  #completed = 0;
  #failed = 0;
  #dropped = 0;

  /**
   * `name` prefixes error messages. The options must be validated already (see
   * {@link checkWorkers}, {@link checkFailureProbability}).
   */
  protected constructor(
    sim: Simulation,
    name: string,
    options: ServerBaseOptions,
    failureProbability: number,
  ) {
    this.sim = sim;
    this.#name = name;
    this.#workers = options.workers;
    this.rng = options.rng;
    this.#failureProbability = failureProbability;
    this.#onStart = options.onStart;
    this.#listener = options.listener;
    this.#queue = options.queue ?? new FifoQueue();
    this.#queue.attach((job, reason) => this.#queueDropped(job, reason));
  }

  /** Serves `job`, just started; `load` = jobs in service, this one included. */
  protected abstract serve(job: number, load: number): void;
  /** Stops the job in `slot` (found by `cancel`), freeing its worker: `inService` drops by one. */
  protected abstract stop(slot: number): void;
  /** Called by `submit` after its checks, before the job is recorded and queued. */
  protected beforeAdmit(): void {}
  /** Called after a submit or cancel has dispatched, before the listener hears of it. */
  protected afterChange(): void {}

  /** Sets the listener (once, when not given in the options). */
  connect(listener: ServerListener): void {
    if (this.#listener !== undefined) throw new Error(`${this.#name} already has a listener`);
    this.#listener = listener;
  }

  /** Number of workers (may be Infinity). */
  get workers(): number {
    return this.#workers;
  }
  /** Jobs in service now. */
  get busy(): number {
    return this.inService;
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
  /** Jobs never served to the end (queue refusals and discards, cancellations). */
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
      throw new RangeError(`${this.#name}.submit: job must be an integer in [0, 2^31), got ${job}`);
    }
    if (job >= this.#state.length) {
      this.#state = grow(this.#state, job + 1);
      this.#submittedUs = grow(this.#submittedUs, job + 1);
    }
    if (this.#state[job] !== NONE) {
      throw new RangeError(`${this.#name}.submit: job ${job} submitted twice`);
    }
    this.beforeAdmit();
    this.#state[job] = QUEUED;
    this.#submittedUs[job] = this.sim.now;
    this.#submitted++;
    this.#queued++;
    // Always through the queue, even with an idle worker: the queue decides (a TTL already
    // run out, a closed queue) and keeps its own statistics whole.
    this.#queue.offer(job, priority, ttlUs);
    this.dispatch();
    this.afterChange();
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
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (this.slotJob[slot] !== job) continue;
      this.stop(slot);
      this.#state[job] = DROPPED;
      this.#dropped++;
      this.dispatch();
      this.afterChange();
      this.#listener?.dropped(this.sim, job, 'aborted');
      return true;
    }
    throw new Error(`${this.#name}: job ${job} is in service but holds no worker`);
  }

  /** Starts queued jobs while workers are free. */
  protected dispatch(): void {
    while (this.inService < this.#workers && this.#queued > 0) {
      const job = this.#queue.take();
      if (job < 0) break;
      const state = this.#state[job];
      if (state !== QUEUED && state !== CANCELLED) {
        throw new Error(`${this.#name}: the queue handed out job ${job}, which it does not hold`);
      }
      this.#queued--;
      if (state === CANCELLED) {
        this.#state[job] = DROPPED;
        this.#dropped++;
        this.#listener?.dropped(this.sim, job, 'aborted');
        continue;
      }
      const sim = this.sim;
      this.#state[job] = IN_SERVICE;
      this.serve(job, ++this.inService);
      this.#onStart?.(sim, job, sim.now - (this.#submittedUs[job] as number));
    }
  }

  /**
   * `job` finished service (its worker already freed): draws success or failure, counts it,
   * starts what waits and tells the listener.
   */
  protected complete(sim: Simulation, job: number): void {
    this.#state[job] = DONE;
    const ok = this.#failureProbability === 0 || this.rng.float() >= this.#failureProbability;
    if (ok) this.#completed++;
    else this.#failed++;
    this.dispatch();
    this.#listener?.completed(sim, job, ok);
  }

  /**
   * A worker slot for `job`: a freed one, else a new one. Returns the slot; a subclass grows
   * its own per-slot arrays to at least `slotJob.length`.
   */
  protected takeSlot(job: number): number {
    let slot: number;
    if (this.#freeTop > 0) {
      slot = this.#freeSlots[--this.#freeTop] as number;
    } else {
      slot = this.slotCount++;
      if (slot === this.slotJob.length) {
        this.slotJob = grow(this.slotJob, slot + 1);
        this.#freeSlots = grow(this.#freeSlots, slot + 1);
      }
    }
    this.slotJob[slot] = job;
    return slot;
  }

  /** Puts `slot` back on the free stack (does not touch `inService`). */
  protected releaseSlot(slot: number): void {
    this.slotJob[slot] = -1;
    this.#freeSlots[this.#freeTop++] = slot;
  }

  #queueDropped(job: number, reason: DropReason): void {
    const state = job >= 0 && job < this.#state.length ? this.#state[job] : NONE;
    if (state !== QUEUED && state !== CANCELLED) {
      throw new Error(`${this.#name}: the queue dropped job ${job}, which it does not hold`);
    }
    this.#state[job] = DROPPED;
    this.#queued--;
    this.#dropped++;
    this.#listener?.dropped(this.sim, job, reason);
  }
}
