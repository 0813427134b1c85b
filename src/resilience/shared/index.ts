/**
 * @module
 * Fleet-wide resilience: one retry budget, one rate limit (with one recovery ramp), one
 * circuit per dependency and one concurrency cap shared by every instance of a service,
 * behind the {@link SharedState} interface — in memory for tests and the simulator, on Redis
 * through `breakwater/resilience/redis` (loaded only when asked for). Every shared policy
 * goes through a {@link SharedLink}, which times out every store call, breaks on a failing
 * store, and makes each policy fall back to its local equivalent sized as a share of the fleet
 * value until the store answers again. Each module says exactly what holds in each mode.
 */
export type {
  SharedState,
  MaybePromise,
  BucketSpec,
  BucketRamp,
  BucketRequest,
  BucketReply,
  CircuitSpec,
  CircuitRequest,
  CircuitReply,
  FleetCircuitState,
  FleetOpenReason,
  SemaphoreSpec,
  SemaphoreReply,
} from './shared-state.js';
export { InMemorySharedState, SharedStateUnavailableError } from './in-memory-shared-state.js';
export type { InMemorySharedStateOptions, SharedStateFault } from './in-memory-shared-state.js';
export { SharedLink } from './shared-link.js';
export type {
  SharedLinkOptions,
  SharedMode,
  SharedModeChangeEvent,
  SharedStoreErrorEvent,
} from './shared-link.js';
export { SharedRetryBudget } from './shared-retry-budget.js';
export type { SharedRetryBudgetOptions } from './shared-retry-budget.js';
export { SharedRateLimiter } from './shared-rate-limiter.js';
export type { SharedRateLimiterOptions } from './shared-rate-limiter.js';
export { SharedCircuitBreaker } from './shared-circuit-breaker.js';
export type {
  SharedCircuitBreakerOptions,
  SharedCircuitBreakEvent,
  SharedCircuitStateChangeEvent,
  SharedCircuitScope,
} from './shared-circuit-breaker.js';
export { SharedBulkhead, NO_PERMIT } from './shared-bulkhead.js';
export type { SharedBulkheadOptions, SharedPermit } from './shared-bulkhead.js';
