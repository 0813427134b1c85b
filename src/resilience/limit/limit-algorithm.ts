/**
 * @module
 * The contract between {@link AdaptiveConcurrency} and the algorithms that move its limit.
 * An algorithm sees one sample per completed call — its round-trip time, how many calls were in
 * flight when it started, and whether it was dropped (timed out, refused by an overloaded
 * dependency) — and answers with the new limit. Calls whose outcome says nothing about the
 * dependency's capacity (`'ignore'`) are never shown to it.
 *
 * The shape is Netflix's `com.netflix.concurrency.limits.Limit` (`onSample(startTime, rtt,
 * inflight, didDrop)` / `getLimit()`), https://github.com/Netflix/concurrency-limits.
 *
 * @see AimdLimit
 * @see GradientLimit
 */

/**
 * How a call ended, as far as the limit is concerned:
 * - `'success'`: it completed; its RTT is a latency sample.
 * - `'dropped'`: it timed out or was refused for overload — a congestion signal.
 * - `'ignore'`: it failed for a reason that says nothing about capacity (a validation error,
 *   the caller gave up); it frees its slot and is not sampled.
 */
export type LimitOutcome = 'success' | 'dropped' | 'ignore';

/** A concurrency-limit algorithm. Implementations are stateful and single-owner. */
export interface LimitAlgorithm {
  /** The current limit: an integer >= 1. */
  readonly limit: number;
  /**
   * Feeds one sample and returns the new limit (also readable as `limit`).
   * @param rttMs the call's round-trip time, ms
   * @param inFlight calls in flight when this one started, itself included
   * @param dropped true for a `'dropped'` outcome
   */
  onSample(rttMs: number, inFlight: number, dropped: boolean): number;
}
