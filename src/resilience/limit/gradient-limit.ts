/**
 * @module
 * A latency-based concurrency limit: compare recent latency with a slowly adapting baseline,
 * and shrink the limit when calls start to queue — before anything times out.
 *
 * Port of Netflix's `com.netflix.concurrency.limits.limit.Gradient2Limit`
 * (https://github.com/Netflix/concurrency-limits, `concurrency-limits-core`). For each sample,
 * exactly as the Java reference:
 *
 *     shortRtt = EWMA of rtt over shortWindow samples   (shortWindow 1 = the last rtt, as in Java)
 *     longRtt  = EWMA of rtt over longWindow samples    (plain mean for the first warmupSamples)
 *     if longRtt > 2 × shortRtt:  longRtt ×= 0.95       (latency fell a lot: let the baseline follow)
 *     if inFlight < limit / 2:    keep the limit        (app-limited: an unused limit is untested)
 *     gradient = clamp(rttTolerance × longRtt / shortRtt, 0.5, 1)
 *     newLimit = limit × gradient + queueSize(limit)
 *     newLimit = limit × (1 − smoothing) + newLimit × smoothing
 *     limit    = clamp(newLimit, minLimit, maxLimit)     (the limit in force is floor(limit))
 *
 * The EWMA weight is 2/(window + 1), Java's `ExpAvgMeasurement`. Gradient2 averages rather than
 * taking a minimum because RPC latency is bursty and a minimum biases the baseline too low
 * (Netflix's own rationale). Defaults follow Java: tolerance 1.5, smoothing 0.2, queueSize 4,
 * longWindow 600, warmup 10, maxLimit 200 — except minLimit (Java 20, here 1).
 *
 * One deliberate difference: Java's Gradient2 ignores `didDrop` and feeds the dropped call's
 * RTT into the averages. A fast refusal (an open breaker downstream) would then look like great
 * latency, and a timeout's RTT is just the timeout. Here a drop leaves both averages alone and
 * applies the floor gradient 0.5 — with smoothing 0.2 that is a cut of about 10 %
 * (0.8·L + 0.2·(0.5·L + q) = 0.9·L + 0.2·q), in line with AIMD's default backoff.
 */
import type { LimitAlgorithm } from './limit-algorithm.js';
import { checkLimitBounds, checkNumber } from './internal/check-limit-bounds.js';

/** Options for {@link GradientLimit}. */
export interface GradientLimitOptions {
  /** Starting limit (integer in [minLimit, maxLimit]); default 20 (Java's default). */
  readonly initialLimit?: number;
  /** Lowest limit (integer >= 1); default 1 (Java: 20). */
  readonly minLimit?: number;
  /** Highest limit (integer >= minLimit); default 200 (Java's `maxConcurrency`). */
  readonly maxLimit?: number;
  /**
   * How much slower than the baseline latency may get before the limit shrinks (>= 1);
   * default 1.5: a 1.5× rise is tolerated.
   */
  readonly rttTolerance?: number;
  /** Weight of a new estimate, in (0, 1]; default 0.2. Lower reacts more slowly. */
  readonly smoothing?: number;
  /**
   * Headroom added to each estimate, letting the limit grow while latency is fine: a number
   * or a function of the current limit (e.g. `Math.sqrt`, as Netflix's first GradientLimit
   * used). Default 4.
   */
  readonly queueSize?: number | ((limit: number) => number);
  /** Samples in the long-term (baseline) RTT average (integer >= 1); default 600. */
  readonly longWindow?: number;
  /** Samples in the short-term RTT average (integer >= 1); default 1: the last RTT. */
  readonly shortWindow?: number;
  /** Samples averaged plainly before the long EWMA takes over (integer >= 0); default 10. */
  readonly warmupSamples?: number;
}

/** An exponentially weighted moving average with a plain-mean warm-up (Java's ExpAvgMeasurement). */
class Ewma {
  value = 0;
  #count = 0;
  readonly #factor: number;
  readonly #warmup: number;
  constructor(window: number, warmup: number) {
    this.#factor = 2 / (window + 1);
    this.#warmup = warmup;
  }
  add(sample: number): number {
    if (this.#count < this.#warmup) {
      this.#count++;
      this.value += (sample - this.value) / this.#count;
    } else if (this.#count === 0) {
      this.#count = 1;
      this.value = sample;
    } else {
      this.value += (sample - this.value) * this.#factor;
    }
    return this.value;
  }
}

function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(
      `GradientLimit: option ${name} must be an integer >= ${min}, got ${String(value)}`,
    );
  }
  return value;
}

/** Netflix Gradient2-style latency-gradient concurrency limit. */
export class GradientLimit implements LimitAlgorithm {
  /** Lowest limit. */
  readonly minLimit: number;
  /** Highest limit. */
  readonly maxLimit: number;
  /** Tolerated latency ratio before shrinking. */
  readonly rttTolerance: number;
  /** Weight of a new estimate. */
  readonly smoothing: number;
  readonly #queueConst: number;
  readonly #queueFn: ((limit: number) => number) | undefined;
  readonly #short: Ewma;
  readonly #long: Ewma;
  /** The unrounded estimate; the limit in force is its floor. */
  #estimate: number;

  constructor(options: GradientLimitOptions = {}) {
    const minLimit = options.minLimit ?? 1;
    const maxLimit = options.maxLimit ?? Math.max(200, minLimit);
    const initialLimit = options.initialLimit ?? Math.min(maxLimit, Math.max(minLimit, 20));
    checkLimitBounds('GradientLimit', initialLimit, minLimit, maxLimit);
    this.minLimit = minLimit;
    this.maxLimit = maxLimit;
    this.#estimate = initialLimit;
    this.rttTolerance = checkNumber(
      'GradientLimit',
      'rttTolerance',
      options.rttTolerance ?? 1.5,
      1,
      Number.MAX_VALUE,
    );
    this.smoothing = checkNumber(
      'GradientLimit',
      'smoothing',
      options.smoothing ?? 0.2,
      0,
      1,
      'min',
    );
    const q = options.queueSize ?? 4;
    if (typeof q === 'function') {
      this.#queueFn = q;
      this.#queueConst = 0;
    } else {
      this.#queueFn = undefined;
      this.#queueConst = checkNumber('GradientLimit', 'queueSize', q, 0, Number.MAX_VALUE);
    }
    const longWindow = checkInteger('longWindow', options.longWindow ?? 600, 1);
    const shortWindow = checkInteger('shortWindow', options.shortWindow ?? 1, 1);
    const warmup = checkInteger('warmupSamples', options.warmupSamples ?? 10, 0);
    this.#long = new Ewma(longWindow, warmup);
    this.#short = new Ewma(shortWindow, 0);
  }

  /** The current limit (the floor of the smoothed estimate). */
  get limit(): number {
    return Math.floor(this.#estimate);
  }

  /** The long-term (baseline) RTT average, ms. */
  get longRttMs(): number {
    return this.#long.value;
  }

  /** The short-term RTT average, ms. */
  get shortRttMs(): number {
    return this.#short.value;
  }

  onSample(rttMs: number, inFlight: number, dropped: boolean): number {
    const est = this.#estimate;
    let gradient: number;
    if (dropped) {
      gradient = 0.5;
    } else {
      const shortRtt = this.#short.add(rttMs);
      const longRtt = this.#long.add(rttMs);
      // Written without division so that a 0 ms sample (a virtual clock) cannot make NaN.
      if (longRtt > 2 * shortRtt) this.#long.value = longRtt * 0.95;
      if (inFlight < est / 2) return Math.floor(est);
      const scaled = this.rttTolerance * longRtt;
      gradient = scaled >= shortRtt ? 1 : Math.max(0.5, scaled / shortRtt);
    }
    const limit = Math.floor(est);
    const queue = this.#queueFn === undefined ? this.#queueConst : this.#queueFn(limit);
    let next = est * gradient + queue;
    next = est * (1 - this.smoothing) + next * this.smoothing;
    this.#estimate =
      next < this.minLimit ? this.minLimit : next > this.maxLimit ? this.maxLimit : next;
    return Math.floor(this.#estimate);
  }
}
