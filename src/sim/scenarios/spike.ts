/**
 * @module
 * The `spike` scenario: a metastable failure, and what breakwater's mitigations do about it.
 *
 * A retry storm of the kind Bronson, Aghayev, Charapko & Zhu describe in "Metastable Failures
 * in Distributed Systems" (HotOS 2021), with issue 3's figures: an open-loop Poisson load of
 * 40 req/s rises to 80 req/s for t ∈ [20 s, 25 s) and falls back to 40 req/s until t = 80 s.
 * The server slows down with load — service takes 1.0 s + 0.01 s × requests in progress —
 * clients give each attempt 3 s and make up to 3 attempts, and every message takes
 * Exp(mean 0.1 s) of network delay each way.
 *
 * Why it stays down: at 40 req/s the server holds about 67 requests (L = λ·S with
 * S = 1 + 0.01·L), each served in 1.7 s, within the timeout. The spike drives service times
 * past 3 s; attempts time out, the server goes on serving them for nobody, and clients retry,
 * so the load becomes up to 3 × 40 = 120 req/s — more than the server's ceiling of 100 req/s
 * (L/S → 100 as L grows). Once the spike has tipped it over, the retries alone keep it there:
 * the trigger is gone, the failure is not.
 *
 * How the server slows down matters. By default every request in progress slows down when
 * more arrive ({@link ProcessorSharingServer}): contention for CPU, locks and caches hits the
 * work already running, not only the work that starts later. With `serverModel:
 * 'load-at-start'` a request's service time is fixed by the load when it starts (the existing
 * {@link Server} with `loadDependent`); the spike's 5 s then sit right at the tipping point,
 * and whether `no-backoff` collapses depends on the seed (it did in 27 of 40 seeds we tried),
 * while with the default model it collapses in every seed we tried (40 of 40) — so the default
 * shows the failure, and the other model shows how close to the edge these numbers are.
 *
 * Variants (every one drives the real {@link Retry} through its synchronous `decide`, so the
 * only difference is configuration):
 * - `no-backoff`: retry at once (`constantBackoff({ delayMs: 0 })`); the server accepts
 *   everything into service and serves it to the end (an unbounded FIFO in front of
 *   unboundedly many workers — every request is "in progress");
 * - `backoff-jitter`: the same server; retries wait capped exponential backoff with full
 *   jitter (100 ms base, 20 s cap: `Retry`'s defaults). Backoff spreads the retries in time but
 *   does not remove any, so in an open system it barely changes the outcome (Brooker, "What
 *   is Backoff For?", 2022, https://brooker.co.za/blog/2022/08/11/backoff.html);
 * - `breakwater`: the same backoff plus a shared {@link LocalRetryBudget} (retries ≤ 10 % of
 *   successful first tries + 10 per second), and on the server a fixed pool of `workers`
 *   (default 100) behind the real {@link WorkQueue} (through {@link WorkQueueAdapter}): each
 *   request carries its caller's deadline as its TTL, so work whose caller gave up is dropped
 *   unserved; adaptive LIFO serves the freshest request first once a backlog forms; the queue
 *   is bounded and sheds its oldest item when full, answering with a fast error that the
 *   retry policy does not retry (`QueueDroppedError`, refused by `defaultShouldRetry`).
 *   The worker pool is sized with Little's law: 100 requests in service take 2 s each, which
 *   leaves a third of the 3 s deadline for the network and the queue, and give a ceiling of
 *   50 req/s, 25 % above the normal load. Capping concurrency is what keeps a slow-with-load
 *   server on the good side of its latency curve; the queue then decides *which* work is
 *   worth the capacity.
 *
 * Outputs per variant: per-second series of offered load (new requests), goodput (requests
 * that succeeded), retries (attempts after the first) and timeouts (attempts the client gave
 * up on), plus, for the report, the mean number of requests in service and in the queue and
 * the server's completions and drops per second. Every request is booked in a
 * {@link RequestLedger}: succeeded + failed + timed out + dropped + in flight = issued.
 *
 * All variants use the same arrival stream (common random numbers), so their `offered` series
 * are identical and the differences are the policies'.
 */
import type { Seed } from '../../core/rng.js';
import { constantBackoff } from '../../resilience/backoff/constant.js';
import { exponentialBackoff } from '../../resilience/backoff/exponential.js';
import { QueueDroppedError, TaskTimeoutError } from '../../resilience/errors.js';
import { Retry } from '../../resilience/retry.js';
import { LocalRetryBudget } from '../../resilience/retry-budget.js';
import { WorkQueue } from '../../resilience/work-queue.js';
import { grow } from '../internal/grow.js';
import { Simulation } from '../kernel/simulation.js';
import type { HandlerId } from '../kernel/simulation.js';
import { Metrics } from '../metrics.js';
import type { MetricsRow, SeriesId } from '../metrics.js';
import { Client } from '../model/client.js';
import type { AttemptOutcome } from '../model/client.js';
import { constant, exponential, loadDependent } from '../model/distribution.js';
import { Network } from '../model/network.js';
import { PoissonSource } from '../model/poisson-source.js';
import { ProcessorSharingServer } from '../model/processor-sharing-server.js';
import { RateSchedule } from '../model/rate-schedule.js';
import type { RequestCounts } from '../model/request-ledger.js';
import { RequestStatus } from '../model/request-ledger.js';
import { Server } from '../model/server.js';
import { WorkQueueAdapter } from '../model/work-queue-adapter.js';
import { MICROS_PER_MS, MICROS_PER_SECOND, ms, seconds } from '../units.js';
import { VirtualClock } from '../virtual-clock.js';
import { DEFAULT_SCENARIO_SEED } from './default-seed.js';

/** The variants, in the order they are reported. */
export const SPIKE_VARIANTS = ['no-backoff', 'backoff-jitter', 'breakwater'] as const;

/** One variant of the `spike` scenario. */
export type SpikeVariant = (typeof SPIKE_VARIANTS)[number];

/** How the server's slowdown with load is modelled; see {@link SpikeOptions.serverModel}. */
export type SpikeServerModel = 'processor-sharing' | 'load-at-start';

/** Options for {@link runSpike}. Defaults are the figures. */
export interface SpikeOptions {
  /** Root seed. Default {@link DEFAULT_SCENARIO_SEED}. */
  readonly seed?: Seed;
  /** Variants to run, in this order. Default all of {@link SPIKE_VARIANTS}. */
  readonly variants?: readonly SpikeVariant[];
  /** Normal arrival rate, req/s. Default 40. */
  readonly baseRatePerSecond?: number;
  /** Arrival rate during the spike, req/s. Default 80. */
  readonly spikeRatePerSecond?: number;
  /** Spike start and end, s. Default 20 and 25. */
  readonly spikeFromSeconds?: number;
  readonly spikeUntilSeconds?: number;
  /** Length of the run (arrivals stop, the series end), whole seconds. Default 80. */
  readonly durationSeconds?: number;
  /** Service time at no load, ms. Default 1000. */
  readonly serviceBaseMs?: number;
  /** Extra service time per request in progress, ms. Default 10. */
  readonly servicePerInProgressMs?: number;
  /** Client timeout per attempt, ms. Default 3000. */
  readonly timeoutMs?: number;
  /** Attempts per request, the first included. Default 3. */
  readonly maxAttempts?: number;
  /** Mean one-way network delay (exponential), ms. Default 100. */
  readonly networkMeanMs?: number;
  /** `breakwater`: the server's worker pool. Default 100 (see the module comment). */
  readonly workers?: number;
  /** `breakwater`: the work queue's bound. Default 100 (two seconds of the pool's output). */
  readonly queueCapacity?: number;
  /**
   * How "1.0 s + 0.01 s × in progress" is applied. `'processor-sharing'` (default): every job
   * in service slows down while the server holds more ({@link ProcessorSharingServer}).
   * `'load-at-start'`: a job's service time is fixed by the load when it starts
   * ({@link Server} with `loadDependent`). See the module comment for why the default.
   */
  readonly serverModel?: SpikeServerModel;
  /** Called as simulated time advances: virtual µs done and in all (over every variant). */
  readonly onProgress?: (doneUs: number, totalUs: number) => void;
}

/** One second of a variant's run: the `--json` series entry. */
export interface SpikePoint {
  /** Start of the second. */
  readonly t: number;
  /** New requests that arrived. */
  readonly offered: number;
  /** Requests that succeeded (their response reached the client in time). */
  readonly goodput: number;
  /** Retry attempts sent. */
  readonly retries: number;
  /** Attempts the client stopped waiting for. */
  readonly timeouts: number;
}

/** One second of the server's side, for the report. */
export interface SpikeServerPoint {
  readonly t: number;
  /** Mean requests in service (sampled every 100 ms). */
  readonly inProgress: number;
  /** Mean requests waiting in the queue (sampled every 100 ms). */
  readonly queued: number;
  /** Requests the server finished serving (for callers still waiting or not). */
  readonly served: number;
  /** Requests the server dropped unserved (expired, shed). */
  readonly dropped: number;
}

/** Totals of one variant's run. */
export interface SpikeTotals extends RequestCounts {
  /** Attempts sent, first tries included. */
  readonly attempts: number;
  readonly retries: number;
  readonly timeouts: number;
  /** Responses that reached a client that had given up: work done for nobody. */
  readonly lateResponses: number;
  /** Requests the server served to the end. */
  readonly served: number;
}

/** The outcome of one variant. */
export interface SpikeVariantResult {
  readonly variant: SpikeVariant;
  /** A line saying what the variant runs. */
  readonly description: string;
  readonly series: readonly SpikePoint[];
  readonly server: readonly SpikeServerPoint[];
  readonly totals: SpikeTotals;
}

/** The outcome of {@link runSpike}. */
export interface SpikeResult {
  readonly scenario: 'spike';
  readonly seed: Seed;
  readonly durationSeconds: number;
  readonly spikeFromSeconds: number;
  readonly spikeUntilSeconds: number;
  readonly results: readonly SpikeVariantResult[];
}

/** The `--json` document of the scenario (issue 3's exact shape). */
export interface SpikeJson {
  readonly scenario: 'spike';
  readonly results: readonly {
    readonly variant: SpikeVariant;
    readonly series: readonly SpikePoint[];
  }[];
}

/** Mean offered load and goodput over a window, req/s, and their ratio. */
export interface SpikeWindowSummary {
  readonly fromSeconds: number;
  readonly toSeconds: number;
  readonly offeredPerSecond: number;
  readonly goodputPerSecond: number;
  /** goodput / offered (1 when nothing was offered). */
  readonly ratio: number;
}

/** Sampling period of the in-progress and queue gauges. */
const SAMPLE_US = ms(100);

function checkNumber(name: string, value: number, min: number, strict = false): number {
  if (!Number.isFinite(value) || value < min || (strict && value === min)) {
    throw new RangeError(
      `spike: ${name} must be a finite number ${strict ? '>' : '>='} ${min}, got ${value}`,
    );
  }
  return value;
}

function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`spike: ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

function checkServerModel(value: string): SpikeServerModel {
  if (value !== 'processor-sharing' && value !== 'load-at-start') {
    throw new RangeError(
      `spike: serverModel must be 'processor-sharing' or 'load-at-start', got '${value}'`,
    );
  }
  return value;
}

interface Config {
  readonly seed: Seed;
  readonly schedule: RateSchedule;
  readonly durationUs: number;
  readonly serviceBaseUs: number;
  readonly servicePerInProgressUs: number;
  readonly timeoutUs: number;
  readonly maxAttempts: number;
  readonly networkMeanUs: number;
  readonly workers: number;
  readonly queueCapacity: number;
  readonly serverModel: SpikeServerModel;
}

const DESCRIPTIONS: Readonly<Record<SpikeVariant, string>> = {
  'no-backoff': 'immediate retries; the server serves everything it was sent',
  'backoff-jitter':
    'exponential backoff with full jitter (100 ms base, 20 s cap); the server serves everything',
  breakwater:
    'backoff with full jitter + retry budget; server: worker pool behind a WorkQueue with TTL = caller deadline, adaptive LIFO, shed-oldest',
};

/**
 * One variant's run: the source, the client with its retry hooks, the server and the
 * metrics, wired on one {@link Simulation}.
 */
class SpikeModel {
  readonly sim: Simulation;
  readonly client: Client;
  readonly server: Server | ProcessorSharingServer;
  readonly metrics: Metrics;
  readonly serverMetrics: Metrics;
  readonly #retry: Retry;
  readonly #timeoutError: TaskTimeoutError;
  readonly #shedError = new QueueDroppedError('shed');
  readonly #serverError = new Error('server error');
  readonly #offered: SeriesId;
  readonly #goodput: SeriesId;
  readonly #retries: SeriesId;
  readonly #timeouts: SeriesId;
  readonly #inProgress: SeriesId;
  readonly #queued: SeriesId;
  readonly #served: SeriesId;
  readonly #dropped: SeriesId;
  readonly #sampleHandler: HandlerId;
  #attemptsOf = new Int32Array(1024);
  #previousDelayMs = new Float64Array(1024);
  #servedBefore = 0;
  #droppedBefore = 0;

  constructor(variant: SpikeVariant, config: Config) {
    const sim = new Simulation({ seed: config.seed, initialCapacity: 4096 });
    this.sim = sim;
    const clock = new VirtualClock(sim);
    this.metrics = new Metrics(sim);
    // Registration order is the order of the keys in the JSON rows.
    this.#offered = this.metrics.counter('offered');
    this.#goodput = this.metrics.counter('goodput');
    this.#retries = this.metrics.counter('retries');
    this.#timeouts = this.metrics.counter('timeouts');
    this.serverMetrics = new Metrics(sim);
    this.#inProgress = this.serverMetrics.mean('inProgress');
    this.#queued = this.serverMetrics.mean('queued');
    this.#served = this.serverMetrics.counter('served');
    this.#dropped = this.serverMetrics.counter('dropped');
    this.#timeoutError = new TaskTimeoutError(config.timeoutUs / MICROS_PER_MS);

    const breakwater = variant === 'breakwater';
    this.#retry = new Retry({
      clock,
      rng: sim.rng('retry'),
      maxAttempts: config.maxAttempts,
      backoff:
        variant === 'no-backoff'
          ? constantBackoff({ delayMs: 0 })
          : exponentialBackoff({ baseMs: 100, capMs: 20_000, jitter: 'full' }),
      ...(breakwater ? { budget: new LocalRetryBudget({ clock }) } : {}),
    });

    const common = {
      workers: breakwater ? config.workers : Infinity,
      rng: sim.rng('server'),
      ...(breakwater
        ? {
            queue: new WorkQueueAdapter(
              new WorkQueue<number>({
                clock,
                capacity: config.queueCapacity,
                order: 'adaptive',
                whenFull: 'shed-oldest',
              }),
            ),
          }
        : {}),
    };
    this.server =
      config.serverModel === 'processor-sharing'
        ? new ProcessorSharingServer(sim, {
            ...common,
            work: constant(config.serviceBaseUs),
            slowdownPerInProgress: config.servicePerInProgressUs / config.serviceBaseUs,
          })
        : new Server(sim, {
            ...common,
            serviceTime: loadDependent(config.serviceBaseUs, config.servicePerInProgressUs),
          });

    const delay = exponential(config.networkMeanUs);
    this.client = new Client(sim, {
      server: this.server,
      network: new Network(sim, { delay, rng: sim.rng('network-request') }),
      responseNetwork: new Network(sim, { delay, rng: sim.rng('network-response') }),
      timeoutUs: config.timeoutUs,
      maxAttempts: config.maxAttempts,
      propagateDeadline: breakwater,
      retryDelayUs: (_s, request, attempts, outcome) =>
        this.#retryDelayUs(request, attempts, outcome),
      onAttempt: (_s, request, attempt) => this.#onAttempt(request, attempt),
      onTimeout: () => this.metrics.add(this.#timeouts),
      onResolve: (_s, request, status) => this.#onResolve(request, status),
    });

    new PoissonSource(sim, {
      rate: config.schedule,
      rng: sim.rng('arrivals'),
      onArrival: () => {
        this.metrics.add(this.#offered);
        this.client.call();
      },
    }).start();

    this.#sampleHandler = sim.register(() => this.#sample());
    sim.schedule(0, this.#sampleHandler);
  }

  #onAttempt(request: number, attempt: number): void {
    if (request >= this.#attemptsOf.length) {
      this.#attemptsOf = grow(this.#attemptsOf, request + 1);
      this.#previousDelayMs = grow(this.#previousDelayMs, request + 1);
    }
    this.#attemptsOf[request] = attempt;
    if (attempt === 1) this.#previousDelayMs[request] = 0;
    else this.metrics.add(this.#retries);
  }

  #retryDelayUs(request: number, attempts: number, outcome: AttemptOutcome): number {
    const retry = this.#retry;
    if (attempts === 1) retry.recordFirstTry(false);
    const error =
      outcome === RequestStatus.TimedOut
        ? this.#timeoutError
        : outcome === RequestStatus.Dropped
          ? this.#shedError
          : this.#serverError;
    const decision = retry.decide(attempts - 1, error, this.#previousDelayMs[request] as number);
    if (!decision.retry) return -1;
    this.#previousDelayMs[request] = decision.delayMs;
    return decision.delayMs * MICROS_PER_MS;
  }

  #onResolve(request: number, status: RequestStatus): void {
    if (status !== RequestStatus.Succeeded) return;
    this.metrics.add(this.#goodput);
    const attempts = this.#attemptsOf[request] as number;
    if (attempts === 1) this.#retry.recordFirstTry(true);
    this.#retry.recordSuccess(attempts);
  }

  /** Every 100 ms: the server's in-progress and queue gauges, and its counters' increments. */
  #sample(): void {
    const server = this.server;
    const m = this.serverMetrics;
    m.record(this.#inProgress, server.busy);
    m.record(this.#queued, server.queued);
    m.add(this.#served, server.completed - this.#servedBefore);
    m.add(this.#dropped, server.dropped - this.#droppedBefore);
    this.#servedBefore = server.completed;
    this.#droppedBefore = server.dropped;
    this.sim.schedule(SAMPLE_US, this.#sampleHandler);
  }
}

/** Runs the `spike` scenario; see the module comment. */
export function runSpike(options: SpikeOptions = {}): SpikeResult {
  const base = checkNumber('baseRatePerSecond', options.baseRatePerSecond ?? 40, 0);
  const peak = checkNumber('spikeRatePerSecond', options.spikeRatePerSecond ?? 80, 0);
  const duration = checkInteger('durationSeconds', options.durationSeconds ?? 80, 1);
  const from = checkNumber('spikeFromSeconds', options.spikeFromSeconds ?? 20, 0);
  const until = checkNumber('spikeUntilSeconds', options.spikeUntilSeconds ?? 25, from, true);
  const variants = options.variants ?? SPIKE_VARIANTS;
  for (const v of variants) {
    if (!(SPIKE_VARIANTS as readonly string[]).includes(v)) {
      throw new RangeError(
        `spike: variants must be among ${SPIKE_VARIANTS.join(', ')}, got '${String(v)}'`,
      );
    }
  }
  const steps =
    from === 0
      ? [
          { fromUs: 0, perSecond: peak },
          { fromUs: seconds(until), perSecond: base },
        ]
      : [
          { fromUs: 0, perSecond: base },
          { fromUs: seconds(from), perSecond: peak },
          { fromUs: seconds(until), perSecond: base },
        ];
  const config: Config = {
    seed: options.seed ?? DEFAULT_SCENARIO_SEED,
    schedule: new RateSchedule(steps, { untilUs: seconds(duration) }),
    durationUs: seconds(duration),
    serviceBaseUs: ms(checkNumber('serviceBaseMs', options.serviceBaseMs ?? 1000, 0)),
    servicePerInProgressUs: ms(
      checkNumber('servicePerInProgressMs', options.servicePerInProgressMs ?? 10, 0),
    ),
    timeoutUs: ms(checkNumber('timeoutMs', options.timeoutMs ?? 3000, 0, true)),
    maxAttempts: checkInteger('maxAttempts', options.maxAttempts ?? 3, 1),
    networkMeanUs: ms(checkNumber('networkMeanMs', options.networkMeanMs ?? 100, 0)),
    workers: checkInteger('workers', options.workers ?? 100, 1),
    queueCapacity: checkInteger('queueCapacity', options.queueCapacity ?? 100, 1),
    serverModel: checkServerModel(options.serverModel ?? 'processor-sharing'),
  };
  const totalUs = config.durationUs * variants.length;
  const results: SpikeVariantResult[] = [];
  variants.forEach((variant, index) => {
    const model = new SpikeModel(variant, config);
    // One simulated second at a time, so a progress bar can follow.
    for (let t = MICROS_PER_SECOND; t <= config.durationUs; t += MICROS_PER_SECOND) {
      model.sim.run(t);
      options.onProgress?.(index * config.durationUs + t, totalUs);
    }
    results.push(resultOf(variant, model, config.durationUs));
  });
  return {
    scenario: 'spike',
    seed: config.seed,
    durationSeconds: duration,
    spikeFromSeconds: from,
    spikeUntilSeconds: until,
    results,
  };
}

function num(row: MetricsRow, key: string): number {
  return row[key] ?? 0;
}

function resultOf(
  variant: SpikeVariant,
  model: SpikeModel,
  durationUs: number,
): SpikeVariantResult {
  // Events at exactly t = duration (run() includes them) belong to the next second, which the
  // series does not show; rows() stops before it.
  const series = model.metrics.rows(durationUs).map((row) => ({
    t: row.t,
    offered: num(row, 'offered'),
    goodput: num(row, 'goodput'),
    retries: num(row, 'retries'),
    timeouts: num(row, 'timeouts'),
  }));
  const server = model.serverMetrics.rows(durationUs).map((row) => ({
    t: row.t,
    inProgress: round2(num(row, 'inProgress')),
    queued: round2(num(row, 'queued')),
    served: num(row, 'served'),
    dropped: num(row, 'dropped'),
  }));
  const { client } = model;
  const counts = client.ledger.counts();
  const recount = client.ledger.recount();
  for (const key of Object.keys(counts) as (keyof RequestCounts)[]) {
    // The running totals must agree with the per-request table (every request booked once).
    if (counts[key] !== recount[key]) {
      throw new Error(`spike: ledger ${key} is ${counts[key]} but the table says ${recount[key]}`);
    }
  }
  return {
    variant,
    description: DESCRIPTIONS[variant],
    series,
    server,
    totals: {
      ...counts,
      attempts: client.attempts,
      retries: client.retries,
      timeouts: client.timeouts,
      lateResponses: client.lateResponses,
      served: model.server.completed,
    },
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Mean offered load and goodput of a variant over [fromSeconds, toSeconds). */
export function summarizeSpikeWindow(
  result: SpikeVariantResult,
  fromSeconds: number,
  toSeconds: number,
): SpikeWindowSummary {
  let offered = 0;
  let goodput = 0;
  let n = 0;
  for (const p of result.series) {
    if (p.t >= fromSeconds && p.t < toSeconds) {
      offered += p.offered;
      goodput += p.goodput;
      n++;
    }
  }
  const span = n === 0 ? 1 : n;
  return {
    fromSeconds,
    toSeconds,
    offeredPerSecond: offered / span,
    goodputPerSecond: goodput / span,
    ratio: offered === 0 ? 1 : goodput / offered,
  };
}

/** The `--json` document: `{scenario, results: [{variant, series: [{t, offered, goodput,
 * retries, timeouts}]}]}`, exactly. */
export function spikeJson(result: SpikeResult): SpikeJson {
  return {
    scenario: 'spike',
    results: result.results.map((r) => ({ variant: r.variant, series: r.series })),
  };
}
