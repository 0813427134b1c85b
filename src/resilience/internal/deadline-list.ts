/**
 * @module
 * Many deadlines, one timer. An intrusive doubly-linked list of entries kept in deadline
 * order, with a single clock timer armed for the head. It is what lets a timeout policy bound
 * thousands of concurrent calls without arming (and cancelling) a timer for each one.
 *
 * The idea: a policy with one fixed duration sees deadlines arrive in start order, so insertion
 * at the tail keeps the list sorted in O(1) (the walk back from the tail stops at once);
 * removing a finished entry is O(1) because the entry carries its own links. When the timer
 * fires it expires every entry whose deadline has passed and re-arms for the new head. An entry
 * that finished early is simply gone by then: the timer is not cancelled on removal, it finds
 * a later head (or none) when it fires. (Node.js does the same internally: one libuv timer per
 * list of equal-duration `Timeout`s, `lib/internal/timers.js`; so does the "timer wheel" idea
 * of Varghese & Lauck, "Hashed and Hierarchical Timing Wheels", SOSP 1987, in its simplest
 * form.)
 *
 * It only uses `Clock.setTimer` and `Clock.monotonic`, so it runs unchanged under the
 * `ManualClock` and the simulator's virtual clock.
 */
import type { Clock, Timer, TimerOptions } from '../../core/clock.js';

/**
 * What an entry of a {@link DeadlineList} carries. The `dl*` fields belong to the list: set them
 * to `undefined`/`false` when the entry is made and never touch them afterwards.
 */
export interface DeadlineEntry<E> {
  /** When the entry expires, in the list's clock's `monotonic()` milliseconds. */
  deadlineMs: number;
  /** Previous entry (earlier or equal deadline). Owned by the list. */
  dlPrev: E | undefined;
  /** Next entry (later or equal deadline). Owned by the list. */
  dlNext: E | undefined;
  /** Whether the entry is in a list. Owned by the list. */
  dlLinked: boolean;
}

/** Options for {@link DeadlineList}. */
export interface DeadlineListOptions<E> {
  /** Source of time and timers. */
  readonly clock: Clock;
  /**
   * Called for each entry whose deadline has passed, after it has been removed from the list,
   * in deadline order. It may insert and remove entries, but must not insert one whose
   * deadline has already passed (that one would be expired in the same round, forever).
   */
  readonly onExpire: (entry: E, nowMs: number) => void;
  /**
   * When true (the default) the timer is armed with `unref`, and left to lapse when the list
   * empties (it then fires once and finds nothing), so a run of one-at-a-time calls arms no
   * timer at all in the steady state. When false the timer keeps the process alive, and is
   * cancelled as soon as the list empties so that an idle list never delays process exit.
   */
  readonly unref?: boolean;
}

const UNREF: TimerOptions = Object.freeze({ unref: true });
const REF: TimerOptions = Object.freeze({ unref: false });

/** Entries ordered by deadline, with one timer for the earliest. See the module comment. */
export class DeadlineList<E extends DeadlineEntry<E>> {
  readonly #clock: Clock;
  readonly #onExpire: (entry: E, nowMs: number) => void;
  readonly #unref: boolean;
  readonly #timerOptions: TimerOptions;
  readonly #fire: () => void;
  #head: E | undefined = undefined;
  #tail: E | undefined = undefined;
  #size = 0;
  #timer: Timer | undefined = undefined;
  #timerDueMs = 0;
  /** True while expiring entries: insertions then must not arm (the loop re-arms at its end). */
  #expiring = false;

  constructor(options: DeadlineListOptions<E>) {
    this.#clock = options.clock;
    this.#onExpire = options.onExpire;
    this.#unref = options.unref ?? true;
    this.#timerOptions = this.#unref ? UNREF : REF;
    this.#fire = () => this.#expire();
  }

  /** Number of entries in the list. */
  get size(): number {
    return this.#size;
  }

  /** The entry with the earliest deadline, or undefined. */
  get head(): E | undefined {
    return this.#head;
  }

  /** True while a timer is armed (including one left to lapse on an empty list). */
  get armed(): boolean {
    return this.#timer !== undefined;
  }

  /**
   * Adds `entry` in deadline order, after any entry with an equal deadline. O(1) when deadlines
   * arrive in order (a fixed duration); O(n) worst case otherwise.
   */
  insert(entry: E): void {
    if (entry.dlLinked) throw new Error('DeadlineList.insert: entry is already in a list');
    const d = entry.deadlineMs;
    let after = this.#tail;
    while (after !== undefined && after.deadlineMs > d) after = after.dlPrev;
    entry.dlPrev = after;
    if (after === undefined) {
      entry.dlNext = this.#head;
      this.#head = entry;
    } else {
      entry.dlNext = after.dlNext;
      after.dlNext = entry;
    }
    if (entry.dlNext === undefined) this.#tail = entry;
    else entry.dlNext.dlPrev = entry;
    entry.dlLinked = true;
    this.#size++;
    if (entry === this.#head && !this.#expiring) this.#arm();
  }

  /** Removes `entry` if it is in the list; returns whether it was. O(1). */
  remove(entry: E): boolean {
    if (!entry.dlLinked) return false;
    const prev = entry.dlPrev;
    const next = entry.dlNext;
    if (prev === undefined) this.#head = next;
    else prev.dlNext = next;
    if (next === undefined) this.#tail = prev;
    else next.dlPrev = prev;
    entry.dlPrev = undefined;
    entry.dlNext = undefined;
    entry.dlLinked = false;
    this.#size--;
    // A lapsing timer would hold a ref'd process open for up to one duration: cancel it.
    if (this.#size === 0 && !this.#unref && this.#timer !== undefined) {
      this.#timer.cancel();
      this.#timer = undefined;
    }
    return true;
  }

  /** Arms the timer for the head unless one is already armed at or before its deadline. */
  #arm(): void {
    const head = this.#head;
    if (head === undefined) return;
    if (this.#timer !== undefined) {
      if (this.#timerDueMs <= head.deadlineMs) return;
      this.#timer.cancel();
    }
    this.#timerDueMs = head.deadlineMs;
    this.#timer = this.#clock.setTimer(
      head.deadlineMs - this.#clock.monotonic(),
      this.#fire,
      this.#timerOptions,
    );
  }

  #expire(): void {
    this.#timer = undefined;
    const now = this.#clock.monotonic();
    this.#expiring = true;
    try {
      // Take the head afresh each round: onExpire may insert or remove entries.
      let head: E | undefined;
      while ((head = this.#head) !== undefined && head.deadlineMs <= now) {
        this.remove(head);
        this.#onExpire(head, now);
      }
    } finally {
      this.#expiring = false;
      this.#arm();
    }
  }
}
