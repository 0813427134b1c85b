/**
 * @module
 * The storage behind one priority level of a {@link WorkQueue}: a growable ring-buffer deque,
 * so both ends (FIFO take, LIFO take, shedding the oldest) cost O(1) and nothing ever shifts
 * an array. Columns are kept side by side (structure of arrays: the items in a plain array,
 * enqueue time, deadline and ticket in `Float64Array`s), so an offer allocates no per-item
 * object — the simulator pushes millions of items through a queue.
 *
 * Removal from the middle (a caller aborts while queued) leaves a tombstone: the slot is
 * marked dead and skipped. Tombstones at either end are trimmed at once, so the oldest and
 * newest slots are always live; the ones in the middle are compacted away when the ring would
 * otherwise have to grow (only when at least half the slots are dead, which keeps it amortised
 * O(1) and the memory within a small multiple of the live count).
 *
 * Tickets increase in push order, so they stay sorted from oldest to newest through pops,
 * tombstones and compaction, and a ticket is found by binary search.
 */

function nextPow2(n: number): number {
  let c = 8;
  while (c < n) c *= 2;
  return c;
}

/** A ring-buffer deque of items with their enqueue time, deadline and ticket. */
export class QueueRing<T> {
  #items: (T | undefined)[];
  #at: Float64Array;
  #deadline: Float64Array;
  #ticket: Float64Array;
  #dead: Uint8Array;
  #mask: number;
  #head = 0;
  /** Occupied slots, tombstones included. */
  #length = 0;
  #live = 0;

  constructor(initialCapacity = 8) {
    const cap = nextPow2(initialCapacity);
    this.#items = new Array<T | undefined>(cap).fill(undefined);
    this.#at = new Float64Array(cap);
    this.#deadline = new Float64Array(cap);
    this.#ticket = new Float64Array(cap);
    this.#dead = new Uint8Array(cap);
    this.#mask = cap - 1;
  }

  /** Live entries. */
  get live(): number {
    return this.#live;
  }

  /** Occupied slots, tombstones included (for tests of the compaction rule). */
  get slots(): number {
    return this.#length;
  }

  /** Allocated slots (for tests of the growth rule). */
  get allocated(): number {
    return this.#mask + 1;
  }

  /** Slot of the oldest live entry; meaningful only when `live > 0`. */
  get oldest(): number {
    return this.#head;
  }

  /** Slot of the newest live entry; meaningful only when `live > 0`. */
  get newest(): number {
    return (this.#head + this.#length - 1) & this.#mask;
  }

  /** Slot of the `k`-th occupied position from the oldest (tombstones included). */
  slotAt(k: number): number {
    return (this.#head + k) & this.#mask;
  }

  isDead(slot: number): boolean {
    return this.#dead[slot] === 1;
  }

  item(slot: number): T {
    return this.#items[slot] as T;
  }

  enqueuedAt(slot: number): number {
    return this.#at[slot]!;
  }

  deadline(slot: number): number {
    return this.#deadline[slot]!;
  }

  ticket(slot: number): number {
    return this.#ticket[slot]!;
  }

  /** Appends at the newest end. `ticket` must exceed every ticket pushed before. */
  push(item: T, at: number, deadline: number, ticket: number): void {
    if (this.#length > this.#mask) {
      // Full of slots: reclaim tombstones if they are at least half, else grow.
      if ((this.#length - this.#live) * 2 >= this.#length) this.#compact();
      else this.#grow();
    }
    const s = (this.#head + this.#length) & this.#mask;
    this.#items[s] = item;
    this.#at[s] = at;
    this.#deadline[s] = deadline;
    this.#ticket[s] = ticket;
    this.#dead[s] = 0;
    this.#length++;
    this.#live++;
  }

  /** Removes the oldest live entry. Call only when `live > 0`. */
  removeOldest(): void {
    this.#clearSlot(this.#head);
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    this.#live--;
    this.#trim();
  }

  /** Removes the newest live entry. Call only when `live > 0`. */
  removeNewest(): void {
    this.#clearSlot((this.#head + this.#length - 1) & this.#mask);
    this.#length--;
    this.#live--;
    this.#trim();
  }

  /** Slot of the live entry holding `ticket`, or -1. O(log n). */
  find(ticket: number): number {
    let lo = 0;
    let hi = this.#length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = (this.#head + mid) & this.#mask;
      const t = this.#ticket[s]!;
      if (t < ticket) lo = mid + 1;
      else if (t > ticket) hi = mid - 1;
      else return this.#dead[s] === 1 ? -1 : s;
    }
    return -1;
  }

  /**
   * Marks a live slot dead without trimming the ends, so a caller can walk the slots by
   * position and kill several; call {@link trim} afterwards.
   */
  markDead(slot: number): void {
    this.#clearSlot(slot);
    this.#dead[slot] = 1;
    this.#live--;
  }

  /** Drops tombstones from both ends (after {@link markDead}). */
  trim(): void {
    this.#trim();
  }

  /** Removes every entry and tombstone (keeps the allocation). */
  clear(): void {
    for (let k = 0; k < this.#length; k++) this.#clearSlot((this.#head + k) & this.#mask);
    this.#head = 0;
    this.#length = 0;
    this.#live = 0;
  }

  #clearSlot(s: number): void {
    // Let the garbage collector have the item now, not when the slot is reused.
    this.#items[s] = undefined;
  }

  #trim(): void {
    if (this.#live === 0) {
      // Only tombstones (or nothing) left: reset so the ends are trivially live.
      for (let k = 0; k < this.#length; k++) this.#dead[(this.#head + k) & this.#mask] = 0;
      this.#length = 0;
      return;
    }
    while (this.#dead[this.#head] === 1) {
      this.#dead[this.#head] = 0;
      this.#head = (this.#head + 1) & this.#mask;
      this.#length--;
    }
    for (;;) {
      const s = (this.#head + this.#length - 1) & this.#mask;
      if (this.#dead[s] !== 1) break;
      this.#dead[s] = 0;
      this.#length--;
    }
  }

  /** Slides live entries towards the oldest end over the tombstones, in place. */
  #compact(): void {
    const mask = this.#mask;
    let w = 0;
    for (let r = 0; r < this.#length; r++) {
      const from = (this.#head + r) & mask;
      if (this.#dead[from] === 1) {
        this.#dead[from] = 0;
        continue;
      }
      if (w !== r) {
        const to = (this.#head + w) & mask;
        this.#items[to] = this.#items[from];
        this.#at[to] = this.#at[from]!;
        this.#deadline[to] = this.#deadline[from]!;
        this.#ticket[to] = this.#ticket[from]!;
        this.#items[from] = undefined;
      }
      w++;
    }
    this.#length = w;
  }

  #grow(): void {
    const oldCap = this.#mask + 1;
    const cap = oldCap * 2;
    const items = new Array<T | undefined>(cap).fill(undefined);
    const at = new Float64Array(cap);
    const deadline = new Float64Array(cap);
    const ticket = new Float64Array(cap);
    const dead = new Uint8Array(cap);
    for (let k = 0; k < this.#length; k++) {
      const s = (this.#head + k) & this.#mask;
      items[k] = this.#items[s];
      at[k] = this.#at[s]!;
      deadline[k] = this.#deadline[s]!;
      ticket[k] = this.#ticket[s]!;
      dead[k] = this.#dead[s]!;
    }
    this.#items = items;
    this.#at = at;
    this.#deadline = deadline;
    this.#ticket = ticket;
    this.#dead = dead;
    this.#mask = cap - 1;
    this.#head = 0;
  }
}
