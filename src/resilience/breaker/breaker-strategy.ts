/**
 * @module
 * The contract between a {@link CircuitBreaker} and the rule that decides when a closed circuit
 * should open. The breaker owns the state machine (closed → open → half-open → closed); a
 * strategy only watches the outcomes of calls made while the circuit is closed and says "trip
 * now, for this reason". (The split is cockatiel's `IBreaker`; the trip rules are
 * resilience4j's: consecutive failures, failure rate and slow-call rate over a sliding window.)
 *
 * Strategies are mutable on purpose: the success path of a closed circuit runs millions of
 * times a second in the simulator, so a strategy updates counters and typed arrays in place
 * instead of returning a new immutable state per call. A strategy instance therefore belongs
 * to exactly one breaker.
 */

/** Why a strategy asks the circuit to open. */
export type TripReason = 'consecutive' | 'failure-rate' | 'slow-rate';

/** What a strategy has seen in its current window; for events and diagnostics only. */
export interface BreakerMetrics {
  /** Calls in the window. */
  readonly calls: number;
  /** Calls that counted as failures. */
  readonly failures: number;
  /** Calls slower than the slow-call threshold (a call can be both failed and slow). */
  readonly slowCalls: number;
}

/**
 * A strategy's exported state: plain JSON. `kind` names the strategy; the rest is its own.
 * Times inside are relative to the moment of export, so a snapshot means the same thing
 * whichever clock reads it back.
 */
export interface BreakerStrategySnapshot {
  readonly kind: string;
  readonly [field: string]: unknown;
}

/** Decides, from the outcomes of calls made while closed, when the circuit should open. */
export interface BreakerStrategy {
  /** A stable name for the strategy (`'consecutive'`, `'count-window'`, `'time-window'`). */
  readonly kind: string;
  /**
   * Calls that take longer than this (ms) are slow. `Infinity` when the strategy ignores
   * durations. The breaker also uses it to fail a slow half-open probe.
   */
  readonly slowCallDurationMs: number;
  /**
   * True when the strategy needs `nowMs` (time-based windows). When false the breaker may
   * pass any number (NaN), which saves a clock read per call; and when, in addition,
   * `slowCallDurationMs` is `Infinity`, it does not time calls at all and passes
   * `durationMs = 0`.
   */
  readonly usesTime: boolean;
  /**
   * Records a call that succeeded (or failed in a way that does not count) after
   * `durationMs`. Returns why the circuit should open now, or undefined. A success can trip a
   * circuit: it may be slow, or it may be the call that reaches the minimum number of calls.
   */
  recordSuccess(durationMs: number, nowMs: number): TripReason | undefined;
  /** Records a call that failed after `durationMs`. Returns why to open now, or undefined. */
  recordFailure(durationMs: number, nowMs: number): TripReason | undefined;
  /** Forgets every outcome (the breaker calls this whenever it opens or closes). */
  reset(): void;
  /** What the strategy has seen, as of `nowMs`. Allocates; not for the hot path. */
  metrics(nowMs: number): BreakerMetrics;
  /** Exports the strategy's state as of `nowMs` (monotonic ms). */
  toJSON(nowMs: number): BreakerStrategySnapshot;
  /**
   * Loads a snapshot taken at monotonic time `savedAtMs` of this clock (the breaker maps the
   * snapshot's wall-clock time onto the monotonic clock, so time spent while the process was
   * down is counted). Throws TypeError naming the field when the snapshot does not fit.
   */
  restore(snapshot: BreakerStrategySnapshot, savedAtMs: number): void;
}

/**
 * The thresholds shared by the sliding-window strategies ({@link CountWindowBreaker},
 * {@link TimeWindowBreaker}). Rates are fractions in (0, 1]; the circuit opens when a rate
 * is equal to or above its threshold, as in resilience4j.
 */
export interface RateThresholdOptions {
  /** Failed calls / calls in the window at which the circuit opens. Default 0.5. */
  readonly failureRateThreshold?: number;
  /**
   * Calls that take longer than this (ms) are slow; a slow call may also have failed, and then
   * counts towards both rates. Leave unset to ignore durations.
   */
  readonly slowCallDurationMs?: number;
  /**
   * Slow calls / calls in the window at which the circuit opens. Needs `slowCallDurationMs`.
   * Default 1 (every call in the window slow), resilience4j's default.
   */
  readonly slowCallRateThreshold?: number;
  /**
   * Calls the window must hold before either rate counts, so that two failures out of three
   * calls at 3 a.m. do not open the circuit.
   */
  readonly minimumCalls?: number;
}
