/**
 * @module
 * One rate limit for a whole fleet, with the recovery ramp applied to the fleet as a whole:
 * a single token bucket per dependency in the {@link SharedState}, refilled at `ratePerSecond`
 * on the store's clock. When a ramp starts (by hand, or from any event such as a shared
 * breaker's `onReset`) it starts *in the bucket*: the fleet's refill rate and capacity follow
 * the ramp's fraction, however many instances there are and whichever of them asked first.
 * Instances that hear of the same recovery within `rampDedupeMs` start one ramp, not one each.
 *
 * The synchronous API works on tokens taken from the bucket in batches (`batch`, default
 * `burst / (2 × expectedInstances)`, at least 1): a process with tokens in hand admits calls
 * without a store call; one that runs out asks for the next batch. Tokens in hand that are
 * not used within `maxHoldMs` are dropped, so held tokens cannot add up to a burst later.
 *
 * What is guaranteed, per mode:
 * - **Shared**: calls admitted fleet-wide over any interval of length T are at most what the
 *   bucket minted — `burst + ratePerSecond × ∫fraction over T` (T during a ramp counts at the
 *   ramp's fraction) — and each instance holds at most `batch` of them (+ the call's own need)
 *   for at most `maxHoldMs`. `execute` waits for the store at most the link's `timeoutMs`;
 *   with `maxWaitMs` it may wait longer for a token, re-asking the bucket after its
 *   `retryAfterMs` hint (no fleet-wide reservation queue: waiters are not served in order).
 *   A synchronous `tryAcquire` with no token in hand and a request in flight says no; with a
 *   synchronous store (in-memory) it is exact.
 * - **Local** (the store failed or timed out): a {@link RateLimiter} sized as this instance's
 *   share — `ratePerSecond / expectedInstances`, `burst / expectedInstances` (at least one
 *   token) — with the same ramp, decides. If a fleet ramp was in progress when the store was
 *   lost, the local ramp starts afresh (the more careful choice).
 * - **Transitions**: a call whose store request fails is decided by the local limiter at once;
 *   back to shared, without a restart, on the link's next successful store call.
 */
import type { Disposable, Event } from '../../core/events.js';
import { RateLimitedError } from '../errors.js';
import type { Policy, PolicyContext, PolicyFn, SignalSource } from '../policy.js';
import { contextOf, signalOf } from '../policy.js';
import { RateLimiter } from '../rate-limiter.js';
import type { RampShape } from '../recovery-ramp.js';
import type { BucketReply, BucketSpec, MaybePromise } from './shared-state.js';
import type { SharedLink } from './shared-link.js';
import { fractionAt } from './internal/bucket-record.js';
import {
  checkAtLeast,
  checkFraction,
  checkInteger,
  checkKey,
  checkLink,
  checkPositive,
  isThenable,
} from './internal/options.js';

/** Options for {@link SharedRateLimiter}. Rates and bursts are for the whole fleet. */
export interface SharedRateLimiterOptions {
  /** The guarded link to the fleet's store. */
  readonly link: SharedLink;
  /** The dependency; instances sharing a limit use the same key. */
  readonly key: string;
  /** Fleet-wide tokens per second at full rate (> 0, finite). */
  readonly ratePerSecond: number;
  /** The fleet bucket's capacity (≥ 1, finite). Default `max(1, ratePerSecond)`. */
  readonly burst?: number;
  /** How long `execute` may wait for a token, ms (≥ 0, may be Infinity). Default 0. */
  readonly maxWaitMs?: number;
  /** A fleet-wide recovery ramp. */
  readonly ramp?: {
    readonly startFraction: number;
    readonly rampMs: number;
    readonly shape?: RampShape;
  };
  /** Starts the fleet ramp whenever this event fires (e.g. a breaker's `onReset`). Needs `ramp`. */
  readonly rampOn?: Event<unknown>;
  /** Ramp starts within this long of the last one are ignored, ms (≥ 0). Default `min(1000, rampMs / 2)`. */
  readonly rampDedupeMs?: number;
  /** Tokens taken from the fleet bucket per store call (integer ≥ 1). See the module comment. */
  readonly batch?: number;
  /** Tokens in hand unused for this long are dropped, ms (> 0). Default 1000. */
  readonly maxHoldMs?: number;
}

const ANSWERED = 0;
const PENDING = 1;
const UNAVAILABLE = 2;

function run<T>(fn: PolicyFn<T>, context: PolicyContext): Promise<T> {
  try {
    return Promise.resolve(fn(context));
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * A fleet-wide token-bucket rate limiter with a fleet-wide recovery ramp. Sync API:
 * {@link tryAcquire}, {@link retryAfterMs}, {@link startRamp}; async: {@link execute}.
 */
export class SharedRateLimiter implements Policy {
  /** Fleet tokens per second at full rate. */
  readonly ratePerSecond: number;
  /** Fleet bucket capacity. */
  readonly burst: number;
  /** How long `execute` may wait for a token, ms. */
  readonly maxWaitMs: number;
  /** Tokens per store call. */
  readonly batch: number;

  readonly #link: SharedLink;
  readonly #key: string;
  readonly #spec: BucketSpec;
  readonly #maxHoldMs: number;
  readonly #dedupeMs: number;
  readonly #local: RateLimiter;
  readonly #subscriptions: Disposable[] = [];
  #cached = 0;
  #holdUntilMs = -Infinity;
  /** The store request in flight; resolves true when the store answered. */
  #request: Promise<boolean> | undefined = undefined;
  #epoch: number;
  /** From the last reply, mapped onto this process's monotonic clock. */
  #retryAtMs = -Infinity;
  #rampStartMs = -Infinity;

  /** Validates `options` (RangeError/TypeError naming the bad one). */
  constructor(options: SharedRateLimiterOptions) {
    const where = 'SharedRateLimiter';
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${where}: options must be an object, got ${String(options)}`);
    }
    this.#link = checkLink<SharedLink>(where, options.link);
    this.#key = checkKey(where, options.key);
    this.ratePerSecond = checkPositive(where, 'ratePerSecond', options.ratePerSecond);
    this.burst = checkAtLeast(where, 'burst', options.burst ?? Math.max(1, this.ratePerSecond), 1);
    const maxWaitMs = options.maxWaitMs ?? 0;
    if (typeof maxWaitMs !== 'number' || !(maxWaitMs >= 0)) {
      throw new RangeError(`${where}: maxWaitMs must be a number >= 0, got ${String(maxWaitMs)}`);
    }
    this.maxWaitMs = maxWaitMs;
    const n = this.#link.expectedInstances;
    this.batch = checkInteger(
      where,
      'batch',
      options.batch ?? Math.max(1, Math.floor(this.burst / (2 * n))),
      1,
    );
    this.#maxHoldMs = checkPositive(where, 'maxHoldMs', options.maxHoldMs ?? 1000);
    let ramp: BucketSpec['ramp'];
    if (options.ramp !== undefined) {
      const shape = options.ramp.shape ?? 'linear';
      if (shape !== 'linear' && shape !== 'exponential') {
        throw new RangeError(
          `${where}: ramp.shape must be 'linear' or 'exponential', got ${String(shape)}`,
        );
      }
      ramp = {
        startFraction: checkFraction(where, 'ramp.startFraction', options.ramp.startFraction),
        rampMs: checkPositive(where, 'ramp.rampMs', options.ramp.rampMs),
        shape,
      };
    }
    if (options.rampOn !== undefined && ramp === undefined) {
      throw new TypeError(`${where}: rampOn needs ramp (startFraction, rampMs)`);
    }
    if (options.rampOn !== undefined && typeof options.rampOn !== 'function') {
      throw new TypeError(`${where}: rampOn must be an Event (a subscribe function)`);
    }
    this.#dedupeMs = checkAtLeast(
      where,
      'rampDedupeMs',
      options.rampDedupeMs ?? Math.min(1000, (ramp?.rampMs ?? 0) / 2),
      0,
    );
    this.#spec = {
      capacity: this.burst,
      refillPerSecond: this.ratePerSecond,
      initialTokens: this.burst,
      ramp,
    };
    this.#local = new RateLimiter({
      clock: this.#link.clock,
      ratePerSecond: this.ratePerSecond / n,
      burst: Math.max(1, this.burst / n),
      maxWaitMs,
      ...(ramp === undefined ? {} : { ramp }),
    });
    this.#epoch = this.#link.epoch;
    if (options.rampOn !== undefined) {
      this.#subscriptions.push(options.rampOn(() => this.startRamp()));
    }
  }

  /** Whether decisions currently use the fleet bucket or the local share. */
  get mode(): 'shared' | 'local' {
    return this.#link.mode;
  }

  /** The local fallback limiter (this instance's share), for diagnostics. */
  get localLimiter(): RateLimiter {
    return this.#local;
  }

  /** Tokens this instance holds from the fleet bucket (unexpired). */
  get tokensInHand(): number {
    return this.#link.clock.monotonic() < this.#holdUntilMs ? this.#cached : 0;
  }

  /** Unsubscribes from `rampOn` and stops the local ramp's timer. */
  dispose(): void {
    for (const s of this.#subscriptions) s.dispose();
    this.#subscriptions.length = 0;
    this.#local.dispose();
  }

  /** The fleet's full rate times the ramp's fraction now (as last seen), tokens per second. */
  effectiveRatePerSecond(): number {
    if (this.#link.mode === 'local') return this.#local.effectiveRatePerSecond();
    const ramp = this.#spec.ramp;
    if (ramp === undefined) return this.ratePerSecond;
    return this.ratePerSecond * fractionAt(ramp, this.#rampStartMs, this.#link.clock.monotonic());
  }

  /**
   * Takes `tokens` (integer ≥ 1, default 1) if they can be had now: from the tokens in hand,
   * else from the fleet bucket (a store call, counted at once with a synchronous store), else —
   * the store unusable — from the local share. Never waits.
   */
  tryAcquire(tokens = 1): boolean {
    if (!(tokens >= 1) || !Number.isInteger(tokens)) {
      throw new RangeError(
        `SharedRateLimiter: tokens must be an integer >= 1, got ${String(tokens)}`,
      );
    }
    this.#checkEpoch();
    const now = this.#link.clock.monotonic();
    if (now >= this.#holdUntilMs) this.#cached = 0;
    if (this.#cached >= tokens) {
      this.#cached -= tokens;
      return true;
    }
    if (this.#link.mode === 'local') return this.#local.tryAcquire(tokens);
    const r = this.#fetch(tokens);
    if (r === UNAVAILABLE) return this.#local.tryAcquire(tokens);
    if (this.#cached >= tokens) {
      this.#cached -= tokens;
      return true;
    }
    return false;
  }

  /** How long until a token is expected, ms (the bucket's hint as last seen, or the local one's). */
  retryAfterMs(): number {
    if (this.#link.mode === 'local') return this.#local.retryAfterMs(1);
    if (this.tokensInHand >= 1) return 0;
    return Math.max(0, this.#retryAtMs - this.#link.clock.monotonic());
  }

  /**
   * Starts the fleet's recovery ramp (ignored when one started within `rampDedupeMs`); when
   * the store cannot be used, starts the local limiter's ramp instead. No-op without `ramp`.
   */
  startRamp(): void {
    if (this.#spec.ramp === undefined) return;
    this.#checkEpoch();
    if (this.#link.mode === 'local') {
      this.#local.ramp?.start();
      return;
    }
    const r = this.#link.takeTokens(this.#key, this.#spec, {
      deposit: 0,
      want: 0,
      startRamp: true,
      startRampDedupeMs: this.#dedupeMs,
    });
    if (r === undefined) this.#local.ramp?.start();
    else if (!isThenable(r)) this.#apply(r);
    else {
      void r.then((reply) => {
        if (reply === undefined) this.#local.ramp?.start();
        else this.#apply(reply);
      });
    }
  }

  /**
   * Runs `fn` when a token can be had: at once if one is in hand, after one store call if not
   * (bounded by the link's timeout), decided by the local share if the store fails. With
   * `maxWaitMs` it sleeps on the clock for the bucket's hint and asks again until the wait would
   * exceed it; otherwise it rejects with {@link RateLimitedError}.
   */
  execute<T>(fn: PolicyFn<T>, signal?: SignalSource): Promise<T> {
    if (this.tryAcquire(1)) return run(fn, contextOf(signal));
    if (this.#link.mode === 'local') return this.#local.execute(fn, signal);
    return this.#slowPath(fn, signal);
  }

  async #slowPath<T>(fn: PolicyFn<T>, source: SignalSource): Promise<T> {
    const clock = this.#link.clock;
    const deadline = clock.monotonic() + this.maxWaitMs;
    for (;;) {
      // At most two store answers per try: the request in flight, then our own.
      for (let i = 0; i < 2; i++) {
        const pending = this.#request;
        if (pending === undefined) break;
        // A store that failed this call's request leaves the decision to the local share.
        if (!(await pending)) return this.#local.execute(fn, source);
        if (this.tryAcquire(1)) return fn(contextOf(source));
      }
      if (this.#link.mode === 'local') return this.#local.execute(fn, source);
      if (this.#request !== undefined) continue;
      const wait = Math.max(1, this.retryAfterMs());
      if (!(clock.monotonic() + wait <= deadline)) throw new RateLimitedError(this.retryAfterMs());
      await clock.sleep(wait, signalOf(source));
      if (this.tryAcquire(1)) return fn(contextOf(source));
    }
  }

  #checkEpoch(): void {
    const e = this.#link.epoch;
    if (e === this.#epoch) return;
    this.#epoch = e;
    // Entering local mode during a fleet ramp: ramp the local share too, from its start.
    const ramp = this.#spec.ramp;
    if (
      this.#link.mode === 'local' &&
      ramp !== undefined &&
      fractionAt(ramp, this.#rampStartMs, this.#link.clock.monotonic()) < 1
    ) {
      this.#local.ramp?.start();
    }
  }

  #fetch(tokens: number): typeof ANSWERED | typeof PENDING | typeof UNAVAILABLE {
    if (this.#request !== undefined) return PENDING;
    const need = tokens - this.#cached;
    const want = need > this.batch ? need : this.batch;
    const r: MaybePromise<BucketReply | undefined> = this.#link.takeTokens(this.#key, this.#spec, {
      deposit: 0,
      want,
    });
    if (r === undefined) return UNAVAILABLE;
    if (!isThenable(r)) {
      this.#apply(r);
      return ANSWERED;
    }
    this.#request = r.then((reply) => {
      this.#request = undefined;
      if (reply === undefined) return false;
      this.#apply(reply);
      return true;
    });
    return PENDING;
  }

  #apply(reply: BucketReply): void {
    const now = this.#link.clock.monotonic();
    if (reply.granted > 0) {
      if (now >= this.#holdUntilMs) this.#cached = 0;
      this.#cached += reply.granted;
      this.#holdUntilMs = now + this.#maxHoldMs;
    }
    this.#retryAtMs = now + (reply.granted > 0 ? 0 : reply.retryAfterMs);
    this.#rampStartMs =
      reply.rampStartedAtMs === -Infinity ? -Infinity : now - (reply.nowMs - reply.rampStartedAtMs);
  }
}
