/**
 * @module
 * Graceful degradation as a switch with three ordered levels, so a service under stress gives
 * up the work that matters least first, instead of failing at everything at once. (The
 * 2025-10-20 lesson: "graceful degradation: cached data, shed telemetry, read-only mode".)
 *
 * Levels, best to worst, and the work each admits:
 *
 * | level                | `essential` | `write` | `non-essential` |
 * |----------------------|:-----------:|:-------:|:---------------:|
 * | `full`               |     yes     |   yes   |       yes       |
 * | `shed-non-essential` |     yes     |   yes   |       no        |
 * | `read-only`          |     yes     |   no    |       no        |
 *
 * Work classes: `essential` is what the service exists for and does not change state (reads,
 * lookups, answering health checks); `write` changes state; `non-essential` is work nobody
 * misses for a while (telemetry, prefetch, recommendations, cache warming, analytics — a
 * telemetry *upload* is non-essential, not a write). There is no "off" level: refusing
 * everything is a circuit breaker's job, and a service that refuses its essential reads has
 * stopped degrading gracefully.
 *
 * Inputs: a manual level (`set`/`clear`, for operators) and any number of named signals, each
 * reporting the level it wants — pushed through a handle (`raise`/`clear`), mapped from an
 * {@link Event}, or polled by {@link Degradation.evaluate}. Ready-made signals cover a queue
 * that is too deep, an exhausted retry budget and an open circuit breaker. The effective level
 * is the worst of all inputs, applied at once when it gets worse; getting *better* waits until
 * the inputs have allowed the better level for `recoverAfterMs` without a break (hysteresis,
 * so a signal that flaps does not flap the service — the NLB health checks that flapped nodes
 * in and out of DNS for nine hours on 2025-10-20 are the cautionary tale). Recovery is checked
 * lazily on every read and by a timer on the injected clock, so events fire on time and the
 * synchronous API (`admit`, `level`) is exact without one.
 */
import type { Clock, Timer } from '../core/clock.js';
import { EventEmitter } from '../core/events.js';
import type { Disposable, Event } from '../core/events.js';
import { DegradedError } from './errors.js';
import type { Policy, PolicyFn, SignalSource } from './policy.js';
import { contextOf } from './policy.js';

/** The degradation levels, best first. */
export const DEGRADATION_LEVELS = Object.freeze([
  'full',
  'shed-non-essential',
  'read-only',
] as const);

/** A degradation level; see {@link DEGRADATION_LEVELS} and the module comment. */
export type DegradationLevel = (typeof DEGRADATION_LEVELS)[number];

/** The classes of work, most expendable first. */
export const WORK_CLASSES = Object.freeze(['non-essential', 'write', 'essential'] as const);

/** What a unit of work is, for admission; see the module comment. */
export type WorkClass = (typeof WORK_CLASSES)[number];

// Maps, not object literals: a lookup of 'toString' or '__proto__' must miss.
const RANK: ReadonlyMap<string, number> = new Map(DEGRADATION_LEVELS.map((l, i) => [l, i]));

/** The worst level (as a rank) at which each class is still admitted; also its index. */
const CLASS_MAX_RANK: ReadonlyMap<string, number> = new Map(WORK_CLASSES.map((c, i) => [c, i]));

function levelAt(rank: number): DegradationLevel {
  return DEGRADATION_LEVELS[rank]!;
}

function rankOf(level: unknown, what: string): number {
  const rank = typeof level === 'string' ? RANK.get(level) : undefined;
  if (rank === undefined) {
    throw new TypeError(
      `${what} must be one of ${DEGRADATION_LEVELS.join(', ')}, got ${String(level)}`,
    );
  }
  return rank;
}

function classMaxRank(workClass: unknown): number {
  const max = typeof workClass === 'string' ? CLASS_MAX_RANK.get(workClass) : undefined;
  if (max === undefined) {
    throw new TypeError(
      `Degradation: workClass must be one of ${WORK_CLASSES.join(', ')}, got ${String(workClass)}`,
    );
  }
  return max;
}

/** True when `level` admits work of class `workClass` (the table in the module comment). */
export function levelAdmits(level: DegradationLevel, workClass: WorkClass): boolean {
  return rankOf(level, 'level') <= classMaxRank(workClass);
}

/** Negative when `a` is better than `b`, 0 when equal, positive when worse. */
export function compareLevels(a: DegradationLevel, b: DegradationLevel): number {
  return rankOf(a, 'a') - rankOf(b, 'b');
}

/** The more degraded of two levels. */
export function worseLevel(a: DegradationLevel, b: DegradationLevel): DegradationLevel {
  return compareLevels(a, b) >= 0 ? a : b;
}

/** Options for {@link Degradation}. */
export interface DegradationOptions {
  /** Source of time for the hysteresis (`monotonic`) and for `changedAt` (`now`). */
  readonly clock: Clock;
  /**
   * How long (ms) the inputs must have allowed a better level, without a break, before the
   * effective level steps up to it. Default 30 000: one Route 53 health-check interval (30 s
   * by default), so a single good sample never undoes a degradation. 0 recovers at once.
   */
  readonly recoverAfterMs?: number;
  /** The class `execute` uses when none is given (as inside a pipeline). Default `essential`. */
  readonly defaultWorkClass?: WorkClass;
}

/** One input that holds the level down, as reported in events and snapshots. */
export interface DegradationReason {
  /** `'manual'` for the operator's level, else the signal's name. */
  readonly source: string;
  readonly level: DegradationLevel;
  /** The operator's reason, or what the signal said. */
  readonly detail?: string;
}

/** Payload of {@link Degradation.onLevelChange}. */
export interface LevelChangeEvent {
  readonly from: DegradationLevel;
  readonly to: DegradationLevel;
  /** The inputs degraded at the time of the change, worst first (empty when back to full). */
  readonly reasons: readonly DegradationReason[];
}

/** Payload of {@link Degradation.onSignalError}. */
export interface SignalErrorEvent {
  /** The signal whose poll or mapping threw; it keeps its previous level. */
  readonly name: string;
  readonly error: unknown;
}

/** A snapshot for a status page. */
export interface DegradationSnapshot {
  /** The effective level. */
  readonly level: DegradationLevel;
  /** The worst current input: where the level will settle once `recoverAfterMs` passes. */
  readonly target: DegradationLevel;
  readonly manual: { readonly level: DegradationLevel; readonly reason: string } | null;
  readonly signals: readonly DegradationReason[];
  /** The next step up and how long until it (ms), if a recovery is pending. */
  readonly recovering: { readonly to: DegradationLevel; readonly inMs: number } | null;
  /** Wall-clock time (ms since the epoch) of the last level change, or null. */
  readonly changedAt: number | null;
  /** Level changes so far. */
  readonly changes: number;
  /** Work refused, by class. */
  readonly refused: Readonly<Record<WorkClass, number>>;
  readonly recoverAfterMs: number;
}

/** A named input to a {@link Degradation}; returned by `addSignal` and `addEventSignal`. */
export interface DegradationSignal extends Disposable {
  readonly name: string;
  /** The level this signal currently asks for. */
  readonly level: DegradationLevel;
  /** What the signal last said, if anything. */
  readonly detail: string | undefined;
  /** Asks for `level` (`full` withdraws the request). */
  raise(level: DegradationLevel, detail?: string): void;
  /** Asks for `full` again. */
  clear(): void;
  /** Removes the signal (and unsubscribes it from its event). Idempotent. */
  dispose(): void;
}

interface SignalHooks {
  changed(): void;
  removed(signal: Signal): void;
}

class Signal implements DegradationSignal {
  rank = 0;
  detail: string | undefined = undefined;
  subscription: Disposable | undefined = undefined;
  live = true;

  constructor(
    readonly name: string,
    readonly poll: (() => DegradationLevel) | undefined,
    /** The owner's hooks, so the owner needs no public method for its signals. */
    readonly hooks: SignalHooks,
  ) {}

  get level(): DegradationLevel {
    return levelAt(this.rank);
  }

  raise(level: DegradationLevel, detail?: string): void {
    const rank = rankOf(level, `signal "${this.name}": level`);
    if (!this.live) return;
    this.detail = detail;
    if (rank === this.rank) return;
    this.rank = rank;
    this.hooks.changed();
  }

  clear(): void {
    this.raise('full');
  }

  dispose(): void {
    if (!this.live) return;
    this.live = false;
    this.subscription?.dispose();
    this.subscription = undefined;
    this.hooks.removed(this);
  }
}

const NONE = Number.POSITIVE_INFINITY;
const MANUAL = 'manual';

/**
 * A degradation switch: callers tag work with a {@link WorkClass} and ask `admit` (sync) or
 * `execute` (async, rejecting with {@link DegradedError}); operators and signals set the level.
 *
 * `execute(fn, signal, workClass)` implements {@link Policy} for the default class; use
 * `forClass(c)` for a `Policy` bound to another class (to put in a pipeline).
 */
export class Degradation implements Policy {
  readonly #clock: Clock;
  readonly #recoverAfterMs: number;
  readonly #defaultWorkClass: WorkClass;
  readonly #signals = new Map<string, Signal>();
  readonly #levelChange = new EventEmitter<LevelChangeEvent>();
  readonly #signalError = new EventEmitter<SignalErrorEvent>();
  #manualRank = 0;
  #manualReason = '';
  /** Effective level, as a rank. */
  #rank = 0;
  /** Worst current input, as a rank. */
  #target = 0;
  /**
   * `#since[r]`: monotonic time since which the target has been ≤ r without a break; NaN
   * while it is worse than r. Non-increasing in r.
   */
  readonly #since: number[];
  /** When the next step up is due (monotonic ms), or NONE. */
  #recoverAt = NONE;
  #timer: Timer | undefined = undefined;
  #timerAt = NONE;
  #changedAt: number | null = null;
  #changes = 0;
  readonly #refused = [0, 0, 0];
  #views: Map<WorkClass, Policy> | undefined = undefined;

  /** Fires once for every change of the effective level. */
  readonly onLevelChange: Event<LevelChangeEvent> = this.#levelChange.event;
  /** Fires when a polled signal or an event signal's mapping throws. */
  readonly onSignalError: Event<SignalErrorEvent> = this.#signalError.event;

  constructor(options: DegradationOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Degradation: options must be an object, got ${String(options)}`);
    }
    const { clock } = options;
    if (typeof clock?.monotonic !== 'function' || typeof clock.setTimer !== 'function') {
      throw new TypeError(
        `Degradation: clock must be a Clock, got ${clock === null ? 'null' : typeof clock}`,
      );
    }
    const recoverAfterMs = options.recoverAfterMs ?? 30_000;
    if (
      typeof recoverAfterMs !== 'number' ||
      !(recoverAfterMs >= 0) ||
      !Number.isFinite(recoverAfterMs)
    ) {
      throw new RangeError(
        `Degradation: recoverAfterMs must be a finite number ≥ 0, got ${String(recoverAfterMs)}`,
      );
    }
    const defaultWorkClass = options.defaultWorkClass ?? 'essential';
    classMaxRankFor('defaultWorkClass', defaultWorkClass);
    this.#clock = clock;
    this.#recoverAfterMs = recoverAfterMs;
    this.#defaultWorkClass = defaultWorkClass;
    this.#since = [clock.monotonic(), clock.monotonic(), clock.monotonic()];
  }

  // ---- synchronous API -------------------------------------------------------------------

  /** The effective level now. */
  get level(): DegradationLevel {
    this.#catchUp();
    return levelAt(this.#rank);
  }

  /** The worst current input: the level the switch settles on once `recoverAfterMs` passes. */
  get target(): DegradationLevel {
    return levelAt(this.#target);
  }

  /**
   * True when the current level admits work of class `workClass`. Counts a refusal when not.
   * Throws TypeError for an unknown class (a typo must not silently shed work).
   */
  admit(workClass: WorkClass): boolean {
    const max = classMaxRank(workClass);
    if (this.#recoverAt !== NONE) this.#catchUp();
    if (this.#rank <= max) return true;
    this.#refused[max]!++;
    return false;
  }

  /** Sets the operator's level (one input among the signals; the worst input wins). */
  set(level: DegradationLevel, reason: string): void {
    const rank = rankOf(level, 'Degradation.set: level');
    if (typeof reason !== 'string') {
      throw new TypeError(`Degradation.set: reason must be a string, got ${String(reason)}`);
    }
    this.#manualReason = rank === 0 ? '' : reason;
    if (rank === this.#manualRank) return;
    this.#manualRank = rank;
    this.#inputsChanged();
  }

  /** Withdraws the operator's level (same as `set('full', …)`). Recovery still waits. */
  clear(): void {
    this.set('full', '');
  }

  /**
   * Skips the wait: the effective level becomes the worst current input now. For an operator
   * who knows the trouble is over.
   */
  recoverNow(): void {
    if (this.#target !== this.#rank) this.#changeTo(this.#target);
    this.#schedule(NONE);
  }

  /**
   * Adds a named signal. Without `poll`, drive it through the handle (`raise`/`clear`); with
   * `poll`, {@link evaluate} asks it for its level (a throw or an unknown level keeps the
   * previous level and fires `onSignalError`). Names are unique; `'manual'` is reserved.
   */
  addSignal(name: string, poll?: () => DegradationLevel): DegradationSignal {
    if (poll !== undefined && typeof poll !== 'function') {
      throw new TypeError(`Degradation.addSignal: poll must be a function, got ${String(poll)}`);
    }
    const signal = new Signal(this.#checkName(name), poll, this.#hooks);
    this.#signals.set(name, signal);
    if (poll !== undefined && this.#poll(signal)) this.#inputsChanged();
    return signal;
  }

  /**
   * Adds a named signal driven by an event: each event is mapped to a level by `toLevel`
   * (a throw fires `onSignalError` and keeps the previous level). Starts at `initial`.
   * Disposing the handle unsubscribes.
   */
  addEventSignal<T>(
    name: string,
    event: Event<T>,
    toLevel: (event: T) => DegradationLevel,
    initial: DegradationLevel = 'full',
  ): DegradationSignal {
    if (typeof event !== 'function') {
      throw new TypeError(
        `Degradation.addEventSignal: event must be an Event, got ${String(event)}`,
      );
    }
    if (typeof toLevel !== 'function') {
      throw new TypeError(
        `Degradation.addEventSignal: toLevel must be a function, got ${String(toLevel)}`,
      );
    }
    const initialRank = rankOf(initial, 'Degradation.addEventSignal: initial');
    const signal = new Signal(this.#checkName(name), undefined, this.#hooks);
    this.#signals.set(name, signal);
    signal.subscription = event((e) => {
      let rank: number;
      try {
        rank = rankOf(toLevel(e), `signal "${name}": level`);
      } catch (error) {
        this.#reportSignalError(name, error);
        return;
      }
      if (rank === signal.rank || !signal.live) return;
      signal.rank = rank;
      this.#inputsChanged();
    });
    if (initialRank !== 0) {
      signal.rank = initialRank;
      this.#inputsChanged();
    }
    return signal;
  }

  /** The signal named `name`, if any. */
  signal(name: string): DegradationSignal | undefined {
    return this.#signals.get(name);
  }

  /** Polls every polled signal, applies what they say, and returns the effective level. */
  evaluate(): DegradationLevel {
    let changed = false;
    for (const s of this.#signals.values()) {
      if (s.poll !== undefined && this.#poll(s)) changed = true;
    }
    if (changed) this.#inputsChanged();
    return this.level;
  }

  /**
   * Calls {@link evaluate} every `intervalMs` on the clock (timers `unref`ed) until the
   * returned handle is disposed.
   */
  startPolling(intervalMs: number): Disposable {
    if (typeof intervalMs !== 'number' || !(intervalMs > 0) || !Number.isFinite(intervalMs)) {
      throw new RangeError(
        `Degradation.startPolling: intervalMs must be a finite number > 0, got ${String(intervalMs)}`,
      );
    }
    let timer: Timer | undefined;
    const tick = (): void => {
      timer = this.#clock.setTimer(intervalMs, tick, { unref: true });
      this.evaluate();
    };
    timer = this.#clock.setTimer(intervalMs, tick, { unref: true });
    return {
      dispose: () => {
        timer?.cancel();
        timer = undefined;
      },
    };
  }

  /** A state summary for a status page. */
  toJSON(): DegradationSnapshot {
    this.#catchUp();
    const signals: DegradationReason[] = [];
    for (const s of this.#signals.values()) signals.push(reason(s.name, s.rank, s.detail));
    const recovering =
      this.#recoverAt === NONE
        ? null
        : {
            to: levelAt(this.#rank - 1),
            inMs: Math.max(0, this.#recoverAt - this.#clock.monotonic()),
          };
    return {
      level: levelAt(this.#rank),
      target: levelAt(this.#target),
      manual:
        this.#manualRank === 0
          ? null
          : { level: levelAt(this.#manualRank), reason: this.#manualReason },
      signals,
      recovering,
      changedAt: this.#changedAt,
      changes: this.#changes,
      refused: {
        'non-essential': this.#refused[0]!,
        write: this.#refused[1]!,
        essential: this.#refused[2]!,
      },
      recoverAfterMs: this.#recoverAfterMs,
    };
  }

  // ---- async shell -----------------------------------------------------------------------

  /**
   * Runs `fn` if the current level admits `workClass` (default: the `defaultWorkClass`
   * option), else rejects with {@link DegradedError}. It never waits, so it does not read the
   * signal; it passes it on.
   */
  execute<T>(fn: PolicyFn<T>, signal?: SignalSource, workClass?: WorkClass): Promise<T> {
    const c = workClass ?? this.#defaultWorkClass;
    if (!this.admit(c)) return Promise.reject(new DegradedError(levelAt(this.#rank), c));
    try {
      return Promise.resolve(fn(contextOf(signal)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A {@link Policy} that runs its calls as work of class `workClass` (cached per class). */
  forClass(workClass: WorkClass): Policy {
    classMaxRankFor('workClass', workClass);
    this.#views ??= new Map();
    let view = this.#views.get(workClass);
    if (view === undefined) {
      view = {
        execute: <T>(fn: PolicyFn<T>, signal?: SignalSource): Promise<T> =>
          this.execute(fn, signal, workClass),
      };
      this.#views.set(workClass, view);
    }
    return view;
  }

  // ---- internals ---------------------------------------------------------------------------

  /** Recomputes the target after an input changed, and applies it. */
  #inputsChanged(): void {
    let target = this.#manualRank;
    for (const s of this.#signals.values()) if (s.rank > target) target = s.rank;
    if (target === this.#target) return;
    const now = this.#clock.monotonic();
    const since = this.#since;
    for (let r = 0; r < since.length; r++) {
      if (r < target) since[r] = NaN;
      else if (Number.isNaN(since[r])) since[r] = now;
    }
    this.#target = target;
    this.#settle(now);
  }

  readonly #hooks: SignalHooks = {
    changed: () => this.#inputsChanged(),
    removed: (signal) => {
      if (this.#signals.get(signal.name) === signal) this.#signals.delete(signal.name);
      this.#inputsChanged();
    },
  };

  /** Applies a recovery that fell due since the last look (the timer may not have run yet). */
  #catchUp(): void {
    if (this.#recoverAt !== NONE && this.#clock.monotonic() >= this.#recoverAt) {
      this.#settle(this.#clock.monotonic());
    }
  }

  #settle(now: number): void {
    const target = this.#target;
    if (target >= this.#rank) {
      // Worse (or the same): apply at once; degrading never waits.
      if (target > this.#rank) this.#changeTo(target);
      this.#schedule(NONE);
      return;
    }
    // Better: step up to the best level the target has allowed for recoverAfterMs. `#since`
    // is non-increasing in r, so the levels that qualify are r0..rank-1 for some r0.
    // Compare `now >= since + R` (not `now - since >= R`) so the timer's own due time, which
    // is computed as `since + R`, always qualifies despite rounding.
    const since = this.#since;
    const wait = this.#recoverAfterMs;
    let best = this.#rank;
    for (let r = this.#rank - 1; r >= target; r--) {
      if (now >= since[r]! + wait) best = r;
      else break;
    }
    if (best !== this.#rank) this.#changeTo(best);
    this.#schedule(best > target ? since[best - 1]! + wait : NONE);
  }

  #schedule(at: number): void {
    this.#recoverAt = at;
    if (at === this.#timerAt) return;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = at;
    if (at === NONE) return;
    this.#timer = this.#clock.setTimer(at - this.#clock.monotonic(), this.#onTimer, {
      unref: true,
    });
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    this.#timerAt = NONE;
    this.#catchUp();
    // A timer that fired a hair early (real clocks round) is simply armed again.
    if (this.#recoverAt !== NONE && this.#timer === undefined) this.#schedule(this.#recoverAt);
  };

  #changeTo(rank: number): void {
    const from = this.#rank;
    this.#rank = rank;
    this.#changes++;
    this.#changedAt = this.#clock.now();
    if (!this.#levelChange.hasListeners) return;
    this.#levelChange.emit({ from: levelAt(from), to: levelAt(rank), reasons: this.#reasons() });
  }

  #reasons(): DegradationReason[] {
    const out: DegradationReason[] = [];
    if (this.#manualRank > 0) out.push(reason(MANUAL, this.#manualRank, this.#manualReason));
    for (const s of this.#signals.values()) {
      if (s.rank > 0) out.push(reason(s.name, s.rank, s.detail));
    }
    return out.sort((a, b) => RANK.get(b.level)! - RANK.get(a.level)!);
  }

  /** Polls one signal; returns whether its level changed. */
  #poll(signal: Signal): boolean {
    let rank: number;
    try {
      rank = rankOf(signal.poll!(), `signal "${signal.name}": level`);
    } catch (error) {
      this.#reportSignalError(signal.name, error);
      return false;
    }
    if (rank === signal.rank) return false;
    signal.rank = rank;
    return true;
  }

  #reportSignalError(name: string, error: unknown): void {
    this.#signalError.emit({ name, error });
  }

  #checkName(name: string): string {
    if (typeof name !== 'string' || name === '') {
      throw new TypeError(
        `Degradation: signal name must be a non-empty string, got ${String(name)}`,
      );
    }
    if (name === MANUAL || this.#signals.has(name)) {
      throw new RangeError(
        `Degradation: signal name ${JSON.stringify(name)} is ${
          name === MANUAL ? 'reserved' : 'already in use'
        }`,
      );
    }
    return name;
  }
}

function reason(source: string, rank: number, detail: string | undefined): DegradationReason {
  return detail === undefined || detail === ''
    ? { source, level: levelAt(rank) }
    : { source, level: levelAt(rank), detail };
}

function classMaxRankFor(option: string, workClass: unknown): void {
  if (typeof workClass !== 'string' || !CLASS_MAX_RANK.has(workClass)) {
    throw new TypeError(
      `Degradation: ${option} must be one of ${WORK_CLASSES.join(', ')}, got ${String(workClass)}`,
    );
  }
}

// ---- ready-made signals --------------------------------------------------------------------

/** Options for {@link queueDepthSignal}. */
export interface QueueDepthSignalOptions {
  /** Degrade when the depth is greater than this. */
  readonly above: number;
  /**
   * Recover when the depth is at or below this (default `above`). A lower value adds
   * hysteresis in depth on top of the switch's hysteresis in time.
   */
  readonly recoverAt?: number;
  /** The level to ask for while too deep. Default `shed-non-essential`. */
  readonly level?: DegradationLevel;
}

/**
 * A poll for {@link Degradation.addSignal}: asks for `level` while `depth()` is above
 * `above`, and for `full` once it is back at or below `recoverAt`.
 */
export function queueDepthSignal(
  depth: () => number,
  options: QueueDepthSignalOptions,
): () => DegradationLevel {
  if (typeof depth !== 'function') {
    throw new TypeError(`queueDepthSignal: depth must be a function, got ${String(depth)}`);
  }
  const { above } = options;
  if (typeof above !== 'number' || !(above >= 0)) {
    throw new RangeError(`queueDepthSignal: above must be a number ≥ 0, got ${String(above)}`);
  }
  const recoverAt = options.recoverAt ?? above;
  if (typeof recoverAt !== 'number' || !(recoverAt >= 0) || recoverAt > above) {
    throw new RangeError(
      `queueDepthSignal: recoverAt must be a number between 0 and above (${above}), got ${String(recoverAt)}`,
    );
  }
  const level = options.level ?? 'shed-non-essential';
  rankOf(level, 'queueDepthSignal: level');
  let high = false;
  return () => {
    const d = depth();
    if (d > above) high = true;
    else if (d <= recoverAt) high = false;
    return high ? level : 'full';
  };
}

/**
 * A poll for {@link Degradation.addSignal}: asks for `level` (default `shed-non-essential`)
 * while `exhausted()` is true — when the retry budget is spent, shed the work that would
 * spend it.
 */
export function budgetExhaustedSignal(
  exhausted: () => boolean,
  level: DegradationLevel = 'shed-non-essential',
): () => DegradationLevel {
  if (typeof exhausted !== 'function') {
    throw new TypeError(
      `budgetExhaustedSignal: exhausted must be a function, got ${String(exhausted)}`,
    );
  }
  rankOf(level, 'budgetExhaustedSignal: level');
  return () => (exhausted() ? level : 'full');
}

/** Options for {@link breakerOpenSignal} and {@link breakerStateLevel}. */
export interface BreakerSignalOptions {
  /** The level to ask for while the breaker is not closed. Default `shed-non-essential`. */
  readonly level?: DegradationLevel;
  /**
   * Whether a state (or a state-change event) means "open". Default: the state is read from
   * a string, or from an object's `state` or `to` property, and anything but `'closed'`
   * (any case) counts as open — half-open included, since the dependency has not proven
   * itself yet. A payload with no readable state throws (reported as a signal error).
   */
  readonly isOpen?: (stateOrEvent: unknown) => boolean;
}

function defaultIsOpen(e: unknown): boolean {
  let state: unknown = e;
  if (typeof e === 'object' && e !== null) {
    const o = e as { state?: unknown; to?: unknown };
    state = typeof o.state === 'string' ? o.state : o.to;
  }
  if (typeof state !== 'string') {
    throw new TypeError(
      `breaker signal: cannot read a state from ${String(e)}; pass options.isOpen`,
    );
  }
  return state.toLowerCase() !== 'closed';
}

/**
 * A mapping from a breaker's state (or state-change event) to a level, for
 * {@link Degradation.addEventSignal}: `d.addEventSignal('db', breaker.onStateChange,
 * breakerStateLevel())`.
 */
export function breakerStateLevel(
  options: BreakerSignalOptions = {},
): (stateOrEvent: unknown) => DegradationLevel {
  const level = options.level ?? 'shed-non-essential';
  rankOf(level, 'breakerStateLevel: level');
  const isOpen = options.isOpen ?? defaultIsOpen;
  if (typeof isOpen !== 'function') {
    throw new TypeError(`breakerStateLevel: isOpen must be a function, got ${String(isOpen)}`);
  }
  return (e) => (isOpen(e) ? level : 'full');
}

/** A poll for {@link Degradation.addSignal} from a function returning a breaker's state. */
export function breakerOpenSignal(
  state: () => unknown,
  options: BreakerSignalOptions = {},
): () => DegradationLevel {
  if (typeof state !== 'function') {
    throw new TypeError(`breakerOpenSignal: state must be a function, got ${String(state)}`);
  }
  const toLevel = breakerStateLevel(options);
  return () => toLevel(state());
}
