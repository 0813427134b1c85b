/**
 * @module
 * A retry budget: a cap on retries shared by every call to one dependency, so that when the
 * dependency fails outright the callers add at most a small fraction of extra load instead
 * of multiplying it by `maxAttempts`. Per-call attempt limits cannot do this — three
 * attempts each is still three times the load on a service that is already down, and that
 * multiplied load is what kept EC2's DWFM in congestive collapse on 2025-10-20.
 *
 * {@link LocalRetryBudget} is a token bucket (after Finagle's `RetryBudget`,
 * https://twitter.github.io/finagle/guide/Clients.html#retries, and gRPC's retry throttling,
 * https://github.com/grpc/proposal/blob/master/A6-client-retries.md):
 * - a first try that succeeds deposits `ratio` tokens (0.1 by default: one retry per ten
 *   successes); with `depositOn: 'first-try'` every first try deposits, as in Finagle (whose
 *   default lets about 20 % of requests be retried, on top of 10 retries a second);
 * - a retry withdraws 1 token; with less than one token there is no retry, and the caller
 *   gets the original error;
 * - a floor of `minRetriesPerSecond` tokens per second (10, Finagle's default) trickles in
 *   with clock time, so a quiet client (few requests, so few deposits) can still retry;
 * - the balance never exceeds `maxTokens` (default: ten seconds of floor, Finagle's 10 s TTL,
 *   and at least 10), so tokens saved during a long calm cannot pay for a flood later.
 *
 * Guarantee (tested): over any run, retries ≤ ratio × depositing first tries + floor ×
 * elapsed seconds + initial balance. So under 100 % failure, total calls ≤ (1 + ratio) ×
 * first tries + minRetriesPerSecond × elapsed seconds + initialTokens (and with the default
 * `depositOn: 'success'`, the ratio term is zero: retries come from the floor alone).
 *
 * The {@link RetryBudget} interface is synchronous and small on purpose: a fleet-wide budget
 * (Redis-backed, later) implements it over a locally cached balance.
 */
import type { Clock } from '../core/clock.js';
import type { Event } from '../core/events.js';
import { EventEmitter } from '../core/events.js';
import { checkFinite, checkOneOf, showValue } from './backoff/internal/options.js';

/** What a first try deposits on: only on success, or on every first try (Finagle's way). */
export type RetryBudgetDepositOn = 'success' | 'first-try';

/** A serialisable snapshot of a budget (see {@link RetryBudget.toJSON}). */
export interface RetryBudgetSnapshot {
  /** Tokens available now; one retry costs one. */
  readonly tokens: number;
  /** The most tokens the budget holds. */
  readonly maxTokens: number;
  /** Tokens a depositing first try adds. */
  readonly ratio: number;
  /** Tokens added per second of clock time. */
  readonly minRetriesPerSecond: number;
}

/** Emitted when a retry is refused for want of tokens, once per run of refusals. */
export interface RetryBudgetExhaustedEvent {
  /** The balance at the refusal (below 1). */
  readonly balance: number;
}

/**
 * A shared allowance of retries. Any number of retry policies may take the same instance;
 * all of its methods are synchronous and cheap.
 */
export interface RetryBudget {
  /** Reports how a call's first try went; successes (or all first tries) earn tokens. */
  recordFirstTry(succeeded: boolean): void;
  /** Takes one token for a retry; false (and no retry) when less than one is left. */
  tryWithdraw(): boolean;
  /** Tokens available now. */
  balance(): number;
  /** A serialisable snapshot of the state. */
  toJSON(): RetryBudgetSnapshot;
  /** Fires when a withdrawal is refused after the previous one succeeded (or at the first). */
  readonly onExhausted: Event<RetryBudgetExhaustedEvent>;
}

/** Options for {@link LocalRetryBudget}. */
export interface LocalRetryBudgetOptions {
  /** Measures elapsed time for the floor's refill. */
  readonly clock: Clock;
  /** Tokens a depositing first try adds (finite, ≥ 0). Default 0.1. */
  readonly ratio?: number;
  /** Tokens added per second of clock time (finite, ≥ 0). Default 10 (Finagle's default). */
  readonly minRetriesPerSecond?: number;
  /**
   * The largest balance (finite, ≥ 0). Default `max(10, 10 × minRetriesPerSecond)`: ten
   * seconds of floor, the span Finagle's budget remembers deposits for (its 10 s TTL).
   */
  readonly maxTokens?: number;
  /**
   * The balance at construction (finite, 0 ≤ initialTokens ≤ maxTokens). Default
   * `min(maxTokens, minRetriesPerSecond)`: one second of floor. Finagle and gRPC start full;
   * we do not, because a fleet restarted at once (as EC2's hosts were on 2025-10-20) would
   * come back holding a full bank of retries on every host. Restore a snapshot by passing
   * its `tokens` here.
   */
  readonly initialTokens?: number;
  /** Which first tries deposit `ratio`: `'success'` (default) or every `'first-try'`. */
  readonly depositOn?: RetryBudgetDepositOn;
}

/**
 * Withdrawals accept a balance this close below 1, so ten deposits of 0.1 (which sum to
 * 0.9999999999999999 in binary floating point) pay for one retry as they should.
 */
const EPSILON = 1e-9;

/** A {@link RetryBudget} held in this process: a token bucket with a time-based floor. */
export class LocalRetryBudget implements RetryBudget {
  readonly #clock: Clock;
  readonly #ratio: number;
  readonly #floorPerSecond: number;
  readonly #floorPerMs: number;
  readonly #maxTokens: number;
  readonly #depositOnFailure: boolean;
  #tokens: number;
  #refilledAtMs: number;
  #exhausted = false;
  readonly #exhaustedEmitter = new EventEmitter<RetryBudgetExhaustedEvent>();

  /** Fires when a withdrawal is refused after the previous one succeeded (or at the first). */
  readonly onExhausted: Event<RetryBudgetExhaustedEvent> = this.#exhaustedEmitter.event;

  /** Validates `options` (throwing a `RangeError`/`TypeError` naming the bad one). */
  constructor(options: LocalRetryBudgetOptions) {
    const clock = options.clock as Clock | undefined;
    if (typeof clock?.monotonic !== 'function') {
      throw new TypeError(`LocalRetryBudget: clock must be a Clock, got ${showValue(clock)}`);
    }
    this.#clock = clock;
    this.#ratio = checkFinite('LocalRetryBudget: ratio', options.ratio ?? 0.1);
    this.#floorPerSecond = checkFinite(
      'LocalRetryBudget: minRetriesPerSecond',
      options.minRetriesPerSecond ?? 10,
    );
    this.#floorPerMs = this.#floorPerSecond / 1000;
    this.#maxTokens = checkFinite(
      'LocalRetryBudget: maxTokens',
      options.maxTokens ?? Math.max(10, 10 * this.#floorPerSecond),
    );
    const initial = checkFinite(
      'LocalRetryBudget: initialTokens',
      options.initialTokens ?? Math.min(this.#maxTokens, this.#floorPerSecond),
    );
    if (initial > this.#maxTokens) {
      throw new RangeError(
        `LocalRetryBudget: initialTokens must be <= maxTokens (${this.#maxTokens}), got ${initial}`,
      );
    }
    this.#tokens = initial;
    const depositOn: RetryBudgetDepositOn = checkOneOf(
      'LocalRetryBudget: depositOn',
      options.depositOn ?? 'success',
      ['success', 'first-try'],
    );
    this.#depositOnFailure = depositOn === 'first-try';
    this.#refilledAtMs = clock.monotonic();
  }

  /** Deposits `ratio` tokens for a successful first try (or for any, per `depositOn`). */
  recordFirstTry(succeeded: boolean): void {
    // No refill here: the success path stays free of clock reads. Refilling later instead
    // adds the same floor tokens, only clipped at the cap in a different order.
    if (succeeded || this.#depositOnFailure) {
      const t = this.#tokens + this.#ratio;
      this.#tokens = t < this.#maxTokens ? t : this.#maxTokens;
    }
  }

  /** Takes one token for a retry after adding the floor's refill; false when none is left. */
  tryWithdraw(): boolean {
    this.#refill();
    if (this.#tokens >= 1 - EPSILON) {
      this.#tokens -= 1;
      this.#exhausted = false;
      return true;
    }
    if (!this.#exhausted) {
      this.#exhausted = true;
      if (this.#exhaustedEmitter.hasListeners) {
        this.#exhaustedEmitter.emit({ balance: this.#tokens });
      }
    }
    return false;
  }

  /** Tokens available now, the floor's refill included. */
  balance(): number {
    this.#refill();
    return this.#tokens;
  }

  /** The balance and configuration, for `JSON.stringify` and for restoring a budget. */
  toJSON(): RetryBudgetSnapshot {
    return {
      tokens: this.balance(),
      maxTokens: this.#maxTokens,
      ratio: this.#ratio,
      minRetriesPerSecond: this.#floorPerSecond,
    };
  }

  #refill(): void {
    if (this.#floorPerMs === 0) return;
    const now = this.#clock.monotonic();
    const elapsedMs = now - this.#refilledAtMs;
    if (!(elapsedMs > 0)) return;
    this.#refilledAtMs = now;
    const t = this.#tokens + elapsedMs * this.#floorPerMs;
    this.#tokens = t < this.#maxTokens ? t : this.#maxTokens;
  }
}
