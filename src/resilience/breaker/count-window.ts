/**
 * @module
 * Failure rate and slow-call rate over the last N calls (resilience4j's COUNT_BASED sliding
 * window). The outcomes live in a ring buffer of one byte per call (bit 0 failed, bit 1 slow)
 * with running totals, so recording a call is O(1) and allocates nothing, and memory is fixed
 * at N bytes whatever the traffic.
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

/** Options for {@link CountWindowBreaker}. */
export interface CountWindowBreakerOptions extends RateThresholdOptions {
  /** How many of the most recent calls the window holds. An integer ≥ 1. */
  readonly size: number;
  /** Calls the window must hold before the rates count; 1 ≤ minimumCalls ≤ size. Default `size`. */
  readonly minimumCalls?: number;
}

const FAILED = 1;
const SLOW = 2;
/** Largest window: one byte per call, so 1 MiB. */
const MAX_SIZE = 1 << 20;

/** Opens the circuit when the failure or slow-call rate of the last `size` calls is too high. */
export class CountWindowBreaker implements BreakerStrategy {
  readonly kind = 'count-window';
  readonly usesTime = false;
  readonly slowCallDurationMs: number;
  /** Calls the window holds. */
  readonly size: number;
  /** The validated thresholds. */
  readonly rule: RateRule;
  readonly #ring: Uint8Array;
  /** Slot the next outcome goes into. */
  #next = 0;
  /** Slots in use (grows to `size`, then stays there). */
  #calls = 0;
  #failures = 0;
  #slow = 0;

  constructor(options: CountWindowBreakerOptions) {
    this.size = checkNumber('CountWindowBreaker', 'size', options?.size, 1, MAX_SIZE, true);
    this.rule = parseRateRule('CountWindowBreaker', options, this.size, this.size);
    this.slowCallDurationMs = this.rule.slowCallDurationMs;
    this.#ring = new Uint8Array(this.size);
  }

  recordSuccess(durationMs: number, _nowMs: number): TripReason | undefined {
    return this.#record(durationMs > this.slowCallDurationMs ? SLOW : 0);
  }

  recordFailure(durationMs: number, _nowMs: number): TripReason | undefined {
    return this.#record(durationMs > this.slowCallDurationMs ? FAILED | SLOW : FAILED);
  }

  #record(flags: number): TripReason | undefined {
    const i = this.#next;
    if (this.#calls === this.size) {
      const old = this.#ring[i]!;
      this.#failures -= old & FAILED;
      this.#slow -= old >> 1;
    } else {
      this.#calls++;
    }
    this.#ring[i] = flags;
    this.#failures += flags & FAILED;
    this.#slow += flags >> 1;
    this.#next = i + 1 === this.size ? 0 : i + 1;
    return evaluateRateRule(this.rule, this.#calls, this.#failures, this.#slow);
  }

  reset(): void {
    this.#ring.fill(0);
    this.#next = 0;
    this.#calls = 0;
    this.#failures = 0;
    this.#slow = 0;
  }

  metrics(_nowMs: number): BreakerMetrics {
    return { calls: this.#calls, failures: this.#failures, slowCalls: this.#slow };
  }

  /** Exports the outcomes oldest first, each 0 (ok), 1 (failed), 2 (slow) or 3 (both). */
  toJSON(_nowMs: number): BreakerStrategySnapshot {
    const outcomes: number[] = [];
    const start = (this.#next - this.#calls + this.size) % this.size;
    for (let k = 0; k < this.#calls; k++) outcomes.push(this.#ring[(start + k) % this.size]!);
    return { kind: this.kind, size: this.size, outcomes };
  }

  /**
   * Loads outcomes oldest first. A snapshot from a window of another size keeps its newest
   * `size` outcomes, so a restart with a retuned window does not fail.
   */
  restore(snapshot: BreakerStrategySnapshot, _savedAtMs: number): void {
    checkSnapshotKind(snapshot, this.kind);
    const outcomes = snapshotCounts(snapshot, 'outcomes');
    if (outcomes.some((o) => o > (FAILED | SLOW))) {
      throw new TypeError('initialState.strategy.outcomes: each outcome must be 0, 1, 2 or 3');
    }
    this.reset();
    for (const o of outcomes.slice(-this.size)) this.#record(o);
  }
}
