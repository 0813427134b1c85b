/**
 * @module
 * EC2's DropletWorkflow Manager (DWFM): a lease on every droplet (physical host), checked
 * through DynamoDB. A lease not renewed within the lease timeout expires; a droplet without a
 * lease cannot take new instances. Re-establishing a lease is much more work than renewing it,
 * and it must finish within the lease timeout of the request, or the lease it would grant has
 * already timed out: the work is wasted.
 *
 * The fleet is split over DWFM hosts; each owns an equal share of the droplets, its own work
 * queue and its own DynamoDB client (resolver). Work is done per lease batch — up to 25
 * droplets, one DynamoDB batch request — and hosts run in ticks: each tick a host's scanner
 * offers the work that is due, and its workers spend the tick's worker-seconds on queued items.
 * That keeps 100 000 droplets at a few events per simulated second, with per-batch state in
 * typed arrays.
 *
 * Two ways to run it:
 * - **naive** (as it happened): an unbounded FIFO queue; an item is worked on whenever its turn
 *   comes, however old; failed or timed-out work goes straight back to the end of the queue.
 *   Once the queue holds more work than the hosts can do within a lease timeout, every item is
 *   older than the timeout when its turn comes, fails, and is queued again: congestive
 *   collapse, a metastable state that outlives its trigger. Operators get out of it by
 *   restarting hosts (clearing their queues) and throttling the work they admit.
 * - **breakwater**: breakwater's real policies, through their synchronous APIs — per host a
 *   bounded {@link WorkQueue} with TTL = the lease timeout and fresh-first (adaptive LIFO)
 *   ordering, renewals ahead of establishments (priorities); a {@link CircuitBreaker} on
 *   DynamoDB; a {@link RateLimiter} whose {@link RecoveryRamp} starts when the breaker closes;
 *   and failed work retried by {@link Retry} (exponential backoff, full jitter) under a
 *   {@link LocalRetryBudget}.
 */
import type { Rng } from '../../../core/rng.js';
import { exponentialBackoff } from '../../../resilience/backoff/exponential.js';
import { ConsecutiveBreaker } from '../../../resilience/breaker/consecutive.js';
import { CircuitBreaker } from '../../../resilience/circuit-breaker.js';
import { RateLimiter } from '../../../resilience/rate-limiter.js';
import { Retry } from '../../../resilience/retry.js';
import { LocalRetryBudget } from '../../../resilience/retry-budget.js';
import { WorkQueue } from '../../../resilience/work-queue.js';
import type { Simulation } from '../../kernel/simulation.js';
import type { VirtualClock } from '../../virtual-clock.js';
import { BREAKWATER, DWFM, OPERATORS } from './calibration.js';

/** Which DWFM runs. */
export type DwfmMode = 'naive' | 'breakwater';

/** Why a lease operation failed (for the breaker and the retry policy). */
class LeaseError extends Error {
  constructor(readonly kind: 'unreachable' | 'timed-out') {
    super(
      kind === 'unreachable'
        ? 'DynamoDB endpoint did not resolve'
        : 'lease work finished after the lease timeout',
    );
    this.name = 'LeaseError';
  }
}
const UNREACHABLE = new LeaseError('unreachable');
const TIMED_OUT = new LeaseError('timed-out');

/** Options for {@link Dwfm}. */
export interface DwfmOptions {
  readonly sim: Simulation;
  readonly clock: VirtualClock;
  readonly rng: Rng;
  readonly mode: DwfmMode;
  readonly droplets: number;
  /** Whether DWFM host `h` reaches DynamoDB at window second `t` (its resolver). */
  readonly reachable: (host: number, t: number) => boolean;
  /** A batch whose lease had expired got one again: `droplets` droplets, lost for `seconds`. */
  readonly onLeaseRestored: (droplets: number, seconds: number) => void;
}

/** Counters since the last {@link Dwfm.drainCounters}. */
export interface DwfmCounters {
  /** Droplets whose lease was renewed or established. */
  goodput: number;
  /** Droplets whose lease work was attempted again after a failure. */
  retries: number;
  /** Worker-seconds spent. */
  busySeconds: number;
  /** Worker-seconds spent on work that failed (timed out, or DynamoDB unreachable). */
  wastedSeconds: number;
}

interface Host {
  readonly index: number;
  readonly first: number;
  readonly end: number;
  /** Worker-seconds per second. */
  readonly capacity: number;
  /** Establishments per second the host can do beside its renewals. */
  readonly establishRate: number;
  budget: number;
  cursor: number;
  // naive
  readonly ring: Int32Array;
  head: number;
  count: number;
  throttle: RateLimiter | undefined;
  // breakwater
  readonly queue: WorkQueue<number> | undefined;
  readonly breaker: CircuitBreaker | undefined;
  readonly limiter: RateLimiter | undefined;
  readonly retry: Retry | undefined;
}

/** DWFM; see the module comment. Times are window seconds. */
export class Dwfm {
  readonly mode: DwfmMode;
  readonly droplets: number;
  readonly batches: number;
  readonly hosts: readonly Host[];
  readonly #clock: VirtualClock;
  readonly #rng: Rng;
  readonly #reachable: (host: number, t: number) => boolean;
  readonly #onLeaseRestored: (droplets: number, seconds: number) => void;
  readonly #size: Int32Array;
  readonly #leaseExpires: Float64Array;
  readonly #lastRenewed: Float64Array;
  readonly #enqueuedAt: Float64Array;
  readonly #pending: Uint8Array;
  readonly #eligibleAt: Float64Array;
  readonly #attempt: Int32Array;
  readonly #previousDelayMs: Float64Array;
  readonly #counters: DwfmCounters = { goodput: 0, retries: 0, busySeconds: 0, wastedSeconds: 0 };
  #totalBusy = 0;
  #totalWasted = 0;
  #now = 0;

  constructor(options: DwfmOptions) {
    const { droplets } = options;
    if (!Number.isInteger(droplets) || droplets < 1) {
      throw new RangeError(`Dwfm: droplets must be an integer >= 1, got ${droplets}`);
    }
    this.mode = options.mode;
    this.droplets = droplets;
    this.#clock = options.clock;
    this.#rng = options.rng;
    this.#reachable = options.reachable;
    this.#onLeaseRestored = options.onLeaseRestored;
    const batches = Math.ceil(droplets / DWFM.batchSize);
    this.batches = batches;
    this.#size = new Int32Array(batches).fill(DWFM.batchSize);
    this.#size[batches - 1] = droplets - (batches - 1) * DWFM.batchSize;
    this.#leaseExpires = new Float64Array(batches);
    this.#lastRenewed = new Float64Array(batches);
    this.#enqueuedAt = new Float64Array(batches);
    this.#pending = new Uint8Array(batches);
    this.#eligibleAt = new Float64Array(batches);
    this.#attempt = new Int32Array(batches);
    this.#previousDelayMs = new Float64Array(batches);
    // Before the window every lease is held, renewals spread evenly over the interval.
    for (let b = 0; b < batches; b++) {
      const renewed = -this.#rng.uniform(0, DWFM.renewIntervalSeconds);
      this.#lastRenewed[b] = renewed;
      this.#leaseExpires[b] = renewed + DWFM.leaseTimeoutSeconds;
    }
    const hostCount = Math.min(DWFM.hosts, batches);
    const hosts: Host[] = [];
    for (let h = 0; h < hostCount; h++) {
      const first = Math.floor((h * batches) / hostCount);
      const end = Math.floor(((h + 1) * batches) / hostCount);
      let hostDroplets = 0;
      for (let b = first; b < end; b++) hostDroplets += this.#size[b] as number;
      const capacity = hostDroplets * DWFM.workerSecondsPerDropletSecond;
      const renewLoad = ((end - first) * DWFM.renewCostSeconds) / DWFM.renewIntervalSeconds;
      const establishRate = Math.max(1e-6, (capacity - renewLoad) / DWFM.establishCostSeconds);
      hosts.push(this.#host(options, h, first, end, capacity, establishRate));
    }
    this.hosts = hosts;
  }

  #host(
    options: DwfmOptions,
    index: number,
    first: number,
    end: number,
    capacity: number,
    establishRate: number,
  ): Host {
    const clock = this.#clock;
    const breakwater = options.mode === 'breakwater';
    let queue: WorkQueue<number> | undefined;
    let breaker: CircuitBreaker | undefined;
    let limiter: RateLimiter | undefined;
    let retry: Retry | undefined;
    if (breakwater) {
      queue = new WorkQueue<number>({
        clock,
        capacity: Math.min(BREAKWATER.queueCapacity, end - first),
        priorities: 2,
        order: 'adaptive',
        whenFull: 'shed-oldest',
      });
      queue.onDrop((e) => this.#dropped(e.item));
      breaker = new CircuitBreaker({
        clock,
        breaker: new ConsecutiveBreaker({ threshold: BREAKWATER.breakerThreshold }),
        halfOpenAfterMs: BREAKWATER.halfOpenAfterMs,
        maxHalfOpenAfterMs: BREAKWATER.maxHalfOpenAfterMs,
      });
      const rate = BREAKWATER.admitShare * establishRate;
      limiter = new RateLimiter({
        clock,
        ratePerSecond: rate,
        burst: Math.max(1, rate * 2),
        ramp: { startFraction: BREAKWATER.rampStartFraction, rampMs: BREAKWATER.rampMs },
        rampOn: breaker.onReset,
      });
      retry = new Retry({
        clock,
        rng: options.sim.rng(`dwfm-retry-${index}`),
        maxAttempts: Infinity,
        backoff: exponentialBackoff({
          baseMs: BREAKWATER.retryBaseMs,
          capMs: BREAKWATER.retryCapMs,
          jitter: 'full',
        }),
        budget: new LocalRetryBudget({ clock, minRetriesPerSecond: Math.max(0.05, rate / 2) }),
        // Every lease failure here is transient (DNS, a timeout): the budget, not the
        // error type, bounds the retries.
        shouldRetry: () => true,
      });
    }
    return {
      index,
      first,
      end,
      capacity,
      establishRate,
      budget: 0,
      cursor: first,
      ring: new Int32Array(breakwater ? 0 : end - first),
      head: 0,
      count: 0,
      throttle: undefined,
      queue,
      breaker,
      limiter,
      retry,
    };
  }

  /** A breakwater queue dropped batch `b` (expired, shed): it is looked at again later. */
  #dropped(b: number): void {
    this.#pending[b] = 0;
    this.#eligibleAt[b] = this.#now + BREAKWATER.resweepSeconds;
  }

  /** Droplets holding a lease at window second `t`. */
  leased(t: number): number {
    let n = 0;
    const exp = this.#leaseExpires;
    const size = this.#size;
    for (let b = 0; b < this.batches; b++) if ((exp[b] as number) > t) n += size[b] as number;
    return n;
  }

  /** Work items queued over all hosts (lease batches). */
  queued(): number {
    let n = 0;
    for (const h of this.hosts) n += h.queue === undefined ? h.count : h.queue.size;
    return n;
  }

  /** Counters since the previous call; resets them. */
  drainCounters(): DwfmCounters {
    const c = { ...this.#counters };
    this.#counters.goodput = 0;
    this.#counters.retries = 0;
    this.#counters.busySeconds = 0;
    this.#counters.wastedSeconds = 0;
    return c;
  }

  /** Worker-seconds spent, and spent on failed work, since the start. */
  get totals(): { readonly busySeconds: number; readonly wastedSeconds: number } {
    return { busySeconds: this.#totalBusy, wastedSeconds: this.#totalWasted };
  }

  /**
   * Operators restart host `h` (naive DWFM): its queue is cleared, and from now on it admits
   * lease establishments at `OPERATORS.dwfmThrottleShare` of its capacity.
   */
  restartHost(h: number): void {
    const host = this.hosts[h];
    if (host === undefined) throw new RangeError(`Dwfm.restartHost: no host ${h}`);
    for (let k = 0; k < host.count; k++) {
      this.#pending[host.ring[(host.head + k) % host.ring.length] as number] = 0;
    }
    host.count = 0;
    host.head = 0;
    host.budget = 0;
    host.queue?.clear();
    const rate = OPERATORS.dwfmThrottleShare * host.establishRate;
    host.throttle = new RateLimiter({ clock: this.#clock, ratePerSecond: rate, burst: 1 });
  }

  /** One tick of `dt` seconds ending at window second `t`: every host scans, then works. */
  tick(t: number, dt: number): void {
    this.#now = t;
    for (const host of this.hosts) {
      this.#scan(host, t, dt);
      if (host.queue === undefined) this.#workNaive(host, t, dt);
      else this.#workBreakwater(host, t, dt);
    }
  }

  /** Offers the work that is due in this tick's slice of the host's batches. */
  #scan(host: Host, t: number, dt: number): void {
    const n = host.end - host.first;
    const slice = Math.min(n, Math.ceil((n * dt) / DWFM.scanPeriodSeconds));
    const exp = this.#leaseExpires;
    const pending = this.#pending;
    let establishOk = true;
    for (let k = 0; k < slice; k++) {
      const b = host.cursor;
      host.cursor = b + 1 >= host.end ? host.first : b + 1;
      if (pending[b] === 1) continue;
      const leased = (exp[b] as number) > t;
      if (leased) {
        if (t - (this.#lastRenewed[b] as number) < DWFM.renewIntervalSeconds) continue;
      } else {
        if (t < (this.#eligibleAt[b] as number) || !establishOk) continue;
        const gate = host.queue === undefined ? host.throttle : host.limiter;
        if (gate !== undefined && !gate.tryAcquire()) {
          establishOk = false;
          continue;
        }
      }
      this.#offer(host, b, t, leased);
    }
  }

  #offer(host: Host, b: number, t: number, leased: boolean): void {
    this.#pending[b] = 1;
    this.#enqueuedAt[b] = t;
    const queue = host.queue;
    if (queue === undefined) {
      const ring = host.ring;
      ring[(host.head + host.count) % ring.length] = b;
      host.count++;
      return;
    }
    // A renewal is worth doing only while the lease lasts; an establishment only within the
    // lease timeout of its request. Renewals first: losing a lease costs an establishment.
    const ttlSeconds = leased
      ? Math.max(0.001, (this.#leaseExpires[b] as number) - t)
      : DWFM.leaseTimeoutSeconds;
    queue.offer(b, { priority: leased ? 0 : 1, ttlMs: ttlSeconds * 1000 });
  }

  #workNaive(host: Host, t: number, dt: number): void {
    host.budget = Math.min(host.budget + host.capacity * dt, host.capacity * dt);
    const ring = host.ring;
    while (host.budget > 0 && host.count > 0) {
      const b = ring[host.head] as number;
      host.head = host.head + 1 === ring.length ? 0 : host.head + 1;
      host.count--;
      const error = this.#process(host, b, t);
      if (error === undefined) {
        this.#pending[b] = 0;
      } else {
        // Straight back to the end of the queue: the 2025 DWFM's re-queue.
        this.#counters.retries += this.#size[b] as number;
        this.#enqueuedAt[b] = t;
        ring[(host.head + host.count) % ring.length] = b;
        host.count++;
      }
    }
  }

  #workBreakwater(host: Host, t: number, dt: number): void {
    const queue = host.queue as WorkQueue<number>;
    const breaker = host.breaker as CircuitBreaker;
    const retry = host.retry as Retry;
    host.budget = Math.min(host.budget + host.capacity * dt, host.capacity * dt);
    while (host.budget > 0) {
      const token = breaker.tryAcquire();
      if (token === 0) {
        // Open: the host does not take work it knows will fail; the queue's TTL drops what
        // waits too long.
        host.budget = 0;
        return;
      }
      const b = queue.take();
      if (b === undefined) {
        breaker.recordIgnored(token);
        return;
      }
      const spentBefore = host.budget;
      const error = this.#process(host, b, t);
      const durationMs = (spentBefore - host.budget) * 1000;
      this.#pending[b] = 0;
      const attempt = this.#attempt[b] as number;
      if (error === undefined) {
        breaker.recordSuccess(durationMs, token);
        if (attempt === 0) retry.recordFirstTry(true);
        else retry.recordSuccess(attempt + 1);
        this.#attempt[b] = 0;
        this.#previousDelayMs[b] = 0;
        this.#eligibleAt[b] = 0;
        continue;
      }
      breaker.recordFailure(durationMs, error, token);
      if (attempt === 0) retry.recordFirstTry(false);
      const decision = retry.decide(attempt, error, this.#previousDelayMs[b] as number);
      if (decision.retry) {
        this.#counters.retries += this.#size[b] as number;
        this.#attempt[b] = attempt + 1;
        this.#previousDelayMs[b] = decision.delayMs;
        this.#eligibleAt[b] = t + decision.delayMs / 1000;
      } else {
        this.#attempt[b] = 0;
        this.#previousDelayMs[b] = 0;
        this.#eligibleAt[b] = t + BREAKWATER.resweepSeconds;
      }
    }
  }

  /** Works on batch `b` at `t`; spends the host's worker time; undefined on success. */
  #process(host: Host, b: number, t: number): LeaseError | undefined {
    const size = this.#size[b] as number;
    const exp = this.#leaseExpires[b] as number;
    const reachable = this.#reachable(host.index, t);
    let cost: number;
    let error: LeaseError | undefined;
    if (!reachable) {
      cost = DWFM.failCostSeconds;
      error = UNREACHABLE;
    } else if (exp > t) {
      cost = DWFM.renewCostSeconds;
    } else {
      cost = DWFM.establishCostSeconds * (0.8 + 0.4 * this.#rng.float());
      if (t - (this.#enqueuedAt[b] as number) > DWFM.leaseTimeoutSeconds) error = TIMED_OUT;
    }
    host.budget -= cost;
    this.#counters.busySeconds += cost;
    this.#totalBusy += cost;
    if (error !== undefined) {
      this.#counters.wastedSeconds += cost;
      this.#totalWasted += cost;
      return error;
    }
    if (exp <= t) this.#onLeaseRestored(size, t - exp);
    this.#leaseExpires[b] = t + DWFM.leaseTimeoutSeconds;
    this.#lastRenewed[b] = t;
    this.#counters.goodput += size;
    return undefined;
  }
}
