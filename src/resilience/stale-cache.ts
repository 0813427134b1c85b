/**
 * @module
 * Stale-if-error as a library policy: a keyed cache in front of a call that, when the call
 * fails, answers with the last good value instead of the error — and says that it is stale.
 *
 * The idea is HTTP's `stale-if-error` (RFC 5861 §4) and DNS serve-stale (RFC 8767): old data
 * is usually far better than no data while a dependency is down, and serving it keeps the
 * outage from spreading to every caller. The 2025-10-20 lesson "design for recovery: cached
 * data" is this policy. One deliberate difference from RFC 5861: there the stale window
 * counts from the end of the freshness lifetime; here `maxStaleMs` is simply the greatest
 * age (since the value was stored) at which a value may still be served, which is easier to
 * reason about and to show on a status page.
 *
 * Also: `freshMs` serves from the cache without calling while a value is young (HTTP
 * `max-age`); concurrent `get`s of one key share one in-flight call (request coalescing,
 * Go's `singleflight`); memory is bounded by `maxEntries` with LRU eviction, using the
 * insertion order of a `Map` (a hit moves its key to the end). Time is `clock.monotonic()`.
 *
 * The synchronous API (`put`, `peek`, `lookupFresh`, `lookupOnError`, `delete`) is complete on
 * its own, for the simulator's callback models; `get` is the async shell on top of it.
 */
import type { Clock } from '../core/clock.js';
import { abortReason } from '../core/clock.js';
import { EventEmitter } from '../core/events.js';
import type { Event } from '../core/events.js';
import type { Policy, PolicyContext, PolicyFn, SignalSource } from './policy.js';
import { contextOf, signalOf } from './policy.js';

/** Options for {@link StaleCache}. */
export interface StaleCacheOptions {
  /** Source of time. Ages are measured on `clock.monotonic()`. */
  readonly clock: Clock;
  /**
   * Greatest age (ms since the value was stored) at which a value may be served when the call
   * fails. `Infinity` serves stale data for ever (RFC 8767 suggests capping DNS serve-stale at
   * 1–3 days; choose what your data can bear). Required: there is no safe default.
   */
  readonly maxStaleMs: number;
  /**
   * While a value is younger than this (ms), `get` returns it without calling (HTTP
   * `max-age`). Default 0: always call, use the cache only on error. Must be ≤ `maxStaleMs`.
   */
  readonly freshMs?: number;
  /** Most keys kept; the least recently used is evicted beyond it. Default 1000. */
  readonly maxEntries?: number;
  /**
   * Concurrent `get`s of one key share one in-flight call. Default true. The call runs with
   * the context of the caller that started it (as Go's `singleflight`); callers that joined
   * stop waiting when their own signal aborts, and if the shared call fails they are served
   * stale data like anyone else.
   */
  readonly coalesce?: boolean;
  /**
   * Which errors may be answered with stale data. Default: every error. RFC 5861 applies
   * stale-if-error to 500, 502, 503 and 504 responses only; pass a predicate to do the same
   * (a 404 or a validation error should usually reach the caller).
   */
  readonly serveStaleOn?: (error: unknown) => boolean;
}

/** What {@link StaleCache.get} returns: a fresh value, or a stale one with the error it hid. */
export type StaleCacheResult<V> =
  | {
      readonly value: V;
      readonly stale: false;
      /** Age of the value, ms: 0 when it was just fetched. */
      readonly ageMs: number;
      /** True when served from the cache within `freshMs`, without calling. */
      readonly fromCache: boolean;
    }
  | {
      readonly value: V;
      readonly stale: true;
      /** Age of the stale value, ms (≤ `maxStaleMs`). */
      readonly ageMs: number;
      /** The error the call failed with. */
      readonly error: unknown;
    };

/** A cached value and its age, as the synchronous API reports it. */
export interface StaleCacheHit<V> {
  readonly value: V;
  /** Age of the value, ms. */
  readonly ageMs: number;
}

/** Payload of {@link StaleCache.onStaleServed}. */
export interface StaleServedEvent<K> {
  readonly key: K;
  /** Age of the value served, ms. */
  readonly ageMs: number;
  /** The error that was hidden. */
  readonly error: unknown;
}

/** A snapshot for a status page or a log line. */
export interface StaleCacheSnapshot {
  readonly size: number;
  readonly maxEntries: number;
  readonly freshMs: number;
  readonly maxStaleMs: number;
  /** Keys with a call in flight. */
  readonly inFlight: number;
  /** Calls made (each coalesced group counts once). */
  readonly calls: number;
  /** Answers served within `freshMs` without calling. */
  readonly freshHits: number;
  /** Answers served stale after a failed call. */
  readonly staleServed: number;
  /** Failed calls that reached the caller: no entry, too old, or not a stale-able error. */
  readonly errorsPassedOn: number;
  /** Entries dropped to stay within `maxEntries`. */
  readonly evictions: number;
}

interface Entry<V> {
  value: V;
  /** `clock.monotonic()` when stored. */
  at: number;
}

const serveOnAnyError = (): boolean => true;

function checkMs(name: string, value: unknown, allowInfinity: boolean): number {
  if (typeof value !== 'number') {
    throw new TypeError(`StaleCache: ${name} must be a number of ms, got ${String(value)}`);
  }
  if (!(value >= 0) || (!allowInfinity && !Number.isFinite(value))) {
    throw new RangeError(
      `StaleCache: ${name} must be ${allowInfinity ? '≥ 0' : 'finite and ≥ 0'}, got ${value}`,
    );
  }
  return value;
}

/** Resolves with `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * A keyed stale-if-error cache. `get(key, fn)` calls `fn`; on success it stores and returns
 * the value; on failure it returns the last good value if it is at most `maxStaleMs` old
 * (flagged `stale: true`), and otherwise rethrows the error unchanged.
 *
 * @typeParam V the cached values.
 * @typeParam K the keys (compared as `Map` keys: by identity for objects). Default `string`.
 */
export class StaleCache<V, K = string> {
  readonly #clock: Clock;
  readonly #maxStaleMs: number;
  readonly #freshMs: number;
  readonly #maxEntries: number;
  readonly #coalesce: boolean;
  readonly #serveStaleOn: (error: unknown) => boolean;
  /** Least recently used first. */
  readonly #entries = new Map<K, Entry<V>>();
  readonly #inFlight = new Map<K, Promise<V>>();
  readonly #staleServed = new EventEmitter<StaleServedEvent<K>>();
  #calls = 0;
  #freshHits = 0;
  #staleCount = 0;
  #errorsPassedOn = 0;
  #evictions = 0;

  /** Fires each time a stale value is served in place of an error. */
  readonly onStaleServed: Event<StaleServedEvent<K>> = this.#staleServed.event;

  constructor(options: StaleCacheOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`StaleCache: options must be an object, got ${String(options)}`);
    }
    const { clock } = options;
    if (typeof clock?.monotonic !== 'function') {
      throw new TypeError(
        `StaleCache: clock must be a Clock, got ${clock === null ? 'null' : typeof clock}`,
      );
    }
    this.#clock = clock;
    this.#maxStaleMs = checkMs('maxStaleMs', options.maxStaleMs, true);
    this.#freshMs = checkMs('freshMs', options.freshMs ?? 0, true);
    if (this.#freshMs > this.#maxStaleMs) {
      throw new RangeError(
        `StaleCache: freshMs must be ≤ maxStaleMs (${this.#maxStaleMs}), got ${this.#freshMs}`,
      );
    }
    const maxEntries = options.maxEntries ?? 1000;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`StaleCache: maxEntries must be an integer ≥ 1, got ${maxEntries}`);
    }
    this.#maxEntries = maxEntries;
    const coalesce = options.coalesce ?? true;
    if (typeof coalesce !== 'boolean') {
      throw new TypeError(`StaleCache: coalesce must be a boolean, got ${String(coalesce)}`);
    }
    this.#coalesce = coalesce;
    const serveStaleOn = options.serveStaleOn ?? serveOnAnyError;
    if (typeof serveStaleOn !== 'function') {
      throw new TypeError(
        `StaleCache: serveStaleOn must be a function, got ${String(serveStaleOn)}`,
      );
    }
    this.#serveStaleOn = serveStaleOn;
  }

  /** Number of keys cached. */
  get size(): number {
    return this.#entries.size;
  }

  // ---- synchronous API -------------------------------------------------------------------

  /** Stores `value` for `key` as of now, making it the most recently used; may evict. */
  put(key: K, value: V): void {
    const at = this.#clock.monotonic();
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      // Reuse the entry: no allocation on the steady-state success path.
      entry.value = value;
      entry.at = at;
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      return;
    }
    this.#entries.set(key, { value, at });
    if (this.#entries.size > this.#maxEntries) {
      // A Map iterates in insertion order, and every use re-inserts: the first key is the LRU.
      const lru = this.#entries.keys().next();
      if (lru.done !== true) {
        this.#entries.delete(lru.value);
        this.#evictions++;
      }
    }
  }

  /**
   * The cached value and its age, whatever the age, without counting as a use (no LRU move,
   * no event). For status pages and tests.
   */
  peek(key: K): StaleCacheHit<V> | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    return { value: entry.value, ageMs: this.#clock.monotonic() - entry.at };
  }

  /** True when `key` has a cached value (of any age). */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /**
   * The cached value if it is younger than `freshMs` (so no call is needed), marking it used.
   * Always undefined when `freshMs` is 0.
   */
  lookupFresh(key: K): StaleCacheHit<V> | undefined {
    const entry = this.#freshEntry(key);
    if (entry === undefined) return undefined;
    this.#freshHits++;
    return { value: entry.value, ageMs: this.#clock.monotonic() - entry.at };
  }

  /**
   * What to serve after a failed call: the cached value if it is at most `maxStaleMs` old,
   * marking it used, counting it and firing `onStaleServed`; otherwise undefined (and an
   * entry too old to be served again is dropped). When `error` is given and `serveStaleOn`
   * refuses it, returns undefined. Returns an object, not the bare value, because a cached
   * value may itself be `undefined`.
   */
  lookupOnError(key: K, error?: unknown): StaleCacheHit<V> | undefined {
    return this.#serveStale(key, error, error !== undefined);
  }

  /** Forgets `key`. Returns whether it was cached. A call in flight still stores its result. */
  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Forgets every key (calls in flight still store their results). */
  clear(): void {
    this.#entries.clear();
  }

  // ---- async shell -----------------------------------------------------------------------

  /**
   * Returns a value for `key`: from the cache while fresh, else by calling `fn` (sharing a
   * call already in flight for `key`), else — when the call fails — a stale value no older
   * than `maxStaleMs`. Rethrows the call's error when there is nothing to serve, or when the
   * caller's own `signal` aborted (a caller who gave up gets its abort, not old data).
   */
  async get(key: K, fn: PolicyFn<V>, signal?: SignalSource): Promise<StaleCacheResult<V>> {
    if (this.#freshMs > 0) {
      const entry = this.#freshEntry(key);
      if (entry !== undefined) {
        this.#freshHits++;
        return {
          value: entry.value,
          stale: false,
          ageMs: this.#clock.monotonic() - entry.at,
          fromCache: true,
        };
      }
    }
    let flight: Promise<V> | undefined;
    if (this.#coalesce) {
      flight = this.#inFlight.get(key);
      if (flight !== undefined) return this.#join(key, flight, signal);
    }
    this.#calls++;
    flight = this.#call(key, fn, contextOf(signal));
    if (this.#coalesce) this.#inFlight.set(key, flight);
    try {
      return { value: await flight, stale: false, ageMs: 0, fromCache: false };
    } catch (error) {
      return this.#onError(key, error, signal);
    } finally {
      // Only the caller that started a call clears it. Callers that arrive between the call
      // settling and this line join the settled call, which is harmless: its value is new.
      if (this.#coalesce && this.#inFlight.get(key) === flight) this.#inFlight.delete(key);
    }
  }

  /** A state summary for a status page. */
  toJSON(): StaleCacheSnapshot {
    return {
      size: this.#entries.size,
      maxEntries: this.#maxEntries,
      freshMs: this.#freshMs,
      maxStaleMs: this.#maxStaleMs,
      inFlight: this.#inFlight.size,
      calls: this.#calls,
      freshHits: this.#freshHits,
      staleServed: this.#staleCount,
      errorsPassedOn: this.#errorsPassedOn,
      evictions: this.#evictions,
    };
  }

  async #call(key: K, fn: PolicyFn<V>, context: PolicyContext): Promise<V> {
    const value = await fn(context);
    this.put(key, value);
    return value;
  }

  async #join(key: K, flight: Promise<V>, signal: SignalSource): Promise<StaleCacheResult<V>> {
    try {
      // A joiner must be able to stop waiting for a call it does not own: this is a reason to
      // read its signal (and only on this path).
      const s = signalOf(signal);
      const value = await (s === undefined ? flight : untilAborted(flight, s));
      return { value, stale: false, ageMs: 0, fromCache: false };
    } catch (error) {
      return this.#onError(key, error, signal);
    }
  }

  #onError(key: K, error: unknown, signal: SignalSource): StaleCacheResult<V> {
    // Failure path only: reading a lazy signal here is worth it to tell "the caller gave up"
    // from "the dependency failed".
    if (signal !== undefined && signalOf(signal)?.aborted === true) {
      this.#errorsPassedOn++;
      throw error;
    }
    const hit = this.#serveStale(key, error, true);
    if (hit === undefined) throw error;
    return { value: hit.value, stale: true, ageMs: hit.ageMs, error };
  }

  #serveStale(key: K, error: unknown, checkError: boolean): StaleCacheHit<V> | undefined {
    if (checkError && !this.#serveStaleOn(error)) {
      this.#errorsPassedOn++;
      return undefined;
    }
    const entry = this.#entries.get(key);
    if (entry === undefined) {
      this.#errorsPassedOn++;
      return undefined;
    }
    const ageMs = this.#clock.monotonic() - entry.at;
    if (ageMs > this.#maxStaleMs) {
      // Fresh only within freshMs ≤ maxStaleMs, stale-servable only within maxStaleMs: an
      // entry this old can never be served again, so free it now.
      this.#entries.delete(key);
      this.#errorsPassedOn++;
      return undefined;
    }
    this.#touch(key, entry);
    this.#staleCount++;
    if (this.#staleServed.hasListeners) this.#staleServed.emit({ key, ageMs, error });
    return { value: entry.value, ageMs };
  }

  #freshEntry(key: K): Entry<V> | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || this.#clock.monotonic() - entry.at >= this.#freshMs) {
      return undefined;
    }
    this.#touch(key, entry);
    return entry;
  }

  #touch(key: K, entry: Entry<V>): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
  }
}

/**
 * A {@link Policy} that runs every call through `cache` under one `key`, and returns the
 * value (fresh or stale) alone. For one dependency with one answer (a config document, a
 * routing table); use {@link StaleCache.get} directly when you need the `stale` flag.
 */
export class StaleIfErrorPolicy<K = string> implements Policy {
  constructor(
    readonly cache: StaleCache<unknown, K>,
    readonly key: K,
  ) {}

  /**
   * Runs `fn` through the cache. The cache is not typed per call: every `fn` run through one
   * policy must return the same kind of value.
   */
  async execute<T>(fn: PolicyFn<T>, signal?: SignalSource): Promise<T> {
    const result = await this.cache.get(this.key, fn, signal);
    return result.value as T;
  }
}

/** Shorthand for `new StaleIfErrorPolicy(cache, key)`. */
export function staleIfError<K>(cache: StaleCache<unknown, K>, key: K): StaleIfErrorPolicy<K> {
  return new StaleIfErrorPolicy(cache, key);
}
