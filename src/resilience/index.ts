/**
 * @module
 * breakwater/resilience: policies that keep a service standing when its dependencies fall —
 * and that keep it from knocking them over again when they come back. Zero runtime
 * dependencies; every policy takes a `Clock` (and an `Rng` where it draws), and each has a
 * synchronous decision API that the simulator drives directly, beside its async `execute`.
 */
export * from './errors.js';
export { noSignalContext, signalOf, contextOf } from './policy.js';
export type { Policy, PolicyContext, PolicyFn, SignalSource } from './policy.js';
export { Pipeline, pipeline } from './pipeline.js';
export type { ContextOf } from './pipeline.js';

// Retry, backoff and the retry budget.
export * from './backoff/index.js';
export { LocalRetryBudget } from './retry-budget.js';
export type {
  RetryBudget,
  LocalRetryBudgetOptions,
  RetryBudgetSnapshot,
  RetryBudgetExhaustedEvent,
  RetryBudgetDepositOn,
} from './retry-budget.js';
export { Retry, defaultShouldRetry, defaultRetryAfterMs } from './retry.js';
export type {
  RetryContext,
  RetryOptions,
  RetryDecision,
  RetryGiveUpReason,
  RetryEvent,
  RetryGiveUpEvent,
  RetrySuccessEvent,
} from './retry.js';

// Circuit breaker.
export * from './breaker/index.js';
export { CircuitBreaker } from './circuit-breaker.js';
export type {
  CircuitBreakerOptions,
  CircuitBreakerSnapshot,
  CircuitBreakEvent,
  CircuitStateChangeEvent,
  BreakReason,
  CircuitState,
  AdmitToken,
} from './circuit-breaker.js';

// Timeout and bulkhead.
export { Timeout } from './timeout.js';
export type { TimeoutOptions, TimeoutStrategy, TimeoutEvent } from './timeout.js';
export { Bulkhead } from './bulkhead.js';
export type { BulkheadOptions, BulkheadEvent, BulkheadTicket } from './bulkhead.js';

// Work queue with backpressure.
export { WorkQueue } from './work-queue.js';
export type {
  WorkQueueOptions,
  OfferOptions,
  OfferResult,
  QueueOrder,
  QueueFullPolicy,
  ControlledDelayOptions,
  QueueDropEvent,
  QueueShedEvent,
  WorkQueueStats,
} from './work-queue.js';
export { WorkerPool } from './worker-pool.js';
export type {
  WorkerPoolOptions,
  WorkerPoolExecuteOptions,
  WorkerPoolDropEvent,
  WorkerPoolStats,
} from './worker-pool.js';

// Rate limiting, the recovery ramp and adaptive concurrency.
export { RateLimiter } from './rate-limiter.js';
export type { RateLimiterOptions } from './rate-limiter.js';
export { RecoveryRamp } from './recovery-ramp.js';
export type {
  RecoveryRampOptions,
  RampShape,
  RampStartEvent,
  RampEndEvent,
} from './recovery-ramp.js';
export { AdaptiveConcurrency, classifyLimitOutcome } from './adaptive-concurrency.js';
export type {
  AdaptiveConcurrencyOptions,
  ConcurrencyToken,
  LimitChangeEvent,
  ConcurrencyRejectEvent,
} from './adaptive-concurrency.js';
export { AimdLimit } from './limit/aimd-limit.js';
export type { AimdLimitOptions } from './limit/aimd-limit.js';
export { GradientLimit } from './limit/gradient-limit.js';
export type { GradientLimitOptions } from './limit/gradient-limit.js';
export type { LimitAlgorithm, LimitOutcome } from './limit/limit-algorithm.js';

// Fallback and graceful degradation.
export { Fallback, fallbackTo } from './fallback.js';
export type { FallbackOptions, FallbackCommonOptions, FallbackEvent } from './fallback.js';
export { StaleCache, StaleIfErrorPolicy, staleIfError } from './stale-cache.js';
export type {
  StaleCacheOptions,
  StaleCacheResult,
  StaleCacheHit,
  StaleServedEvent,
  StaleCacheSnapshot,
} from './stale-cache.js';
export {
  Degradation,
  DEGRADATION_LEVELS,
  WORK_CLASSES,
  levelAdmits,
  compareLevels,
  worseLevel,
  queueDepthSignal,
  budgetExhaustedSignal,
  breakerOpenSignal,
  breakerStateLevel,
} from './degradation.js';
export type {
  DegradationLevel,
  WorkClass,
  DegradationOptions,
  DegradationReason,
  LevelChangeEvent,
  SignalErrorEvent,
  DegradationSnapshot,
  DegradationSignal,
  QueueDepthSignalOptions,
  BreakerSignalOptions,
} from './degradation.js';

// Fleet-wide state (shared budgets, breakers, limits); the Redis adapter is breakwater/resilience/redis.
export * from './shared/index.js';
