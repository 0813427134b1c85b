/**
 * @module
 * An open-loop source: requests arrive as a Poisson process, at a constant rate or following
 * a {@link RateSchedule}, no matter how the system is coping. That is how the outside world
 * loads a service — users do not slow down because a server is slow — and it is why a system
 * can stay collapsed once retries add to it (Schroeder, Wierman & Harchol-Balter, "Open
 * Versus Closed: A Cautionary Tale", NSDI 2006).
 *
 * One event is pending at a time; each arrival calls `onArrival(sim, index)` and schedules
 * the next, so the source allocates nothing per arrival.
 */
import type { Rng } from '../../core/rng.js';
import type { EventId, HandlerId, Simulation } from '../kernel/simulation.js';
import { RateSchedule } from './rate-schedule.js';

/** Options for {@link PoissonSource}. */
export interface PoissonSourceOptions {
  /** Arrivals per second: a constant or a piecewise-constant schedule. */
  readonly rate: number | RateSchedule;
  /** The source's own random stream (e.g. `sim.rng('arrivals')`). */
  readonly rng: Rng;
  /** Called at each arrival, `index` counting from 0. */
  readonly onArrival: (sim: Simulation, index: number) => void;
  /** No arrivals at or after this time, µs (in addition to the schedule's own end). */
  readonly untilUs?: number;
}

/** Poisson arrivals driving a model; see the module comment. */
export class PoissonSource {
  readonly #sim: Simulation;
  readonly #schedule: RateSchedule;
  readonly #rng: Rng;
  readonly #onArrival: (sim: Simulation, index: number) => void;
  readonly #untilUs: number;
  readonly #handler: HandlerId;
  /** Exact (unrounded) time of the pending arrival, so rounding never accumulates. */
  #nextUs = 0;
  #pending: EventId = -1;
  #arrivals = 0;

  constructor(sim: Simulation, options: PoissonSourceOptions) {
    const { rate } = options;
    if (typeof rate === 'number') {
      if (!(rate >= 0 && Number.isFinite(rate))) {
        throw new RangeError(`PoissonSource rate must be a finite number >= 0, got ${rate}`);
      }
      this.#schedule = RateSchedule.constant(rate);
    } else if (rate instanceof RateSchedule) {
      this.#schedule = rate;
    } else {
      throw new TypeError('PoissonSource rate must be a number or a RateSchedule');
    }
    if (typeof options.onArrival !== 'function') {
      throw new TypeError('PoissonSource onArrival must be a function');
    }
    const untilUs = options.untilUs ?? Infinity;
    if (!(untilUs >= 0)) {
      throw new RangeError(`PoissonSource untilUs must be >= 0, got ${untilUs}`);
    }
    this.#sim = sim;
    this.#rng = options.rng;
    this.#onArrival = options.onArrival;
    this.#untilUs = untilUs;
    this.#handler = sim.register(() => this.#arrive());
  }

  /** Arrivals so far. */
  get arrivals(): number {
    return this.#arrivals;
  }

  /** True while an arrival is scheduled. */
  get active(): boolean {
    return this.#pending >= 0;
  }

  /** Starts generating arrivals from now. Idempotent while active. */
  start(): this {
    if (this.#pending < 0) {
      this.#nextUs = this.#sim.now;
      this.#scheduleNext();
    }
    return this;
  }

  /** Stops: the pending arrival is cancelled. `start()` resumes from the then-current time. */
  stop(): void {
    if (this.#pending >= 0) this.#sim.cancel(this.#pending);
    this.#pending = -1;
  }

  #scheduleNext(): void {
    const next = this.#schedule.nextArrivalUs(this.#nextUs, this.#rng.exponential(1));
    if (!(next < this.#untilUs)) {
      this.#pending = -1;
      return;
    }
    this.#nextUs = next;
    this.#pending = this.#sim.scheduleAt(Math.max(this.#sim.now, Math.round(next)), this.#handler);
  }

  #arrive(): void {
    const index = this.#arrivals++;
    this.#scheduleNext();
    this.#onArrival(this.#sim, index);
  }
}
