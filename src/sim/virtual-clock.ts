/**
 * @module
 * A {@link Clock} that reads and schedules on a {@link Simulation}'s virtual time, so code
 * written against a `Clock` — the resilience policies, later the DNS enactors — runs under
 * the simulator unchanged. A timer is a kernel event; `sleep` resolves when its event fires,
 * so sleeps resolve in (time, scheduling order).
 *
 * Run async code with `sim.runAsync()`: it lets promise continuations run after every event,
 * so an awaiting function resumes (and sets its next timer) before virtual time moves on.
 * With the synchronous `sim.run()`, timers still fire in order, but continuations run only
 * after `run` returns. Code under simulation must wait only on this clock and on other
 * simulated code: a real socket, file or `setTimeout` is not driven by virtual time.
 */
import { sleepWith } from '../core/clock.js';
import type { Clock, Timer, TimerOptions } from '../core/clock.js';
import type { EventId, Simulation } from './kernel/simulation.js';

/** Options for {@link VirtualClock}. */
export interface VirtualClockOptions {
  /**
   * Wall-clock reading (`now()`, ms since the Unix epoch) at virtual time 0. Default
   * 2025-10-20T06:48:00Z — 23:48 PDT, when DynamoDB's DNS record went empty — so that
   * timestamps in simulated logs are plausible and fixed.
   */
  readonly startEpochMs?: number;
}

/** Default {@link VirtualClockOptions.startEpochMs}: 2025-10-20T06:48:00Z. */
export const DEFAULT_START_EPOCH_MS = Date.UTC(2025, 9, 20, 6, 48, 0);

/** A kernel event that may still be cancelled. */
class VirtualTimer implements Timer {
  constructor(
    private readonly sim: Simulation,
    private readonly id: EventId,
  ) {}
  cancel(): void {
    this.sim.cancel(this.id);
  }
}

/** A timer that never fires (an infinite delay): nothing to cancel. */
const NEVER: Timer = Object.freeze({ cancel(): void {} });

/** The {@link Clock} of a {@link Simulation}; see the module comment. */
export class VirtualClock implements Clock {
  /** The simulation whose time this clock reads. */
  readonly sim: Simulation;
  readonly #startEpochMs: number;

  constructor(sim: Simulation, options: VirtualClockOptions = {}) {
    const start = options.startEpochMs ?? DEFAULT_START_EPOCH_MS;
    if (!Number.isFinite(start)) {
      throw new RangeError(`VirtualClock startEpochMs must be finite, got ${start}`);
    }
    this.sim = sim;
    this.#startEpochMs = start;
  }

  /** `startEpochMs` plus the virtual time, in whole milliseconds (like `Date.now()`). */
  now(): number {
    return Math.floor(this.#startEpochMs + this.sim.now / 1000);
  }

  /** Virtual time in milliseconds (fractional: microsecond resolution). */
  monotonic(): number {
    return this.sim.now / 1000;
  }

  /**
   * Fires `fn` after `ms` virtual milliseconds, rounded UP to the microsecond: like a real
   * timer, a virtual one may fire late but never early. (Rounding to the nearest µs let a
   * timer fire up to 0.5 µs early; code that re-arms for "deadline − now" — the resilience
   * `DeadlineList` — then re-armed at the same instant forever.) Negative and NaN delays count
   * as 0; a delay past the end of virtual time (such as Infinity) never fires.
   */
  setTimer(ms: number, fn: () => void, _options?: TimerOptions): Timer {
    const delayUs = ms > 0 ? Math.ceil(ms * 1000) : 0;
    // Past the end of representable virtual time (2^53 µs, ~285 years) is "never".
    if (delayUs >= Number.MAX_SAFE_INTEGER - this.sim.now) return NEVER;
    return new VirtualTimer(this.sim, this.sim.scheduleFn(delayUs, fn));
  }

  /** Resolves after `ms` virtual milliseconds; rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
}
