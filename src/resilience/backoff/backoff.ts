/**
 * @module
 * The contract of a backoff: how long to wait before a retry. A backoff is pure — it holds
 * only its configuration, and everything that varies (which retry this is, the previous
 * delay, the random stream) is passed in. So one instance serves every call of a policy at
 * once, and the simulator's callback models can compute millions of delays with it without
 * allocating anything. (cockatiel's backoffs are immutable state machines instead; passing
 * the state in keeps this one allocation-free.)
 */
import type { Rng } from '../../core/rng.js';

/** Computes the delay before a retry. Implementations allocate nothing per call. */
export interface Backoff {
  /**
   * The delay before retry number `attempt`, in milliseconds (≥ 0, finite).
   *
   * @param attempt the retry about to be made: 1 for the first retry (the second call).
   * @param previousDelayMs the delay waited before the previous retry of the same call, or 0
   *   before the first retry. Only decorrelated jitter reads it (its recurrence feeds on it).
   * @param rng the random stream to draw jitter from; not touched when there is no jitter.
   */
  next(attempt: number, previousDelayMs: number, rng: Rng): number;
}
