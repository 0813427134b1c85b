/**
 * @module
 * The simplest trip rule: open after N failures in a row; any success starts the count again.
 * It reacts fastest to a dependency that is plainly down and needs no tuning beyond N, but it
 * never trips on a dependency that fails every other call — use a window for that.
 * (cockatiel's `ConsecutiveBreaker`; Polly v7's basic circuit breaker.)
 */
import type {
  BreakerMetrics,
  BreakerStrategy,
  BreakerStrategySnapshot,
  TripReason,
} from './breaker-strategy.js';
import { checkNumber, checkSnapshotKind } from './internal/validate.js';

/** Options for {@link ConsecutiveBreaker}. */
export interface ConsecutiveBreakerOptions {
  /** Failures in a row that open the circuit. An integer ≥ 1. */
  readonly threshold: number;
}

/** Opens the circuit after `threshold` consecutive failures. */
export class ConsecutiveBreaker implements BreakerStrategy {
  readonly kind = 'consecutive';
  readonly slowCallDurationMs = Infinity;
  readonly usesTime = false;
  /** Failures in a row that open the circuit. */
  readonly threshold: number;
  #failures = 0;

  constructor(options: ConsecutiveBreakerOptions) {
    this.threshold = checkNumber(
      'ConsecutiveBreaker',
      'threshold',
      options?.threshold,
      1,
      Number.MAX_SAFE_INTEGER,
      true,
    );
  }

  /** Failures since the last success. */
  get consecutiveFailures(): number {
    return this.#failures;
  }

  recordSuccess(_durationMs: number, _nowMs: number): TripReason | undefined {
    this.#failures = 0;
    return undefined;
  }

  recordFailure(_durationMs: number, _nowMs: number): TripReason | undefined {
    return ++this.#failures >= this.threshold ? 'consecutive' : undefined;
  }

  reset(): void {
    this.#failures = 0;
  }

  metrics(_nowMs: number): BreakerMetrics {
    return { calls: this.#failures, failures: this.#failures, slowCalls: 0 };
  }

  toJSON(_nowMs: number): BreakerStrategySnapshot {
    return { kind: this.kind, failures: this.#failures };
  }

  restore(snapshot: BreakerStrategySnapshot, _savedAtMs: number): void {
    checkSnapshotKind(snapshot, this.kind);
    const n = snapshot.failures;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      throw new TypeError(
        `initialState.strategy.failures: expected a non-negative integer, got ${String(n)}`,
      );
    }
    // A snapshot at or over the threshold trips on the next failure, not retroactively.
    this.#failures = Math.min(n, this.threshold - 1);
  }
}
