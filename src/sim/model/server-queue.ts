/**
 * @module
 * The contract between a simulated {@link Server} and the queue its waiting jobs sit in, so
 * the naive unbounded FIFO ({@link FifoQueue}) and the resilience library's `WorkQueue`
 * (bounded, TTL, priorities, fresh-first) plug into the same server.
 *
 * Jobs are numbers (ids into the model's tables). The one rule that keeps every request
 * accounted for: **each offered job comes back exactly once** — either from `take()`, or
 * through the drop handler the server attached (refused at the door, shed to make room,
 * expired, ...). A `WorkQueue<number>` meets it as is: its `onDrop` fires for every item that
 * will never be handed out, refusals included, so an adapter forwards `onDrop` to the
 * handler, converts `ttlUs` to `ttlMs`, and runs the queue on a `VirtualClock`.
 */
import type { DropReason } from '../../resilience/errors.js';

export type { DropReason };

/** Receives the jobs a queue will never hand out, and why. */
export type QueueDropHandler = (job: number, reason: DropReason) => void;

/** A queue a {@link Server} can hold its waiting jobs in; see the module comment. */
export interface ServerQueue {
  /** Jobs waiting (a queue may count expired jobs it has not discovered yet). */
  readonly size: number;
  /**
   * Called once by the server that owns the queue, before any offer. The queue must report
   * every job it refuses or discards to `onDrop`, synchronously.
   */
  attach(onDrop: QueueDropHandler): void;
  /**
   * Offers a job. `priority` is 0 for the most important; `ttlUs` is how much longer the
   * caller will wait (Infinity when unknown). A queue may ignore either.
   */
  offer(job: number, priority: number, ttlUs: number): void;
  /** The next job to serve, or -1 when none is waiting. */
  take(): number;
}
