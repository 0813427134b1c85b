/**
 * @module
 * A bounded cache of encoded responses with two generations: new entries go into the young
 * map; when it is full (in entries or bytes) the young map becomes the old one and the old
 * one is dropped whole. A hit in the old map is promoted. This approximates LRU (hot keys
 * survive every rotation) at the cost of one `Map.get` or two per lookup and no per-entry
 * bookkeeping — the scheme of "segmented" or "2Q-lite" caches. Memory is bounded by twice the
 * per-generation limits, however random the queried names are.
 */

import type { WeightedChoice } from '../../routing/weighted-choice.js';

/**
 * The responses of one weighted name, one per drawn record (its variant index), with the
 * weights to draw the index from on a cache hit. A slot stays empty until a draw first
 * lands on it and the slow path encodes it.
 */
export class WeightedResponses {
  readonly choice: WeightedChoice;
  readonly byVariant: (Buffer | undefined)[];

  constructor(choice: WeightedChoice) {
    this.choice = choice;
    this.byVariant = new Array<Buffer | undefined>(choice.cumulative.length).fill(undefined);
  }
}

/**
 * A cached value: one response, responses per latency-table entry (tailored answers), or
 * responses per weighted variant.
 */
export type CachedResponse = Buffer | Map<number, Buffer> | WeightedResponses;

/** Two-generation bounded map from cache key to response. */
export class ResponseCache {
  #young = new Map<string, CachedResponse>();
  #old = new Map<string, CachedResponse>();
  #youngBytes = 0;
  readonly #maxEntries: number;
  readonly #maxBytes: number;

  /**
   * @param maxEntries entries per generation
   * @param maxBytes bytes of responses per generation
   */
  constructor(maxEntries: number, maxBytes: number) {
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
  }

  get(key: string): CachedResponse | undefined {
    const v = this.#young.get(key);
    if (v !== undefined) return v;
    const o = this.#old.get(key);
    if (o !== undefined) {
      this.#old.delete(key);
      this.#insert(key, o, sizeOf(o));
    }
    return o;
  }

  /** Stores one response. */
  set(key: string, response: Buffer): void {
    this.#insert(key, response, response.length);
  }

  /** Stores a tailored response for one latency-table entry (`-1`: no entry). */
  setTailored(key: string, entry: number, response: Buffer): void {
    const cur = this.#young.get(key);
    if (cur instanceof Map) {
      cur.set(entry, response);
      this.#youngBytes += response.length;
      return;
    }
    this.#insert(key, new Map([[entry, response]]), response.length);
  }

  /** Stores the response for variant `variant` of a weighted answer drawn from `choice`. */
  setWeighted(key: string, choice: WeightedChoice, variant: number, response: Buffer): void {
    const cur = this.#young.get(key);
    if (cur instanceof WeightedResponses && cur.choice === choice) {
      cur.byVariant[variant] = response;
      this.#youngBytes += response.length;
      return;
    }
    const entry = new WeightedResponses(choice);
    entry.byVariant[variant] = response;
    this.#insert(key, entry, response.length);
  }

  #insert(key: string, value: CachedResponse, bytes: number): void {
    if (this.#young.size >= this.#maxEntries || this.#youngBytes + bytes > this.#maxBytes) {
      this.#old = this.#young;
      this.#young = new Map();
      this.#youngBytes = 0;
    }
    this.#young.set(key, value);
    this.#youngBytes += bytes;
  }

  /** Entries held (both generations). */
  get size(): number {
    return this.#young.size + this.#old.size;
  }
}

function sizeOf(v: CachedResponse): number {
  if (v instanceof WeightedResponses) {
    let n = 0;
    for (const b of v.byVariant) n += b?.length ?? 0;
    return n;
  }
  if (v instanceof Map) {
    let n = 0;
    for (const b of v.values()) n += b.length;
    return n;
  }
  return v.length;
}
