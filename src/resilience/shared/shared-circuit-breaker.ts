/**
 * @module
 * A circuit breaker whose state — closed, open, half-open — belongs to the fleet, per
 * dependency, in the {@link SharedState}. Two things differ from two hundred local breakers:
 *
 * - **It opens for everyone, but only when enough of the fleet agrees.** Each instance runs the
 *   trip rule it is given (`breaker`: a factory of {@link BreakerStrategy}, e.g. five
 *   consecutive failures) on its own calls; when the rule trips, the instance *votes*. The fleet
 *   circuit opens when `quorum` distinct instances voted within `voteWindowMs`, or — with
 *   `fleetFailureRate` — when the failure rate of every instance's calls together over the
 *   window reaches the threshold. One sick instance (a bad NIC, a full disk) cannot open the
 *   circuit for the others; it keeps calling, and its calls fail on their own.
 * - **Half-open means N probes for the fleet, not N per instance.** Probe slots are leases in
 *   the store (`SET slot holder NX PX probeLeaseMs` in Redis): at most `halfOpenMaxProbes` calls
 *   fleet-wide probe the dependency at once, and a round hands out no more probes than it needs
 *   (`max(halfOpenMaxProbes, halfOpenSuccessesToClose)` when all succeed); everyone else is
 *   refused until the probes close the circuit (for everyone) or a failed probe re-opens it
 *   with a backed-off open time.
 *
 * Each instance keeps the fleet state in a local cache and decides from it synchronously:
 * `tryAcquire()` while closed costs what a local breaker's does (no store call). The cache is
 * refreshed every `syncIntervalMs` while calls flow (one store call, which also carries the
 * instance's counts for the failure rate), at once when the instance votes, and whenever it
 * asks for a probe slot. So the fleet's decision reaches each busy instance within about
 * `syncIntervalMs`.
 *
 * What is guaranteed, per mode:
 * - **Shared**: the fleet circuit opens only on `quorum` votes within `voteWindowMs` or on the
 *   fleet failure rate (never on one instance's say-so unless `quorum` is 1); at most
 *   `halfOpenMaxProbes` probe leases are held at any instant fleet-wide, and a half-open round
 *   whose probes all succeed runs exactly `max(halfOpenMaxProbes, halfOpenSuccessesToClose)`
 *   probes in the whole fleet (an abandoned probe is replaced; a probe that outlives
 *   its lease, `probeLeaseMs`, may overlap the next holder's: keep probes shorter, e.g. with a
 *   Timeout inside the breaker); a probe or a report from an earlier round never counts in a
 *   later one (generations). Instances see a transition within about `syncIntervalMs`.
 *   `execute` waits for the store only to get a probe lease, at most the link's `timeoutMs`.
 * - **Local** (the store failed or timed out; see {@link SharedLink}): a {@link CircuitBreaker}
 *   with the same options and a fresh strategy from `breaker` decides, starting from the last
 *   fleet state seen (open stays open until the same time; half-open becomes open with its probe
 *   due now). Quorum and the fleet-wide probe count do not apply: each instance opens on its own
 *   rule and probes on its own (`halfOpenMaxProbes` per instance).
 * - **Transitions**: no call waits on a failing store longer than `timeoutMs`. Back to shared
 *   without a restart on the link's next successful store call; an instance whose local
 *   breaker is not closed at that moment votes for opening the fleet circuit.
 */
import type { Timer } from '../../core/clock.js';
import { EventEmitter } from '../../core/events.js';
import type { Disposable, Event } from '../../core/events.js';
import type { BreakerStrategy } from '../breaker/breaker-strategy.js';
import { CircuitBreaker } from '../circuit-breaker.js';
import type { CircuitBreakerSnapshot, CircuitState } from '../circuit-breaker.js';
import { BrokenCircuitError } from '../errors.js';
import type { IsolatedCircuitError } from '../errors.js';
import type { Policy, PolicyFn, SignalSource } from '../policy.js';
import { contextOf, signalOf } from '../policy.js';
import type {
  CircuitReply,
  CircuitRequest,
  CircuitSpec,
  FleetCircuitState,
  FleetOpenReason,
} from './shared-state.js';
import type { SharedLink } from './shared-link.js';
import {
  checkAtLeast,
  checkFraction,
  checkInteger,
  checkKey,
  checkLink,
  checkPositive,
  isThenable,
} from './internal/options.js';

/** Options for {@link SharedCircuitBreaker}. */
export interface SharedCircuitBreakerOptions {
  /** The guarded link to the fleet's store. */
  readonly link: SharedLink;
  /** The dependency; instances sharing a circuit use the same key. */
  readonly key: string;
  /**
   * Makes this instance's trip rule, e.g. `() => new ConsecutiveBreaker({ threshold: 5 })`. A
   * factory, because a strategy belongs to one breaker: one instance counts this instance's
   * votes, and each local fallback breaker gets a fresh one.
   */
  readonly breaker: () => BreakerStrategy;
  /**
   * Distinct instances whose votes open the fleet circuit (integer ≥ 1). Default: a majority of
   * `expectedInstances`.
   */
  readonly quorum?: number;
  /** How long a vote counts, ms (> 0). Default 10 000. */
  readonly voteWindowMs?: number;
  /** Also open when the fleet's failure rate over a window reaches `threshold`. */
  readonly fleetFailureRate?: {
    /** Failures / calls, in (0, 1]. */
    readonly threshold: number;
    /** Calls the window must hold first (integer ≥ 1). */
    readonly minimumCalls: number;
    /** Window length, ms (> 0). Default 10 000. */
    readonly windowMs?: number;
  };
  /** Open time the first time, ms. Default 5000. */
  readonly halfOpenAfterMs?: number;
  /** Ceiling of the backed-off open time, ms. Default `max(halfOpenAfterMs, 60 000)`. */
  readonly maxHalfOpenAfterMs?: number;
  /** Growth of the open time per consecutive re-open (≥ 1). Default 2. */
  readonly halfOpenBackoffFactor?: number;
  /** Probes at once, fleet-wide, while half-open (integer ≥ 1). Default 1. */
  readonly halfOpenMaxProbes?: number;
  /** Successful probes that close the circuit (integer ≥ 1). Default 1. */
  readonly halfOpenSuccessesToClose?: number;
  /** A probe lease not reported within this long is freed, ms (> 0). Default 10 000. */
  readonly probeLeaseMs?: number;
  /** How often a busy instance refreshes the fleet state (and reports counts), ms (> 0). Default 1000. */
  readonly syncIntervalMs?: number;
  /** Whether an error counts as a failure (as {@link CircuitBreaker}'s). Default: all do. */
  readonly isFailure?: (error: unknown) => boolean;
}

/** Where a state change happened: in the fleet's circuit or in the local fallback breaker. */
export type SharedCircuitScope = 'fleet' | 'local';

/** Payload of {@link SharedCircuitBreaker.onBreak}. */
export interface SharedCircuitBreakEvent {
  readonly scope: SharedCircuitScope;
  /** Fleet: why it opened; local: `'local'` (or `'isolated'`). */
  readonly reason: FleetOpenReason | 'local' | 'isolated';
  /** Times opened in a row without closing. */
  readonly opens: number;
  /** Monotonic time (this process's clock) of the next probe, if known. */
  readonly nextProbeAtMs?: number;
}

/** Payload of {@link SharedCircuitBreaker.onStateChange}. */
export interface SharedCircuitStateChangeEvent {
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly scope: SharedCircuitScope;
}

const LOCAL_TAG_BITS = 64;

function countsAll(): boolean {
  return true;
}

/**
 * A fleet-wide circuit breaker. Sync API: {@link tryAcquire} → token (0 = refused), then
 * {@link recordSuccess} / {@link recordFailure} / {@link recordIgnored} with the token; async:
 * {@link execute}. See the module comment for the guarantees.
 */
export class SharedCircuitBreaker implements Policy {
  /** Votes that open the fleet circuit. */
  readonly quorum: number;
  readonly #link: SharedLink;
  readonly #key: string;
  readonly #spec: CircuitSpec;
  readonly #factory: () => BreakerStrategy;
  readonly #strategy: BreakerStrategy;
  readonly #usesTime: boolean;
  readonly #timed: boolean;
  readonly #syncIntervalMs: number;
  readonly #probeAskIntervalMs: number;
  readonly #isFailure: (error: unknown) => boolean;

  // The fleet state as last seen (shared mode).
  #fleet: FleetCircuitState = 'closed';
  #gen = 1;
  #opens = 0;
  #openedBy: FleetOpenReason | undefined = undefined;
  /** Open: local monotonic time from which a probe may be asked for. */
  #openUntilMs = NaN;
  #stale = true;
  #staleTimer: Timer | undefined = undefined;
  #syncing = false;
  #votePending = false;
  #calls = 0;
  #failures = 0;
  // This instance's probe lease.
  #leaseSlot = -1;
  #leaseGen = 0;
  #leaseUntilMs = -Infinity;
  #leaseUsed = false;
  #probeRequest: Promise<void> | undefined = undefined;
  #nextProbeAskMs = -Infinity;

  // Local mode.
  #epoch: number;
  #local: CircuitBreaker | undefined = undefined;
  #incarnation = 0;
  #localSubscription: Disposable | undefined = undefined;

  #state: CircuitState = 'closed';
  readonly #breakEmitter = new EventEmitter<SharedCircuitBreakEvent>();
  readonly #halfOpenEmitter = new EventEmitter<void>();
  readonly #resetEmitter = new EventEmitter<void>();
  readonly #stateEmitter = new EventEmitter<SharedCircuitStateChangeEvent>();

  /** Fires when the circuit opens (the fleet's, or the local fallback's). */
  readonly onBreak: Event<SharedCircuitBreakEvent> = this.#breakEmitter.event;
  /** Fires when it turns half-open. */
  readonly onHalfOpen: Event<void> = this.#halfOpenEmitter.event;
  /**
   * Fires when it closes again — in every instance, as each learns of it: a good `rampOn` for a
   * {@link SharedRateLimiter}, whose fleet ramp ignores the repeats.
   */
  readonly onReset: Event<void> = this.#resetEmitter.event;
  /** Fires on every change of {@link SharedCircuitBreaker.state}. */
  readonly onStateChange: Event<SharedCircuitStateChangeEvent> = this.#stateEmitter.event;

  /** Validates `options` (RangeError/TypeError naming the bad one). */
  constructor(options: SharedCircuitBreakerOptions) {
    const where = 'SharedCircuitBreaker';
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${where}: options must be an object, got ${String(options)}`);
    }
    this.#link = checkLink<SharedLink>(where, options.link);
    this.#key = checkKey(where, options.key);
    if (typeof options.breaker !== 'function') {
      throw new TypeError(
        `${where}: breaker must be a function returning a BreakerStrategy (e.g. () => new ConsecutiveBreaker({ threshold: 5 })), got ${typeof options.breaker}`,
      );
    }
    this.#factory = options.breaker;
    const strategy = options.breaker();
    if (
      typeof strategy !== 'object' ||
      strategy === null ||
      typeof strategy.recordSuccess !== 'function' ||
      typeof strategy.recordFailure !== 'function'
    ) {
      throw new TypeError(`${where}: breaker() must return a BreakerStrategy`);
    }
    this.#strategy = strategy;
    this.#usesTime = strategy.usesTime;
    this.#timed = strategy.slowCallDurationMs < Infinity;
    const n = this.#link.expectedInstances;
    this.quorum = checkInteger(where, 'quorum', options.quorum ?? Math.ceil(n / 2), 1);
    const halfOpenAfterMs = checkAtLeast(
      where,
      'halfOpenAfterMs',
      options.halfOpenAfterMs ?? 5000,
      0,
    );
    const maxHalfOpenAfterMs = checkAtLeast(
      where,
      'maxHalfOpenAfterMs',
      options.maxHalfOpenAfterMs ?? Math.max(halfOpenAfterMs, 60_000),
      halfOpenAfterMs,
    );
    const fr = options.fleetFailureRate;
    this.#spec = {
      quorum: this.quorum,
      voteWindowMs: checkPositive(where, 'voteWindowMs', options.voteWindowMs ?? 10_000),
      failureRate:
        fr === undefined
          ? undefined
          : {
              threshold: checkFraction(where, 'fleetFailureRate.threshold', fr.threshold),
              minimumCalls: checkInteger(
                where,
                'fleetFailureRate.minimumCalls',
                fr.minimumCalls,
                1,
              ),
              windowMs: checkPositive(where, 'fleetFailureRate.windowMs', fr.windowMs ?? 10_000),
            },
      halfOpenAfterMs,
      maxHalfOpenAfterMs,
      halfOpenBackoffFactor: checkAtLeast(
        where,
        'halfOpenBackoffFactor',
        options.halfOpenBackoffFactor ?? 2,
        1,
      ),
      halfOpenMaxProbes: checkInteger(
        where,
        'halfOpenMaxProbes',
        options.halfOpenMaxProbes ?? 1,
        1,
      ),
      halfOpenSuccessesToClose: checkInteger(
        where,
        'halfOpenSuccessesToClose',
        options.halfOpenSuccessesToClose ?? 1,
        1,
      ),
      probeLeaseMs: checkPositive(where, 'probeLeaseMs', options.probeLeaseMs ?? 10_000),
    };
    this.#syncIntervalMs = checkPositive(where, 'syncIntervalMs', options.syncIntervalMs ?? 1000);
    this.#probeAskIntervalMs = Math.max(1, this.#syncIntervalMs / 10);
    if (options.isFailure !== undefined && typeof options.isFailure !== 'function') {
      throw new TypeError(
        `${where}: isFailure must be a function, got ${typeof options.isFailure}`,
      );
    }
    this.#isFailure = options.isFailure ?? countsAll;
    this.#epoch = this.#link.epoch;
    if (this.#link.mode === 'local') this.#goLocal();
  }

  /** Whether decisions currently follow the fleet circuit or the local fallback breaker. */
  get mode(): 'shared' | 'local' {
    this.#checkEpoch();
    return this.#local === undefined ? 'shared' : 'local';
  }

  /**
   * The state calls see now: the fleet circuit's as last seen (shared) or the local breaker's
   * (local). A fleet circuit past its open time reads `'open'` until someone asks for a probe.
   */
  get state(): CircuitState {
    this.#checkEpoch();
    return this.#local === undefined ? this.#fleet : this.#local.state;
  }

  /** The fleet circuit's generation as last seen (bumped by every fleet transition). */
  get generation(): number {
    return this.#gen;
  }

  /** Times opened in a row without closing (fleet or local). */
  get opens(): number {
    return this.#local === undefined ? this.#opens : this.#local.opens;
  }

  /** Whether a token from {@link tryAcquire} admitted a probe (fleet or local). */
  static isProbe(token: number): boolean {
    if (token > 0) return token % 2 === 1;
    if (token < 0) return CircuitBreaker.isProbe(Math.floor(-token / LOCAL_TAG_BITS));
    return false;
  }

  /**
   * Asks to make a call now; 0 when refused, otherwise a token for `recordSuccess` /
   * `recordFailure` / `recordIgnored`. While the fleet circuit is closed this costs one field
   * check (plus, once per `syncIntervalMs`, a store call that no caller waits for). A due open
   * or half-open circuit asks the store for a probe lease; with an asynchronous store this call
   * is refused and a later one gets the lease (`execute` waits for it instead).
   */
  tryAcquire(): number {
    this.#checkEpoch();
    const local = this.#local;
    if (local !== undefined) {
      const t = local.tryAcquire();
      return t === 0 ? 0 : -(t * LOCAL_TAG_BITS + this.#incarnation);
    }
    if (this.#stale) {
      void this.#sync();
      if (this.#local !== undefined || this.#link.epoch !== this.#epoch) return this.tryAcquire();
    }
    if (this.#fleet === 'closed') return this.#gen * 2;
    return this.#tryProbe();
  }

  /** Records that an admitted call succeeded after `durationMs`. */
  recordSuccess(durationMs: number, token: number): void {
    if (token < 0) {
      const t = this.#localToken(token);
      if (t !== 0) this.#local!.recordSuccess(durationMs, t);
      return;
    }
    if (token === 0) return;
    if (token % 2 === 1) {
      const slow = durationMs > this.#strategy.slowCallDurationMs;
      this.#probeDone(token, slow ? 'failure' : 'success');
      return;
    }
    if (token !== this.#gen * 2) return;
    this.#calls++;
    const reason = this.#strategy.recordSuccess(
      durationMs,
      this.#usesTime ? this.#link.clock.monotonic() : NaN,
    );
    if (reason !== undefined) this.#vote();
  }

  /**
   * Records that an admitted call failed after `durationMs`. When `error` is given, `isFailure`
   * decides whether it counts (an error it rejects counts as a success).
   */
  recordFailure(durationMs: number, error: unknown, token: number): void {
    if (error !== undefined) {
      let counts = true;
      try {
        counts = this.#isFailure(error);
      } catch {
        // A broken predicate counts the failure (as the local breaker does).
      }
      if (!counts) {
        this.recordSuccess(durationMs, token);
        return;
      }
    }
    if (token < 0) {
      const t = this.#localToken(token);
      if (t !== 0) this.#local!.recordFailure(durationMs, undefined, t);
      return;
    }
    if (token === 0) return;
    if (token % 2 === 1) {
      this.#probeDone(token, 'failure');
      return;
    }
    if (token !== this.#gen * 2) return;
    this.#calls++;
    this.#failures++;
    const reason = this.#strategy.recordFailure(
      durationMs,
      this.#usesTime ? this.#link.clock.monotonic() : NaN,
    );
    if (reason !== undefined) this.#vote();
  }

  /** Records that an admitted call ended without saying anything (its caller aborted). */
  recordIgnored(token: number): void {
    if (token < 0) {
      const t = this.#localToken(token);
      if (t !== 0) this.#local!.recordIgnored(t);
    } else if (token % 2 === 1) {
      this.#probeDone(token, 'abandoned');
    }
  }

  /**
   * Closes the fleet circuit (and the local fallback's, if any), forgetting votes and counts.
   * An operator's action; with an asynchronous store it takes effect when the store answers.
   */
  reset(): void {
    this.#local?.reset();
    const r = this.#link.circuit(this.#key, this.#spec, { op: 'reset' });
    if (r !== undefined) {
      if (isThenable(r)) {
        void r.then((reply) => {
          if (reply !== undefined) this.#apply(reply);
        });
      } else this.#apply(r);
    }
  }

  /** Refreshes the fleet state from the store now (resolves when answered or unusable). */
  refresh(): Promise<void> {
    this.#stale = true;
    this.#checkEpoch();
    if (this.#local !== undefined) return Promise.resolve();
    return this.#sync() ?? Promise.resolve();
  }

  /** Stops the refresh timer and detaches the local fallback's listeners. */
  dispose(): void {
    this.#staleTimer?.cancel();
    this.#staleTimer = undefined;
    this.#localSubscription?.dispose();
    this.#localSubscription = undefined;
  }

  /** The error to refuse a call with in the current state. */
  refusalError(): BrokenCircuitError | IsolatedCircuitError {
    if (this.#local !== undefined) return this.#local.refusalError();
    if (this.#fleet === 'open') {
      const retryAfterMs = Math.max(0, this.#openUntilMs - this.#link.clock.monotonic());
      return new BrokenCircuitError(
        `fleet circuit '${this.#key}' open (${this.#openedBy ?? 'unknown'}): next probe in ${Math.ceil(retryAfterMs)} ms`,
        this.#openUntilMs,
        retryAfterMs,
      );
    }
    if (this.#fleet === 'half-open') {
      return new BrokenCircuitError(
        `fleet circuit '${this.#key}' half-open: all ${this.#spec.halfOpenMaxProbes} probe lease(s) taken`,
        undefined,
        undefined,
      );
    }
    return new BrokenCircuitError('circuit breaker refused the call', undefined, undefined);
  }

  /**
   * Runs `fn` if the circuit lets it through and records how it went. Refused calls reject at
   * once with {@link BrokenCircuitError}; a call that finds a due circuit waits (at most the
   * link's timeout) for the store's answer to its probe-lease request.
   */
  execute<T>(fn: PolicyFn<T>, signal?: SignalSource): Promise<T> {
    const token = this.tryAcquire();
    if (token !== 0) return this.#run(token, fn, signal);
    const pending = this.#probeRequest;
    if (pending !== undefined) return this.#afterProbeRequest(pending, fn, signal);
    return Promise.reject(this.refusalError());
  }

  async #afterProbeRequest<T>(
    pending: Promise<void>,
    fn: PolicyFn<T>,
    signal: SignalSource,
  ): Promise<T> {
    await pending;
    const token = this.tryAcquire();
    if (token === 0) throw this.refusalError();
    return this.#run(token, fn, signal);
  }

  async #run<T>(token: number, fn: PolicyFn<T>, signal: SignalSource): Promise<T> {
    const clock = this.#link.clock;
    const start = this.#timed ? clock.monotonic() : 0;
    let value: T;
    try {
      value = await fn(contextOf(signal));
    } catch (err) {
      if (signalOf(signal)?.aborted === true) this.recordIgnored(token);
      else this.recordFailure(this.#timed ? clock.monotonic() - start : 0, err, token);
      throw err;
    }
    this.recordSuccess(this.#timed ? clock.monotonic() - start : 0, token);
    return value;
  }

  #localToken(token: number): number {
    const t = -token;
    const tag = t % LOCAL_TAG_BITS;
    if (this.#local === undefined || tag !== this.#incarnation) return 0;
    return (t - tag) / LOCAL_TAG_BITS;
  }

  #tryProbe(): number {
    const now = this.#link.clock.monotonic();
    if (this.#fleet === 'open' && now < this.#openUntilMs) return 0;
    if (this.#takeLease(now)) return this.#leaseGen * 2 + 1;
    this.#askProbe(now);
    if (this.#local !== undefined) return this.tryAcquire();
    return this.#takeLease(now) ? this.#leaseGen * 2 + 1 : 0;
  }

  #takeLease(now: number): boolean {
    if (this.#leaseSlot < 0 || this.#leaseUsed || this.#leaseGen !== this.#gen) return false;
    if (now >= this.#leaseUntilMs) {
      this.#leaseSlot = -1;
      return false;
    }
    this.#leaseUsed = true;
    return true;
  }

  #askProbe(now: number): void {
    if (this.#probeRequest !== undefined || now < this.#nextProbeAskMs) return;
    if (this.#leaseSlot >= 0 && this.#leaseGen === this.#gen && now < this.#leaseUntilMs) return;
    this.#nextProbeAskMs = now + this.#probeAskIntervalMs;
    const r = this.#link.circuit(this.#key, this.#spec, {
      op: 'probe',
      holder: this.#link.instanceId,
    });
    if (r === undefined) {
      this.#checkEpoch();
      return;
    }
    if (!isThenable(r)) {
      this.#apply(r);
      return;
    }
    this.#probeRequest = r.then((reply) => {
      this.#probeRequest = undefined;
      if (reply !== undefined) this.#apply(reply);
      else this.#checkEpoch();
    });
  }

  #probeDone(token: number, outcome: 'success' | 'failure' | 'abandoned'): void {
    const gen = (token - 1) / 2;
    if (gen !== this.#leaseGen || this.#leaseSlot < 0) return;
    const slot = this.#leaseSlot;
    this.#leaseSlot = -1;
    this.#leaseUsed = false;
    const r = this.#link.circuit(this.#key, this.#spec, {
      op: 'probe-done',
      holder: this.#link.instanceId,
      generation: gen,
      slot,
      outcome,
    });
    if (r === undefined) return;
    if (!isThenable(r)) this.#apply(r);
    else {
      void r.then((reply) => {
        if (reply !== undefined) this.#apply(reply);
      });
    }
  }

  #vote(): void {
    this.#strategy.reset();
    this.#votePending = true;
    this.#stale = true;
    void this.#sync();
  }

  /** Reports counts and any vote, and refreshes the cached fleet state. */
  #sync(): Promise<void> | undefined {
    if (this.#syncing) return undefined;
    this.#stale = false;
    const request: CircuitRequest = {
      op: 'report',
      holder: this.#link.instanceId,
      calls: this.#spec.failureRate === undefined ? 0 : this.#calls,
      failures: this.#spec.failureRate === undefined ? 0 : this.#failures,
      vote: this.#votePending,
    };
    this.#calls = 0;
    this.#failures = 0;
    this.#votePending = false;
    const r = this.#link.circuit(this.#key, this.#spec, request);
    if (r === undefined) {
      // Keep the vote for the next report (the store may be back by then).
      if (request.vote) this.#votePending = true;
      this.#armStale();
      this.#checkEpoch();
      return undefined;
    }
    if (!isThenable(r)) {
      this.#apply(r);
      this.#armStale();
      return undefined;
    }
    this.#syncing = true;
    return r.then((reply) => {
      this.#syncing = false;
      if (reply !== undefined) {
        this.#apply(reply);
        // A vote cast while this report travelled goes out now, not a sync interval later.
        if (this.#votePending && this.#fleet === 'closed') void this.#sync();
      } else if (request.vote) this.#votePending = true;
      this.#armStale();
      this.#checkEpoch();
    });
  }

  #armStale(): void {
    if (this.#staleTimer !== undefined) return;
    this.#staleTimer = this.#link.clock.setTimer(this.#syncIntervalMs, this.#markStale, {
      unref: true,
    });
  }

  readonly #markStale = (): void => {
    this.#staleTimer = undefined;
    this.#stale = true;
  };

  #apply(reply: CircuitReply): void {
    if (reply.generation < this.#gen) return;
    const now = this.#link.clock.monotonic();
    if (reply.generation > this.#gen) {
      // A fleet transition: this instance's opinion starts over, like a local breaker's
      // strategy on open and on close, and a pending vote belongs to the old round.
      this.#strategy.reset();
      this.#calls = 0;
      this.#failures = 0;
      this.#votePending = false;
      this.#gen = reply.generation;
    }
    this.#fleet = reply.state;
    this.#opens = reply.opens;
    this.#openedBy = reply.openedBy;
    this.#openUntilMs = reply.state === 'open' ? now + (reply.openUntilMs - reply.nowMs) : NaN;
    if (reply.slot >= 0) {
      this.#leaseSlot = reply.slot;
      this.#leaseGen = reply.generation;
      this.#leaseUntilMs = now + this.#spec.probeLeaseMs;
      this.#leaseUsed = false;
    }
    if (this.#local === undefined) this.#setState(reply.state, 'fleet');
  }

  #setState(to: CircuitState, scope: SharedCircuitScope): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    switch (to) {
      case 'open':
      case 'isolated':
        if (this.#breakEmitter.hasListeners) this.#breakEmitter.emit(this.#breakEvent(scope));
        break;
      case 'half-open':
        this.#halfOpenEmitter.emit();
        break;
      case 'closed':
        this.#resetEmitter.emit();
        break;
    }
    if (this.#stateEmitter.hasListeners) this.#stateEmitter.emit({ from, to, scope });
  }

  #breakEvent(scope: SharedCircuitScope): SharedCircuitBreakEvent {
    const local = this.#local;
    if (scope === 'local' && local !== undefined) {
      const next = local.nextProbeAtMs;
      return next === undefined
        ? { scope, reason: local.state === 'isolated' ? 'isolated' : 'local', opens: local.opens }
        : { scope, reason: 'local', opens: local.opens, nextProbeAtMs: next };
    }
    return {
      scope,
      reason: this.#openedBy ?? 'quorum',
      opens: this.#opens,
      nextProbeAtMs: this.#openUntilMs,
    };
  }

  #checkEpoch(): void {
    const e = this.#link.epoch;
    if (e === this.#epoch) return;
    this.#epoch = e;
    if (this.#link.mode === 'local') {
      if (this.#local === undefined) this.#goLocal();
    } else if (this.#local !== undefined) {
      this.#goShared();
    }
  }

  /** Starts the local fallback from the last fleet state seen. */
  #goLocal(): void {
    const clock = this.#link.clock;
    const strategy = this.#factory();
    const mono = clock.monotonic();
    const wall = clock.now();
    let initialState: CircuitBreakerSnapshot | undefined;
    if (this.#fleet !== 'closed') {
      const openUntil = this.#fleet === 'open' ? Math.max(mono, this.#openUntilMs) : mono;
      initialState = {
        version: 1,
        state: 'open',
        savedAtMs: wall,
        openUntilMs: wall + (openUntil - mono),
        opens: Math.max(1, this.#opens),
        halfOpenSuccesses: 0,
        strategy: strategy.toJSON(mono),
      };
    }
    const s = this.#spec;
    const local = new CircuitBreaker({
      breaker: strategy,
      clock,
      halfOpenAfterMs: s.halfOpenAfterMs,
      maxHalfOpenAfterMs: s.maxHalfOpenAfterMs,
      halfOpenBackoffFactor: s.halfOpenBackoffFactor,
      halfOpenMaxProbes: s.halfOpenMaxProbes,
      halfOpenSuccessesToClose: s.halfOpenSuccessesToClose,
      isFailure: this.#isFailure,
      ...(initialState === undefined ? {} : { initialState }),
    });
    this.#incarnation = (this.#incarnation + 1) % LOCAL_TAG_BITS;
    this.#local = local;
    this.#leaseSlot = -1;
    this.#localSubscription?.dispose();
    this.#localSubscription = local.onStateChange(({ to }) => {
      if (this.#local === local) this.#setState(to, 'local');
    });
    this.#setState(local.state, 'local');
  }

  /** Leaves the local fallback; votes if it was not closed, and resynchronises. */
  #goShared(): void {
    const local = this.#local!;
    if (local.state !== 'closed') this.#votePending = true;
    this.#localSubscription?.dispose();
    this.#localSubscription = undefined;
    this.#local = undefined;
    this.#strategy.reset();
    this.#stale = true;
    this.#setState(this.#fleet, 'fleet');
  }
}
