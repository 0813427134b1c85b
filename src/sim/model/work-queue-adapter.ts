/**
 * @module
 * Puts the resilience library's real {@link WorkQueue} — bounded, TTL, priorities, fresh
 * before stale, shedding — behind a simulated {@link Server}, so a model measures the code
 * users run, not a re-implementation of it.
 *
 * The `WorkQueue` must read time from a {@link VirtualClock} of the same simulation (its TTLs
 * and ages are then virtual). Every item it will never hand out is reported by its `onDrop`
 * — refusals at the door included — which is exactly the {@link ServerQueue} contract, so the
 * adapter forwards `onDrop` to the server and converts units: `ttlUs` → `ttlMs`.
 *
 * Hazard: `WorkQueue` listeners must not call back into the queue synchronously. The server's
 * listener hears about drops from inside `offer`/`take`; a {@link Client} answers over the
 * network (a scheduled event), which is safe. A listener that submits to the same server
 * synchronously is not.
 */
import type { WorkQueue } from '../../resilience/work-queue.js';
import type { QueueDropHandler, ServerQueue } from './server-queue.js';

/** Mutable `OfferOptions`, reused for every offer so that offering allocates nothing. */
interface MutableOfferOptions {
  priority: number;
  ttlMs?: number;
}

/** A resilience `WorkQueue<number>` as a {@link ServerQueue}; see the module comment. */
export class WorkQueueAdapter implements ServerQueue {
  /** The adapted queue (for its `stats()`). */
  readonly queue: WorkQueue<number>;
  readonly #withTtl: MutableOfferOptions = { priority: 0, ttlMs: Infinity };
  readonly #withoutTtl: MutableOfferOptions = { priority: 0 };
  #onDrop: QueueDropHandler | undefined = undefined;

  constructor(queue: WorkQueue<number>) {
    if (typeof queue?.offer !== 'function' || typeof queue.take !== 'function') {
      throw new TypeError('WorkQueueAdapter needs a WorkQueue');
    }
    this.queue = queue;
  }

  get size(): number {
    return this.queue.size;
  }

  attach(onDrop: QueueDropHandler): void {
    if (this.#onDrop !== undefined) {
      throw new Error('WorkQueueAdapter is already attached to a server');
    }
    this.#onDrop = onDrop;
    this.queue.onDrop((e) => onDrop(e.item, e.reason));
  }

  /**
   * Offers `job` at `priority` (clamped to the queue's lowest level). An infinite `ttlUs`
   * leaves the queue's `defaultTtlMs` in force. A job whose caller's deadline has already
   * passed (`ttlUs <= 0`) is dropped as `'expired'` at once, without reaching the queue (whose
   * TTLs must be positive), so the queue's own statistics do not count it.
   */
  offer(job: number, priority: number, ttlUs: number): void {
    const onDrop = this.#onDrop;
    if (onDrop === undefined) throw new Error('WorkQueueAdapter must be attached to a server');
    if (!(ttlUs > 0)) {
      onDrop(job, 'expired');
      return;
    }
    const options = ttlUs === Infinity ? this.#withoutTtl : this.#withTtl;
    options.priority = Math.min(Math.max(0, priority), this.queue.priorities - 1);
    if (ttlUs !== Infinity) options.ttlMs = ttlUs / 1000;
    this.queue.offer(job, options);
  }

  take(): number {
    const job = this.queue.take();
    return job === undefined ? -1 : job;
  }
}
