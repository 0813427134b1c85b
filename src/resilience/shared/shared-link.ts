/**
 * @module
 * The one road from a process to its fleet's {@link SharedState}, and the guard that keeps the
 * store from becoming a new single point of failure. Every shared policy of a process goes
 * through the same link, so the process has one opinion of whether the store is usable:
 *
 * - **a timeout on every store call** (our {@link Timeout}, on the injected {@link Clock}): a
 *   call that has not answered within `timeoutMs` counts as failed, and the policy that made it
 *   decides with its local equivalent at once. No caller ever waits longer than `timeoutMs` for
 *   the store.
 * - **a breaker on the store itself** (our {@link CircuitBreaker}, {@link ConsecutiveBreaker}):
 *   after `failuresToFallBack` store calls in a row failed or timed out, the link turns
 *   **local**: store calls are not even attempted (they answer `undefined` at once, allocating
 *   nothing), and every policy on the link decides with its local equivalent, sized as a share
 *   of the fleet value (fleet value / `expectedInstances`).
 * - **recovery without a restart**: while local, the link pings the store every
 *   `probeIntervalMs` (one timer, unref'd); the first ping that answers turns it **shared**
 *   again, and each policy resynchronises on its next call.
 *
 * A store call never throws and never rejects: it yields the store's reply, or `undefined`
 * when the store could not be used for it (local mode, error, timeout). That one rule is what
 * lets the policies promise that an outage never fails a call the local policy would allow.
 */
import type { Clock, Timer } from '../../core/clock.js';
import { EventEmitter } from '../../core/events.js';
import type { Event } from '../../core/events.js';
import { ConsecutiveBreaker } from '../breaker/consecutive.js';
import { CircuitBreaker } from '../circuit-breaker.js';
import type { AdmitToken } from '../circuit-breaker.js';
import { Timeout } from '../timeout.js';
import type {
  BucketReply,
  BucketRequest,
  BucketSpec,
  CircuitReply,
  CircuitRequest,
  CircuitSpec,
  MaybePromise,
  SemaphoreReply,
  SemaphoreSpec,
  SharedState,
} from './shared-state.js';
import { checkInteger, checkPositive, isThenable } from './internal/options.js';

/** Whether a process's shared policies use the fleet's store or their local equivalents. */
export type SharedMode = 'shared' | 'local';

/** Payload of {@link SharedLink.onModeChange}. */
export interface SharedModeChangeEvent {
  readonly from: SharedMode;
  readonly to: SharedMode;
  /** Going local: the error of the store call that tipped it (a `TaskTimeoutError` if slow). */
  readonly error?: unknown;
}

/** Payload of {@link SharedLink.onStoreError}. */
export interface SharedStoreErrorEvent {
  /** What the store call threw or rejected with (`TaskTimeoutError` when it was too slow). */
  readonly error: unknown;
}

/** Options for {@link SharedLink}. */
export interface SharedLinkOptions {
  /** The fleet's store: `new InMemorySharedState(...)` or `await connectRedisSharedState(...)`. */
  readonly state: SharedState;
  /** Time for the store-call timeout, the probe timer and every policy on the link. */
  readonly clock: Clock;
  /**
   * How many instances the fleet is expected to have (integer ≥ 1). A policy that falls back
   * to local sizes itself as fleet value / expectedInstances, so that a fleet entirely on its
   * fallback still admits about the fleet value in total.
   */
  readonly expectedInstances: number;
  /**
   * This instance's name in the store (votes, probe leases and permits are per instance).
   * Unique per process. Default: a random UUID.
   */
  readonly instanceId?: string;
  /** How long one store call may take, ms (> 0). Default 50: a healthy Redis answers in < 1 ms. */
  readonly timeoutMs?: number;
  /** Consecutive failed or timed-out store calls that turn the link local. Default 3. */
  readonly failuresToFallBack?: number;
  /** While local, how often to ping the store to find out it is back, ms (> 0). Default 1000. */
  readonly probeIntervalMs?: number;
}

/** The guarded link from this process to the fleet's {@link SharedState}. */
export class SharedLink {
  /** The store. */
  readonly state: SharedState;
  /** The clock shared by the link and its policies. */
  readonly clock: Clock;
  /** Fleet size the local fallbacks divide by. */
  readonly expectedInstances: number;
  /** This instance's name in the store. */
  readonly instanceId: string;
  /** Longest wait for one store call, ms. */
  readonly timeoutMs: number;
  /** Interval of the recovery ping while local, ms. */
  readonly probeIntervalMs: number;

  readonly #breaker: CircuitBreaker;
  readonly #timeout: Timeout;
  #mode: SharedMode = 'shared';
  #epoch = 0;
  #lastError: unknown = undefined;
  #probeTimer: Timer | undefined = undefined;
  #disposed = false;
  #calls = 0;
  #failures = 0;
  readonly #modeEmitter = new EventEmitter<SharedModeChangeEvent>();
  readonly #errorEmitter = new EventEmitter<SharedStoreErrorEvent>();

  /** Fires when the link turns local (store unusable) or shared again. */
  readonly onModeChange: Event<SharedModeChangeEvent> = this.#modeEmitter.event;
  /** Fires for every store call that failed or timed out. */
  readonly onStoreError: Event<SharedStoreErrorEvent> = this.#errorEmitter.event;

  /** Validates `options` (RangeError/TypeError naming the option and the value). */
  constructor(options: SharedLinkOptions) {
    const where = 'SharedLink';
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${where}: options must be an object, got ${String(options)}`);
    }
    const state = options.state as Partial<SharedState> | undefined;
    if (
      typeof state !== 'object' ||
      state === null ||
      typeof state.takeTokens !== 'function' ||
      typeof state.circuit !== 'function' ||
      typeof state.holdPermits !== 'function' ||
      typeof state.ping !== 'function'
    ) {
      throw new TypeError(`${where}: state must be a SharedState, got ${typeof state}`);
    }
    const clock = options.clock as Clock | undefined;
    if (typeof clock?.monotonic !== 'function' || typeof clock.setTimer !== 'function') {
      throw new TypeError(`${where}: clock must be a Clock, got ${typeof clock}`);
    }
    this.state = options.state;
    this.clock = clock;
    this.expectedInstances = checkInteger(where, 'expectedInstances', options.expectedInstances, 1);
    const id = options.instanceId ?? crypto.randomUUID();
    if (typeof id !== 'string' || id === '') {
      throw new TypeError(`${where}: instanceId must be a non-empty string, got ${String(id)}`);
    }
    this.instanceId = id;
    this.timeoutMs = checkPositive(where, 'timeoutMs', options.timeoutMs ?? 50);
    this.probeIntervalMs = checkPositive(where, 'probeIntervalMs', options.probeIntervalMs ?? 1000);
    const failures = checkInteger(where, 'failuresToFallBack', options.failuresToFallBack ?? 3, 1);
    this.#timeout = new Timeout({ clock, timeoutMs: this.timeoutMs });
    this.#breaker = new CircuitBreaker({
      clock,
      breaker: new ConsecutiveBreaker({ threshold: failures }),
      halfOpenAfterMs: this.probeIntervalMs,
      maxHalfOpenAfterMs: this.probeIntervalMs,
      halfOpenBackoffFactor: 1,
    });
    this.#breaker.onStateChange(({ from, to }) => {
      if (from === 'closed') this.#setMode('local');
      else if (to === 'closed') this.#setMode('shared');
      if (to === 'open') this.#scheduleProbe();
    });
  }

  /** `'shared'` while the store is usable; `'local'` after it failed, until a ping answers. */
  get mode(): SharedMode {
    return this.#mode;
  }

  /**
   * Bumped on every mode change. Policies compare it with the value they last saw (one number
   * comparison per call) instead of subscribing to {@link SharedLink.onModeChange}.
   */
  get epoch(): number {
    return this.#epoch;
  }

  /** The error of the last failed store call, if any. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** Store calls attempted and how many of them failed or timed out (diagnostics, benches). */
  stats(): { readonly calls: number; readonly failures: number } {
    return { calls: this.#calls, failures: this.#failures };
  }

  /** {@link SharedState.takeTokens} under the guard; `undefined` when the store can't be used. */
  takeTokens(
    key: string,
    spec: BucketSpec,
    request: BucketRequest,
  ): MaybePromise<BucketReply | undefined> {
    const token = this.#breaker.tryAcquire();
    if (token === 0) return undefined;
    let r: MaybePromise<BucketReply>;
    try {
      r = this.state.takeTokens(key, spec, request);
    } catch (err) {
      return this.#failed(token, err);
    }
    return this.#settle(token, r);
  }

  /** {@link SharedState.circuit} under the guard; `undefined` when the store can't be used. */
  circuit(
    key: string,
    spec: CircuitSpec,
    request: CircuitRequest,
  ): MaybePromise<CircuitReply | undefined> {
    const token = this.#breaker.tryAcquire();
    if (token === 0) return undefined;
    let r: MaybePromise<CircuitReply>;
    try {
      r = this.state.circuit(key, spec, request);
    } catch (err) {
      return this.#failed(token, err);
    }
    return this.#settle(token, r);
  }

  /** {@link SharedState.holdPermits} under the guard; `undefined` when the store can't be used. */
  holdPermits(
    key: string,
    spec: SemaphoreSpec,
    holder: string,
    want: number,
  ): MaybePromise<SemaphoreReply | undefined> {
    const token = this.#breaker.tryAcquire();
    if (token === 0) return undefined;
    let r: MaybePromise<SemaphoreReply>;
    try {
      r = this.state.holdPermits(key, spec, holder, want);
    } catch (err) {
      return this.#failed(token, err);
    }
    return this.#settle(token, r);
  }

  /**
   * Pings the store now (through the guard, like any call); resolves true when it answered.
   * While local, this is the recovery probe the timer sends.
   */
  ping(): MaybePromise<boolean> {
    const token = this.#breaker.tryAcquire();
    if (token === 0) return false;
    let r: MaybePromise<void>;
    try {
      r = this.state.ping();
    } catch (err) {
      this.#failed(token, err);
      return false;
    }
    const settled = this.#settle(token, isThenable(r) ? r.then(yes) : true);
    return isThenable(settled) ? settled.then(isTrue) : settled === true;
  }

  /** Stops the recovery timer. The store itself is not closed (it may be shared). */
  dispose(): void {
    this.#disposed = true;
    this.#probeTimer?.cancel();
    this.#probeTimer = undefined;
  }

  #settle<T>(token: AdmitToken, r: MaybePromise<T>): MaybePromise<T | undefined> {
    this.#calls++;
    if (!isThenable(r)) {
      this.#breaker.recordSuccess(0, token);
      return r;
    }
    return this.#timeout
      .execute(() => r)
      .then(
        (value) => {
          this.#breaker.recordSuccess(0, token);
          return value;
        },
        (err: unknown) => this.#failed(token, err),
      );
  }

  #failed(token: AdmitToken, err: unknown): undefined {
    this.#failures++;
    this.#lastError = err;
    if (this.#errorEmitter.hasListeners) this.#errorEmitter.emit({ error: err });
    this.#breaker.recordFailure(0, err, token);
    return undefined;
  }

  #setMode(to: SharedMode): void {
    const from = this.#mode;
    if (from === to) return;
    this.#mode = to;
    this.#epoch++;
    if (this.#modeEmitter.hasListeners) {
      this.#modeEmitter.emit(to === 'local' ? { from, to, error: this.#lastError } : { from, to });
    }
  }

  #scheduleProbe(delayMs: number = this.probeIntervalMs): void {
    if (this.#disposed) return;
    this.#probeTimer?.cancel();
    this.#probeTimer = this.clock.setTimer(delayMs, this.#probe, { unref: true });
  }

  readonly #probe = (): void => {
    this.#probeTimer = undefined;
    if (this.#disposed || this.#breaker.state === 'closed') return;
    const r = this.ping();
    if (r === false) {
      // Refused: another store call holds the probe slot, or a real timer fired a hair before
      // the breaker's open time (Node's timers run on a coarser clock than `monotonic()`).
      // A failed ping re-opened the breaker and its state change has scheduled the next one.
      if (this.#probeTimer === undefined) {
        const next = this.#breaker.nextProbeAtMs;
        const wait = next === undefined ? this.probeIntervalMs : next - this.clock.monotonic();
        this.#scheduleProbe(Math.max(1, wait));
      }
    } else if (isThenable(r)) {
      void r.then((ok) => {
        if (!ok && this.#probeTimer === undefined && this.#breaker.state !== 'closed') {
          this.#scheduleProbe();
        }
      });
    }
  };
}

function yes(): true {
  return true;
}

function isTrue(v: true | undefined): boolean {
  return v === true;
}
