/**
 * @module
 * A circuit breaker: when a dependency keeps failing (or keeps being slow), stop calling it
 * for a while, then let a few probe calls through to see whether it is back. This is what
 * keeps a recovering dependency from being flattened by the backlog of everyone's retries —
 * the congestive collapse of 2025-10-20 (DESIGN.md, "The retry flood").
 *
 * The state machine is pure (`breaker/internal/circuit-machine.ts`: next state = f(state, now,
 * input)); the rule that opens a closed circuit is a {@link BreakerStrategy}
 * (`ConsecutiveBreaker`, `CountWindowBreaker`, `TimeWindowBreaker`); this class is the shell
 * that reads the clock, feeds both and emits events. Two ways to use it:
 *
 * - synchronously, for callback code and the simulator: `tryAcquire()` → token (0 = refused),
 *   then `recordSuccess(durationMs, token)` / `recordFailure(durationMs, error, token)` /
 *   `recordIgnored(token)`;
 * - asynchronously, as a {@link Policy}: `execute(fn, signal?)`.
 *
 * The circuit moves from open to half-open lazily, when the first call arrives after the open
 * time: no timer is kept, so an idle breaker costs nothing and needs no disposal.
 * (After resilience4j's CircuitBreaker and cockatiel's CircuitBreakerPolicy.)
 */
import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { EventEmitter } from '../core/events.js';
import type { Disposable, Event } from '../core/events.js';
import type {
  BreakerMetrics,
  BreakerStrategy,
  BreakerStrategySnapshot,
  TripReason,
} from './breaker/breaker-strategy.js';
import {
  REFUSED,
  admit,
  closedToken,
  initialMachine,
  isProbeToken,
  isolate,
  openDurationMs,
  probeAbandoned,
  probeFailed,
  probeSucceeded,
  probeToken,
  release,
  reset,
  restoredMachine,
  trip,
} from './breaker/internal/circuit-machine.js';
import type {
  AdmitToken,
  CircuitState,
  Machine,
  MachineConfig,
} from './breaker/internal/circuit-machine.js';
import { checkNumber, describe } from './breaker/internal/validate.js';
import { BrokenCircuitError, IsolatedCircuitError } from './errors.js';
import type { Policy, PolicyFn, SignalSource } from './policy.js';
import { contextOf, signalOf } from './policy.js';

export type { AdmitToken, CircuitState } from './breaker/internal/circuit-machine.js';

/** Why a circuit opened. */
export type BreakReason = TripReason | 'half-open-failure' | 'isolated';

/** Payload of {@link CircuitBreaker.onBreak}. */
export interface CircuitBreakEvent {
  /** What opened it: the trip rule, a failed half-open probe, or an operator's `isolate()`. */
  readonly reason: BreakReason;
  /** The error of the call that opened it, when that call failed with one. */
  readonly error?: unknown;
  /** True when a half-open probe failed by being slower than `slowCallDurationMs`. */
  readonly slow?: boolean;
  /** The trip strategy's window at the moment it tripped (closed → open only). */
  readonly metrics?: BreakerMetrics;
  /** Times opened in a row without closing (1 the first time); 0 when isolated. */
  readonly opens: number;
  /** How long it stays open before the next probe, ms; undefined when isolated. */
  readonly openForMs?: number;
  /** Monotonic time of the next probe (`clock.monotonic()`); undefined when isolated. */
  readonly nextProbeAtMs?: number;
}

/** Payload of {@link CircuitBreaker.onStateChange}. */
export interface CircuitStateChangeEvent {
  readonly from: CircuitState;
  readonly to: CircuitState;
}

/**
 * A breaker's exported state (`toJSON()`), plain JSON. Times are wall-clock (`clock.now()`),
 * so a snapshot written before a restart means the same after it. Pass it back as
 * `initialState`.
 */
export interface CircuitBreakerSnapshot {
  /** Format version; 1. */
  readonly version: 1;
  readonly state: CircuitState;
  /** Wall-clock time of the export, ms since the epoch. */
  readonly savedAtMs: number;
  /** Open only: wall-clock time from which the next probe is let through. */
  readonly openUntilMs?: number;
  /** Times opened in a row without closing (drives the back-off). */
  readonly opens: number;
  /** Half-open only: probes that had succeeded in the current round. */
  readonly halfOpenSuccesses: number;
  /** The trip strategy's counters or window. */
  readonly strategy: BreakerStrategySnapshot;
}

/** Options for {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /**
   * When a closed circuit opens: `new ConsecutiveBreaker(...)`, `new CountWindowBreaker(...)`
   * or `new TimeWindowBreaker(...)`. The instance keeps state: give each breaker its own.
   */
  readonly breaker: BreakerStrategy;
  /** Source of time. Default: the system clock. */
  readonly clock?: Clock;
  /**
   * How long the circuit stays open the first time before a probe is let through, ms.
   * Default 5000, Polly v8's default break duration.
   */
  readonly halfOpenAfterMs?: number;
  /**
   * The open time grows by `halfOpenBackoffFactor` each time a probe fails, up to this, ms; it
   * starts again from `halfOpenAfterMs` once the circuit closes. Default: the larger of
   * `halfOpenAfterMs` and 60 000 (resilience4j's default wait in the open state).
   */
  readonly maxHalfOpenAfterMs?: number;
  /** Growth of the open time per consecutive re-open; ≥ 1 (1 = no back-off). Default 2. */
  readonly halfOpenBackoffFactor?: number;
  /** Probe calls let through at once while half-open; other calls are refused. Default 1. */
  readonly halfOpenMaxProbes?: number;
  /** Successful probes that close the circuit. Default 1. */
  readonly halfOpenSuccessesToClose?: number;
  /**
   * Whether an error counts as a failure. Default: every error does. An error it rejects
   * counts as a success — the dependency answered; the request was wrong (an HTTP 4xx, a
   * validation error) — like resilience4j's `recordFailurePredicate`. If it throws, the error
   * counts as a failure.
   */
  readonly isFailure?: (error: unknown) => boolean;
  /** State exported by `toJSON()` (possibly by an earlier process) to start from. */
  readonly initialState?: CircuitBreakerSnapshot;
}

const STATES: readonly CircuitState[] = ['closed', 'open', 'half-open', 'isolated'];

function countsAll(): boolean {
  return true;
}

function isThenable<T>(v: PromiseLike<T> | T): v is PromiseLike<T> {
  return (
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

/**
 * A circuit breaker (closed → open → half-open → closed, plus isolated) with pluggable trip
 * rules, probe limits, backed-off open time, manual isolation and exportable state.
 *
 * A call whose caller aborted (its `signal` is aborted when the call fails) is not counted as
 * a failure: the dependency did nothing wrong, the caller stopped waiting. A timeout placed
 * *inside* the breaker (`breaker.execute(ctx => timeout.execute(fn, ctx))`) therefore counts,
 * one placed outside it does not.
 */
export class CircuitBreaker implements Policy {
  readonly #strategy: BreakerStrategy;
  readonly #clock: Clock;
  readonly #cfg: MachineConfig;
  readonly #isFailure: (error: unknown) => boolean;
  /**
   * Whether `execute` times calls (only when there is a slow-call rule), and whether it reads
   * the clock when a call ends (also for a time window). Each `performance.now()` saved is
   * tens of nanoseconds on a path that otherwise costs about a hundred.
   */
  readonly #timed: boolean;
  readonly #clockAtEnd: boolean;
  #m: Machine;

  readonly #breakEmitter = new EventEmitter<CircuitBreakEvent>();
  readonly #halfOpenEmitter = new EventEmitter<void>();
  readonly #resetEmitter = new EventEmitter<void>();
  readonly #stateEmitter = new EventEmitter<CircuitStateChangeEvent>();

  /** Fires when the circuit opens, or is isolated. */
  readonly onBreak: Event<CircuitBreakEvent> = this.#breakEmitter.event;
  /** Fires when the open time is over and the first probe is let through. */
  readonly onHalfOpen: Event<void> = this.#halfOpenEmitter.event;
  /** Fires when the circuit closes again (probes succeeded, isolation released, `reset()`). */
  readonly onReset: Event<void> = this.#resetEmitter.event;
  /** Fires on every change of {@link CircuitBreaker.state}, after the specific event. */
  readonly onStateChange: Event<CircuitStateChangeEvent> = this.#stateEmitter.event;

  /**
   * @throws TypeError when `breaker`, `clock`, `isFailure` or `initialState` has the wrong
   *   shape; RangeError when a number is out of range. Both name the option.
   */
  constructor(options: CircuitBreakerOptions) {
    const where = 'CircuitBreaker';
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${where}: options must be an object, got ${String(options)}`);
    }
    const b = options.breaker as Partial<BreakerStrategy> | undefined;
    if (
      typeof b !== 'object' ||
      b === null ||
      typeof b.recordSuccess !== 'function' ||
      typeof b.recordFailure !== 'function' ||
      typeof b.reset !== 'function'
    ) {
      throw new TypeError(
        `${where}: breaker must be a BreakerStrategy (e.g. new ConsecutiveBreaker({ threshold: 5 })), got ${describe(b)}`,
      );
    }
    this.#strategy = options.breaker;
    this.#timed = options.breaker.slowCallDurationMs < Infinity;
    this.#clockAtEnd = this.#timed || options.breaker.usesTime;
    const clock = options.clock ?? systemClock;
    if (typeof clock.monotonic !== 'function' || typeof clock.now !== 'function') {
      throw new TypeError(`${where}: clock must be a Clock, got ${describe(clock)}`);
    }
    this.#clock = clock;
    const halfOpenAfterMs =
      options.halfOpenAfterMs === undefined
        ? 5000
        : checkNumber(where, 'halfOpenAfterMs', options.halfOpenAfterMs, 0, Infinity, false);
    const maxHalfOpenAfterMs =
      options.maxHalfOpenAfterMs === undefined
        ? Math.max(halfOpenAfterMs, 60_000)
        : checkNumber(
            where,
            'maxHalfOpenAfterMs',
            options.maxHalfOpenAfterMs,
            halfOpenAfterMs,
            Infinity,
            false,
          );
    this.#cfg = {
      halfOpenAfterMs,
      maxHalfOpenAfterMs,
      halfOpenBackoffFactor:
        options.halfOpenBackoffFactor === undefined
          ? 2
          : checkNumber(
              where,
              'halfOpenBackoffFactor',
              options.halfOpenBackoffFactor,
              1,
              Infinity,
              false,
            ),
      halfOpenMaxProbes:
        options.halfOpenMaxProbes === undefined
          ? 1
          : checkNumber(
              where,
              'halfOpenMaxProbes',
              options.halfOpenMaxProbes,
              1,
              Number.MAX_SAFE_INTEGER,
              true,
            ),
      halfOpenSuccessesToClose:
        options.halfOpenSuccessesToClose === undefined
          ? 1
          : checkNumber(
              where,
              'halfOpenSuccessesToClose',
              options.halfOpenSuccessesToClose,
              1,
              Number.MAX_SAFE_INTEGER,
              true,
            ),
    };
    if (options.isFailure !== undefined && typeof options.isFailure !== 'function') {
      throw new TypeError(
        `${where}: isFailure must be a function, got ${typeof options.isFailure}`,
      );
    }
    this.#isFailure = options.isFailure ?? countsAll;
    this.#m =
      options.initialState === undefined ? initialMachine() : this.#restore(options.initialState);
  }

  /** Whether a token from {@link CircuitBreaker.tryAcquire} admitted a half-open probe. */
  static isProbe(token: AdmitToken): boolean {
    return token !== REFUSED && isProbeToken(token);
  }

  /** The current state. Open turns half-open only when a call arrives after the open time. */
  get state(): CircuitState {
    return this.#m.state;
  }

  /** While open: the monotonic time (`clock.monotonic()`) of the next probe; else undefined. */
  get nextProbeAtMs(): number | undefined {
    return this.#m.state === 'open' ? this.#m.openUntilMs : undefined;
  }

  /** While half-open: probes admitted and not yet recorded. */
  get probesInFlight(): number {
    return this.#m.probesInFlight;
  }

  /** Times the circuit opened in a row without closing (0 while closed). */
  get opens(): number {
    return this.#m.opens;
  }

  /** The trip strategy's current counts (allocates; for diagnostics). */
  metrics(): BreakerMetrics {
    return this.#strategy.metrics(this.#clock.monotonic());
  }

  /**
   * Asks to make a call now. Returns 0 ({@link REFUSED}, falsy) when the circuit refuses it,
   * otherwise a token to hand back to `recordSuccess`/`recordFailure`/`recordIgnored`; use
   * {@link CircuitBreaker.isProbe} to tell a half-open probe. Allocates nothing while closed
   * or when refusing (a half-open probe allocates one small state object).
   */
  tryAcquire(): AdmitToken {
    const m = this.#m;
    if (m.state === 'closed') return m.generation * 2;
    const now = this.#clock.monotonic();
    const next = admit(m, now, this.#cfg);
    if (next === m) return REFUSED;
    this.#commit(m, next, now);
    return probeToken(next);
  }

  /**
   * Records that an admitted call succeeded after `durationMs`. Pass the call's token: an
   * outcome whose token predates the latest state change is ignored. Without a token the
   * outcome is taken to belong to the current state — right when calls never overlap a state
   * change (a sequential simulation), wrong otherwise.
   */
  recordSuccess(durationMs: number, token: AdmitToken = this.#currentToken()): void {
    this.#success(durationMs, token, NaN);
  }

  /**
   * Records that an admitted call failed after `durationMs`. When `error` is given, the
   * `isFailure` predicate decides whether it counts (an error it rejects counts as a success).
   * Token as for {@link CircuitBreaker.recordSuccess}.
   */
  recordFailure(
    durationMs: number,
    error?: unknown,
    token: AdmitToken = this.#currentToken(),
  ): void {
    this.#failure(durationMs, token, error, error !== undefined, NaN);
  }

  /**
   * Records that an admitted call ended without telling anything about the dependency (its
   * caller aborted it). Frees a half-open probe slot; counts nothing.
   */
  recordIgnored(token: AdmitToken = this.#currentToken()): void {
    const m = this.#m;
    this.#commit(m, probeAbandoned(m, token), NaN);
  }

  /**
   * Holds the circuit open by hand: every call is refused with {@link IsolatedCircuitError}
   * until every handle returned so far is disposed (then it closes) or `reset()` is called.
   */
  isolate(): Disposable {
    const m = this.#m;
    const next = isolate(m);
    this.#commit(m, next, NaN);
    const generation = next.generation;
    let live = true;
    return {
      dispose: () => {
        if (!live) return;
        live = false;
        const cur = this.#m;
        this.#commit(cur, release(cur, generation), NaN);
      },
    };
  }

  /**
   * Closes the circuit whatever its state, forgets the trip strategy's counts and the open-time
   * back-off, and voids every isolation handle.
   */
  reset(): void {
    const m = this.#m;
    this.#strategy.reset();
    this.#commit(m, reset(m), NaN);
  }

  /**
   * The error to refuse a call with in the current state: {@link IsolatedCircuitError} when
   * isolated, else a {@link BrokenCircuitError} carrying the next probe time (none while
   * half-open with every probe slot busy: the next slot frees when a probe ends).
   */
  refusalError(): BrokenCircuitError | IsolatedCircuitError {
    const m = this.#m;
    if (m.state === 'isolated') {
      return new IsolatedCircuitError('circuit isolated: calls are refused until it is reset');
    }
    if (m.state === 'open') {
      const retryAfterMs = Math.max(0, m.openUntilMs - this.#clock.monotonic());
      return new BrokenCircuitError(
        `circuit open: next probe in ${Math.ceil(retryAfterMs)} ms`,
        m.openUntilMs,
        retryAfterMs,
      );
    }
    if (m.state === 'half-open') {
      return new BrokenCircuitError(
        `circuit half-open: all ${this.#cfg.halfOpenMaxProbes} probe slot(s) busy`,
        undefined,
        undefined,
      );
    }
    return new BrokenCircuitError('circuit breaker refused the call', undefined, undefined);
  }

  /**
   * Runs `fn` if the circuit lets it through, and records how it went (duration measured with
   * `clock.monotonic()`). Refused calls reject at once with {@link BrokenCircuitError} or
   * {@link IsolatedCircuitError}, without calling `fn`. The context is passed on untouched;
   * the caller's signal is read only after a failure, to tell an abort from a failure.
   */
  execute<T>(fn: PolicyFn<T>, signal?: SignalSource): Promise<T> {
    const token = this.tryAcquire();
    if (token === REFUSED) return Promise.reject(this.refusalError());
    const start = this.#timed ? this.#clock.monotonic() : NaN;
    let result: PromiseLike<T> | T;
    try {
      result = fn(contextOf(signal));
    } catch (err) {
      this.#settleError(token, start, err, signal);
      return Promise.reject(err);
    }
    if (isThenable(result)) return this.#settleAsync(result, token, start, signal);
    // A synchronous result needs no async frame and no extra turn of the microtask queue.
    this.#settleValue(token, start);
    return Promise.resolve(result);
  }

  async #settleAsync<T>(
    pending: PromiseLike<T>,
    token: AdmitToken,
    start: number,
    signal: SignalSource,
  ): Promise<T> {
    let value: T;
    try {
      value = await pending;
    } catch (err) {
      this.#settleError(token, start, err, signal);
      throw err;
    }
    this.#settleValue(token, start);
    return value;
  }

  /** Records a success; `start` is NaN when durations are not measured (see `#timed`). */
  #settleValue(token: AdmitToken, start: number): void {
    if (!this.#clockAtEnd) {
      this.#success(0, token, NaN);
    } else {
      const end = this.#clock.monotonic();
      this.#success(this.#timed ? end - start : 0, token, end);
    }
  }

  #settleError(token: AdmitToken, start: number, err: unknown, signal: SignalSource): void {
    // Only now, on the failure path, is the caller's signal read: an aborted caller is not a
    // failing dependency.
    if (signalOf(signal)?.aborted === true) {
      this.recordIgnored(token);
    } else if (!this.#clockAtEnd) {
      this.#failure(0, token, err, true, NaN);
    } else {
      const end = this.#clock.monotonic();
      this.#failure(this.#timed ? end - start : 0, token, err, true, end);
    }
  }

  /**
   * Exports the state as plain JSON (see {@link CircuitBreakerSnapshot}). In-flight probes are
   * not part of it: a restored half-open circuit starts with none.
   */
  toJSON(): CircuitBreakerSnapshot {
    const mono = this.#clock.monotonic();
    const wall = this.#clock.now();
    const m = this.#m;
    const base = {
      version: 1 as const,
      state: m.state,
      savedAtMs: wall,
      opens: m.opens,
      halfOpenSuccesses: m.probeSuccesses,
      strategy: this.#strategy.toJSON(mono),
    };
    return m.state === 'open' ? { ...base, openUntilMs: wall + (m.openUntilMs - mono) } : base;
  }

  #currentToken(): AdmitToken {
    const m = this.#m;
    if (m.state === 'closed') return closedToken(m);
    if (m.state === 'half-open') return probeToken(m);
    return REFUSED;
  }

  #success(durationMs: number, token: AdmitToken, now: number): void {
    const m = this.#m;
    if (m.state === 'closed') {
      if (token !== m.generation * 2) return;
      const s = this.#strategy;
      const t = s.usesTime ? (Number.isNaN(now) ? this.#clock.monotonic() : now) : now;
      const reason = s.recordSuccess(durationMs, t);
      if (reason !== undefined) this.#trip(reason, undefined, false, t);
      return;
    }
    if (m.state !== 'half-open') return;
    if (durationMs > this.#strategy.slowCallDurationMs) {
      // A probe as slow as the calls that may have opened the circuit is no sign of recovery.
      this.#probeFailure(m, token, undefined, false, true, now);
    } else {
      this.#commit(m, probeSucceeded(m, token, this.#cfg), now);
    }
  }

  #failure(
    durationMs: number,
    token: AdmitToken,
    error: unknown,
    consult: boolean,
    now: number,
  ): void {
    if (consult) {
      let counts = true;
      try {
        counts = this.#isFailure(error);
      } catch {
        // A broken predicate must not leave a probe slot taken forever: count the failure.
      }
      if (!counts) {
        this.#success(durationMs, token, now);
        return;
      }
    }
    const m = this.#m;
    if (m.state === 'closed') {
      if (token !== m.generation * 2) return;
      const s = this.#strategy;
      const t = s.usesTime ? (Number.isNaN(now) ? this.#clock.monotonic() : now) : now;
      const reason = s.recordFailure(durationMs, t);
      if (reason !== undefined) this.#trip(reason, error, consult, t);
      return;
    }
    if (m.state === 'half-open') {
      this.#probeFailure(
        m,
        token,
        error,
        consult,
        durationMs > this.#strategy.slowCallDurationMs,
        now,
      );
    }
  }

  #probeFailure(
    m: Machine,
    token: AdmitToken,
    error: unknown,
    hasError: boolean,
    slow: boolean,
    now: number,
  ): void {
    const t = Number.isNaN(now) ? this.#clock.monotonic() : now;
    const next = probeFailed(m, t, token, this.#cfg);
    this.#commit(m, next, t, 'half-open-failure', error, hasError, slow);
  }

  #trip(reason: TripReason, error: unknown, hasError: boolean, now: number): void {
    const m = this.#m;
    const t = Number.isNaN(now) ? this.#clock.monotonic() : now;
    this.#commit(m, trip(m, t, this.#cfg), t, reason, error, hasError, false);
  }

  /**
   * Installs `next` and, when the state changed, resets the strategy (on open and on close, so
   * a closed circuit starts from a clean window) and emits the events.
   */
  #commit(
    prev: Machine,
    next: Machine,
    now: number,
    reason?: BreakReason,
    error?: unknown,
    hasError = false,
    slow = false,
  ): void {
    if (next === prev) return;
    this.#m = next;
    if (next.state === prev.state) return;
    let metrics: BreakerMetrics | undefined;
    if (next.state === 'open' || next.state === 'closed') {
      if (next.state === 'open' && prev.state === 'closed' && this.#breakEmitter.hasListeners) {
        metrics = this.#strategy.metrics(Number.isNaN(now) ? this.#clock.monotonic() : now);
      }
      this.#strategy.reset();
    }
    switch (next.state) {
      case 'open':
      case 'isolated':
        if (this.#breakEmitter.hasListeners) {
          this.#breakEmitter.emit(
            this.#breakEvent(next, reason ?? 'isolated', error, hasError, slow, metrics),
          );
        }
        break;
      case 'half-open':
        this.#halfOpenEmitter.emit();
        break;
      case 'closed':
        this.#resetEmitter.emit();
        break;
    }
    if (this.#stateEmitter.hasListeners) {
      this.#stateEmitter.emit({ from: prev.state, to: next.state });
    }
  }

  #breakEvent(
    m: Machine,
    reason: BreakReason,
    error: unknown,
    hasError: boolean,
    slow: boolean,
    metrics: BreakerMetrics | undefined,
  ): CircuitBreakEvent {
    if (m.state === 'isolated') return { reason: 'isolated', opens: 0 };
    const event: {
      -readonly [K in keyof CircuitBreakEvent]: CircuitBreakEvent[K];
    } = {
      reason,
      opens: m.opens,
      openForMs: openDurationMs(m.opens, this.#cfg),
      nextProbeAtMs: m.openUntilMs,
    };
    if (hasError) event.error = error;
    if (slow) event.slow = true;
    if (metrics !== undefined) event.metrics = metrics;
    return event;
  }

  #restore(s: CircuitBreakerSnapshot): Machine {
    const bad = (field: string, expected: string, got: unknown): TypeError =>
      new TypeError(
        `CircuitBreaker: initialState${field === '' ? '' : '.' + field} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}`,
      );
    if (typeof s !== 'object' || s === null) throw bad('', 'a snapshot from toJSON()', s);
    if (s.version !== 1) throw bad('version', '1', s.version);
    if (!STATES.includes(s.state)) throw bad('state', `one of ${STATES.join(', ')}`, s.state);
    if (typeof s.savedAtMs !== 'number' || !Number.isFinite(s.savedAtMs)) {
      throw bad('savedAtMs', 'a finite number', s.savedAtMs);
    }
    const isCount = (v: unknown): v is number =>
      typeof v === 'number' && Number.isInteger(v) && v >= 0;
    if (!isCount(s.opens)) throw bad('opens', 'a non-negative integer', s.opens);
    if (!isCount(s.halfOpenSuccesses)) {
      throw bad('halfOpenSuccesses', 'a non-negative integer', s.halfOpenSuccesses);
    }
    if (typeof s.strategy !== 'object' || s.strategy === null) {
      throw bad('strategy', 'an object', s.strategy);
    }
    const mono = this.#clock.monotonic();
    const wall = this.#clock.now();
    // Map the snapshot's wall-clock times onto this process's monotonic clock. Time spent
    // while no process ran still counts; a wall clock that went backwards counts as none.
    const savedAtMono = mono - Math.max(0, wall - s.savedAtMs);
    this.#strategy.restore(s.strategy, savedAtMono);
    let openUntilMono = NaN;
    if (s.state === 'open') {
      if (typeof s.openUntilMs !== 'number' || !Number.isFinite(s.openUntilMs)) {
        throw bad('openUntilMs', 'a finite number when state is open', s.openUntilMs);
      }
      // Never hold a circuit open longer than this breaker's own ceiling, whatever a snapshot
      // from another configuration (or another clock) says.
      openUntilMono = Math.min(mono + (s.openUntilMs - wall), mono + this.#cfg.maxHalfOpenAfterMs);
    }
    return restoredMachine(s.state, openUntilMono, s.opens, s.halfOpenSuccesses);
  }
}
