/**
 * @module
 * The rules that decide when a closed circuit opens, for {@link CircuitBreaker}'s `breaker`
 * option: N consecutive failures, or a failure / slow-call rate over the last N calls or the
 * last T milliseconds. Each is a {@link BreakerStrategy}; write your own against that
 * interface.
 */
export { ConsecutiveBreaker } from './consecutive.js';
export type { ConsecutiveBreakerOptions } from './consecutive.js';
export { CountWindowBreaker } from './count-window.js';
export type { CountWindowBreakerOptions } from './count-window.js';
export { TimeWindowBreaker } from './time-window.js';
export type { TimeWindowBreakerOptions } from './time-window.js';
export type {
  BreakerMetrics,
  BreakerStrategy,
  BreakerStrategySnapshot,
  RateThresholdOptions,
  TripReason,
} from './breaker-strategy.js';
