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
import { checkFailureProbability, checkWorkers, ServerBase } from './internal/server-base.js';
import type { ServerQueue } from './server-queue.js';
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
  /** Where waiting jobs sit. Default: a new unbounded `FifoQueue`. */
  readonly queue?: ServerQueue;
  /** Probability that a served job completes with an error, in [0, 1]. Default 0. */
  readonly failureProbability?: number;
  /** Who hears about completions and drops; can also be set later with `connect`. */
  readonly listener?: ServerListener;
  /** Called when a job starts service, with how long it waited, µs. */
  readonly onStart?: (sim: Simulation, job: number, waitedUs: number) => void;
}

/** Finish marks within this much work of `V` count as reached (float rounding, µs of work). */
const EPSILON_WORK = 1e-6;

/** A processor-sharing server with load-dependent speed; see the module comment. */
export class ProcessorSharingServer extends ServerBase {
  readonly #work: Distribution;
  readonly #k: number;
  readonly #finishHandler: HandlerId;

  /** Finish marks (key) of the jobs in service, by worker slot (value). */
  readonly #marks = new EventHeap({ initialCapacity: 64 });
  /** Work each job in service has received since the origin, µs. */
  #virtual = 0;
  /** When `#virtual` was last brought up to date, virtual µs. */
  #updatedUs = 0;
  #completionEvent: EventId = -1;

  /** Per worker slot. A cancelled job's slot stays in the heap, dead, until it reaches the top. */
  #slotDead = new Uint8Array(16);

  constructor(sim: Simulation, options: ProcessorSharingServerOptions) {
    checkWorkers('ProcessorSharingServer', options.workers);
    const k = options.slowdownPerInProgress;
    if (!(k >= 0 && Number.isFinite(k))) {
      throw new RangeError(
        `ProcessorSharingServer slowdownPerInProgress must be a finite number >= 0, got ${k}`,
      );
    }
    const p = checkFailureProbability('ProcessorSharingServer', options.failureProbability);
    if (typeof options.work?.sample !== 'function') {
      throw new TypeError('ProcessorSharingServer work must be a Distribution');
    }
    super(sim, 'ProcessorSharingServer', options, p);
    this.#work = options.work;
    this.#k = k;
    this.#finishHandler = sim.register(() => this.#finish());
    this.#updatedUs = sim.now;
  }

  /** How fast each job in service progresses now, as a fraction of full speed. */
  get speed(): number {
    return 1 / (1 + this.#k * this.inService);
  }

  /** `#virtual` must be up to date before the queue and the jobs in service change. */
  protected override beforeAdmit(): void {
    this.#advance();
  }

  protected override afterChange(): void {
    this.#reschedule();
  }

  /** A job in service stops now and its share goes to the others. */
  protected override stop(slot: number): void {
    this.#advance();
    this.#slotDead[slot] = 1;
    this.slotJob[slot] = -1;
    this.inService--;
  }

  /** Brings the virtual work clock up to now, at the speed that held since the last update. */
  #advance(): void {
    const now = this.sim.now;
    if (this.inService > 0) {
      this.#virtual += (now - this.#updatedUs) / (1 + this.#k * this.inService);
    }
    this.#updatedUs = now;
  }

  /** Moves the one completion event to when the first job in service will finish. */
  #reschedule(): void {
    const sim = this.sim;
    const marks = this.#marks;
    if (this.#completionEvent >= 0) sim.cancel(this.#completionEvent);
    this.#completionEvent = -1;
    while (marks.size > 0 && this.#slotDead[marks.topValue] === 1) this.#freeSlot(marks.pop());
    if (marks.size === 0) return;
    const left = marks.topTime - this.#virtual;
    const delay = left > 0 ? left * (1 + this.#k * this.inService) : 0;
    this.#completionEvent = sim.schedule(delay, this.#finishHandler);
  }

  /** Starts service; `#virtual` must be up to date. */
  protected override serve(job: number, load: number): void {
    const slot = this.takeSlot(job);
    if (this.#slotDead.length < this.slotJob.length) {
      this.#slotDead = grow(this.#slotDead, this.slotJob.length);
    }
    this.#slotDead[slot] = 0;
    this.#marks.push(this.#virtual + this.#work.sample(this.rng, load), slot);
  }

  /** The completion event: every job whose finish mark is reached completes. */
  #finish(): void {
    this.#completionEvent = -1;
    this.#advance();
    const marks = this.#marks;
    // The event was rounded to a whole microsecond: the first mark counts as reached.
    if (marks.size > 0 && marks.topTime > this.#virtual) this.#virtual = marks.topTime;
    const sim = this.sim;
    while (marks.size > 0 && marks.topTime <= this.#virtual + EPSILON_WORK) {
      const slot = marks.pop();
      if (this.#slotDead[slot] === 1) {
        this.#freeSlot(slot);
        continue;
      }
      const job = this.slotJob[slot] as number;
      this.#freeSlot(slot);
      this.inService--;
      this.complete(sim, job);
    }
    this.#reschedule();
  }

  #freeSlot(slot: number): void {
    this.releaseSlot(slot);
    this.#slotDead[slot] = 0;
  }
}
