/**
 * @module
 * First in, first out, in a growable ring buffer of job ids: the naive queue most servers
 * start with, and the baseline the resilience `WorkQueue` is measured against. By default it
 * is unbounded and serves everything it holds, however long the caller has since given up —
 * exactly the behaviour that turns a load spike into a metastable collapse (Bronson et al.,
 * HotOS 2021; the DWFM backlog of 2025-10-20 in DESIGN.md).
 *
 * Two options make it a little less naive, for comparisons: `capacity` refuses newcomers when
 * full (reason `'full'`), and `dropExpired` drops jobs whose TTL ran out while they waited
 * (reason `'expired'`). Priorities are ignored.
 */
import type { Simulation } from '../kernel/simulation.js';
import type { QueueDropHandler, ServerQueue } from './server-queue.js';

/** Options for {@link FifoQueue}. */
export interface FifoQueueOptions {
  /** Most jobs held; newcomers beyond are refused. Integer ≥ 1 or Infinity (default). */
  readonly capacity?: number;
  /**
   * Drop, at take time, jobs whose TTL has passed (needs `sim` to read the time). Default
   * false: serve every job, as a naive server does.
   */
  readonly dropExpired?: boolean;
  /** The simulation whose clock the TTLs are measured on; required with `dropExpired`. */
  readonly sim?: Simulation;
  /** Jobs to allocate room for up front. Default 64. */
  readonly initialCapacity?: number;
}

/** An optionally bounded FIFO of job ids; see the module comment. */
export class FifoQueue implements ServerQueue {
  #jobs: Float64Array;
  /** Absolute deadlines, µs (only filled when `dropExpired`). */
  #deadlines: Float64Array;
  #head = 0;
  #size = 0;
  readonly #capacity: number;
  readonly #sim: Simulation | undefined;
  #onDrop: QueueDropHandler | undefined = undefined;

  constructor(options: FifoQueueOptions = {}) {
    const capacity = options.capacity ?? Infinity;
    if (!(capacity === Infinity || (Number.isInteger(capacity) && capacity >= 1))) {
      throw new RangeError(
        `FifoQueue capacity must be an integer >= 1 or Infinity, got ${capacity}`,
      );
    }
    const initial = options.initialCapacity ?? 64;
    if (!Number.isInteger(initial) || initial < 1) {
      throw new RangeError(`FifoQueue initialCapacity must be an integer >= 1, got ${initial}`);
    }
    if (options.dropExpired === true && options.sim === undefined) {
      throw new TypeError('FifoQueue dropExpired needs the sim option (to read the time)');
    }
    this.#capacity = capacity;
    this.#sim = options.dropExpired === true ? options.sim : undefined;
    this.#jobs = new Float64Array(initial);
    this.#deadlines = new Float64Array(this.#sim === undefined ? 0 : initial);
  }

  get size(): number {
    return this.#size;
  }

  attach(onDrop: QueueDropHandler): void {
    if (this.#onDrop !== undefined) throw new Error('FifoQueue is already attached to a server');
    this.#onDrop = onDrop;
  }

  offer(job: number, _priority: number, ttlUs: number): void {
    if (this.#size >= this.#capacity) {
      this.#drop(job, 'full');
      return;
    }
    if (this.#size === this.#jobs.length) this.#grow();
    const i = (this.#head + this.#size) % this.#jobs.length;
    this.#jobs[i] = job;
    if (this.#sim !== undefined) this.#deadlines[i] = this.#sim.now + ttlUs;
    this.#size++;
  }

  take(): number {
    while (this.#size > 0) {
      const i = this.#head;
      const job = this.#jobs[i] as number;
      this.#head = (i + 1) % this.#jobs.length;
      this.#size--;
      if (this.#sim !== undefined && this.#sim.now > (this.#deadlines[i] as number)) {
        this.#drop(job, 'expired');
        continue;
      }
      return job;
    }
    return -1;
  }

  #drop(job: number, reason: 'full' | 'expired'): void {
    if (this.#onDrop === undefined) {
      throw new Error('FifoQueue must be attached to a server before use');
    }
    this.#onDrop(job, reason);
  }

  /** Doubles the ring, unrolling it so the head is at 0. */
  #grow(): void {
    const n = this.#jobs.length;
    const jobs = new Float64Array(n * 2);
    const deadlines = new Float64Array(this.#sim === undefined ? 0 : n * 2);
    for (let k = 0; k < this.#size; k++) {
      const i = (this.#head + k) % n;
      jobs[k] = this.#jobs[i] as number;
      if (this.#sim !== undefined) deadlines[k] = this.#deadlines[i] as number;
    }
    this.#jobs = jobs;
    this.#deadlines = deadlines;
    this.#head = 0;
  }
}
