/**
 * @module
 * Retry with backoff, jitter, server-supplied retry-after and a shared retry budget.
 *
 * The decision is synchronous and separate from the waiting: {@link Retry.decide} looks at
 * the attempt count, the error, the budget, the backoff and any retry-after hint and answers
 * "retry after d ms" or "give up, because …"; {@link Retry.execute} is a thin async loop
 * around it that sleeps on the injected clock. The simulator drives `decide` directly from
 * its callback models, so what it measures is what production runs.
 *
 * Defaults (the reasons are in {@link RetryOptions}): 3 attempts in all, capped exponential
 * backoff from 100 ms to 20 s with full jitter (AWS SDKs' standard retry mode), retry any
 * error except breakwater's refusals (see {@link defaultShouldRetry}), honour a numeric
 * `retryAfterMs` on the error for up to 30 s.
 *
 * The success path costs one `await`, one budget deposit and, when the caller passes a
 * signal, one small context object; `execute` reads the caller's signal only after a failure
 * (it is lazy when it comes from a timeout, and creating it is not free).
 */
import type { Clock } from '../core/clock.js';
import type { Event } from '../core/events.js';
import { EventEmitter } from '../core/events.js';
import type { Rng } from '../core/rng.js';
import type { Backoff } from './backoff/backoff.js';
import { exponentialBackoff } from './backoff/exponential.js';
import { checkAtLeast, showValue } from './backoff/internal/options.js';
import {
  isBrokenCircuitError,
  isBulkheadRejectedError,
  isConcurrencyLimitError,
  isDegradedError,
  isIsolatedCircuitError,
  isQueueDroppedError,
} from './errors.js';
import type { Policy, PolicyContext, PolicyFn, SignalSource } from './policy.js';
import { signalOf } from './policy.js';
import type { RetryBudget } from './retry-budget.js';

/** The context a {@link Retry} hands to the function it runs. */
export interface RetryContext extends PolicyContext {
  /**
   * Which attempt this is: 0 for the first try, 1 for the first retry, … One context object
   * serves all attempts of a call, so read `attempt` when the attempt starts.
   */
  readonly attempt: number;
}

/** Why a retry policy stopped retrying. */
export type RetryGiveUpReason = 'attempts' | 'not-retryable' | 'budget' | 'aborted';

/** The answer of {@link Retry.decide}. */
export type RetryDecision =
  | { readonly retry: true; readonly delayMs: number }
  | { readonly retry: false; readonly reason: Exclude<RetryGiveUpReason, 'aborted'> };

/** Emitted before each retry's wait. */
export interface RetryEvent {
  /** The attempt about to be made (1 for the first retry), as `RetryContext.attempt`. */
  readonly attempt: number;
  /** How long the policy waits before it, ms. */
  readonly delayMs: number;
  /** The error of the attempt that failed. */
  readonly error: unknown;
}

/** Emitted when the policy gives up and rethrows. */
export interface RetryGiveUpEvent {
  /** Attempts made in all (first try included). */
  readonly attempts: number;
  /** The last attempt's error (the one rethrown, unless the wait was aborted). */
  readonly error: unknown;
  /** Why it gave up. */
  readonly reason: RetryGiveUpReason;
}

/** Emitted when a call succeeds. */
export interface RetrySuccessEvent {
  /** Attempts made in all: 1 when the first try succeeded. */
  readonly attempts: number;
}

/** Options for {@link Retry}. */
export interface RetryOptions {
  /** Time for the waits between attempts. */
  readonly clock: Clock;
  /** The random stream the backoff draws jitter from. */
  readonly rng: Rng;
  /**
   * Attempts in all, the first try included (a positive integer, or Infinity to retry until
   * the predicate, the budget or the caller's signal stops it). Default 3, as AWS SDKs'
   * standard mode and resilience4j. Note: cockatiel's `maxAttempts` counts retries only.
   */
  readonly maxAttempts?: number;
  /** Delays between attempts. Default `exponentialBackoff({ baseMs: 100, capMs: 20_000 })`. */
  readonly backoff?: Backoff;
  /**
   * Whether an error is worth another attempt. Say no to errors that will not go away
   * (HTTP 4xx other than 408/429, validation errors). Default {@link defaultShouldRetry}.
   */
  readonly shouldRetry?: (error: unknown) => boolean;
  /**
   * The server's "retry after" hint for an error, ms, or undefined for none (a negative or
   * NaN result counts as none). The wait is `max(backoff, min(hint, maxRetryAfterMs))`.
   * Default {@link defaultRetryAfterMs} (the error's numeric `retryAfterMs` property, as on
   * `RateLimitedError` and `BrokenCircuitError`).
   */
  readonly retryAfterMs?: (error: unknown) => number | undefined;
  /**
   * The longest retry-after hint honoured, ms (≥ 0, may be Infinity); longer hints are
   * clamped to it, not refused. Default 30 000: a caller should not hang for minutes on a
   * hint, and `maxAttempts` still bounds how often it tries. It never shortens the backoff.
   */
  readonly maxRetryAfterMs?: number;
  /** A retry budget, possibly shared with other policies; no budget by default. */
  readonly budget?: RetryBudget;
}

/**
 * The default retry predicate: true for any error except breakwater's own refusals —
 * `BulkheadRejectedError`, `ConcurrencyLimitError`, `QueueDroppedError`, `DegradedError`,
 * `BrokenCircuitError` and `IsolatedCircuitError`. Those mean "this process is shedding load
 * on purpose"; retrying them would put the load straight back, and an open breaker should
 * fail fast rather than hold callers until it half-opens (which would also send every
 * waiting caller at the one probe). `RateLimitedError` *is* retried, after its
 * `retryAfterMs`: it states when a token will be free. `TaskTimeoutError` is retried (one
 * slow attempt says little about the next). Errors after the caller's signal aborted are
 * never retried, whatever the predicate says.
 *
 * To retry an open circuit after its `retryAfterMs` anyway:
 * `shouldRetry: (e) => isBrokenCircuitError(e) || defaultShouldRetry(e)`.
 */
export function defaultShouldRetry(error: unknown): boolean {
  return !(
    isBulkheadRejectedError(error) ||
    isConcurrencyLimitError(error) ||
    isQueueDroppedError(error) ||
    isDegradedError(error) ||
    isBrokenCircuitError(error) ||
    isIsolatedCircuitError(error)
  );
}

/** The default retry-after hint: the error's `retryAfterMs` property when it is a number. */
export function defaultRetryAfterMs(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const hint: unknown = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof hint === 'number' ? hint : undefined;
}

const DEFAULT_BACKOFF: Backoff = exponentialBackoff({
  baseMs: 100,
  capMs: 20_000,
  jitter: 'full',
});

// Give-up decisions carry no per-call data, so they are shared (no allocation).
const GIVE_UP_ATTEMPTS: RetryDecision = Object.freeze({ retry: false, reason: 'attempts' });
const GIVE_UP_NOT_RETRYABLE: RetryDecision = Object.freeze({
  retry: false,
  reason: 'not-retryable',
});
const GIVE_UP_BUDGET: RetryDecision = Object.freeze({ retry: false, reason: 'budget' });

/** The first try's context when the caller gave no signal: shared, allocation-free. */
const FIRST_TRY_NO_SIGNAL: RetryContext = Object.freeze({ attempt: 0, signal: undefined });

/**
 * One call's context, reused for all its attempts. `signal` defers to the caller's source on
 * every read, so a lazy signal (a timeout's) is created only if the function reads it.
 */
class AttemptContext implements RetryContext {
  attempt = 0;
  readonly #source: SignalSource;
  constructor(source: SignalSource) {
    this.#source = source;
  }
  get signal(): AbortSignal | undefined {
    return signalOf(this.#source);
  }
}

/**
 * A retry policy. Build one per dependency (or per kind of call) and share it; it keeps no
 * per-call state, so concurrent calls are independent except for the shared budget.
 */
export class Retry implements Policy<RetryContext> {
  readonly #clock: Clock;
  readonly #rng: Rng;
  readonly #maxAttempts: number;
  readonly #backoff: Backoff;
  readonly #shouldRetry: (error: unknown) => boolean;
  readonly #retryAfterMs: (error: unknown) => number | undefined;
  readonly #maxRetryAfterMs: number;
  readonly #budget: RetryBudget | undefined;
  readonly #retryEmitter = new EventEmitter<RetryEvent>();
  readonly #giveUpEmitter = new EventEmitter<RetryGiveUpEvent>();
  readonly #successEmitter = new EventEmitter<RetrySuccessEvent>();

  /** Fires before each retry's wait. */
  readonly onRetry: Event<RetryEvent> = this.#retryEmitter.event;
  /** Fires when the policy gives up (the error is then rethrown). */
  readonly onGiveUp: Event<RetryGiveUpEvent> = this.#giveUpEmitter.event;
  /** Fires when a call succeeds, on whichever attempt. */
  readonly onSuccess: Event<RetrySuccessEvent> = this.#successEmitter.event;

  /** Validates `options` (throwing a `RangeError`/`TypeError` naming the bad one). */
  constructor(options: RetryOptions) {
    const clock = options.clock as Clock | undefined;
    if (typeof clock?.sleep !== 'function') {
      throw new TypeError(`Retry: clock must be a Clock, got ${showValue(clock)}`);
    }
    const rng = options.rng as Rng | undefined;
    if (typeof rng?.float !== 'function') {
      throw new TypeError(`Retry: rng must be an Rng, got ${showValue(rng)}`);
    }
    const maxAttempts = checkAtLeast('Retry: maxAttempts', options.maxAttempts ?? 3, 1);
    if (!Number.isInteger(maxAttempts) && maxAttempts !== Infinity) {
      throw new RangeError(
        `Retry: maxAttempts must be an integer >= 1 or Infinity, got ${maxAttempts}`,
      );
    }
    const backoff = options.backoff ?? DEFAULT_BACKOFF;
    if (typeof (backoff as Partial<Backoff>).next !== 'function') {
      throw new TypeError(`Retry: backoff must be a Backoff, got ${showValue(backoff)}`);
    }
    const budget = options.budget;
    if (
      budget !== undefined &&
      typeof (budget as Partial<RetryBudget>).tryWithdraw !== 'function'
    ) {
      throw new TypeError(`Retry: budget must be a RetryBudget, got ${showValue(budget)}`);
    }
    this.#clock = clock;
    this.#rng = rng;
    this.#maxAttempts = maxAttempts;
    this.#backoff = backoff;
    this.#shouldRetry = checkFunction(
      'Retry: shouldRetry',
      options.shouldRetry,
      defaultShouldRetry,
    );
    this.#retryAfterMs = checkFunction(
      'Retry: retryAfterMs',
      options.retryAfterMs,
      defaultRetryAfterMs,
    );
    this.#maxRetryAfterMs = checkAtLeast(
      'Retry: maxRetryAfterMs',
      options.maxRetryAfterMs ?? 30_000,
    );
    this.#budget = budget;
  }

  /** Attempts in all, the first try included. */
  get maxAttempts(): number {
    return this.#maxAttempts;
  }

  /**
   * Decides, synchronously, what to do after attempt `attempt` (0 for the first try, as
   * `RetryContext.attempt`) failed with `error`. In order: give up if that was the last
   * attempt (`'attempts'`), if `shouldRetry` rejects the error (`'not-retryable'`), or if
   * the budget has no token (`'budget'`; a token is withdrawn only when everything else
   * says yes). Otherwise retry after `max(backoff, min(retry-after hint, maxRetryAfterMs))`.
   * Emits `onRetry` or `onGiveUp`.
   *
   * Callback models drive a call with it as `execute` does: report the first try with
   * {@link recordFirstTry}, a success with {@link recordSuccess}, and on each failure call
   * `decide(attempt, error, previousDelayMs)` with the delay waited before this attempt
   * (0 after the first try).
   */
  decide(attempt: number, error: unknown, previousDelayMs: number): RetryDecision {
    if (attempt + 1 >= this.#maxAttempts) return this.#giveUp(attempt, error, GIVE_UP_ATTEMPTS);
    if (!this.#shouldRetry(error)) return this.#giveUp(attempt, error, GIVE_UP_NOT_RETRYABLE);
    if (this.#budget !== undefined && !this.#budget.tryWithdraw()) {
      return this.#giveUp(attempt, error, GIVE_UP_BUDGET);
    }
    let delayMs = this.#backoff.next(attempt + 1, previousDelayMs, this.#rng);
    const hint = this.#retryAfterMs(error);
    if (hint !== undefined && hint > 0) {
      const capped = hint < this.#maxRetryAfterMs ? hint : this.#maxRetryAfterMs;
      if (capped > delayMs) delayMs = capped;
    }
    if (this.#retryEmitter.hasListeners) {
      this.#retryEmitter.emit({ attempt: attempt + 1, delayMs, error });
    }
    return { retry: true, delayMs };
  }

  /** Reports a call's first try to the budget (successes earn retry tokens). */
  recordFirstTry(succeeded: boolean): void {
    this.#budget?.recordFirstTry(succeeded);
  }

  /** Reports a call that succeeded after `attempts` attempts in all; emits `onSuccess`. */
  recordSuccess(attempts: number): void {
    if (this.#successEmitter.hasListeners) this.#successEmitter.emit({ attempts });
  }

  /**
   * Runs `fn`, retrying it as {@link decide} says, and returns its first success or rethrows
   * the error it gave up on. When `signal` aborts during a wait, rejects at once with the
   * signal's reason and makes no further attempt; an attempt that fails after the signal
   * aborted is not retried (its error is rethrown).
   */
  async execute<T>(fn: PolicyFn<T, RetryContext>, signal?: SignalSource): Promise<T> {
    const context = signal === undefined ? undefined : new AttemptContext(signal);
    let value: T;
    try {
      value = await fn(context ?? FIRST_TRY_NO_SIGNAL);
    } catch (error) {
      this.recordFirstTry(false);
      return this.#retry(fn, signal, context ?? new AttemptContext(undefined), error);
    }
    this.recordFirstTry(true);
    this.recordSuccess(1);
    return value;
  }

  async #retry<T>(
    fn: PolicyFn<T, RetryContext>,
    source: SignalSource,
    context: AttemptContext,
    firstError: unknown,
  ): Promise<T> {
    let error = firstError;
    let previousDelayMs = 0;
    for (;;) {
      const signal = signalOf(source);
      if (signal?.aborted === true) {
        this.#emitGiveUp(context.attempt + 1, error, 'aborted');
        throw error;
      }
      const decision = this.decide(context.attempt, error, previousDelayMs);
      if (!decision.retry) throw error;
      if (decision.delayMs > 0) {
        try {
          await this.#clock.sleep(decision.delayMs, signal);
        } catch (reason) {
          this.#emitGiveUp(context.attempt + 1, error, 'aborted');
          throw reason;
        }
      }
      previousDelayMs = decision.delayMs;
      context.attempt++;
      try {
        const value = await fn(context);
        this.recordSuccess(context.attempt + 1);
        return value;
      } catch (e) {
        error = e;
      }
    }
  }

  #giveUp(attempt: number, error: unknown, decision: RetryDecision): RetryDecision {
    if (this.#giveUpEmitter.hasListeners) {
      this.#emitGiveUp(attempt + 1, error, (decision as { reason: RetryGiveUpReason }).reason);
    }
    return decision;
  }

  #emitGiveUp(attempts: number, error: unknown, reason: RetryGiveUpReason): void {
    if (this.#giveUpEmitter.hasListeners) this.#giveUpEmitter.emit({ attempts, error, reason });
  }
}

function checkFunction<F>(option: string, value: F | undefined, fallback: F): F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') {
    throw new TypeError(`${option} must be a function, got ${showValue(value)}`);
  }
  return value;
}
