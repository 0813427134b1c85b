/**
 * @module
 * Failure rate and slow-call rate over the last `windowMs` milliseconds (resilience4j's
 * TIME_BASED sliding window; cockatiel's `SamplingBreaker`). Time is cut into a fixed number
 * of buckets; each holds the counts of the calls that ended in its slice of time, and running
 * totals are kept over all of them. When time moves past a bucket its counts leave the totals.
 * So memory is fixed (three 32-bit counters per bucket) however many calls arrive, recording
 * a call is O(1) amortised, and nothing is allocated per call.
 *
 * The price of buckets is resolution: the window really covers between
 * `windowMs - windowMs / buckets` and `windowMs` of history, depending on where in its bucket
 * "now" falls — the same trade resilience4j makes with its one-second buckets.
 */
import type {
  BreakerMetrics,
  BreakerStrategy,
  BreakerStrategySnapshot,
  RateThresholdOptions,
  TripReason,
} from './breaker-strategy.js';
import { evaluateRateRule, parseRateRule } from './internal/rate-rule.js';
import type { RateRule } from './internal/rate-rule.js';
import { checkNumber, checkSnapshotKind, snapshotCounts } from './internal/validate.js';

/** Options for {@link TimeWindowBreaker}. */
export interface TimeWindowBreakerOptions extends RateThresholdOptions {
  /** How far back the window looks, ms. */
  readonly windowMs: number;
  /** Buckets the window is cut into (resolution vs. memory); an integer 1–10 000. Default 10. */
  readonly buckets?: number;
  /**
   * Calls the window must hold before the rates count. Default 10: at the default 50% failure
   * rate that needs at least five failures, the floor cockatiel's `SamplingBreaker` also picks
   * ("at least 5 failures per second").
   */
  readonly minimumCalls?: number;
}

const MAX_BUCKETS = 10_000;

/** Opens the circuit when the failure or slow-call rate of the last `windowMs` is too high. */
export class TimeWindowBreaker implements BreakerStrategy {
  readonly kind = 'time-window';
  readonly usesTime = true;
  readonly slowCallDurationMs: number;
  /** How far back the window looks, ms. */
  readonly windowMs: number;
  /** Buckets the window is cut into. */
  readonly buckets: number;
  /** Width of one bucket, ms. */
  readonly bucketMs: number;
  /** The validated thresholds. */
  readonly rule: RateRule;
  readonly #calls: Uint32Array;
  readonly #failures: Uint32Array;
  readonly #slow: Uint32Array;
  /** Index (`floor(t / bucketMs)`) of the newest bucket; -Infinity before the first call. */
  #head = -Infinity;
  #totalCalls = 0;
  #totalFailures = 0;
  #totalSlow = 0;

  constructor(options: TimeWindowBreakerOptions) {
    const where = 'TimeWindowBreaker';
    this.windowMs = checkNumber(where, 'windowMs', options?.windowMs, 0, Infinity, false, true);
    this.buckets =
      options.buckets === undefined
        ? 10
        : checkNumber(where, 'buckets', options.buckets, 1, MAX_BUCKETS, true);
    this.bucketMs = this.windowMs / this.buckets;
    this.rule = parseRateRule(where, options, 10, Number.MAX_SAFE_INTEGER);
    this.slowCallDurationMs = this.rule.slowCallDurationMs;
    this.#calls = new Uint32Array(this.buckets);
    this.#failures = new Uint32Array(this.buckets);
    this.#slow = new Uint32Array(this.buckets);
  }

  recordSuccess(durationMs: number, nowMs: number): TripReason | undefined {
    const slot = this.#advance(nowMs);
    this.#calls[slot]!++;
    this.#totalCalls++;
    if (durationMs > this.slowCallDurationMs) {
      this.#slow[slot]!++;
      this.#totalSlow++;
    }
    return evaluateRateRule(this.rule, this.#totalCalls, this.#totalFailures, this.#totalSlow);
  }

  recordFailure(durationMs: number, nowMs: number): TripReason | undefined {
    const slot = this.#advance(nowMs);
    this.#calls[slot]!++;
    this.#totalCalls++;
    this.#failures[slot]!++;
    this.#totalFailures++;
    if (durationMs > this.slowCallDurationMs) {
      this.#slow[slot]!++;
      this.#totalSlow++;
    }
    return evaluateRateRule(this.rule, this.#totalCalls, this.#totalFailures, this.#totalSlow);
  }

  /** Position of bucket index `k` in the arrays (`k` may be negative before time 0). */
  #slotOf(k: number): number {
    const s = k % this.buckets;
    return s < 0 ? s + this.buckets : s;
  }

  /**
   * Moves the newest bucket up to the one holding `nowMs`, emptying the buckets that fell out
   * of the window on the way, and returns the slot of the newest bucket. A time earlier than
   * the newest bucket (a restored snapshot from a clock that ran ahead) lands in the newest.
   */
  #advance(nowMs: number): number {
    const k = Math.floor(nowMs / this.bucketMs);
    if (k > this.#head) {
      if (k - this.#head >= this.buckets) {
        this.#clear();
      } else {
        for (let j = this.#head + 1; j <= k; j++) {
          const s = this.#slotOf(j);
          this.#totalCalls -= this.#calls[s]!;
          this.#totalFailures -= this.#failures[s]!;
          this.#totalSlow -= this.#slow[s]!;
          this.#calls[s] = 0;
          this.#failures[s] = 0;
          this.#slow[s] = 0;
        }
      }
      this.#head = k;
    }
    return this.#slotOf(this.#head);
  }

  #clear(): void {
    this.#calls.fill(0);
    this.#failures.fill(0);
    this.#slow.fill(0);
    this.#totalCalls = 0;
    this.#totalFailures = 0;
    this.#totalSlow = 0;
  }

  reset(): void {
    this.#clear();
    this.#head = -Infinity;
  }

  metrics(nowMs: number): BreakerMetrics {
    this.#advance(nowMs);
    return { calls: this.#totalCalls, failures: this.#totalFailures, slowCalls: this.#totalSlow };
  }

  /**
   * Exports the buckets oldest first, the last one being the bucket that holds `nowMs`. Only
   * the bucket order is kept, not absolute times, so the snapshot reads the same on any clock.
   */
  toJSON(nowMs: number): BreakerStrategySnapshot {
    const head = this.#advance(nowMs);
    const calls: number[] = [];
    const failures: number[] = [];
    const slowCalls: number[] = [];
    for (let k = 1; k <= this.buckets; k++) {
      const s = (head + k) % this.buckets;
      calls.push(this.#calls[s]!);
      failures.push(this.#failures[s]!);
      slowCalls.push(this.#slow[s]!);
    }
    return { kind: this.kind, windowMs: this.windowMs, calls, failures, slowCalls };
  }

  /**
   * Loads buckets oldest first, the newest one placed at `savedAtMs`; buckets that have
   * expired since then drop out on the next call. A snapshot with another bucket count keeps
   * its newest buckets, so a restart with a retuned window does not fail.
   */
  restore(snapshot: BreakerStrategySnapshot, savedAtMs: number): void {
    checkSnapshotKind(snapshot, this.kind);
    const calls = snapshotCounts(snapshot, 'calls');
    const failures = snapshotCounts(snapshot, 'failures');
    const slowCalls = snapshotCounts(snapshot, 'slowCalls');
    if (failures.length !== calls.length || slowCalls.length !== calls.length) {
      throw new TypeError(
        'initialState.strategy: calls, failures and slowCalls must have the same length',
      );
    }
    if (calls.some((c, i) => failures[i]! > c || slowCalls[i]! > c)) {
      throw new TypeError(
        'initialState.strategy: a bucket holds more failures or slow calls than calls',
      );
    }
    this.reset();
    if (!Number.isFinite(savedAtMs)) return;
    const n = Math.min(this.buckets, calls.length);
    const head = Math.floor(savedAtMs / this.bucketMs);
    this.#head = head;
    for (let i = 0; i < n; i++) {
      const from = calls.length - n + i;
      const s = this.#slotOf(head - n + 1 + i);
      this.#calls[s] = calls[from]!;
      this.#failures[s] = failures[from]!;
      this.#slow[s] = slowCalls[from]!;
      this.#totalCalls += calls[from]!;
      this.#totalFailures += failures[from]!;
      this.#totalSlow += slowCalls[from]!;
    }
  }
}
