/**
 * @module
 * The trip test shared by the sliding-window strategies: enough calls, then failure rate,
 * then slow-call rate. Kept apart so both windows agree to the last rounding.
 */
import type { RateThresholdOptions, TripReason } from '../breaker-strategy.js';
import { checkNumber } from './validate.js';

/** Validated thresholds; a disabled slow-call rule has `slowCallDurationMs = Infinity`. */
export interface RateRule {
  readonly failureRateThreshold: number;
  readonly slowCallDurationMs: number;
  readonly slowCallRateThreshold: number;
  readonly minimumCalls: number;
}

/** Validates the shared options of a window strategy. */
export function parseRateRule(
  where: string,
  options: RateThresholdOptions,
  defaultMinimumCalls: number,
  maxMinimumCalls: number,
): RateRule {
  const failureRateThreshold =
    options.failureRateThreshold === undefined
      ? 0.5
      : checkNumber(where, 'failureRateThreshold', options.failureRateThreshold, 0, 1, false, true);
  let slowCallDurationMs = Infinity;
  let slowCallRateThreshold = 1;
  if (options.slowCallDurationMs !== undefined) {
    slowCallDurationMs = checkNumber(
      where,
      'slowCallDurationMs',
      options.slowCallDurationMs,
      0,
      Infinity,
      false,
    );
  }
  if (options.slowCallRateThreshold !== undefined) {
    if (options.slowCallDurationMs === undefined) {
      throw new TypeError(
        `${where}: slowCallRateThreshold (${String(options.slowCallRateThreshold)}) needs slowCallDurationMs`,
      );
    }
    slowCallRateThreshold = checkNumber(
      where,
      'slowCallRateThreshold',
      options.slowCallRateThreshold,
      0,
      1,
      false,
      true,
    );
  }
  const minimumCalls =
    options.minimumCalls === undefined
      ? defaultMinimumCalls
      : checkNumber(where, 'minimumCalls', options.minimumCalls, 1, maxMinimumCalls, true);
  return { failureRateThreshold, slowCallDurationMs, slowCallRateThreshold, minimumCalls };
}

/**
 * Why the window should open, or undefined. Compares `failures / calls` rather than
 * `failures >= threshold * calls`: the quotient of two integers is correctly rounded, so
 * 3 / 10 >= 0.3 holds, while 0.3 * 10 is 3.0000000000000004.
 */
export function evaluateRateRule(
  rule: RateRule,
  calls: number,
  failures: number,
  slowCalls: number,
): TripReason | undefined {
  if (calls < rule.minimumCalls) return undefined;
  if (failures > 0 && failures / calls >= rule.failureRateThreshold) return 'failure-rate';
  if (slowCalls > 0 && slowCalls / calls >= rule.slowCallRateThreshold) return 'slow-rate';
  return undefined;
}
