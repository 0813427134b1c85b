/**
 * @module
 * The async shell over {@link WorkQueue}: a {@link Policy} that runs at most `concurrency`
 * functions at once and queues the rest in a bounded queue with TTLs, priorities and
 * fresh-before-stale ordering. Work the queue drops is never run: its caller's promise rejects
 * with {@link QueueDroppedError} and the reason (`'expired'`, `'shed'`, `'full'`, `'aborted'`,
 * `'closed'`), at once, so the caller can degrade instead of waiting on work that is already
 * worthless — the opposite of what EC2's lease manager did on 2025-10-20.
 *
 * Cost: while a worker is free and nothing waits, `execute` runs the function at once and
 * allocates only the promise it returns. Queued work costs a job object, a promise, an abort
 * listener (the job itself, via `handleEvent`, so no closure) and, with a finite TTL, a timer
 * that rejects the caller when the TTL runs out even if no worker frees up to notice.
 */
import { abortReason } from '../core/clock.js';
import type { Timer } from '../core/clock.js';
import { EventEmitter } from '../core/events.js';
import type { Event } from '../core/events.js';
import { QueueDroppedError } from './errors.js';
import type { DropReason } from './errors.js';
import { checkInt, checkPriority, checkTtl } from './internal/queue-options.js';
import { contextOf, signalOf } from './policy.js';
import type { Policy, PolicyContext, PolicyFn, SignalSource } from './policy.js';
import { WorkQueue } from './work-queue.js';
import type {
  OfferOptions,
  QueueDropEvent,
  WorkQueueOptions,
  WorkQueueStats,
} from './work-queue.js';

/** Options for {@link WorkerPool}: the queue's options plus the number of workers. */
export interface WorkerPoolOptions extends WorkQueueOptions {
  /** Functions run at once, an integer ≥ 1. */
  readonly concurrency: number;
}

/** Per-call options of {@link WorkerPool.execute} (used only when the call has to queue). */
export type WorkerPoolExecuteOptions = OfferOptions;

/** Payload of {@link WorkerPool.onDrop}. */
export interface WorkerPoolDropEvent {
  readonly reason: DropReason;
  readonly priority: number;
  /** How long the work had been queued, ms. */
  readonly waitedMs: number;
}

/** A {@link WorkerPool}'s queue counters plus its workers. */
export interface WorkerPoolStats extends WorkQueueStats {
  /** Functions running now. */
  readonly running: number;
  readonly concurrency: number;
}

/** One queued call. It is its own abort listener, so queueing allocates no closure for it. */
class Job {
  resolve: (value: unknown) => void = noop;
  reject: (error: unknown) => void = noop;
  ticket = -1;
  timer: Timer | undefined = undefined;

  constructor(
    readonly queue: WorkQueue<Job>,
    readonly fn: PolicyFn<unknown>,
    readonly context: PolicyContext,
    readonly signal: AbortSignal | undefined,
  ) {}

  /** The caller aborted while queued: out of the queue, reason `'aborted'`. */
  handleEvent(): void {
    this.queue.remove(this.ticket, 'aborted');
  }

  /** Stops listening for abort and TTL; called when the job leaves the queue either way. */
  detach(): void {
    this.signal?.removeEventListener('abort', this);
    if (this.timer !== undefined) {
      this.timer.cancel();
      this.timer = undefined;
    }
  }
}

function noop(): void {}

function isThenable<T>(value: PromiseLike<T> | T): value is PromiseLike<T> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function droppedError(reason: DropReason, signal: AbortSignal | undefined): QueueDroppedError {
  const err = new QueueDroppedError(reason);
  // The caller's own abort reason is what it may want to see; keep it as the cause.
  if (reason === 'aborted' && signal !== undefined) err.cause = abortReason(signal);
  return err;
}

/**
 * Runs at most `concurrency` functions at once; the rest wait in a {@link WorkQueue} and are
 * handed to workers in its order (priority, then FIFO or newest-first). Implements
 * {@link Policy}; `execute` takes optional per-call `{ priority, ttlMs }`.
 *
 * Semantics:
 * - a free worker and an empty queue: the function runs at once (it never enters the queue,
 *   so the queue's `offered`/`taken` counters do not count it);
 * - otherwise the call is queued, or refused (`'full'`/`'closed'`), or admitted by shedding
 *   an older call (which then rejects with `'shed'`); see {@link WorkQueue} for the rules;
 * - a queued call is rejected with `'expired'` when its TTL runs out (timer), or when a
 *   worker finds it too old (controlled delay); with `'aborted'` as soon as its signal
 *   aborts (the abort reason is the error's `cause`). Such a call never runs;
 * - once running, a call is the function's business: its context carries the caller's signal;
 * - {@link close} rejects every queued call with `'closed'` and refuses new ones; running
 *   calls finish;
 * - a call refused before it could queue (closed pool, signal already aborted, bad per-call
 *   options) rejects at once and is not counted by the queue or reported by `onDrop`.
 */
export class WorkerPool implements Policy {
  readonly #queue: WorkQueue<Job>;
  readonly #concurrency: number;
  readonly #defaultTtlMs: number;
  readonly #clock: WorkerPoolOptions['clock'];
  #running = 0;
  #pumping = false;
  readonly #onDrop = new EventEmitter<WorkerPoolDropEvent>();

  /** Queued work was dropped (expired, shed, refused, aborted, closed); it will not run. */
  readonly onDrop: Event<WorkerPoolDropEvent> = this.#onDrop.event;

  constructor(options: WorkerPoolOptions) {
    // The queue validates (and names) its own options first.
    this.#queue = new WorkQueue<Job>(options);
    this.#concurrency = checkInt('concurrency', options.concurrency, 1, 2 ** 31 - 1);
    this.#defaultTtlMs = options.defaultTtlMs ?? Infinity;
    this.#clock = options.clock;
    this.#queue.onDrop((e) => this.#dropped(e));
  }

  /** Functions running now. */
  get running(): number {
    return this.#running;
  }

  /** Calls waiting in the queue. */
  get queued(): number {
    return this.#queue.size;
  }

  /** The number of workers. */
  get concurrency(): number {
    return this.#concurrency;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#queue.closed;
  }

  /** Queue counters plus running workers. Allocates; not for the per-call path. */
  stats(): WorkerPoolStats {
    return { ...this.#queue.stats(), running: this.#running, concurrency: this.#concurrency };
  }

  /**
   * Runs `fn` on a worker, at once or after queueing. Rejects with {@link QueueDroppedError}
   * when the call is dropped before it runs, and with whatever `fn` threw otherwise.
   */
  execute<T>(
    fn: PolicyFn<T>,
    signal?: SignalSource,
    options?: WorkerPoolExecuteOptions,
  ): Promise<T> {
    const queue = this.#queue;
    let ttl = this.#defaultTtlMs;
    if (options !== undefined) {
      try {
        if (options.priority !== undefined) checkPriority(options.priority, queue.priorities);
        if (options.ttlMs !== undefined) ttl = checkTtl(options.ttlMs);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    if (queue.closed) return Promise.reject(droppedError('closed', undefined));
    // A bare signal is cheap to look at; a policy's context may create its signal on read,
    // so it is read only when the call has to wait (and must then be abortable).
    if (signal instanceof AbortSignal && signal.aborted) {
      return Promise.reject(droppedError('aborted', signal));
    }
    if (this.#running < this.#concurrency && queue.size === 0) {
      return this.#runNow(fn, contextOf(signal));
    }
    return this.#enqueue(fn, signal, options, ttl);
  }

  /**
   * Closes the pool: every queued call rejects with `'closed'`, later calls too. Running calls
   * finish. Returns how many queued calls were dropped.
   */
  close(): number {
    return this.#queue.close();
  }

  #enqueue<T>(
    fn: PolicyFn<T>,
    source: SignalSource,
    options: WorkerPoolExecuteOptions | undefined,
    ttl: number,
  ): Promise<T> {
    const signal = signalOf(source);
    if (signal?.aborted === true) return Promise.reject(droppedError('aborted', signal));
    const queue = this.#queue;
    const job = new Job(queue, fn, contextOf(source), signal);
    const promise = new Promise<T>((resolve, reject) => {
      job.resolve = resolve as (value: unknown) => void;
      job.reject = reject;
    });
    // A refusal reaches the job through the queue's onDrop, like every other drop.
    if (queue.offer(job, options) !== 'accepted') return promise;
    job.ticket = queue.lastTicket;
    signal?.addEventListener('abort', job);
    if (ttl !== Infinity) {
      const ticket = job.ticket;
      job.timer = this.#clock.setTimer(ttl, () => queue.remove(ticket, 'expired'), {
        unref: true,
      });
    }
    // Workers may be free when the queue held only expired items; let them look.
    this.#pump();
    return promise;
  }

  /**
   * Runs `fn` on a free worker. Written without `async`: a synchronous result settles without
   * an extra microtask, and an async one costs a single `then` with handlers bound once per
   * pool — this is the path a benchmark against cockatiel's bulkhead measures.
   */
  #runNow<T>(fn: PolicyFn<T>, context: PolicyContext): Promise<T> {
    this.#running++;
    let result: PromiseLike<T> | T;
    try {
      result = fn(context);
    } catch (err) {
      this.#release();
      return Promise.reject(err);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        this.#releaseThenReturn as (value: T) => T,
        this.#releaseThenThrow,
      );
    }
    this.#release();
    return Promise.resolve(result);
  }

  readonly #releaseThenReturn = (value: unknown): unknown => {
    this.#release();
    return value;
  };

  readonly #releaseThenThrow = (error: unknown): never => {
    this.#release();
    throw error;
  };

  #release(): void {
    this.#running--;
    this.#pump();
  }

  async #runJob(job: Job): Promise<void> {
    this.#running++;
    try {
      job.resolve(await job.fn(job.context));
    } catch (err) {
      job.reject(err);
    } finally {
      this.#running--;
      this.#pump();
    }
  }

  /** Hands queued jobs to free workers. Not re-entrant: a function that throws synchronously
   * finishes inside the loop, and the loop itself picks up the freed worker. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      const queue = this.#queue;
      while (this.#running < this.#concurrency) {
        const job = queue.take();
        if (job === undefined) break;
        job.detach();
        // Abort events fire synchronously, so this cannot happen; it guards the promise that
        // an aborted call never runs.
        if (job.signal?.aborted === true) {
          job.reject(droppedError('aborted', job.signal));
          continue;
        }
        void this.#runJob(job);
      }
    } finally {
      this.#pumping = false;
    }
  }

  #dropped(e: QueueDropEvent<Job>): void {
    const job = e.item;
    job.detach();
    job.reject(droppedError(e.reason, job.signal));
    if (this.#onDrop.hasListeners) {
      this.#onDrop.emit({ reason: e.reason, priority: e.priority, waitedMs: e.waitedMs });
    }
  }
}
