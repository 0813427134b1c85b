/**
 * @module
 * The Redis adapter of {@link SharedState}: every operation is one Lua script run with
 * `EVALSHA`, registered once per connection with `SCRIPT LOAD` (as rate-limiter-flexible does);
 * when the server answers `NOSCRIPT` — it restarted, failed over, or someone ran
 * `SCRIPT FLUSH` — the call is sent again with `EVAL`, which also puts the script back in the
 * server's cache. The scripts (`internal/scripts.ts`) mirror the in-memory steps, decide with the
 * server's clock, and keep every key of one record under one hash tag (`bw:{key}:…`), so they
 * also run on Redis Cluster.
 *
 * The client is ioredis, imported *only* by {@link connectRedisSharedState} through a dynamic
 * `import()`: `breakwater/resilience` never loads it, and neither does importing this module.
 * The connection is set up to fail fast rather than queue: no offline queue (a command sent
 * while disconnected rejects at once), no per-command retries, reconnection in the background.
 * Bounding each call's time and deciding what to do while Redis is away is the job of the
 * {@link SharedLink} in front of it, not of this adapter.
 */
import type { Redis, RedisOptions } from 'ioredis';
import { createHash } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type {
  BucketReply,
  BucketRequest,
  BucketSpec,
  CircuitReply,
  CircuitRequest,
  CircuitSpec,
  FleetCircuitState,
  FleetOpenReason,
  SemaphoreReply,
  SemaphoreSpec,
  SharedState,
} from '../shared/shared-state.js';
import { BUCKET_SCRIPT, CIRCUIT_SCRIPT, SEMAPHORE_SCRIPT } from './internal/scripts.js';

/** The part of an ioredis client the adapter uses (so a test may pass a stand-in). */
export type RedisClient = Pick<Redis, 'call' | 'quit' | 'disconnect' | 'on' | 'once' | 'status'>;

/** Options for {@link connectRedisSharedState}. */
export interface RedisSharedStateOptions {
  /** `redis://[:password@]host:port[/db]`. Default `redis://127.0.0.1:6379`. Ignored with `client`. */
  readonly url?: string;
  /**
   * An ioredis client to use instead of opening one. It is used as given (configure it to fail
   * fast: `enableOfflineQueue: false`, `maxRetriesPerRequest: 0`) and not closed by `close()`.
   */
  readonly client?: RedisClient;
  /** Prefix of every key. Default `'bw:'`. */
  readonly keyPrefix?: string;
  /** More ioredis options for the client opened from `url` (they override the fail-fast defaults). */
  readonly redisOptions?: RedisOptions;
  /**
   * How long `connectRedisSharedState` waits for the first connection, ms. Default 1000. When
   * Redis is not there by then the state is returned anyway: its calls fail until it connects
   * (ioredis keeps trying), and the {@link SharedLink} keeps the policies local meanwhile.
   */
  readonly connectTimeoutMs?: number;
  /** Times the wait for the first connection. Default: the system clock. */
  readonly clock?: Clock;
}

interface Script {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const BUCKET = script(BUCKET_SCRIPT);
const CIRCUIT = script(CIRCUIT_SCRIPT);
const SEMAPHORE = script(SEMAPHORE_SCRIPT);

/** Circuits and buckets without a refill are kept a day after their last use. */
const RECORD_TTL_MS = 86_400_000;

function num(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  return n <= -1e299 ? -Infinity : n;
}

function isNoScript(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOSCRIPT');
}

/** A {@link SharedState} on Redis. Create it with {@link connectRedisSharedState}. */
export class RedisSharedState implements SharedState {
  readonly #client: RedisClient;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  #closed = false;

  /** Wraps a client; prefer {@link connectRedisSharedState}, which also opens one. */
  constructor(client: RedisClient, options: { keyPrefix?: string; ownsClient?: boolean } = {}) {
    this.#client = client;
    this.#prefix = options.keyPrefix ?? 'bw:';
    this.#ownsClient = options.ownsClient ?? false;
  }

  /** The ioredis client (for diagnostics and tests). */
  get client(): RedisClient {
    return this.#client;
  }

  /** Loads the scripts into the server's cache (`SCRIPT LOAD`); called once on connect. */
  async loadScripts(): Promise<void> {
    for (const s of [BUCKET, CIRCUIT, SEMAPHORE]) {
      await this.#client.call('SCRIPT', 'LOAD', s.source);
    }
  }

  async takeTokens(key: string, spec: BucketSpec, request: BucketRequest): Promise<BucketReply> {
    const ramp = spec.ramp;
    const perMs = spec.refillPerSecond / 1000;
    const ttl =
      perMs > 0
        ? Math.ceil(Math.max(60_000, (2 * spec.capacity) / perMs + (ramp?.rampMs ?? 0)))
        : 0;
    const r = (await this.#run(
      BUCKET,
      [this.#key(key, 'b')],
      [
        spec.capacity,
        spec.refillPerSecond,
        spec.initialTokens,
        request.deposit,
        request.want,
        request.startRamp === true ? 1 : 0,
        request.startRampDedupeMs ?? 0,
        ramp === undefined ? 0 : ramp.startFraction,
        ramp === undefined ? 0 : ramp.rampMs,
        ramp?.shape === 'exponential' ? 1 : 0,
        ttl,
      ],
    )) as unknown[];
    const retry = num(r[3]);
    return {
      granted: num(r[0]),
      tokens: num(r[1]),
      nowMs: num(r[2]),
      retryAfterMs: retry < 0 ? Infinity : retry,
      rampStartedAtMs: num(r[4]),
    };
  }

  async circuit(key: string, spec: CircuitSpec, request: CircuitRequest): Promise<CircuitReply> {
    const keys = [this.#key(key, 'c'), this.#key(key, 'v'), this.#key(key, 'w')];
    for (let i = 0; i < spec.halfOpenMaxProbes; i++) keys.push(this.#key(key, `p${i}`));
    const fr = spec.failureRate;
    const r = (await this.#run(CIRCUIT, keys, [
      request.op,
      request.op === 'reset' ? '' : request.holder,
      request.op === 'report' ? request.calls : 0,
      request.op === 'report' ? request.failures : 0,
      request.op === 'report' && request.vote ? 1 : 0,
      request.op === 'probe-done' ? request.generation : 0,
      request.op === 'probe-done' ? request.slot : -1,
      request.op === 'probe-done' ? request.outcome : '',
      spec.quorum,
      spec.voteWindowMs,
      fr === undefined ? 0 : fr.threshold,
      fr === undefined ? 0 : fr.minimumCalls,
      fr === undefined ? 0 : fr.windowMs,
      spec.halfOpenAfterMs,
      spec.maxHalfOpenAfterMs,
      spec.halfOpenBackoffFactor,
      spec.halfOpenMaxProbes,
      spec.halfOpenSuccessesToClose,
      Math.max(1, Math.ceil(spec.probeLeaseMs)),
      Math.max(RECORD_TTL_MS, Math.ceil(spec.maxHalfOpenAfterMs * 2)),
    ])) as unknown[];
    const state = String(r[0]) as FleetCircuitState;
    const by = String(r[8]);
    return {
      state,
      generation: num(r[1]),
      opens: num(r[3]),
      openUntilMs: state === 'open' ? num(r[2]) : NaN,
      nowMs: num(r[4]),
      votes: num(r[5]),
      slot: num(r[6]),
      probeSuccesses: num(r[7]),
      openedBy: by === '' ? undefined : (by as FleetOpenReason),
    };
  }

  async holdPermits(
    key: string,
    spec: SemaphoreSpec,
    holder: string,
    want: number,
  ): Promise<SemaphoreReply> {
    const r = (await this.#run(
      SEMAPHORE,
      [this.#key(key, 's'), this.#key(key, 'e')],
      [spec.limit, Math.max(1, Math.ceil(spec.leaseMs)), holder, want],
    )) as unknown[];
    return { held: num(r[0]), total: num(r[1]), nowMs: num(r[2]) };
  }

  async ping(): Promise<void> {
    await this.#client.call('PING');
  }

  /** Closes the connection if this state opened it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#ownsClient) return;
    try {
      await this.#client.quit();
    } catch {
      this.#client.disconnect();
    }
  }

  #key(key: string, suffix: string): string {
    return `${this.#prefix}{${key}}:${suffix}`;
  }

  async #run(s: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await this.#client.call('EVALSHA', s.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!isNoScript(err)) throw err;
      // The server lost its script cache (restart, failover, SCRIPT FLUSH): EVAL runs the
      // script and caches it again, so the next EVALSHA finds it.
      return this.#client.call('EVAL', s.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Opens an ioredis connection (loading ioredis on first use), registers the scripts, and
 * returns the {@link RedisSharedState}. Does not throw when Redis is down: see
 * `connectTimeoutMs`.
 *
 * @example
 * const state = await connectRedisSharedState({ url: process.env.REDIS_URL });
 * const link = new SharedLink({ state, clock: systemClock, expectedInstances: 200 });
 */
export async function connectRedisSharedState(
  options: RedisSharedStateOptions = {},
): Promise<RedisSharedState> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `connectRedisSharedState: options must be an object, got ${String(options)}`,
    );
  }
  const keyPrefix = options.keyPrefix ?? 'bw:';
  if (typeof keyPrefix !== 'string') {
    throw new TypeError(
      `connectRedisSharedState: keyPrefix must be a string, got ${typeof keyPrefix}`,
    );
  }
  if (options.client !== undefined) {
    const state = new RedisSharedState(options.client, { keyPrefix });
    await state.loadScripts().catch(() => undefined);
    return state;
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? 1000;
  if (typeof connectTimeoutMs !== 'number' || !(connectTimeoutMs >= 0)) {
    throw new RangeError(
      `connectRedisSharedState: connectTimeoutMs must be a number >= 0, got ${String(connectTimeoutMs)}`,
    );
  }
  // The only place ioredis is loaded: breakwater/resilience stays free of it.
  const { Redis } = await import('ioredis');
  const redisOptions: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Local batching already keeps store calls rare (one per many calls); ioredis's
    // auto-pipelining builds a pipeline object per event-loop turn, which costs more CPU than
    // it saves at that rate (measured with bench/shared.ts).
    enableAutoPipelining: false,
    connectTimeout: Math.max(1, connectTimeoutMs),
    // Reconnect quickly at first, then every second: the link's probe finds out when it is back.
    retryStrategy: (times: number) => Math.min(50 * times, 1000),
    ...options.redisOptions,
  };
  // The cast: ioredis's constructor types do not accept their own RedisOptions under
  // exactOptionalPropertyTypes (its `replyMapping` lacks `| undefined`).
  const client = new Redis(options.url ?? 'redis://127.0.0.1:6379', redisOptions as never);
  // Without a listener ioredis reports every failed reconnection on stderr.
  client.on('error', () => undefined);
  const state = new RedisSharedState(client, { keyPrefix, ownsClient: true });
  const ready = await waitReady(client, connectTimeoutMs, options.clock ?? systemClock);
  if (ready) await state.loadScripts().catch(() => undefined);
  return state;
}

function waitReady(client: Redis, timeoutMs: number, clock: Clock): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    let done = false;
    const finish = (ok: boolean): void => {
      if (done) return;
      done = true;
      client.off('ready', onReady);
      resolve(ok);
    };
    const onReady = (): void => finish(true);
    client.on('ready', onReady);
    // A connection attempt that fails is retried by ioredis; give up waiting after timeoutMs.
    clock.setTimer(timeoutMs, () => finish(false), { unref: true });
  });
}
