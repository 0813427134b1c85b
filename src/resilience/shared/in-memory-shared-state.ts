/**
 * @module
 * A {@link SharedState} held in one process: the fleet's records in `Map`s, time from a
 * {@link Clock}. It answers synchronously, so instances simulated in one process (the
 * simulator's callback models, unit tests on a `ManualClock`) share exact fleet-wide state
 * through the policies' synchronous APIs. It is also the reference the Redis adapter is held
 * to: both run the same steps (`internal/*-record.ts`), and one contract suite checks both.
 *
 * For rehearsing a store outage it can answer late (`latencyMs`, on the clock) or not at all:
 * {@link InMemorySharedState.fault} `'down'` throws at once (a refused connection), `'hang'`
 * never answers (a stalled server; the policies' timeout must cut it off).
 */
import type { Clock } from '../../core/clock.js';
import { ResilienceError } from '../errors.js';
import type {
  BucketReply,
  BucketRequest,
  BucketSpec,
  CircuitReply,
  CircuitRequest,
  CircuitSpec,
  MaybePromise,
  SemaphoreReply,
  SemaphoreSpec,
  SharedState,
} from './shared-state.js';
import type { BucketRecord } from './internal/bucket-record.js';
import { newBucket, stepBucket } from './internal/bucket-record.js';
import type { CircuitRecord } from './internal/circuit-record.js';
import { newCircuit, stepCircuit } from './internal/circuit-record.js';
import type { SemaphoreRecord } from './internal/semaphore-record.js';
import { stepSemaphore } from './internal/semaphore-record.js';

/** How an {@link InMemorySharedState} misbehaves, for outage rehearsals. */
export type SharedStateFault = 'down' | 'hang' | undefined;

/** Options for {@link InMemorySharedState}. */
export interface InMemorySharedStateOptions {
  /** The store's clock (`monotonic()` is its time). */
  readonly clock: Clock;
  /**
   * Answer after this long on the clock, ms (≥ 0; default 0: answer synchronously). The step
   * is applied when the answer is due, as a remote store applies it on arrival.
   */
  readonly latencyMs?: number;
}

/** The error a `'down'` in-memory store throws (a refused connection, rehearsed). */
export class SharedStateUnavailableError extends ResilienceError {
  readonly code = 'BW_SHARED_STATE_DOWN' as const;
  constructor() {
    super('in-memory shared state is down (fault injected)');
  }
}

/** A {@link SharedState} in this process. See the module comment. */
export class InMemorySharedState implements SharedState {
  readonly #clock: Clock;
  readonly #latencyMs: number;
  readonly #buckets = new Map<string, BucketRecord>();
  readonly #circuits = new Map<string, CircuitRecord>();
  readonly #semaphores = new Map<string, SemaphoreRecord>();
  #fault: SharedStateFault = undefined;
  #operations = 0;

  constructor(options: InMemorySharedStateOptions) {
    const clock = options?.clock as Clock | undefined;
    if (typeof clock?.monotonic !== 'function') {
      throw new TypeError(
        `InMemorySharedState: clock must be a Clock, got ${clock === null ? 'null' : typeof clock}`,
      );
    }
    const latencyMs = options.latencyMs ?? 0;
    if (typeof latencyMs !== 'number' || !(latencyMs >= 0) || !Number.isFinite(latencyMs)) {
      throw new RangeError(
        `InMemorySharedState: latencyMs must be a finite number >= 0, got ${String(latencyMs)}`,
      );
    }
    this.#clock = clock;
    this.#latencyMs = latencyMs;
  }

  /** The injected fault: `'down'` throws, `'hang'` never answers, undefined works. */
  get fault(): SharedStateFault {
    return this.#fault;
  }
  set fault(value: SharedStateFault) {
    if (value !== undefined && value !== 'down' && value !== 'hang') {
      throw new RangeError(
        `InMemorySharedState: fault must be 'down', 'hang' or undefined, got ${String(value)}`,
      );
    }
    this.#fault = value;
  }

  /** Operations answered so far (for tests and benchmarks: round trips a remote store would make). */
  get operations(): number {
    return this.#operations;
  }

  takeTokens(key: string, spec: BucketSpec, request: BucketRequest): MaybePromise<BucketReply> {
    return this.#answer(() => {
      const now = this.#clock.monotonic();
      let rec = this.#buckets.get(key);
      if (rec === undefined) {
        rec = newBucket(spec, now);
        this.#buckets.set(key, rec);
      }
      return stepBucket(rec, spec, request, now);
    });
  }

  circuit(key: string, spec: CircuitSpec, request: CircuitRequest): MaybePromise<CircuitReply> {
    return this.#answer(() => {
      let rec = this.#circuits.get(key);
      if (rec === undefined) {
        rec = newCircuit();
        this.#circuits.set(key, rec);
      }
      return stepCircuit(rec, spec, request, this.#clock.monotonic());
    });
  }

  holdPermits(
    key: string,
    spec: SemaphoreSpec,
    holder: string,
    want: number,
  ): MaybePromise<SemaphoreReply> {
    return this.#answer(() => {
      let rec = this.#semaphores.get(key);
      if (rec === undefined) {
        rec = new Map();
        this.#semaphores.set(key, rec);
      }
      return stepSemaphore(rec, spec, holder, want, this.#clock.monotonic());
    });
  }

  ping(): MaybePromise<void> {
    return this.#answer(() => undefined);
  }

  /** Forgets every record (the store restarted empty). */
  clear(): void {
    this.#buckets.clear();
    this.#circuits.clear();
    this.#semaphores.clear();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #answer<T>(step: () => T): MaybePromise<T> {
    const fault = this.#fault;
    if (fault === 'down') throw new SharedStateUnavailableError();
    if (fault === 'hang') return new Promise<T>(() => {});
    if (this.#latencyMs === 0) {
      this.#operations++;
      return step();
    }
    return this.#clock.sleep(this.#latencyMs).then(() => {
      // A fault injected while the answer travelled applies to it too.
      if (this.#fault === 'down') throw new SharedStateUnavailableError();
      if (this.#fault === 'hang') return new Promise<T>(() => {});
      this.#operations++;
      return step();
    });
  }
}
