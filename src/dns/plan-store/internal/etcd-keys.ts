/**
 * @module
 * The etcd plan store's key layout and value encodings (see `etcd-store.ts` for the layout
 * itself). Kept apart so the layout has one definition, and so it can be tested without an
 * etcd.
 *
 * Generations are written as 16 zero-padded decimal digits (2^53 − 1 has 16), so that
 * etcd's byte-wise order of keys and of values is their numeric order: the newest plan is the
 * last key under `plans/`, and "the active generation is below G" is one `VALUE < pad(G)`
 * comparison inside a transaction.
 */
import { StoreCorruptError } from '../../errors.js';
import type { TargetRecord } from '../plan-store.js';

/** Width of a padded generation: `String(Number.MAX_SAFE_INTEGER).length`. */
export const GENERATION_DIGITS = 16;

/** A generation as 16 zero-padded digits (0 stands for "no active generation"). */
export function padGeneration(generation: number): string {
  return String(generation).padStart(GENERATION_DIGITS, '0');
}

/** The key following every key that starts with `prefix`: the end of a prefix range. */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  // All 0xff: the range runs to the end of the key space.
  return Buffer.from([0]);
}

/**
 * Checks an etcd key prefix: a non-empty string ending in `/`, so one store's keys can never
 * be a prefix-match of another's (`/a/` and `/ab/` do not overlap; `/a` and `/ab` would).
 */
export function checkEtcdPrefix(where: string, prefix: unknown): string {
  if (typeof prefix !== 'string' || prefix === '' || !prefix.endsWith('/')) {
    throw new TypeError(
      `${where}: prefix must be a non-empty string ending in '/', got ${
        typeof prefix === 'string' ? `'${prefix}'` : typeof prefix
      }`,
    );
  }
  return prefix;
}

/** The store's keys under one prefix. */
export class EtcdKeys {
  /** `meta/schema`: the layout version. */
  readonly schema: Buffer;
  /** `meta/next-generation`: the allocator's counter (decimal). */
  readonly counter: Buffer;
  readonly plansPrefix: Buffer;
  readonly plansEnd: Buffer;
  readonly targetsPrefix: Buffer;
  readonly targetsEnd: Buffer;
  readonly auditPrefix: Buffer;
  readonly auditEnd: Buffer;
  readonly livePrefix: Buffer;
  readonly liveEnd: Buffer;
  readonly #prefix: string;

  constructor(prefix: string) {
    this.#prefix = prefix;
    this.schema = Buffer.from(`${prefix}meta/schema`);
    this.counter = Buffer.from(`${prefix}meta/next-generation`);
    this.plansPrefix = Buffer.from(`${prefix}plans/`);
    this.plansEnd = prefixEnd(this.plansPrefix);
    this.targetsPrefix = Buffer.from(`${prefix}targets/`);
    this.targetsEnd = prefixEnd(this.targetsPrefix);
    this.auditPrefix = Buffer.from(`${prefix}audit/`);
    this.auditEnd = prefixEnd(this.auditPrefix);
    this.livePrefix = Buffer.from(`${prefix}live/`);
    this.liveEnd = prefixEnd(this.livePrefix);
  }

  /** The key prefix all of these start with. */
  get prefix(): string {
    return this.#prefix;
  }

  plan(generation: number): Buffer {
    return Buffer.from(`${this.#prefix}plans/${padGeneration(generation)}`);
  }

  target(id: string): Buffer {
    return Buffer.from(`${this.#prefix}targets/${id}`);
  }

  audit(writer: string, n: number): Buffer {
    return Buffer.from(`${this.#prefix}audit/${writer}-${n}`);
  }

  live(id: string): Buffer {
    return Buffer.from(`${this.#prefix}live/${id}`);
  }

  /** The generation a `plans/` key names; NaN when the key is not one. */
  generationOf(key: Buffer): number {
    const s = key.subarray(this.plansPrefix.length).toString('utf8');
    return /^\d{16}$/.test(s) ? Number(s) : Number.NaN;
  }

  /** The id a `targets/` key names. */
  targetIdOf(key: Buffer): string {
    return key.subarray(this.targetsPrefix.length).toString('utf8');
  }

  /** The id a `live/` key names. */
  liveIdOf(key: Buffer): string {
    return key.subarray(this.livePrefix.length).toString('utf8');
  }
}

/** What a `targets/ID` value holds. */
export interface TargetValue {
  readonly activeGeneration: number | undefined;
  readonly activatedAtMs: number | undefined;
  readonly activatedBy: string | undefined;
}

/**
 * A target's value: the padded active generation (`0…0` before the first activation), a
 * newline, then JSON with who set it and when. The generation comes first so that
 * `VALUE < pad(G)` compares the generation: for an equal generation the longer value is the
 * greater, so "active < G" is false, as it must be.
 */
export function encodeTargetValue(v: TargetValue): Buffer {
  const meta =
    v.activeGeneration === undefined
      ? '{}'
      : JSON.stringify({ activatedAtMs: v.activatedAtMs, activatedBy: v.activatedBy });
  return Buffer.from(`${padGeneration(v.activeGeneration ?? 0)}\n${meta}`);
}

/** Reads a `targets/ID` value; `StoreCorruptError` naming the store and the key if damaged. */
export function decodeTargetValue(label: string, id: string, value: Buffer): TargetRecord {
  const text = value.toString('utf8');
  const nl = text.indexOf('\n');
  const digits = nl === -1 ? text : text.slice(0, nl);
  if (!/^\d{16}$/.test(digits)) {
    throw new StoreCorruptError(label, `target '${id}' is damaged: no padded generation`);
  }
  const g = Number(digits);
  let meta: { activatedAtMs?: unknown; activatedBy?: unknown } = {};
  try {
    if (nl !== -1) meta = JSON.parse(text.slice(nl + 1)) as typeof meta;
  } catch (e) {
    throw new StoreCorruptError(label, `target '${id}' is damaged: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return Object.freeze({
    id,
    activeGeneration: g === 0 ? undefined : g,
    activatedAtMs: typeof meta.activatedAtMs === 'number' ? meta.activatedAtMs : undefined,
    activatedBy: typeof meta.activatedBy === 'string' ? meta.activatedBy : undefined,
  });
}
