/**
 * @module
 * A recovery ramp: when a dependency comes back, let traffic back in gently. The admitted share
 * of full rate starts at `startFraction` and grows to 1 over `rampMs`, so a backlog that piled
 * up during the outage cannot stampede the dependency the moment it recovers.
 *
 * This is what engineers did by hand for EC2's DropletWorkflow Manager on 2025-10-20: when
 * DynamoDB's DNS came back, DWFM tried to re-establish every lease at once, the work outran the
 * lease timeout, timed-out work was re-queued, and the system sat in congestive collapse until
 * incoming work was throttled. The same idea is TCP slow start (RFC 5681 §3.1) and Envoy's
 * `slow_start_config` for hosts that join a cluster.
 *
 * Two shapes, both reaching exactly 1 at `rampMs`:
 * - `'linear'`: f(t) = f0 + (1 − f0)·t/R. Gives the dependency a constant acceleration; half of
 *   the missing capacity is back at R/2.
 * - `'exponential'`: f(t) = f0·(1/f0)^(t/R), i.e. a fixed number of doublings as in TCP slow
 *   start. It stays low for most of the ramp and climbs late, the gentler choice when the
 *   dependency's cold caches or connection pools need time to warm.
 *
 * The ramp is pure arithmetic on monotonic time: consumers read `fraction(now)` or the exact
 * integral of it (the rate limiter refills with `integral`, so tokens follow the ramp exactly
 * however rarely it is called). The only timer is the one that announces `onRampEnd`.
 */
import type { Clock, Timer } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import { EventEmitter } from '../core/events.js';
import type { Event } from '../core/events.js';

/** How the fraction grows from `startFraction` to 1. See the module comment. */
export type RampShape = 'linear' | 'exponential';

/** Options for {@link RecoveryRamp}. */
export interface RecoveryRampOptions {
  /** Share of full rate admitted when the ramp starts, in (0, 1]. E.g. 0.1. */
  readonly startFraction: number;
  /** How long the ramp takes to reach full rate, ms (> 0, finite). */
  readonly rampMs: number;
  /** Growth curve; default `'linear'`. */
  readonly shape?: RampShape;
  /** Time source; default the system clock. */
  readonly clock?: Clock;
  /**
   * Called synchronously just before a start or stop changes the curve, with the monotonic
   * time. A consumer that integrates the fraction lazily (the rate limiter) uses it to account
   * for the old curve up to this instant, so a restart mid-way never credits too much.
   */
  readonly settle?: (nowMs: number) => void;
}

/** Payload of {@link RecoveryRamp.onRampStart}. */
export interface RampStartEvent {
  /** Monotonic time the ramp started, ms. */
  readonly atMs: number;
  /** Monotonic time it will reach full rate, ms. */
  readonly endsAtMs: number;
}

/** Payload of {@link RecoveryRamp.onRampEnd}. */
export interface RampEndEvent {
  /** Monotonic time the ramp ended, ms. */
  readonly atMs: number;
  /** True when it ran its course; false when `stop()` cut it short. */
  readonly completed: boolean;
}

function checkOptions(o: RecoveryRampOptions): void {
  const { startFraction, rampMs, shape } = o;
  if (typeof startFraction !== 'number' || !(startFraction > 0 && startFraction <= 1)) {
    throw new RangeError(
      `RecoveryRamp: option startFraction must be a number in (0, 1], got ${String(startFraction)}`,
    );
  }
  if (typeof rampMs !== 'number' || !(rampMs > 0) || !Number.isFinite(rampMs)) {
    throw new RangeError(
      `RecoveryRamp: option rampMs must be a finite number > 0, got ${String(rampMs)}`,
    );
  }
  if (shape !== undefined && shape !== 'linear' && shape !== 'exponential') {
    throw new RangeError(
      `RecoveryRamp: option shape must be 'linear' or 'exponential', got ${String(shape)}`,
    );
  }
}

/**
 * The admitted share of full rate after a recovery. Before the first `start()` and after the
 * ramp ends the fraction is 1. Start it by hand or from any event (the rate limiter's
 * `rampOn` option wires a breaker's `onReset`); a start during a ramp begins a fresh one.
 */
export class RecoveryRamp {
  /** Share of full rate at the start of a ramp. */
  readonly startFraction: number;
  /** Duration of a ramp, ms. */
  readonly rampMs: number;
  /** Growth curve. */
  readonly shape: RampShape;

  readonly #clock: Clock;
  readonly #settle: ((nowMs: number) => void) | undefined;
  /** Linear slope, fraction per ms: (1 − f0)/R. */
  readonly #slope: number;
  /** Exponential growth constant per ms: ln(1/f0)/R (0 when f0 = 1). */
  readonly #k: number;
  readonly #exponential: boolean;
  #startMs = -Infinity;
  #endMs = -Infinity;
  #timer: Timer | undefined = undefined;
  readonly #onStart = new EventEmitter<RampStartEvent>();
  readonly #onEnd = new EventEmitter<RampEndEvent>();

  /** Fires when a ramp starts (also on a restart during a ramp). */
  readonly onRampStart: Event<RampStartEvent> = this.#onStart.event;
  /** Fires when a ramp reaches full rate, or is stopped early. */
  readonly onRampEnd: Event<RampEndEvent> = this.#onEnd.event;

  constructor(options: RecoveryRampOptions) {
    checkOptions(options);
    this.startFraction = options.startFraction;
    this.rampMs = options.rampMs;
    this.shape = options.shape ?? 'linear';
    this.#clock = options.clock ?? systemClock;
    this.#settle = options.settle;
    this.#slope = (1 - this.startFraction) / this.rampMs;
    this.#k = -Math.log(this.startFraction) / this.rampMs;
    // With f0 = 1 the exponential is the constant 1; the linear formulas handle that exactly.
    this.#exponential = this.shape === 'exponential' && this.#k > 0;
  }

  /** True while a ramp is in progress (the fraction is below 1). */
  get active(): boolean {
    return this.#clock.monotonic() < this.#endMs;
  }

  /** Monotonic time the current or last ramp started, or -Infinity if never. */
  get startedAtMs(): number {
    return this.#startMs;
  }

  /** Monotonic time the current or last ramp reaches full rate, or -Infinity if never started. */
  get endsAtMs(): number {
    return this.#endMs;
  }

  /** Begins a ramp now (a fresh one, from `startFraction`, if one is already running). */
  start(): void {
    const now = this.#clock.monotonic();
    this.#settle?.(now);
    this.#timer?.cancel();
    this.#startMs = now;
    this.#endMs = now + this.rampMs;
    // The only timer: it just announces the end; the fraction itself is computed from time.
    this.#timer = this.#clock.setTimer(this.rampMs, this.#finish, { unref: true });
    if (this.#onStart.hasListeners) this.#onStart.emit({ atMs: now, endsAtMs: this.#endMs });
  }

  /** Ends a running ramp at once (full rate from now on). No-op when none is running. */
  stop(): void {
    const now = this.#clock.monotonic();
    if (!(now < this.#endMs)) return;
    this.#settle?.(now);
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#endMs = now;
    this.#onEnd.emit({ atMs: now, completed: false });
  }

  /** Cancels the end-of-ramp timer without changing the curve or emitting anything. */
  dispose(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  readonly #finish = (): void => {
    this.#timer = undefined;
    this.#onEnd.emit({ atMs: this.#endMs, completed: true });
  };

  /**
   * The admitted share of full rate at monotonic time `nowMs` (default: now), in
   * [startFraction, 1]. Times before the current ramp began read as 1.
   */
  fraction(nowMs: number = this.#clock.monotonic()): number {
    if (!(nowMs < this.#endMs) || nowMs < this.#startMs) return 1;
    const u = nowMs - this.#startMs;
    return this.#exponential
      ? this.startFraction * Math.exp(this.#k * u)
      : this.startFraction + this.#slope * u;
  }

  /**
   * ∫ fraction(t) dt over [fromMs, toMs], in ms (so `rate × integral / 1000` is the number of
   * tokens a limiter earns). Exact, in closed form; 0 when `toMs <= fromMs`.
   */
  integral(fromMs: number, toMs: number): number {
    if (!(toMs > fromMs)) return 0;
    const s = this.#startMs;
    const e = this.#endMs;
    // Fast path: the whole interval lies outside the ramp (the common case).
    if (fromMs >= e || toMs <= s) return toMs - fromMs;
    let total = 0;
    if (fromMs < s) total += s - fromMs;
    if (toMs > e) total += toMs - e;
    const a = Math.max(fromMs, s) - s;
    const b = Math.min(toMs, e) - s;
    return total + this.#rampIntegral(a, b);
  }

  /**
   * The shortest `d >= 0` such that `integral(fromMs, fromMs + d) >= amountMs`: how long until
   * a limiter earns a given number of full-rate milliseconds. Exact inverse of `integral`.
   */
  timeToAccumulate(fromMs: number, amountMs: number): number {
    if (!(amountMs > 0)) return 0;
    if (!(amountMs < Infinity)) return Infinity;
    const s = this.#startMs;
    const e = this.#endMs;
    if (fromMs >= e) return amountMs;
    let d = 0;
    let left = amountMs;
    let from = fromMs;
    if (from < s) {
      // Before the ramp the fraction is 1 (only reachable when asked about the past).
      const before = s - from;
      if (left <= before) return left;
      d += before;
      left -= before;
      from = s;
    }
    const u = from - s;
    const inRamp = this.#rampIntegral(u, e - s);
    if (left > inRamp) return d + (e - from) + (left - inRamp);
    // Rounding in exp/log can put the root a hair below u; time never runs backwards.
    return d + Math.max(0, this.#rampInverse(u, left) - u);
  }

  /**
   * How long from `fromMs` until the fraction reaches `target` (0 if it already has, Infinity
   * if `target > 1`).
   */
  timeToReach(fromMs: number, target: number): number {
    if (target > 1) return Infinity;
    if (this.fraction(fromMs) >= target) return 0;
    const u = this.#exponential
      ? Math.log(target / this.startFraction) / this.#k
      : (target - this.startFraction) / this.#slope;
    return Math.max(0, this.#startMs + u - fromMs);
  }

  /** ∫ f over [a, b] in ramp-relative time, 0 <= a <= b <= rampMs. */
  #rampIntegral(a: number, b: number): number {
    const f0 = this.startFraction;
    if (this.#exponential) {
      const k = this.#k;
      // e^kb − e^ka = e^ka·(e^k(b−a) − 1); expm1 keeps precision when f0 is near 1 (k tiny).
      return (f0 / k) * Math.exp(k * a) * Math.expm1(k * (b - a));
    }
    return f0 * (b - a) + (this.#slope / 2) * (b * b - a * a);
  }

  /** The ramp-relative v >= u with ∫ f over [u, v] = amount (amount within the ramp). */
  #rampInverse(u: number, amount: number): number {
    const f0 = this.startFraction;
    if (this.#exponential) {
      const k = this.#k;
      return u + Math.log1p((amount * k) / (f0 * Math.exp(k * u))) / k;
    }
    const c = this.#slope;
    if (c === 0) return u + amount / f0;
    // Solve (c/2)v² + f0·v − ((c/2)u² + f0·u + amount) = 0 for the positive root, written so
    // it does not cancel catastrophically: v = 2K / (f0 + √(f0² + 2cK)).
    const k2 = (c / 2) * u * u + f0 * u + amount;
    return (2 * k2) / (f0 + Math.sqrt(f0 * f0 + 2 * c * k2));
  }
}
