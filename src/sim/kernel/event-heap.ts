/**
 * @module
 * The simulator's future-event list: a binary min-heap keyed by (time, sequence number),
 * stored as a struct of typed arrays so that pushing and popping allocate nothing.
 *
 * Ties in time are broken by the sequence number the heap hands out on every push, so
 * events due at the same instant come out in the order they were scheduled — the property
 * that makes a run reproducible from its seed. Each entry carries one small integer `value`
 * (the kernel stores an event-slot index there and keeps handler and payload in slot tables
 * of its own).
 *
 * Layout: two `Float64Array`s. `time[i]` is the entry's time; `tie[i]` packs the sequence
 * number and the value as `seq · 2^23 + value`, an exact integer below 2^53. Comparing `tie`
 * compares sequence numbers (the values sit in the low bits and never decide, since sequence
 * numbers are unique), and a sift moves two numbers per level instead of three — measured
 * about 7% faster on the hold benchmark (bench/sim.ts). The price: at most 2^23 (8 388 608)
 * distinct values, and sequence numbers are renumbered (ranks kept, so the order is too)
 * each time they reach 2^30, which costs one O(n log n) pass per 2^30 pushes.
 *
 * Sifting moves a "hole" rather than swapping (Knuth, TAOCP vol. 3, §5.2.3), and a push
 * compares times only: the new entry's sequence number is larger than every other, so an
 * equal time already means "the parent goes first".
 */
import { grow } from '../internal/grow.js';

/** Values must be integers in [0, VALUE_SPAN). */
export const VALUE_SPAN = 8_388_608; // 2^23
/** Default point at which sequence numbers are renumbered: 2^30, so seq · 2^23 < 2^53. */
const DEFAULT_MAX_SEQ = 1_073_741_824;

/** Options for {@link EventHeap}. */
export interface EventHeapOptions {
  /** Entries to allocate room for up front; the heap doubles when full. Default 1024. */
  readonly initialCapacity?: number;
  /**
   * Sequence numbers are renumbered when the next one would reach this. Default 2^30 (the
   * most the packing allows); lower it only to exercise renumbering in tests.
   */
  readonly maxSeq?: number;
}

/** A min-heap of (time, seq) → value in typed arrays; see the module comment. */
export class EventHeap {
  #time: Float64Array;
  /** `seq * VALUE_SPAN + value`. */
  #tie: Float64Array;
  #size = 0;
  #nextSeq = 0;
  readonly #maxSeq: number;

  constructor(options: EventHeapOptions = {}) {
    const capacity = options.initialCapacity ?? 1024;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `EventHeap initialCapacity must be an integer >= 1, got ${String(capacity)}`,
      );
    }
    const maxSeq = options.maxSeq ?? DEFAULT_MAX_SEQ;
    if (!Number.isInteger(maxSeq) || maxSeq < 2 || maxSeq > DEFAULT_MAX_SEQ) {
      throw new RangeError(`EventHeap maxSeq must be an integer in [2, 2^30], got ${maxSeq}`);
    }
    this.#maxSeq = maxSeq;
    this.#time = new Float64Array(capacity);
    this.#tie = new Float64Array(capacity);
  }

  /** Number of entries in the heap. */
  get size(): number {
    return this.#size;
  }

  /**
   * The sequence number the next push will get. Sequence numbers only order the entries in
   * the heap against each other: renumbering may lower them (keeping their order).
   */
  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Time of the smallest entry; `Infinity` when the heap is empty. */
  get topTime(): number {
    return this.#size > 0 ? (this.#time[0] as number) : Infinity;
  }

  /** Sequence number of the smallest entry; -1 when empty. */
  get topSeq(): number {
    return this.#size > 0 ? Math.floor((this.#tie[0] as number) / VALUE_SPAN) : -1;
  }

  /** Value of the smallest entry; -1 when empty. */
  get topValue(): number {
    return this.#size > 0 ? valueOf(this.#tie[0] as number) : -1;
  }

  /**
   * Adds an entry and returns its sequence number. `value` must be an integer in
   * [0, 2^23); `time` a number that compares sanely (the kernel validates times).
   */
  push(time: number, value: number): number {
    const seq = this.#takeSeq(value);
    let i = this.#size;
    if (i === this.#time.length) this.#grow(i + 1);
    this.#size = i + 1;
    const T = this.#time;
    const K = this.#tie;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = T[p] as number;
      // The new seq is the largest yet, so on equal times the parent stays above.
      if (pt <= time) break;
      T[i] = pt;
      K[i] = K[p] as number;
      i = p;
    }
    T[i] = time;
    K[i] = seq * VALUE_SPAN + value;
    return seq;
  }

  /** Removes the smallest entry and returns its value; -1 when the heap is empty. */
  pop(): number {
    const n = this.#size;
    if (n === 0) return -1;
    const top = valueOf(this.#tie[0] as number);
    const last = n - 1;
    this.#size = last;
    if (last > 0) this.#siftDown(0, this.#time[last] as number, this.#tie[last] as number);
    return top;
  }

  /**
   * Replaces the smallest entry with a new one (one sift instead of a pop and a push) and
   * returns the new entry's sequence number. The heap must not be empty.
   */
  replaceTop(time: number, value: number): number {
    if (this.#size === 0) throw new RangeError('EventHeap.replaceTop on an empty heap');
    const seq = this.#takeSeq(value);
    this.#siftDown(0, time, seq * VALUE_SPAN + value);
    return seq;
  }

  /**
   * Keeps only the entries whose value satisfies `keep`, then restores heap order (Floyd's
   * bottom-up construction, O(n)). Keys are unchanged, so the pop order of the survivors is
   * the same as before. Used by the kernel to purge cancelled events in bulk.
   */
  retain(keep: (value: number) => boolean): void {
    const T = this.#time;
    const K = this.#tie;
    let n = 0;
    for (let i = 0; i < this.#size; i++) {
      const k = K[i] as number;
      if (!keep(valueOf(k))) continue;
      T[n] = T[i] as number;
      K[n] = k;
      n++;
    }
    this.#size = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.#siftDown(i, T[i] as number, K[i] as number);
  }

  /** Removes every entry. */
  clear(): void {
    this.#size = 0;
  }

  /** Hands out the next sequence number (renumbering first if needed); checks `value`. */
  #takeSeq(value: number): number {
    if (!(value >>> 0 === value && value < VALUE_SPAN)) {
      throw new RangeError(`EventHeap value must be an integer in [0, 2^23), got ${value}`);
    }
    if (this.#nextSeq >= this.#maxSeq) this.#renumber();
    return this.#nextSeq++;
  }

  /**
   * Replaces every entry's sequence number by its rank among the entries. Ranks keep the
   * relative order of all (time, seq) keys, so the heap stays a valid heap without a sift.
   */
  #renumber(): void {
    const n = this.#size;
    const K = this.#tie;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => (K[a] as number) - (K[b] as number));
    for (let rank = 0; rank < n; rank++) {
      const i = order[rank] as number;
      K[i] = rank * VALUE_SPAN + valueOf(K[i] as number);
    }
    this.#nextSeq = n;
  }

  /** Moves the hole at `i` down until (time, tie) fits, then fills it. */
  #siftDown(i: number, time: number, tie: number): void {
    const n = this.#size;
    const T = this.#time;
    const K = this.#tie;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = T[c] as number;
      let ck = K[c] as number;
      const r = c + 1;
      if (r < n) {
        const rt = T[r] as number;
        if (rt < ct || (rt === ct && (K[r] as number) < ck)) {
          c = r;
          ct = rt;
          ck = K[r] as number;
        }
      }
      if (time < ct || (time === ct && tie < ck)) break;
      T[i] = ct;
      K[i] = ck;
      i = c;
    }
    T[i] = time;
    K[i] = tie;
  }

  #grow(minLength: number): void {
    this.#time = grow(this.#time, minLength);
    this.#tie = grow(this.#tie, minLength);
  }
}

/** The value packed into the low bits of a tie key. */
function valueOf(tie: number): number {
  return tie - Math.floor(tie / VALUE_SPAN) * VALUE_SPAN;
}
