/**
 * @module
 * A bulkhead: at most `maxConcurrent` calls run at once, at most `maxQueued` more wait for a
 * slot, and everyone beyond that is refused at once with a {@link BulkheadRejectedError}. It
 * keeps one slow dependency from taking every worker (and every socket) of its callers with it —
 * the compartments of a ship's hull, after which the pattern is named (Nygard, "Release It!",
 * 2nd ed., ch. 5). Refusing early is the point: a bounded queue turns overload into fast,
 * visible errors instead of unbounded latency (DESIGN.md, "queue backpressure").
 *
 * Waiters are served first come, first served from an intrusive doubly-linked list, so a waiter
 * that gives up (its signal aborts) leaves in O(1) without leaking its place. A slot freed while
 * someone waits passes straight to the first waiter, so `queued > 0` implies every slot is taken
 * and a newcomer can never overtake the queue.
 *
 * The sync API ({@link Bulkhead.tryAcquire}, {@link Bulkhead.acquire}, {@link Bulkhead.release})
 * is complete on its own, for callback-based simulation models; `execute` is a thin async shell
 * on top. Taking a free slot in `execute` allocates nothing beyond its own promise.
 */
import { abortReason } from '../core/clock.js';
import { EventEmitter } from '../core/events.js';
import type { Event } from '../core/events.js';
import { BulkheadRejectedError } from './errors.js';
import type { Policy, PolicyFn, SignalSource } from './policy.js';
import { contextOf, signalOf } from './policy.js';

/** Options for {@link Bulkhead}. */
export interface BulkheadOptions {
  /** How many calls may run at once. An integer ≥ 1. */
  readonly maxConcurrent: number;
  /**
   * How many calls may wait for a slot. An integer ≥ 0; default 0 (refuse as soon as every slot
   * is taken). Deliberately finite: an unbounded queue only hides overload as latency.
   */
  readonly maxQueued?: number;
}

/** Payload of {@link Bulkhead.onReject} and {@link Bulkhead.onQueue}. */
export interface BulkheadEvent {
  /** Calls holding a slot at the time. */
  readonly running: number;
  /** Calls waiting at the time (after the event's change). */
  readonly queued: number;
}

/** A place in the waiting queue, from {@link Bulkhead.acquire}. */
export interface BulkheadTicket {
  /**
   * Leaves the queue. Returns true if the ticket was still waiting (it will never be granted);
   * false if it was granted already (then its slot must be released as usual) or cancelled.
   */
  cancel(): boolean;
}

/** A queued caller. Subclasses say what happens when the slot is granted. */
abstract class Waiter implements BulkheadTicket {
  prev: Waiter | undefined = undefined;
  next: Waiter | undefined = undefined;
  waiting = false;

  constructor(readonly queue: WaitQueue) {}

  /** The waiter now holds a slot. */
  abstract granted(): void;

  cancel(): boolean {
    return this.queue.remove(this);
  }
}

/** FIFO of waiters; O(1) push, shift and removal from the middle. */
class WaitQueue {
  head: Waiter | undefined = undefined;
  tail: Waiter | undefined = undefined;
  size = 0;

  push(w: Waiter): void {
    w.prev = this.tail;
    w.next = undefined;
    if (this.tail === undefined) this.head = w;
    else this.tail.next = w;
    this.tail = w;
    w.waiting = true;
    this.size++;
  }

  remove(w: Waiter): boolean {
    if (!w.waiting) return false;
    const { prev, next } = w;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    w.prev = w.next = undefined;
    w.waiting = false;
    this.size--;
    return true;
  }
}

class CallbackWaiter extends Waiter {
  constructor(
    queue: WaitQueue,
    readonly onGranted: () => void,
  ) {
    super(queue);
  }
  override granted(): void {
    this.onGranted();
  }
}

/** A queued `execute`. Also the abort listener (`handleEvent`), so it needs no closure. */
class ExecWaiter<T> extends Waiter {
  resolve: (value: T | PromiseLike<T>) => void = noop;
  reject: (reason: unknown) => void = noop;

  constructor(
    queue: WaitQueue,
    readonly bulkhead: Bulkhead,
    readonly fn: PolicyFn<T>,
    readonly source: SignalSource,
    readonly signal: AbortSignal | undefined,
  ) {
    super(queue);
  }

  override granted(): void {
    this.signal?.removeEventListener('abort', this);
    this.resolve(runHolding(this.bulkhead, this.fn, this.source));
  }

  handleEvent(): void {
    const s = this.signal!;
    s.removeEventListener('abort', this);
    if (this.queue.remove(this)) this.reject(abortReason(s));
  }
}

function noop(): void {}

/** The ticket of an `acquire` granted at once: nothing left to cancel. */
const grantedTicket: BulkheadTicket = Object.freeze({ cancel: () => false });

/** Runs `fn` in a slot already taken, and gives the slot back however `fn` ends. */
async function runHolding<T>(
  bulkhead: Bulkhead,
  fn: PolicyFn<T>,
  source: SignalSource,
): Promise<T> {
  try {
    return await fn(contextOf(source));
  } finally {
    bulkhead.release();
  }
}

function checkCount(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`Bulkhead: ${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * Limits concurrency, with a bounded FIFO of waiters. See the module comment.
 *
 * @example
 * const bulkhead = new Bulkhead({ maxConcurrent: 10, maxQueued: 20 });
 * const rows = await bulkhead.execute(({ signal }) => db.query(sql, { signal }), request.signal);
 */
export class Bulkhead implements Policy {
  /** How many calls may run at once. */
  readonly maxConcurrent: number;
  /** How many calls may wait for a slot. */
  readonly maxQueued: number;
  #running = 0;
  readonly #queue = new WaitQueue();
  readonly #rejectEmitter = new EventEmitter<BulkheadEvent>();
  readonly #queueEmitter = new EventEmitter<BulkheadEvent>();

  /** Fires when a caller is refused because every slot and every queue place is taken. */
  readonly onReject: Event<BulkheadEvent> = this.#rejectEmitter.event;
  /** Fires when a caller starts waiting for a slot. */
  readonly onQueue: Event<BulkheadEvent> = this.#queueEmitter.event;

  constructor(options: BulkheadOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Bulkhead: options must be an object, got ${String(options)}`);
    }
    this.maxConcurrent = checkCount('maxConcurrent', options.maxConcurrent, 1);
    this.maxQueued = checkCount('maxQueued', options.maxQueued ?? 0, 0);
  }

  /** Calls holding a slot. */
  get running(): number {
    return this.#running;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.#queue.size;
  }

  /** Free slots. */
  get available(): number {
    return this.maxConcurrent - this.#running;
  }

  /** Takes a slot if one is free. Pair every `true` with one {@link release}. */
  tryAcquire(): boolean {
    if (this.#running < this.maxConcurrent) {
      this.#running++;
      return true;
    }
    return false;
  }

  /**
   * Takes a slot now or when one frees up. If a slot is free, `onGranted` runs before `acquire`
   * returns; otherwise it runs (inside the `release` that frees a slot) once every earlier
   * waiter has been served. Returns undefined, and fires `onReject`, when the queue is full.
   * The holder must call {@link release} once `onGranted` has run.
   */
  acquire(onGranted: () => void): BulkheadTicket | undefined {
    if (this.tryAcquire()) {
      onGranted();
      return grantedTicket;
    }
    if (this.#queue.size >= this.maxQueued) {
      this.#emit(this.#rejectEmitter);
      return undefined;
    }
    const w = new CallbackWaiter(this.#queue, onGranted);
    this.#queue.push(w);
    this.#emit(this.#queueEmitter);
    return w;
  }

  /**
   * Gives a slot back. If someone waits, the slot passes to the first waiter at once (its
   * `onGranted` or its queued call runs synchronously, inside this call).
   * @throws {Error} when no slot is held.
   */
  release(): void {
    if (this.#running === 0) {
      throw new Error('Bulkhead.release: no slot is held (release without a matching acquire)');
    }
    const first = this.#queue.head;
    if (first === undefined) {
      this.#running--;
      return;
    }
    this.#queue.remove(first);
    first.granted();
  }

  /**
   * Runs `fn` in a slot: at once if one is free, else after waiting in the queue.
   * @throws {BulkheadRejectedError} at once when every slot and queue place is taken.
   * @throws the abort reason of `signal` if it aborts before a slot is granted (a running
   *   call is not interrupted: it gets the signal in its context).
   */
  execute<T>(fn: PolicyFn<T>, signal?: SignalSource): Promise<T> {
    // A context's signal may be lazy (policy.ts), so only a real AbortSignal is checked here.
    if (signal instanceof AbortSignal && signal.aborted) {
      return Promise.reject(abortReason(signal));
    }
    if (this.#running < this.maxConcurrent) {
      this.#running++;
      return runHolding(this, fn, signal);
    }
    return this.#wait(fn, signal);
  }

  #wait<T>(fn: PolicyFn<T>, source: SignalSource): Promise<T> {
    if (this.#queue.size >= this.maxQueued) {
      this.#emit(this.#rejectEmitter);
      return Promise.reject(new BulkheadRejectedError(this.maxConcurrent, this.maxQueued));
    }
    // Waiting must end when the caller gives up, so here the (possibly lazy) signal is read.
    const signal = signalOf(source);
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    const w = new ExecWaiter<T>(this.#queue, this, fn, source, signal);
    const promise = new Promise<T>((resolve, reject) => {
      w.resolve = resolve;
      w.reject = reject;
    });
    this.#queue.push(w);
    signal?.addEventListener('abort', w);
    this.#emit(this.#queueEmitter);
    return promise;
  }

  #emit(emitter: EventEmitter<BulkheadEvent>): void {
    if (emitter.hasListeners) emitter.emit({ running: this.#running, queued: this.#queue.size });
  }
}
