/**
 * @module
 * EC2 instance launches. Customers ask for instances at a steady rate; a launch succeeds only
 * on a droplet that holds a lease (otherwise "insufficient capacity") and only once Network
 * Manager has propagated the new instance's network state within the connectivity deadline
 * (otherwise the instance is impaired and the customer terminates it). The API may be
 * throttled by operators ("request limit exceeded").
 *
 * Failed and throttled requests are retried by the customer. As it happened: after a fixed
 * pause, like an auto-scaling group, up to a number of attempts. With breakwater: by the real
 * {@link Retry} — exponential backoff with full jitter under a {@link LocalRetryBudget} shared
 * by the callers — so the retries stay a bounded share of the load.
 *
 * Launches are counted in aggregate per launch tick (10 s): demand is a Poisson draw, retries
 * due are kept per tick and attempt number, placement is a binomial draw on the share of
 * leased droplets.
 */
import type { Rng } from '../../../core/rng.js';
import { exponentialBackoff } from '../../../resilience/backoff/exponential.js';
import { Retry } from '../../../resilience/retry.js';
import { LocalRetryBudget } from '../../../resilience/retry-budget.js';
import type { VirtualClock } from '../../virtual-clock.js';
import { LAUNCHES, REFERENCE_DROPLETS } from './calibration.js';

/** Seconds between launch ticks. */
export const LAUNCH_TICK_SECONDS = 10;

/** Counters since the last {@link Ec2Launches.drainCounters}. */
export interface LaunchCounters {
  /** Requests admitted by the API (first tries and retries). */
  admitted: number;
  /** Requests refused by the API throttle. */
  throttled: number;
  /** Admitted requests that found no leased droplet. */
  noCapacity: number;
  /** Instances whose network state came in time: successful launches. */
  succeeded: number;
  /** Instances without connectivity by the deadline. */
  noNetwork: number;
  /** Retries sent. */
  retries: number;
  /** Requests the customer gave up on. */
  abandoned: number;
}

/** Options for {@link Ec2Launches}. */
export interface Ec2LaunchesOptions {
  readonly clock: VirtualClock;
  readonly rng: Rng;
  readonly mode: 'naive' | 'breakwater';
  readonly droplets: number;
  /** The number of ticks in the window. */
  readonly ticks: number;
}

const ERROR = new Error('launch failed');

/** Customers launching instances; see the module comment. */
export class Ec2Launches {
  readonly mode: 'naive' | 'breakwater';
  /** New requests per launch tick (mean). */
  readonly perTick: number;
  readonly #rng: Rng;
  readonly #retry: Retry | undefined;
  /** Retries due, per tick and attempt number (1 … maxAttempts − 1). */
  readonly #due: Float64Array;
  readonly #ticks: number;
  readonly #counters: LaunchCounters = LaunchesZero();
  /** Share of requests the API admits (operators' throttle). */
  admitShare = 1;
  /**
   * Launches waiting for their network state, oldest first, as runs of (attempt, count).
   * Outcomes are matched to them in order — exact for the FIFO Network Manager, an
   * approximation for the fresh-first one (only the attempt numbers can be off).
   */
  #flightAttempt: number[] = [];
  #flightCount: number[] = [];
  #flightHead = 0;

  constructor(options: Ec2LaunchesOptions) {
    this.mode = options.mode;
    this.#rng = options.rng;
    this.#ticks = options.ticks;
    this.perTick =
      (LAUNCHES.perMinute * (options.droplets / REFERENCE_DROPLETS) * LAUNCH_TICK_SECONDS) / 60;
    this.#due = new Float64Array((options.ticks + 2) * LAUNCHES.maxAttempts);
    if (options.mode === 'breakwater') {
      const clock = options.clock;
      this.#retry = new Retry({
        clock,
        rng: options.rng.fork('retry'),
        maxAttempts: LAUNCHES.maxAttempts,
        backoff: exponentialBackoff({ baseMs: 10_000, capMs: 600_000, jitter: 'full' }),
        budget: new LocalRetryBudget({
          clock,
          ratio: 0.1,
          minRetriesPerSecond: Math.max(0.01, this.perTick / LAUNCH_TICK_SECONDS / 10),
        }),
        shouldRetry: () => true,
      });
    }
  }

  /** Counters since the previous call; resets them. */
  drainCounters(): LaunchCounters {
    const c = { ...this.#counters };
    Object.assign(this.#counters, LaunchesZero());
    return c;
  }

  /**
   * Launch tick `tick`: new requests and retries due arrive; the API admits `admitShare` of
   * them; each admitted one lands on a leased droplet with probability `leasedShare`.
   * Returns the number of instances placed (whose network state Network Manager now owes).
   */
  tick(tick: number, leasedShare: number): number {
    const rng = this.#rng;
    const c = this.#counters;
    let placed = 0;
    const fresh = poisson(rng, this.perTick);
    for (let attempt = 0; attempt < LAUNCHES.maxAttempts; attempt++) {
      const slot = tick * LAUNCHES.maxAttempts + attempt;
      const n = attempt === 0 ? fresh : Math.round(this.#due[slot] as number);
      if (attempt > 0) this.#due[slot] = 0;
      if (n === 0) continue;
      if (attempt > 0) c.retries += n;
      const admitted = this.admitShare >= 1 ? n : binomial(rng, n, this.admitShare);
      c.throttled += n - admitted;
      this.#fail(tick, attempt, n - admitted);
      c.admitted += admitted;
      const ok = leasedShare >= 1 ? admitted : binomial(rng, admitted, leasedShare);
      c.noCapacity += admitted - ok;
      this.#fail(tick, attempt, admitted - ok);
      if (ok > 0) {
        this.#flightAttempt.push(attempt);
        this.#flightCount.push(ok);
      }
      placed += ok;
    }
    return placed;
  }

  /** `count` placed launches got their network state in time (oldest first). */
  ready(count: number): void {
    this.#counters.succeeded += count;
    const retry = this.#retry;
    this.#take(count, (attempt, n) => {
      if (retry === undefined) return;
      for (let k = 0; k < n; k++) {
        if (attempt === 0) retry.recordFirstTry(true);
        else retry.recordSuccess(attempt + 1);
      }
    });
  }

  /**
   * `count` placed launches got no connectivity by the deadline. With `retryAtTick` ≥ 0 (the
   * breakwater Network Manager dropped them: no instance exists) the customer retries from
   * that launch tick; otherwise the instance exists, impaired, and gets its network state
   * when the backlog reaches it — the customer waits (AWS: "some newly launched instances
   * experienced connectivity issues which were resolved by 1:50 PM").
   */
  impaired(count: number, retryAtTick: number): void {
    this.#counters.noNetwork += count;
    this.#take(count, (attempt, n) => {
      if (retryAtTick >= 0) this.#fail(retryAtTick, attempt, n);
    });
  }

  /** Takes `count` launches off the in-flight runs, oldest first (fractions carried). */
  #take(count: number, fn: (attempt: number, n: number) => void): void {
    let left = count;
    const attempts = this.#flightAttempt;
    const counts = this.#flightCount;
    while (left > 1e-9 && this.#flightHead < counts.length) {
      const h = this.#flightHead;
      const have = counts[h] as number;
      const n = Math.min(have, left);
      counts[h] = have - n;
      left -= n;
      const whole = Math.round(n);
      if (whole > 0) fn(attempts[h] as number, whole);
      if (have - n <= 1e-9) this.#flightHead++;
    }
    if (this.#flightHead > 4096 && this.#flightHead * 2 > counts.length) {
      this.#flightAttempt = attempts.slice(this.#flightHead);
      this.#flightCount = counts.slice(this.#flightHead);
      this.#flightHead = 0;
    }
  }

  /** Schedules the customer's next attempt for `n` requests that failed on `attempt`. */
  #fail(tick: number, attempt: number, n: number): void {
    if (n <= 0) return;
    const next = attempt + 1;
    if (next >= LAUNCHES.maxAttempts) {
      this.#counters.abandoned += n;
      return;
    }
    const retry = this.#retry;
    if (retry === undefined) {
      this.#schedule(tick + Math.round(LAUNCHES.naiveRetrySeconds / LAUNCH_TICK_SECONDS), next, n);
      return;
    }
    for (let k = 0; k < n; k++) {
      if (attempt === 0) retry.recordFirstTry(false);
      const d = retry.decide(attempt, ERROR, 0);
      if (!d.retry) {
        this.#counters.abandoned++;
        continue;
      }
      this.#schedule(
        tick + Math.max(1, Math.round(d.delayMs / 1000 / LAUNCH_TICK_SECONDS)),
        next,
        1,
      );
    }
  }

  #schedule(tick: number, attempt: number, n: number): void {
    if (tick >= this.#ticks) return;
    const slot = tick * LAUNCHES.maxAttempts + attempt;
    this.#due[slot] = (this.#due[slot] as number) + n;
  }
}

function LaunchesZero(): LaunchCounters {
  return {
    admitted: 0,
    throttled: 0,
    noCapacity: 0,
    succeeded: 0,
    noNetwork: 0,
    retries: 0,
    abandoned: 0,
  };
}

/** A Poisson draw (Knuth's method for small means, a rounded normal above 30). */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(rng.normal(mean, Math.sqrt(mean))));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.float();
  while (p > limit) {
    k++;
    p *= rng.float();
  }
  return k;
}

/** A binomial draw: exact for small n, a rounded normal approximation above 50. */
export function binomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n > 50) {
    const mean = n * p;
    const x = Math.round(rng.normal(mean, Math.sqrt(mean * (1 - p))));
    return Math.min(n, Math.max(0, x));
  }
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.float() < p) k++;
  return k;
}
