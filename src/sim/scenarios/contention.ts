/**
 * @module
 * The `contention` scenario: many clients update one shared row with optimistic concurrency,
 * and backoff decides how much work that costs and how long it takes. It repeats the
 * simulation behind Marc Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog,
 * 2015 (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/), message for
 * message, with the resilience library's real backoff code:
 *
 * - N clients start together; each reads the row's version (one message there, one back),
 *   then sends a conditional write that succeeds only if the version is unchanged (one
 *   message there, one back). Every message takes |Normal(10 ms, 2 ms)| of network delay;
 * - a client whose write failed sends its next read after one network delay plus
 *   `backoff(attempt)`, attempt = 1 for the first retry, and tries again until it succeeds;
 * - variants: `none` (retry at once), `exponential` (min(cap, base·2^attempt), no jitter),
 *   `full` jitter, `equal` jitter and `decorrelated` jitter, base 5 ms, cap 2000 ms.
 *
 * Outputs per variant, averaged over the trials: the completion time (virtual time when the
 * last client is done) and the number of conditional writes the row received. The blog's
 * findings, which the tests check: un-jittered exponential backoff takes by far the longest
 * (the clients stay in lock-step, so every round still collides), and jitter cuts the work
 * well below retrying at once.
 *
 * Written as callback handlers on the kernel (no promise, closure or object per message), so
 * 100 clients × 100 trials × 5 variants run in about a second. Each variant runs its trials on
 * one {@link Simulation}; trial `t` draws its network delays and its jitter from streams named
 * after `t`, so every variant sees the same network in trial `t` (common random numbers: the
 * variants differ by their backoff, not by luck), and `--trials 10` repeats the first ten
 * trials of `--trials 100` exactly.
 */
import type { Rng, Seed } from '../../core/rng.js';
import type { Backoff } from '../../resilience/backoff/backoff.js';
import { constantBackoff } from '../../resilience/backoff/constant.js';
import { exponentialBackoff } from '../../resilience/backoff/exponential.js';
import { Simulation } from '../kernel/simulation.js';
import type { HandlerId } from '../kernel/simulation.js';
import { Metrics } from '../metrics.js';
import type { SeriesId } from '../metrics.js';
import { foldedNormal } from '../model/distribution.js';
import { Network } from '../model/network.js';
import { MICROS_PER_MS, ms } from '../units.js';
import { DEFAULT_SCENARIO_SEED } from './default-seed.js';

/** The backoff variants, in the order they are reported. */
export const CONTENTION_BACKOFFS = [
  'none',
  'exponential',
  'full',
  'equal',
  'decorrelated',
] as const;

/** One backoff variant of the `contention` scenario. */
export type ContentionBackoff = (typeof CONTENTION_BACKOFFS)[number];

/** Options for {@link runContention}. Defaults are the (and the blog's) figures. */
export interface ContentionOptions {
  /** Clients contending for the row, an integer ≥ 1. Default 100. */
  readonly clients?: number;
  /** Independent trials averaged per variant, an integer ≥ 1. Default 100. */
  readonly trials?: number;
  /** Root seed. Default {@link DEFAULT_SCENARIO_SEED}. */
  readonly seed?: Seed;
  /** Variants to run, in this order. Default all of {@link CONTENTION_BACKOFFS}. */
  readonly backoffs?: readonly ContentionBackoff[];
  /** Backoff base, ms (> 0). Default 5. */
  readonly baseMs?: number;
  /** Backoff cap, ms (≥ baseMs). Default 2000. */
  readonly capMs?: number;
  /** Mean one-way network delay, ms (≥ 0). Default 10. */
  readonly networkMeanMs?: number;
  /** Standard deviation of the network delay before folding, ms (≥ 0). Default 2. */
  readonly networkSdMs?: number;
  /** Width of the time-series buckets (for charts), ms: an integer ≥ 1. Default 10. */
  readonly bucketMs?: number;
  /** Called after every trial with trials done and trials in all (over every variant). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One bucket of a variant's time series, averaged over the trials. */
export interface ContentionPoint {
  /** Start of the bucket, virtual ms since the clients started. */
  readonly tMs: number;
  /** Conditional writes received by the row during the bucket (mean over trials). */
  readonly writes: number;
  /** Clients done by the end of the bucket (mean over trials). */
  readonly done: number;
}

/** The outcome of one variant. */
export interface ContentionVariantResult {
  readonly backoff: ContentionBackoff;
  /** Mean over trials of the virtual time when the last client was done, ms. */
  readonly meanCompletionMs: number;
  /** Mean over trials of the conditional writes the row received (successes included). */
  readonly meanWriteCalls: number;
  /** Shortest and longest completion time over the trials, ms. */
  readonly minCompletionMs: number;
  readonly maxCompletionMs: number;
  /** Writes and finished clients over time, per bucket of `bucketMs`. */
  readonly series: readonly ContentionPoint[];
}

/** The outcome of {@link runContention}. */
export interface ContentionResult {
  readonly scenario: 'contention';
  readonly clients: number;
  readonly trials: number;
  readonly seed: Seed;
  readonly baseMs: number;
  readonly capMs: number;
  readonly bucketMs: number;
  readonly results: readonly ContentionVariantResult[];
}

/** The `--json` document of the scenario (issue 3's exact shape). */
export interface ContentionJson {
  readonly scenario: 'contention';
  readonly clients: number;
  readonly trials: number;
  readonly results: readonly {
    readonly backoff: ContentionBackoff;
    readonly meanCompletionMs: number;
    readonly meanWriteCalls: number;
  }[];
}

/** The library backoff behind each variant. */
function backoffFor(variant: ContentionBackoff, baseMs: number, capMs: number): Backoff {
  switch (variant) {
    case 'none':
      return constantBackoff({ delayMs: 0 });
    case 'exponential':
      return exponentialBackoff({ baseMs, capMs, jitter: 'none' });
    case 'full':
    case 'equal':
    case 'decorrelated':
      return exponentialBackoff({ baseMs, capMs, jitter: variant });
  }
}

function checkInteger(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`contention: ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

function checkNumber(name: string, value: number, min: number, strict = false): number {
  if (!Number.isFinite(value) || value < min || (strict && value === min)) {
    throw new RangeError(
      `contention: ${name} must be a finite number ${strict ? '>' : '>='} ${min}, got ${value}`,
    );
  }
  return value;
}

/** A time source that reads the simulation's time relative to the start of the trial. */
class TrialTime {
  startUs = 0;
  constructor(private readonly sim: Simulation) {}
  get now(): number {
    return this.sim.now - this.startUs;
  }
}

/**
 * One variant's model: a row (its version), the clients' retry state, and four handlers —
 * read at the server, read response at the client, write at the server, write response at
 * the client. Message payloads carry the client index and a version or a success flag.
 */
class ContentionModel {
  readonly #sim: Simulation;
  readonly #clients: number;
  readonly #backoff: Backoff;
  readonly #metrics: Metrics;
  readonly #writesSeries: SeriesId;
  readonly #doneSeries: SeriesId;
  readonly #serverRead: HandlerId;
  readonly #clientRead: HandlerId;
  readonly #serverWrite: HandlerId;
  readonly #clientWrite: HandlerId;
  readonly #attempt: Int32Array;
  readonly #previousDelayMs: Float64Array;
  #network: Network | undefined = undefined;
  #jitterRng: Rng | undefined = undefined;
  #version = 0;
  #writes = 0;
  #done = 0;

  constructor(sim: Simulation, clients: number, backoff: Backoff, metrics: Metrics) {
    this.#sim = sim;
    this.#clients = clients;
    this.#backoff = backoff;
    this.#metrics = metrics;
    this.#writesSeries = metrics.counter('writes');
    this.#doneSeries = metrics.counter('done');
    this.#attempt = new Int32Array(clients);
    this.#previousDelayMs = new Float64Array(clients);
    this.#serverRead = sim.register((_s, client) => this.#onServerRead(client));
    this.#clientRead = sim.register((_s, client, version) => this.#onReadResponse(client, version));
    this.#serverWrite = sim.register((_s, client, version) => this.#onServerWrite(client, version));
    this.#clientWrite = sim.register((_s, client, ok) => this.#onWriteResponse(client, ok));
  }

  /** Runs one trial to the end; returns [completion µs, writes]. */
  runTrial(network: Network, jitterRng: Rng): readonly [number, number] {
    const sim = this.#sim;
    this.#network = network;
    this.#jitterRng = jitterRng;
    this.#version = 0;
    this.#writes = 0;
    this.#done = 0;
    this.#attempt.fill(0);
    this.#previousDelayMs.fill(0);
    const startUs = sim.now;
    for (let c = 0; c < this.#clients; c++) network.send(this.#serverRead, c);
    sim.run();
    if (this.#done !== this.#clients) {
      throw new Error(`contention: a trial ended with ${this.#done} of ${this.#clients} done`);
    }
    return [sim.now - startUs, this.#writes];
  }

  #onServerRead(client: number): void {
    (this.#network as Network).send(this.#clientRead, client, this.#version);
  }

  #onReadResponse(client: number, version: number): void {
    (this.#network as Network).send(this.#serverWrite, client, version);
  }

  #onServerWrite(client: number, version: number): void {
    this.#writes++;
    this.#metrics.add(this.#writesSeries);
    const ok = version === this.#version;
    if (ok) this.#version++;
    (this.#network as Network).send(this.#clientWrite, client, ok ? 1 : 0);
  }

  #onWriteResponse(client: number, ok: number): void {
    if (ok === 1) {
      this.#done++;
      this.#metrics.add(this.#doneSeries);
      return;
    }
    const attempt = ((this.#attempt[client] as number) + 1) | 0;
    this.#attempt[client] = attempt;
    const delayMs = this.#backoff.next(
      attempt,
      this.#previousDelayMs[client] as number,
      this.#jitterRng as Rng,
    );
    this.#previousDelayMs[client] = delayMs;
    const network = this.#network as Network;
    this.#sim.schedule(network.delayUs() + delayMs * MICROS_PER_MS, this.#serverRead, client);
  }
}

/** Runs the `contention` scenario; see the module comment. */
export function runContention(options: ContentionOptions = {}): ContentionResult {
  const clients = checkInteger('clients', options.clients ?? 100, 1);
  const trials = checkInteger('trials', options.trials ?? 100, 1);
  const seed = options.seed ?? DEFAULT_SCENARIO_SEED;
  const baseMs = checkNumber('baseMs', options.baseMs ?? 5, 0, true);
  const capMs = checkNumber('capMs', options.capMs ?? 2000, baseMs);
  const meanMs = checkNumber('networkMeanMs', options.networkMeanMs ?? 10, 0);
  const sdMs = checkNumber('networkSdMs', options.networkSdMs ?? 2, 0);
  const bucketMs = checkInteger('bucketMs', options.bucketMs ?? 10, 1);
  const variants = options.backoffs ?? CONTENTION_BACKOFFS;
  for (const v of variants) {
    if (!(CONTENTION_BACKOFFS as readonly string[]).includes(v)) {
      throw new RangeError(
        `contention: backoffs must be among ${CONTENTION_BACKOFFS.join(', ')}, got '${String(v)}'`,
      );
    }
  }
  const delay = foldedNormal(ms(meanMs), ms(sdMs));
  const total = trials * variants.length;
  let finished = 0;
  const results: ContentionVariantResult[] = [];
  for (const variant of variants) {
    const sim = new Simulation({ seed, initialCapacity: Math.max(1024, 2 * clients) });
    const time = new TrialTime(sim);
    const metrics = new Metrics(time, { bucketUs: ms(bucketMs) });
    const model = new ContentionModel(sim, clients, backoffFor(variant, baseMs, capMs), metrics);
    let completionSum = 0;
    let writesSum = 0;
    let minUs = Infinity;
    let maxUs = 0;
    for (let t = 0; t < trials; t++) {
      time.startUs = sim.now;
      const network = new Network(sim, { delay, rng: sim.rng(`network#${t}`) });
      const [completionUs, writes] = model.runTrial(network, sim.rng(`jitter#${t}`));
      completionSum += completionUs;
      writesSum += writes;
      if (completionUs < minUs) minUs = completionUs;
      if (completionUs > maxUs) maxUs = completionUs;
      finished++;
      options.onProgress?.(finished, total);
    }
    results.push({
      backoff: variant,
      meanCompletionMs: roundMs(completionSum / trials),
      meanWriteCalls: writesSum / trials,
      minCompletionMs: roundMs(minUs),
      maxCompletionMs: roundMs(maxUs),
      series: seriesOf(metrics, trials, bucketMs, clients),
    });
  }
  return { scenario: 'contention', clients, trials, seed, baseMs, capMs, bucketMs, results };
}

/** µs → ms, kept to the microsecond so the JSON does not print binary-fraction noise. */
function roundMs(us: number): number {
  return Math.round(us) / MICROS_PER_MS;
}

function seriesOf(
  metrics: Metrics,
  trials: number,
  bucketMs: number,
  clients: number,
): ContentionPoint[] {
  const writes = metrics.values('writes');
  const done = metrics.values('done');
  const out: ContentionPoint[] = [];
  let cumulative = 0;
  for (let b = 0; b < writes.length; b++) {
    cumulative += done[b] ?? 0;
    out.push({
      tMs: b * bucketMs,
      writes: (writes[b] ?? 0) / trials,
      done: Math.min(clients, cumulative / trials),
    });
  }
  return out;
}

/** The `--json` document: `{scenario, clients, trials, results: [{backoff, meanCompletionMs,
 * meanWriteCalls}]}`, exactly. */
export function contentionJson(result: ContentionResult): ContentionJson {
  return {
    scenario: 'contention',
    clients: result.clients,
    trials: result.trials,
    results: result.results.map((r) => ({
      backoff: r.backoff,
      meanCompletionMs: r.meanCompletionMs,
      meanWriteCalls: r.meanWriteCalls,
    })),
  };
}
