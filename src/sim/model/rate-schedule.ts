/**
 * @module
 * Piecewise-constant arrival rates, such as the `spike` scenario's "40 req/s, 80 req/s from
 * t = 20 s to t = 25 s, then 40 req/s until t = 80 s".
 *
 * Arrivals of a Poisson process with a time-varying rate λ(t) are generated exactly by
 * inverting its cumulative rate Λ(t) = ∫λ: draw E ~ Exp(1) and find the t' with
 * Λ(t') − Λ(t) = E (the time-change theorem; Çinlar, "Introduction to Stochastic Processes",
 * 1975, §4.7). With piecewise-constant λ that is a walk over the steps, one division each —
 * exact at every rate change, unlike sampling at the current rate, and with no rejected
 * draws, unlike thinning (Lewis & Shedler 1979).
 */

/** One step of a {@link RateSchedule}: from `fromUs` on, `perSecond` arrivals per second. */
export interface RateStep {
  /** Start of the step, virtual µs. */
  readonly fromUs: number;
  /** Mean arrivals per second during the step, ≥ 0. */
  readonly perSecond: number;
}

/** Options for {@link RateSchedule}. */
export interface RateScheduleOptions {
  /** No arrivals at or after this time, µs. Default Infinity. */
  readonly untilUs?: number;
}

/** A piecewise-constant rate; see the module comment. */
export class RateSchedule {
  /** Step start times, µs, strictly increasing. */
  readonly #from: Float64Array;
  /** Rates per microsecond. */
  readonly #perUs: Float64Array;
  /** End of the schedule, µs. */
  readonly untilUs: number;
  /** The steps as given (for reports). */
  readonly steps: readonly RateStep[];

  /**
   * @param steps in increasing `fromUs` order. Before the first step the rate is 0. The last
   *   step lasts until `untilUs`.
   */
  constructor(steps: readonly RateStep[], options: RateScheduleOptions = {}) {
    if (steps.length === 0) throw new RangeError('RateSchedule needs at least one step');
    const untilUs = options.untilUs ?? Infinity;
    if (!(untilUs >= 0)) {
      throw new RangeError(`RateSchedule untilUs must be >= 0, got ${untilUs}`);
    }
    this.#from = new Float64Array(steps.length);
    this.#perUs = new Float64Array(steps.length);
    let previous = -Infinity;
    steps.forEach((step, i) => {
      if (!(step.fromUs >= 0 && step.fromUs > previous && Number.isFinite(step.fromUs))) {
        throw new RangeError(
          `RateSchedule steps[${i}].fromUs must be finite, >= 0 and increasing, got ${step.fromUs}`,
        );
      }
      if (!(step.perSecond >= 0 && Number.isFinite(step.perSecond))) {
        throw new RangeError(
          `RateSchedule steps[${i}].perSecond must be a finite number >= 0, got ${step.perSecond}`,
        );
      }
      previous = step.fromUs;
      this.#from[i] = step.fromUs;
      this.#perUs[i] = step.perSecond / 1_000_000;
    });
    this.untilUs = untilUs;
    this.steps = steps.map((s) => ({ fromUs: s.fromUs, perSecond: s.perSecond }));
  }

  /** A constant rate. */
  static constant(perSecond: number, options: RateScheduleOptions = {}): RateSchedule {
    return new RateSchedule([{ fromUs: 0, perSecond }], options);
  }

  /** The rate at `timeUs`, arrivals per second (0 before the first step and from `untilUs`). */
  rateAt(timeUs: number): number {
    if (timeUs >= this.untilUs) return 0;
    const i = this.#stepAt(timeUs);
    return i < 0 ? 0 : (this.#perUs[i] as number) * 1_000_000;
  }

  /** Expected number of arrivals in [fromUs, toUs): Λ(toUs) − Λ(fromUs). */
  expectedArrivals(fromUs: number, toUs: number): number {
    let total = 0;
    const end = Math.min(toUs, this.untilUs);
    for (let i = 0; i < this.#from.length; i++) {
      const start = Math.max(fromUs, this.#from[i] as number);
      const stop = Math.min(end, i + 1 < this.#from.length ? (this.#from[i + 1] as number) : end);
      if (stop > start) total += (stop - start) * (this.#perUs[i] as number);
    }
    return total;
  }

  /**
   * The time of the next arrival after `fromUs`, given `unitExp`, a draw of Exp(1):
   * the t with Λ(t) − Λ(fromUs) = unitExp. `Infinity` when that lies at or after `untilUs`.
   * The result is continuous; round it when scheduling.
   */
  nextArrivalUs(fromUs: number, unitExp: number): number {
    let t = fromUs;
    let left = unitExp;
    const n = this.#from.length;
    let i = this.#stepAt(t);
    if (i < 0) {
      i = 0;
      t = this.#from[0] as number;
    }
    for (; i < n; i++) {
      const end = Math.min(this.untilUs, i + 1 < n ? (this.#from[i + 1] as number) : Infinity);
      if (t >= end) continue;
      const rate = this.#perUs[i] as number;
      if (rate > 0) {
        const room = (end - t) * rate;
        if (room > left) return t + left / rate;
        left -= room;
      }
      t = end;
    }
    return Infinity;
  }

  /** Index of the step containing `timeUs`, or -1 before the first. */
  #stepAt(timeUs: number): number {
    const from = this.#from;
    let lo = 0;
    let hi = from.length - 1;
    if (timeUs < (from[0] as number)) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((from[mid] as number) <= timeUs) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
