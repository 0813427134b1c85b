/**
 * @module
 * AIMD: additive increase, multiplicative decrease — TCP Reno's congestion-avoidance rule
 * (RFC 5681 §3.1) applied to a concurrency limit. Loss-based: it needs no notion of "normal"
 * latency, only whether calls were dropped, which makes it the robust default when the
 * dependency's latency scale is unknown.
 *
 * Port of Netflix's `com.netflix.concurrency.limits.limit.AIMDLimit`
 * (https://github.com/Netflix/concurrency-limits):
 *
 *     if dropped or rtt > timeout:  limit = max(minLimit, floor(limit × backoffRatio))
 *     else if inFlight × 2 >= limit: limit = min(maxLimit, limit + 1)
 *
 * The "inFlight × 2 >= limit" test is Netflix's reading of "near the limit": a limit that is not
 * being used is not being tested, so it must not grow (otherwise an idle service would drift to
 * maxLimit and admit a flood the moment load arrives). With `backoffRatio < 1` the floor of an
 * integer limit always drops by at least one.
 */
import type { LimitAlgorithm } from './limit-algorithm.js';
import { checkLimitBounds, checkNumber } from './internal/check-limit-bounds.js';

/** Options for {@link AimdLimit}. */
export interface AimdLimitOptions {
  /** Starting limit (integer in [minLimit, maxLimit]); default 20 (Netflix's default). */
  readonly initialLimit?: number;
  /**
   * Lowest limit (integer >= 1); default 1. Netflix defaults to 20; we let a struggling
   * dependency be throttled all the way down. Pass 20 for Netflix's behaviour.
   */
  readonly minLimit?: number;
  /** Highest limit (integer >= minLimit); default 200 (Netflix's default). */
  readonly maxLimit?: number;
  /** Factor applied on a drop, in [0.5, 1); default 0.9 (Netflix's default and range). */
  readonly backoffRatio?: number;
  /** A success slower than this counts as a drop, ms (> 0); default 5000 (Netflix's default). */
  readonly timeoutMs?: number;
}

/** Additive-increase / multiplicative-decrease concurrency limit. */
export class AimdLimit implements LimitAlgorithm {
  /** Lowest limit. */
  readonly minLimit: number;
  /** Highest limit. */
  readonly maxLimit: number;
  /** Factor applied on a drop. */
  readonly backoffRatio: number;
  /** RTT above which a success counts as a drop, ms. */
  readonly timeoutMs: number;
  #limit: number;

  constructor(options: AimdLimitOptions = {}) {
    const minLimit = options.minLimit ?? 1;
    const maxLimit = options.maxLimit ?? Math.max(200, minLimit);
    const initialLimit = options.initialLimit ?? Math.min(maxLimit, Math.max(minLimit, 20));
    checkLimitBounds('AimdLimit', initialLimit, minLimit, maxLimit);
    this.minLimit = minLimit;
    this.maxLimit = maxLimit;
    this.#limit = initialLimit;
    this.backoffRatio = checkNumber(
      'AimdLimit',
      'backoffRatio',
      options.backoffRatio ?? 0.9,
      0.5,
      1,
      'max',
    );
    this.timeoutMs = checkNumber(
      'AimdLimit',
      'timeoutMs',
      options.timeoutMs ?? 5000,
      0,
      Number.MAX_VALUE,
      'min',
    );
  }

  /** The current limit. */
  get limit(): number {
    return this.#limit;
  }

  onSample(rttMs: number, inFlight: number, dropped: boolean): number {
    const l = this.#limit;
    if (dropped || rttMs > this.timeoutMs) {
      this.#limit = Math.max(this.minLimit, Math.floor(l * this.backoffRatio));
    } else if (inFlight * 2 >= l && l < this.maxLimit) {
      this.#limit = l + 1;
    }
    return this.#limit;
  }
}
