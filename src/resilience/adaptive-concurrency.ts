/**
 * @module
 * An adaptive concurrency limit: admit at most `limit` calls at once, and let an algorithm move
 * `limit` from what completed calls report — their latency and whether they were dropped. No
 * one has to guess the right bulkhead size for a dependency, and when the dependency slows
 * down (the first sign of the congestive collapse that held EC2's DWFM for hours on
 * 2025-10-20) the limit falls and the excess is refused fast instead of queueing.
 *
 * After Netflix's concurrency-limits (`com.netflix.concurrency.limits`,
 * https://github.com/Netflix/concurrency-limits): its `SimpleLimiter` / `AbstractLimiter` admit
 * while `inFlight < limit` and report each completion as success, dropped or ignored, with the
 * in-flight count taken when the call started. The algorithms live in `./limit/`
 * ({@link AimdLimit}, {@link GradientLimit}).
 *
 * Two sync APIs for callback code and the simulator: the allocation-free pair
 * `acquire()` / `complete(startMs, outcome)` (or `release(rttMs, outcome)` when the caller
 * measured the RTT itself), and `tryAcquire()` returning a token object. `execute` is the
 * async {@link Policy} on top.
 */
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { EventEmitter } from '../core/events.js';
import type { Event } from '../core/events.js';
import {
  ConcurrencyLimitError,
  isBrokenCircuitError,
  isBulkheadRejectedError,
  isConcurrencyLimitError,
  isQueueDroppedError,
  isRateLimitedError,
  isTaskTimeoutError,
} from './errors.js';
import { AimdLimit } from './limit/aimd-limit.js';
import type { LimitAlgorithm, LimitOutcome } from './limit/limit-algorithm.js';
import type { Policy, PolicyContext, PolicyFn, SignalSource } from './policy.js';
import { contextOf } from './policy.js';

/** Options for {@link AdaptiveConcurrency}. */
export interface AdaptiveConcurrencyOptions {
  /**
   * The algorithm that moves the limit; default `new AimdLimit()` — loss-based, so it works
   * without knowing the dependency's normal latency. Use {@link GradientLimit} to react to
   * queueing before calls time out. An algorithm instance must not be shared.
   */
  readonly algorithm?: LimitAlgorithm;
  /** Time source for measuring RTTs; default the system clock. */
  readonly clock?: Clock;
  /**
   * Maps an error thrown by the function `execute` runs to an outcome. Default: timeouts and
   * overload refusals from inner policies (timeout, bulkhead, rate limit, concurrency limit,
   * work queue, open circuit) are `'dropped'`; anything else is `'ignore'` — an application
   * error says nothing about capacity. Return `'dropped'` for your own overload signals
   * (HTTP 429/503).
   */
  readonly classify?: (error: unknown) => LimitOutcome;
}

/** Payload of {@link AdaptiveConcurrency.onLimitChange}. */
export interface LimitChangeEvent {
  readonly from: number;
  readonly to: number;
}

/** Payload of {@link AdaptiveConcurrency.onReject}. */
export interface ConcurrencyRejectEvent {
  readonly limit: number;
  readonly inFlight: number;
}

/** One admitted call, from {@link AdaptiveConcurrency.tryAcquire}. */
export interface ConcurrencyToken {
  /** Monotonic clock reading when the call was admitted, ms. */
  readonly startMs: number;
  /** Calls in flight when it was admitted, itself included. */
  readonly inFlight: number;
  /** Frees the slot and reports the outcome (RTT measured on the clock). Idempotent. */
  release(outcome: LimitOutcome): void;
}

/** The default {@link AdaptiveConcurrencyOptions.classify}. */
export function classifyLimitOutcome(error: unknown): LimitOutcome {
  return isTaskTimeoutError(error) ||
    isBulkheadRejectedError(error) ||
    isConcurrencyLimitError(error) ||
    isRateLimitedError(error) ||
    isQueueDroppedError(error) ||
    isBrokenCircuitError(error)
    ? 'dropped'
    : 'ignore';
}

class Token implements ConcurrencyToken {
  #released = false;
  constructor(
    private readonly owner: AdaptiveConcurrency,
    readonly startMs: number,
    readonly inFlight: number,
  ) {}
  release(outcome: LimitOutcome): void {
    if (this.#released) return;
    this.#released = true;
    this.owner.complete(this.startMs, outcome, this.inFlight);
  }
}

/**
 * A concurrency limiter whose limit adapts to the dependency. Admits while
 * `inFlight < limit`; refuses above it (sync: `false`/`undefined`; async:
 * {@link ConcurrencyLimitError}).
 */
export class AdaptiveConcurrency implements Policy {
  /** The algorithm moving the limit. */
  readonly algorithm: LimitAlgorithm;
  readonly #clock: Clock;
  readonly #classify: (error: unknown) => LimitOutcome;
  #limit: number;
  #inFlight = 0;
  readonly #onLimitChange = new EventEmitter<LimitChangeEvent>();
  readonly #onReject = new EventEmitter<ConcurrencyRejectEvent>();

  /** Fires when the limit in force changes. */
  readonly onLimitChange: Event<LimitChangeEvent> = this.#onLimitChange.event;
  /** Fires when a call is refused for being above the limit. */
  readonly onReject: Event<ConcurrencyRejectEvent> = this.#onReject.event;

  constructor(options: AdaptiveConcurrencyOptions = {}) {
    const algorithm = options.algorithm ?? new AimdLimit();
    if (typeof algorithm !== 'object' || typeof algorithm.onSample !== 'function') {
      throw new TypeError(
        `AdaptiveConcurrency: option algorithm must be a LimitAlgorithm (with onSample()), got ${typeof algorithm}`,
      );
    }
    if (options.classify !== undefined && typeof options.classify !== 'function') {
      throw new TypeError(
        `AdaptiveConcurrency: option classify must be a function, got ${typeof options.classify}`,
      );
    }
    this.algorithm = algorithm;
    this.#clock = options.clock ?? systemClock;
    this.#classify = options.classify ?? classifyLimitOutcome;
    this.#limit = algorithm.limit;
  }

  /** The limit in force. */
  get limit(): number {
    return this.#limit;
  }

  /** Calls admitted and not yet completed. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Takes a slot if `inFlight < limit`. Allocation-free; pair it with {@link complete} or
   * {@link release}. The in-flight count including this call is then `inFlight`.
   */
  acquire(): boolean {
    if (this.#inFlight >= this.#limit) {
      if (this.#onReject.hasListeners) {
        this.#onReject.emit({ limit: this.#limit, inFlight: this.#inFlight });
      }
      return false;
    }
    this.#inFlight++;
    return true;
  }

  /** Like {@link acquire}, but returns a token that remembers the start time, or undefined. */
  tryAcquire(): ConcurrencyToken | undefined {
    if (!this.acquire()) return undefined;
    return new Token(this, this.#clock.monotonic(), this.#inFlight);
  }

  /**
   * Frees a slot taken with {@link acquire} and reports how the call went, its RTT measured as
   * `clock.monotonic() − startMs`.
   * @param inFlightAtStart the in-flight count right after this call was admitted; defaults
   *   to the count now (before freeing this slot), a fine stand-in when calls overlap evenly.
   */
  complete(startMs: number, outcome: LimitOutcome, inFlightAtStart?: number): void {
    this.release(this.#clock.monotonic() - startMs, outcome, inFlightAtStart);
  }

  /**
   * Frees a slot taken with {@link acquire} and reports a call that took `rttMs`. `'ignore'`
   * frees the slot without showing the sample to the algorithm.
   * @throws Error when no slot is held (a release without an acquire).
   */
  release(rttMs: number, outcome: LimitOutcome, inFlightAtStart?: number): void {
    if (this.#inFlight <= 0) {
      throw new Error('AdaptiveConcurrency: release() without a matching acquire()');
    }
    const inFlight = inFlightAtStart ?? this.#inFlight;
    this.#inFlight--;
    if (outcome === 'ignore') return;
    const to = this.algorithm.onSample(rttMs, inFlight, outcome === 'dropped');
    const from = this.#limit;
    if (to !== from) {
      this.#limit = to;
      if (this.#onLimitChange.hasListeners) this.#onLimitChange.emit({ from, to });
    }
  }

  /**
   * Runs `fn` if a slot is free, else rejects at once with {@link ConcurrencyLimitError}.
   * Measures the call's RTT on the clock; a thrown error is mapped by `classify`.
   */
  execute<T>(fn: PolicyFn<T>, signal?: SignalSource): Promise<T> {
    if (!this.acquire()) return Promise.reject(new ConcurrencyLimitError(this.#limit));
    return this.#run(fn, contextOf(signal), this.#clock.monotonic(), this.#inFlight);
  }

  async #run<T>(
    fn: PolicyFn<T>,
    context: PolicyContext,
    startMs: number,
    inFlight: number,
  ): Promise<T> {
    let value: T;
    try {
      value = await fn(context);
    } catch (err) {
      let outcome: LimitOutcome;
      try {
        outcome = this.#classify(err);
      } catch {
        // A broken classifier must not leak the slot or hide the caller's error.
        outcome = 'ignore';
      }
      this.complete(startMs, outcome, inFlight);
      throw err;
    }
    this.complete(startMs, 'success', inFlight);
    return value;
  }
}
