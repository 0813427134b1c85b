/**
 * @module
 * What a {@link Client} needs of the server it calls: accept a job, cancel one, and report
 * every outcome to one listener. {@link Server} (service time fixed when service starts) and
 * {@link ProcessorSharingServer} (every job in service slows down as more arrive) both meet
 * it, so one client model drives either.
 */
import type { ServerListener } from './server.js';

/** A simulated server a {@link Client} can call. */
export interface ServerLike {
  /** Sets the one listener that hears every completion and drop. */
  connect(listener: ServerListener): void;
  /**
   * Hands the server a job (an integer id, never submitted before). `priority` (0 most
   * important) and `ttlUs` (how much longer the caller waits) are for its queue.
   */
  submit(job: number, priority?: number, ttlUs?: number): void;
  /** The caller gave up on `job`; false when it is not queued or in service. */
  cancel(job: number): boolean;
}
