/**
 * @module
 * Every error the resilience policies throw on purpose. One base class, a literal `code` per
 * error, `cause` passed on, and an `isXError` guard for each (duck-typed on `code`, so they
 * work across two copies of the package).
 */
import { BreakwaterError } from '../core/errors.js';
import type { BreakwaterErrorOptions } from '../core/errors.js';

/** Base class of the resilience part's errors. */
export abstract class ResilienceError extends BreakwaterError {}

function hasCode(e: unknown, code: string): boolean {
  return e instanceof Error && (e as { code?: unknown }).code === code;
}

/** True for any error thrown by a resilience policy. */
export function isResilienceError(e: unknown): e is ResilienceError {
  return e instanceof ResilienceError;
}

/** A call refused because the circuit is open (or half-open with every probe slot taken). */
export class BrokenCircuitError extends ResilienceError {
  readonly code = 'BW_CIRCUIT_OPEN' as const;
  /** Monotonic clock reading (ms) at which the next probe is allowed; undefined when isolated. */
  readonly nextProbeAtMs: number | undefined;
  /** How long from the refusal until the next probe is allowed (ms); undefined when isolated. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    nextProbeAtMs: number | undefined,
    retryAfterMs: number | undefined,
    options?: BreakwaterErrorOptions,
  ) {
    super(message, options);
    this.nextProbeAtMs = nextProbeAtMs;
    this.retryAfterMs = retryAfterMs;
  }
}
/** Guard for {@link BrokenCircuitError}. */
export const isBrokenCircuitError = (e: unknown): e is BrokenCircuitError =>
  hasCode(e, 'BW_CIRCUIT_OPEN');

/** A call refused because an operator isolated the circuit by hand. */
export class IsolatedCircuitError extends ResilienceError {
  readonly code = 'BW_CIRCUIT_ISOLATED' as const;
}
/** Guard for {@link IsolatedCircuitError}. */
export const isIsolatedCircuitError = (e: unknown): e is IsolatedCircuitError =>
  hasCode(e, 'BW_CIRCUIT_ISOLATED');

/** A call that did not finish within its timeout. */
export class TaskTimeoutError extends ResilienceError {
  readonly code = 'BW_TIMEOUT' as const;
  /** The timeout that was exceeded, ms. */
  readonly timeoutMs: number;
  constructor(timeoutMs: number, options?: BreakwaterErrorOptions) {
    super(`operation timed out after ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}
/** Guard for {@link TaskTimeoutError}. */
export const isTaskTimeoutError = (e: unknown): e is TaskTimeoutError => hasCode(e, 'BW_TIMEOUT');

/** A call refused because the bulkhead's slots and its waiting queue are full. */
export class BulkheadRejectedError extends ResilienceError {
  readonly code = 'BW_BULKHEAD_FULL' as const;
  constructor(
    readonly maxConcurrent: number,
    readonly maxQueued: number,
  ) {
    super(`bulkhead full: ${maxConcurrent} running and ${maxQueued} waiting`);
  }
}
/** Guard for {@link BulkheadRejectedError}. */
export const isBulkheadRejectedError = (e: unknown): e is BulkheadRejectedError =>
  hasCode(e, 'BW_BULKHEAD_FULL');

/** Why a work-queue item never reached a worker. */
export type DropReason = 'expired' | 'shed' | 'full' | 'aborted' | 'closed';

/** A work-queue item that was refused or dropped; `reason` says why. */
export class QueueDroppedError extends ResilienceError {
  readonly code = 'BW_QUEUE_DROPPED' as const;
  constructor(
    readonly reason: DropReason,
    message = `work item dropped: ${reason}`,
  ) {
    super(message);
  }
}
/** Guard for {@link QueueDroppedError}. */
export const isQueueDroppedError = (e: unknown): e is QueueDroppedError =>
  hasCode(e, 'BW_QUEUE_DROPPED');

/** A call refused by a rate limiter. */
export class RateLimitedError extends ResilienceError {
  readonly code = 'BW_RATE_LIMITED' as const;
  /** How long until a token is expected to be available, ms. */
  readonly retryAfterMs: number;
  constructor(retryAfterMs: number) {
    super(`rate limited; retry after ${Math.ceil(retryAfterMs)} ms`);
    this.retryAfterMs = retryAfterMs;
  }
}
/** Guard for {@link RateLimitedError}. */
export const isRateLimitedError = (e: unknown): e is RateLimitedError =>
  hasCode(e, 'BW_RATE_LIMITED');

/** A call refused because the adaptive concurrency limit is reached. */
export class ConcurrencyLimitError extends ResilienceError {
  readonly code = 'BW_CONCURRENCY_LIMIT' as const;
  constructor(readonly limit: number) {
    super(`concurrency limit ${limit} reached`);
  }
}
/** Guard for {@link ConcurrencyLimitError}. */
export const isConcurrencyLimitError = (e: unknown): e is ConcurrencyLimitError =>
  hasCode(e, 'BW_CONCURRENCY_LIMIT');

/** Work refused because the service is degraded below the level the work needs. */
export class DegradedError extends ResilienceError {
  readonly code = 'BW_DEGRADED' as const;
  constructor(
    readonly level: string,
    readonly workClass: string,
  ) {
    super(`refused ${workClass} work: degraded to ${level}`);
  }
}
/** Guard for {@link DegradedError}. */
export const isDegradedError = (e: unknown): e is DegradedError => hasCode(e, 'BW_DEGRADED');
