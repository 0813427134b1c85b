/**
 * @module
 * A token-bucket rate limiter that can ramp back up gently after an outage.
 *
 * The bucket holds at most `burst` tokens and earns `ratePerSecond` of them per second. It has
 * no timer: every call first refills it lazily from `clock.monotonic()`, so an idle limiter
 * costs nothing and the simulator can drive it with plain function calls.
 *
 * Waiting callers *reserve* their tokens up front: the token count may go negative (a debt),
 * and each waiter sleeps exactly until the bucket would have paid off its share. Later callers
 * — waiting or not — see the debt, so nobody can take a token a waiter was promised and the
 * bucket can never be overdrawn. (This is the reservation model of Go's
 * `golang.org/x/time/rate.Limiter.Reserve`, and equivalent to GCRA's theoretical arrival time.)
 *
 * With a {@link RecoveryRamp} the earning rate is `ratePerSecond × fraction(t)`, integrated
 * exactly between calls, and the capacity shrinks with it (`burst × fraction(t)`, at least one
 * token) — otherwise a bucket that filled up during the outage would let a full burst through
 * the moment the dependency came back, which is the stampede the ramp exists to prevent.
 *
 * One limit to that: a ramp start does not move reservations already made. Waiters sleeping
 * when it starts were promised their tokens at the old rate and keep their wake times (the debt
 * they hold — through `execute`, at most `maxWaitMs` worth of full-rate tokens — comes due
 * sooner than the ramp alone would allow).
 * Everyone who arrives after the start waits behind that debt at the ramped rate, so in total
 * nothing more is admitted than the ramp allows — only those earlier waiters come sooner.
 */
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { Disposable, Event } from '../core/events.js';
import { RateLimitedError } from './errors.js';
import type { Policy, PolicyContext, PolicyFn, SignalSource } from './policy.js';
import { contextOf, signalOf } from './policy.js';
import { RecoveryRamp } from './recovery-ramp.js';
import type { RampShape } from './recovery-ramp.js';

/**
 * Slack when comparing token counts, so that waiting exactly `retryAfterMs()` is always enough
 * despite floating-point rounding in the refill. Admits at most 1e-9 tokens too many.
 */
const EPSILON = 1e-9;

/** Options for {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Tokens earned per second at full rate (> 0, finite). */
  readonly ratePerSecond: number;
  /**
   * Bucket capacity: the most tokens that can be taken at once after a quiet spell (> 0,
   * finite). Default `max(1, ratePerSecond)`, one second's worth.
   */
  readonly burst?: number;
  /** Time source; default the system clock. */
  readonly clock?: Clock;
  /**
   * How long `execute` may wait for a token, ms (>= 0; Infinity allowed). Default 0: reject at
   * once with {@link RateLimitedError}. A call whose wait would be longer is rejected at once
   * too, so callers never wait only to be refused.
   */
  readonly maxWaitMs?: number;
  /** A recovery ramp for this limiter; see {@link RecoveryRamp}. */
  readonly ramp?: {
    readonly startFraction: number;
    readonly rampMs: number;
    readonly shape?: RampShape;
  };
  /**
   * Starts the ramp whenever this event fires — e.g. a circuit breaker's `onReset`, so the
   * limiter needs no knowledge of the breaker. Needs `ramp`.
   */
  readonly rampOn?: Event<unknown>;
}

function positiveFinite(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
    throw new RangeError(
      `RateLimiter: option ${name} must be a finite number > 0, got ${String(v)}`,
    );
  }
  return v;
}

function checkTokens(tokens: number): void {
  if (!(tokens > 0) || !Number.isFinite(tokens)) {
    throw new RangeError(`RateLimiter: tokens must be a finite number > 0, got ${tokens}`);
  }
}

function run<T>(fn: PolicyFn<T>, context: PolicyContext): Promise<T> {
  try {
    // A native promise passes through Promise.resolve unchanged: no extra allocation.
    return Promise.resolve(fn(context));
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Token-bucket rate limiter with an optional recovery ramp.
 *
 * Sync API (for callback code and the simulator): {@link tryAcquire}, {@link retryAfterMs},
 * {@link available}, {@link reserve}, {@link refund}. Async: {@link execute}.
 */
export class RateLimiter implements Policy {
  /** Full-rate tokens per second. */
  readonly ratePerSecond: number;
  /** Bucket capacity at full rate. */
  readonly burst: number;
  /** How long `execute` may wait for a token, ms. */
  readonly maxWaitMs: number;
  /** The recovery ramp, when configured: call `ramp.start()` to begin one by hand. */
  readonly ramp: RecoveryRamp | undefined;

  readonly #clock: Clock;
  /** Tokens per ms at full rate. */
  readonly #ratePerMs: number;
  /** May be negative: tokens reserved by waiters that the bucket has not earned yet. */
  #tokens: number;
  #lastMs: number;
  readonly #subscriptions: Disposable[] = [];

  constructor(options: RateLimiterOptions) {
    this.ratePerSecond = positiveFinite('ratePerSecond', options.ratePerSecond);
    this.burst =
      options.burst === undefined
        ? Math.max(1, this.ratePerSecond)
        : positiveFinite('burst', options.burst);
    const maxWaitMs = options.maxWaitMs ?? 0;
    if (typeof maxWaitMs !== 'number' || !(maxWaitMs >= 0)) {
      throw new RangeError(
        `RateLimiter: option maxWaitMs must be a number >= 0, got ${String(maxWaitMs)}`,
      );
    }
    this.maxWaitMs = maxWaitMs;
    if (options.rampOn !== undefined && options.ramp === undefined) {
      throw new TypeError('RateLimiter: option rampOn needs option ramp (startFraction, rampMs)');
    }
    if (options.rampOn !== undefined && typeof options.rampOn !== 'function') {
      throw new TypeError(
        `RateLimiter: option rampOn must be an Event (a subscribe function), got ${typeof options.rampOn}`,
      );
    }
    this.#clock = options.clock ?? systemClock;
    this.#ratePerMs = this.ratePerSecond / 1000;
    this.#tokens = this.burst;
    this.#lastMs = this.#clock.monotonic();

    if (options.ramp === undefined) {
      this.ramp = undefined;
    } else {
      const ramp = new RecoveryRamp({
        ...options.ramp,
        clock: this.#clock,
        // Account for the old curve up to the instant it changes.
        settle: (nowMs) => this.#refill(nowMs),
      });
      this.ramp = ramp;
      // After a start, clip the bucket to the ramp's small capacity: what filled up during the
      // outage must not go through in one burst.
      this.#subscriptions.push(
        ramp.onRampStart((e) => {
          this.#tokens = Math.min(this.#tokens, this.#capacity(e.atMs));
        }),
      );
      if (options.rampOn !== undefined) {
        this.#subscriptions.push(options.rampOn(() => ramp.start()));
      }
    }
  }

  /** Unsubscribes from `rampOn` and cancels the ramp's timer. */
  dispose(): void {
    for (const s of this.#subscriptions) s.dispose();
    this.#subscriptions.length = 0;
    this.ramp?.dispose();
  }

  /** Capacity at `nowMs`: `burst × fraction`, but never below one token (or `burst`). */
  #capacity(nowMs: number): number {
    const ramp = this.ramp;
    if (ramp === undefined) return this.burst;
    const f = ramp.fraction(nowMs);
    if (f >= 1) return this.burst;
    return Math.max(this.burst * f, Math.min(this.burst, 1));
  }

  #refill(nowMs: number): void {
    const last = this.#lastMs;
    if (!(nowMs > last)) return;
    this.#lastMs = nowMs;
    const ramp = this.ramp;
    const earnedMs = ramp === undefined ? nowMs - last : ramp.integral(last, nowMs);
    const t = this.#tokens + earnedMs * this.#ratePerMs;
    const cap = this.#capacity(nowMs);
    this.#tokens = t < cap ? t : cap;
  }

  /** The full rate times the ramp's fraction now, tokens per second. */
  effectiveRatePerSecond(): number {
    return this.ramp === undefined
      ? this.ratePerSecond
      : this.ratePerSecond * this.ramp.fraction(this.#clock.monotonic());
  }

  /**
   * Tokens in the bucket now. Negative while waiters hold reservations the bucket has not yet
   * earned (that is the debt the next callers must wait out).
   */
  available(): number {
    this.#refill(this.#clock.monotonic());
    return this.#tokens;
  }

  /** Takes `tokens` (default 1) if the bucket holds them now; never waits. */
  tryAcquire(tokens = 1): boolean {
    checkTokens(tokens);
    this.#refill(this.#clock.monotonic());
    if (this.#tokens + EPSILON < tokens) return false;
    this.#tokens -= tokens;
    return true;
  }

  /**
   * How long until `tryAcquire(tokens)` would succeed, ms, if no one else takes tokens
   * meanwhile: 0 when it would now, Infinity when `tokens > burst` (it never can).
   */
  retryAfterMs(tokens = 1): number {
    checkTokens(tokens);
    const now = this.#clock.monotonic();
    this.#refill(now);
    return this.#waitMs(now, tokens);
  }

  #waitMs(now: number, tokens: number): number {
    if (tokens > this.burst + EPSILON) return Infinity;
    const deficit = tokens - this.#tokens;
    const ramp = this.ramp;
    if (ramp === undefined) return deficit <= EPSILON ? 0 : deficit / this.#ratePerMs;
    let wait = deficit <= EPSILON ? 0 : ramp.timeToAccumulate(now, deficit / this.#ratePerMs);
    // During a ramp the capacity may still be below `tokens`: wait until it has grown too.
    if (tokens > this.#capacity(now) + EPSILON) {
      wait = Math.max(wait, ramp.timeToReach(now, tokens / this.burst));
    }
    return wait;
  }

  /**
   * Reserves `tokens` (default 1) now and returns how long to wait before using them, ms
   * (0 = go now). Returns -1 and reserves nothing when the wait would exceed `maxWaitMs`
   * (default Infinity) or can never end. A caller that gives up must {@link refund} them.
   */
  reserve(tokens = 1, maxWaitMs = Infinity): number {
    checkTokens(tokens);
    const now = this.#clock.monotonic();
    this.#refill(now);
    const wait = this.#waitMs(now, tokens);
    if (wait > maxWaitMs || wait === Infinity) return -1;
    this.#tokens -= tokens;
    return wait;
  }

  /**
   * Gives back tokens from a reservation that was not used (a waiter that aborted). The
   * bucket still never holds more than its capacity.
   */
  refund(tokens = 1): void {
    checkTokens(tokens);
    const now = this.#clock.monotonic();
    this.#refill(now);
    this.#tokens = Math.min(this.#capacity(now), this.#tokens + tokens);
  }

  /**
   * Runs `fn` when a token is available. Without `maxWaitMs` it takes a token or rejects at
   * once with {@link RateLimitedError}; with it, it reserves a token and sleeps on the clock
   * until it is due. Aborting `signal` while waiting rejects with the abort reason and gives
   * the token back.
   */
  execute<T>(fn: PolicyFn<T>, signal?: SignalSource): Promise<T> {
    if (this.maxWaitMs === 0) {
      if (this.tryAcquire(1)) return run(fn, contextOf(signal));
      return Promise.reject(new RateLimitedError(this.retryAfterMs(1)));
    }
    const waitMs = this.reserve(1, this.maxWaitMs);
    if (waitMs < 0) return Promise.reject(new RateLimitedError(this.retryAfterMs(1)));
    if (waitMs === 0) return run(fn, contextOf(signal));
    return this.#waitThenRun(waitMs, fn, signal);
  }

  async #waitThenRun<T>(waitMs: number, fn: PolicyFn<T>, source: SignalSource): Promise<T> {
    try {
      // We must act on cancellation here, so reading a lazy context's signal is justified.
      await this.#clock.sleep(waitMs, signalOf(source));
    } catch (err) {
      this.refund(1);
      throw err;
    }
    return fn(contextOf(source));
  }
}
