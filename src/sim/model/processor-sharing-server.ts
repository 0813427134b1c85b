/**
 * @module
 * A server whose jobs in service share its capacity, and slow each other down: with `n` jobs
 * in service every one of them progresses at `1 / (1 + slowdownPerInProgress × n)` of full
 * speed. A job needing `W` of work on a server that holds `n` jobs throughout therefore takes
 * `W × (1 + k·n)` — with W = 1 s and k = 0.01, the `spike` scenario's "1.0 s + 0.01 s × in
 * progress" — but unlike {@link Server}, whose service time is fixed when service starts, the
 * jobs already running slow down too when more arrive, and speed up when others leave. That is
 * how contention for CPU, locks, caches or a garbage collector behaves, and it matters for
 * overload: a job that started on a calm server is not protected from the storm that follows.
 * (Processor sharing with a load-dependent rate: Kleinrock, "Queueing Systems, Vol. 2", 1976,
 * §4.4; the slowdown-with-concurrency server of Bronson et al., HotOS 2021.)
 *
 * Simulated exactly and cheaply with one "virtual work" clock `V`: every job in service has
 * received the same work since `V` was 0, so a job that starts at `V₀` with work `W` finishes
 * when `V` reaches `V₀ + W`. Jobs sit in a heap keyed by that finish mark, and only the first
 * one's completion is scheduled: `(mark − V) × (1 + k·n)` from now. Each arrival or departure
 * brings `V` up to date and moves that one event — O(log n) per job, no per-job timers.
 *
 * The rest is {@link Server}'s contract: K workers (or unboundedly many) in front of a
 * {@link ServerQueue}; a timeout at the client does not reach the server unless `cancel(job)`
 * is called; every submitted job ends exactly once, completed, failed or dropped, and
 * `submitted = completed + failed + dropped + queued + busy` at all times.
 */
import type { Rng } from '../../core/rng.js';
import { grow } from '../internal/grow.js';
import { EventHeap } from '../kernel/event-heap.js';
import type { EventId, HandlerId, Simulation } from '../kernel/simulation.js';
import type { Distribution } from './distribution.js';
import { FifoQueue } from './fifo-queue.js';
import type { ServerLike } from './server-like.js';
import type { DropReason, ServerQueue } from './server-queue.js';
import type { ServerListener } from './server.js';

/** Options for {@link ProcessorSharingServer}. */
export interface ProcessorSharingServerOptions {
  /** Jobs in service at once: an integer ≥ 1, or Infinity (nothing ever waits in the queue). */
  readonly workers: number;
  /**
   * Work a job needs, µs at full speed; drawn when service starts, with `load` = jobs in
   * service (this one included).
   */
  readonly work: Distribution;
  /**
   * `k`: with `n` jobs in service each progresses at `1 / (1 + k·n)` of full speed. Finite,
   * ≥ 0; 0 makes an infinite-server queue with no contention.
   */
  readonly slowdownPerInProgress: number;
  /** The server's own random stream. */
  readonly rng: Rng;
  /** Where waiting jobs sit. Default: a new unbounded {@link FifoQueue}. */
  readonly queue?: ServerQueue;
  /** Probability that a served job completes with an error, in [0, 1]. Default 0. */
  readonly failureProbability?: number;
  /** Who hears about completions and drops; can also be set later with `connect`. */
  readonly listener?: ServerListener;
  /** Called when a job starts service, with how long it waited, µs. */
  readonly onStart?: (sim: Simulation, job: number, waitedUs: number) => void;
}

/** Job states, per job id (as in {@link Server}). */
const NONE = 0;
const QUEUED = 1;
const IN_SERVICE = 2;
const DONE = 3;
const DROPPED = 4;
const CANCELLED = 5;

/** Finish marks within this much work of `V` count as reached (float rounding, µs of work). */
const EPSILON_WORK = 1e-6;

/** A processor-sharing server with load-dependent speed; see the module comment. */
export class ProcessorSharingServer implements ServerLike {
  readonly #sim: Simulation;
  readonly #workers: number;
  readonly #work: Distribution;
  readonly #k: number;
  readonly #rng: Rng;
  readonly #queue: ServerQueue;
  readonly #failureProbability: number;
  readonly #onStart: ((sim: Simulation, job: number, waitedUs: number) => void) | undefined;
  readonly #finishHandler: HandlerId;
  #listener: ServerListener | undefined;

  /** Finish marks (key) of the jobs in service, by worker slot (value). */
  readonly #marks = new EventHeap({ initialCapacity: 64 });
  /** Work each job in service has received since the origin, µs. */
  #virtual = 0;
  /** When `#virtual` was last brought up to date, virtual µs. */
  #updatedUs = 0;
  #completionEvent: EventId = -1;

  // Per job id.
  #state = new Uint8Array(64);
  #submittedUs = new Float64Array(64);
  // Per worker slot. A cancelled job's slot stays in the heap, dead, until it reaches the top.
  #slotJob = new Float64Array(16);
  #slotDead = new Uint8Array(16);
  #freeSlots = new Int32Array(16);
  #freeTop = 0;
  #slotCount = 0;

  #busy = 0;
  #queued = 0;
  #submitted = 0;
  #completed = 0;
  #failed = 0;
  #dropped = 0;

  constructor(sim: Simulation, options: ProcessorSharingServerOptions) {
    const { workers } = options;
    if (!(workers === Infinity || (Number.isInteger(workers) && workers >= 1))) {
      throw new RangeError(
        `ProcessorSharingServer workers must be an integer >= 1 or Infinity, got ${workers}`,
      );
    }
    const k = options.slowdownPerInProgress;
    if (!(k >= 0 && Number.isFinite(k))) {
      throw new RangeError(
        `ProcessorSharingServer slowdownPerInProgress must be a finite number >= 0, got ${k}`,
      );
    }
    const p = options.failureProbability ?? 0;
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`ProcessorSharingServer failureProbability must be in [0, 1], got ${p}`);
    }
    if (typeof options.work?.sample !== 'function') {
      throw new TypeError('ProcessorSharingServer work must be a Distribution');
    }
    this.#sim = sim;
    this.#workers = workers;
    this.#work = options.work;
    this.#k = k;
    this.#rng = options.rng;
    this.#failureProbability = p;
    this.#onStart = options.onStart;
    this.#listener = options.listener;
    this.#queue = options.queue ?? new FifoQueue();
    this.#queue.attach((job, reason) => this.#queueDropped(job, reason));
    this.#finishHandler = sim.register(() => this.#finish());
    this.#updatedUs = sim.now;
  }

  /** Sets the listener (once, when not given in the options). */
  connect(listener: ServerListener): void {
    if (this.#listener !== undefined)
      throw new Error('ProcessorSharingServer already has a listener');
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
  /** Jobs never served to the end (queue refusals and discards, cancellations). */
  get dropped(): number {
    return this.#dropped;
  }
  /** How fast each job in service progresses now, as a fraction of full speed. */
  get speed(): number {
    return 1 / (1 + this.#k * this.#busy);
  }

  /** Hands the server a job; see {@link ServerLike.submit}. */
  submit(job: number, priority = 0, ttlUs = Infinity): void {
    if (!(job >= 0 && job <= 0x7fffffff && Number.isInteger(job))) {
      throw new RangeError(
        `ProcessorSharingServer.submit: job must be an integer in [0, 2^31), got ${job}`,
      );
    }
    if (job >= this.#state.length) {
      this.#state = grow(this.#state, job + 1);
      this.#submittedUs = grow(this.#submittedUs, job + 1);
    }
    if (this.#state[job] !== NONE) {
      throw new RangeError(`ProcessorSharingServer.submit: job ${job} submitted twice`);
    }
    this.#advance();
    this.#state[job] = QUEUED;
    this.#submittedUs[job] = this.#sim.now;
    this.#submitted++;
    this.#queued++;
    this.#queue.offer(job, priority, ttlUs);
    this.#dispatch();
    this.#reschedule();
  }

  /**
   * The caller gave up on `job`: a queued job is dropped (`'aborted'`) when it reaches the
   * front, a job in service stops now and its share goes to the others. False when the job
   * is not queued or in service.
   */
  cancel(job: number): boolean {
    const state = job >= 0 && job < this.#state.length ? this.#state[job] : NONE;
    if (state === QUEUED) {
      this.#state[job] = CANCELLED;
      return true;
    }
    if (state !== IN_SERVICE) return false;
    for (let slot = 0; slot < this.#slotCount; slot++) {
      if (this.#slotJob[slot] !== job || this.#slotDead[slot] === 1) continue;
      this.#advance();
      this.#slotDead[slot] = 1;
      this.#slotJob[slot] = -1;
      this.#busy--;
      this.#state[job] = DROPPED;
      this.#dropped++;
      this.#dispatch();
      this.#reschedule();
      this.#listener?.dropped(this.#sim, job, 'aborted');
      return true;
    }
    throw new Error(`ProcessorSharingServer: job ${job} is in service but holds no worker`);
  }

  /** Brings the virtual work clock up to now, at the speed that held since the last update. */
  #advance(): void {
    const now = this.#sim.now;
    if (this.#busy > 0) this.#virtual += (now - this.#updatedUs) / (1 + this.#k * this.#busy);
    this.#updatedUs = now;
  }

  /** Moves the one completion event to when the first job in service will finish. */
  #reschedule(): void {
    const sim = this.#sim;
    const marks = this.#marks;
    if (this.#completionEvent >= 0) sim.cancel(this.#completionEvent);
    this.#completionEvent = -1;
    while (marks.size > 0 && this.#slotDead[marks.topValue] === 1) this.#freeSlot(marks.pop());
    if (marks.size === 0) return;
    const left = marks.topTime - this.#virtual;
    const delay = left > 0 ? left * (1 + this.#k * this.#busy) : 0;
    this.#completionEvent = sim.schedule(delay, this.#finishHandler);
  }

  /** Starts queued jobs while workers are free. `#virtual` must be up to date. */
  #dispatch(): void {
    while (this.#busy < this.#workers && this.#queued > 0) {
      const job = this.#queue.take();
      if (job < 0) break;
      const state = this.#state[job];
      if (state !== QUEUED && state !== CANCELLED) {
        throw new Error(
          `ProcessorSharingServer: the queue handed out job ${job}, which it does not hold`,
        );
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
        this.#slotDead = grow(this.#slotDead, slot + 1);
        this.#freeSlots = grow(this.#freeSlots, slot + 1);
      }
    }
    this.#slotJob[slot] = job;
    this.#slotDead[slot] = 0;
    this.#marks.push(this.#virtual + this.#work.sample(this.#rng, load), slot);
    this.#onStart?.(sim, job, sim.now - (this.#submittedUs[job] as number));
  }

  /** The completion event: every job whose finish mark is reached completes. */
  #finish(): void {
    this.#completionEvent = -1;
    this.#advance();
    const marks = this.#marks;
    // The event was rounded to a whole microsecond: the first mark counts as reached.
    if (marks.size > 0 && marks.topTime > this.#virtual) this.#virtual = marks.topTime;
    const sim = this.#sim;
    while (marks.size > 0 && marks.topTime <= this.#virtual + EPSILON_WORK) {
      const slot = marks.pop();
      if (this.#slotDead[slot] === 1) {
        this.#freeSlot(slot);
        continue;
      }
      const job = this.#slotJob[slot] as number;
      this.#freeSlot(slot);
      this.#busy--;
      this.#state[job] = DONE;
      const ok = this.#failureProbability === 0 || this.#rng.float() >= this.#failureProbability;
      if (ok) this.#completed++;
      else this.#failed++;
      this.#dispatch();
      this.#listener?.completed(sim, job, ok);
    }
    this.#reschedule();
  }

  #freeSlot(slot: number): void {
    this.#slotJob[slot] = -1;
    this.#slotDead[slot] = 0;
    this.#freeSlots[this.#freeTop++] = slot;
  }

  #queueDropped(job: number, reason: DropReason): void {
    const state = job >= 0 && job < this.#state.length ? this.#state[job] : NONE;
    if (state !== QUEUED && state !== CANCELLED) {
      throw new Error(
        `ProcessorSharingServer: the queue dropped job ${job}, which it does not hold`,
      );
    }
    this.#state[job] = DROPPED;
    this.#queued--;
    this.#dropped++;
    this.#listener?.dropped(this.#sim, job, reason);
  }
}
