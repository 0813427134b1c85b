/**
 * @module
 * How the DNS components call their store and their targets: through the resilience library,
 * `pipeline(retry, circuit breaker, timeout)` (outermost first, the order `pipeline.ts`
 * recommends), all on the injected clock and random stream, so the simulator runs exactly
 * this code under virtual time.
 *
 * - The timeout bounds one attempt: a store that stalls (as an enactor did on 2025-10-20)
 *   costs a bounded wait, never an unbounded one.
 * - The retry makes a few attempts with capped exponential backoff and full jitter (Marc
 *   Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015), paid from a
 *   {@link LocalRetryBudget} so that a store that is down gets a trickle, not a multiple, of
 *   the load. Retrying a write is safe because every write is a compare-and-set: a retried
 *   `activate` whose first attempt took effect answers "already active".
 * - The breaker stops calling a store that keeps failing, and probes it again later.
 *
 * Only errors that asking again can fix are retried and counted by the breaker
 * ({@link isRetryableStoreError}); a plan that fails validation is not.
 */
import type { Clock } from '../core/clock.js';
import type { Rng } from '../core/rng.js';
import { ConsecutiveBreaker } from '../resilience/breaker/consecutive.js';
import { exponentialBackoff } from '../resilience/backoff/exponential.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { pipeline } from '../resilience/pipeline.js';
import type { Policy } from '../resilience/policy.js';
import { Retry, defaultShouldRetry } from '../resilience/retry.js';
import { LocalRetryBudget } from '../resilience/retry-budget.js';
import type { RetryBudget } from '../resilience/retry-budget.js';
import { Timeout } from '../resilience/timeout.js';
import { isTransientDnsError } from './errors.js';
import {
  checkClock,
  checkIntegerAtLeast,
  checkNumberIn,
  checkOptionsObject,
  checkRng,
} from './internal/options.js';

/** Options for {@link createStorePolicy}. */
export interface StorePolicyOptions {
  /** Time for timeouts, backoff waits and the breaker. */
  readonly clock: Clock;
  /** Jitter for the backoff. */
  readonly rng: Rng;
  /** One attempt's time limit, ms. Default 2000: far above a healthy store's few ms. */
  readonly timeoutMs?: number;
  /** Attempts in all, the first included. Default 3 (AWS SDKs' standard retry mode). */
  readonly maxAttempts?: number;
  /** Backoff base, ms. Default 50. */
  readonly backoffBaseMs?: number;
  /** Longest backoff wait, ms. Default 2000. */
  readonly backoffCapMs?: number;
  /** Failures in a row that open the breaker. Default 5. */
  readonly breakerThreshold?: number;
  /** How long the breaker stays open before a probe, ms. Default 5000 (Polly v8's default). */
  readonly halfOpenAfterMs?: number;
  /** The retry budget; default a `LocalRetryBudget` on `clock` (10 retries/s floor). */
  readonly budget?: RetryBudget;
}

/**
 * True when a store or target error is worth another attempt (and counts against the
 * breaker): the store was unavailable or slow, an attempt timed out, or a driver error
 * such as `SQLITE_BUSY`. Not: validation errors, unknown targets, missing plans, a closed
 * store, programming errors (`TypeError`, `RangeError`), or the breaker's own refusals.
 */
export function isRetryableStoreError(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError) return false;
  return defaultShouldRetry(error) && isTransientDnsError(error);
}

/** The default policy for store and target calls. See the module comment. */
export function createStorePolicy(options: StorePolicyOptions): Policy {
  const where = 'createStorePolicy';
  checkOptionsObject(where, options);
  const clock = checkClock(where, options.clock);
  const rng = checkRng(where, options.rng);
  const timeoutMs = checkNumberIn(where, 'timeoutMs', options.timeoutMs ?? 2000, 1, 3_600_000);
  const maxAttempts = checkIntegerAtLeast(where, 'maxAttempts', options.maxAttempts ?? 3, 1);
  const baseMs = checkNumberIn(where, 'backoffBaseMs', options.backoffBaseMs ?? 50, 1, 3_600_000);
  const capMs = checkNumberIn(
    where,
    'backoffCapMs',
    options.backoffCapMs ?? 2000,
    baseMs,
    3_600_000,
  );
  const threshold = checkIntegerAtLeast(
    where,
    'breakerThreshold',
    options.breakerThreshold ?? 5,
    1,
  );
  const halfOpenAfterMs = checkNumberIn(
    where,
    'halfOpenAfterMs',
    options.halfOpenAfterMs ?? 5000,
    0,
    86_400_000,
  );
  const retry = new Retry({
    clock,
    rng,
    maxAttempts,
    backoff: exponentialBackoff({ baseMs, capMs, jitter: 'full' }),
    shouldRetry: isRetryableStoreError,
    budget: options.budget ?? new LocalRetryBudget({ clock }),
  });
  const breaker = new CircuitBreaker({
    breaker: new ConsecutiveBreaker({ threshold }),
    clock,
    halfOpenAfterMs,
    isFailure: isRetryableStoreError,
  });
  const timeout = new Timeout({ timeoutMs, clock });
  return pipeline(retry, breaker, timeout);
}
