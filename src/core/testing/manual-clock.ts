/**
 * @module
 * A clock that moves only when told. Timers fire in (due time, creation order), so ties are
 * stable. `advance` is synchronous, for code driven by callbacks; `advanceAsync` also lets
 * promise continuations run between timers, so `async/await` code that sleeps on the clock
 * behaves as it would in real time, just instantly. (Effect's `TestClock`, without fibers.)
 */
import type { Clock, Timer, TimerOptions } from '../clock.js';
import { sleepWith } from '../clock.js';
import { drainMicrotasks } from '../microtasks.js';

interface Entry {
  readonly due: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** Options for {@link ManualClock}. */
export interface ManualClockOptions {
  /** Initial wall-clock time, ms since the epoch. Default 0. */
  readonly startMs?: number;
}

/** A {@link Clock} for tests: time stands still until `advance`/`advanceAsync`. */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  /** Binary min-heap on (due, seq). */
  #heap: Entry[] = [];

  constructor(options: ManualClockOptions = {}) {
    this.#now = options.startMs ?? 0;
  }

  now(): number {
    return this.#now;
  }

  /** Same reading as `now()`; a manual clock never jumps backwards. */
  monotonic(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void, _options?: TimerOptions): Timer {
    const entry: Entry = {
      due: this.#now + Math.max(0, Number.isFinite(ms) ? ms : 0),
      seq: this.#seq++,
      fn,
      cancelled: false,
    };
    this.#push(entry);
    return {
      cancel: () => {
        entry.cancelled = true;
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }

  /** Number of timers still waiting to fire. */
  get pendingTimers(): number {
    return this.#heap.reduce((n, e) => n + (e.cancelled ? 0 : 1), 0);
  }

  /** Due time of the next live timer, or undefined. */
  nextDue(): number | undefined {
    this.#dropCancelledHead();
    return this.#heap[0]?.due;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance needs ms >= 0, got ${ms}`);
    const target = this.#now + ms;
    for (;;) {
      const e = this.#popDue(target);
      if (e === undefined) break;
      this.#now = e.due;
      e.fn();
    }
    this.#now = target;
  }

  /** Sets the clock to `ms` (not earlier than now), firing timers on the way. */
  advanceTo(ms: number): void {
    this.advance(ms - this.#now);
  }

  /**
   * Like `advance`, but drains microtasks before and after each timer, so awaiting code
   * continues (and schedules its next timer) before time moves on.
   */
  async advanceAsync(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advanceAsync needs ms >= 0, got ${ms}`);
    const target = this.#now + ms;
    await drainMicrotasks();
    for (;;) {
      const e = this.#popDue(target);
      if (e === undefined) break;
      this.#now = e.due;
      e.fn();
      await drainMicrotasks();
    }
    this.#now = target;
  }

  /**
   * Fires timers (draining microtasks between them) until none is left or `limit` fired.
   * Returns how many fired. Guards tests against timers that reschedule forever.
   */
  async runAllAsync(limit = 10_000): Promise<number> {
    let fired = 0;
    await drainMicrotasks();
    while (fired < limit) {
      const due = this.nextDue();
      if (due === undefined) break;
      const e = this.#popDue(due);
      if (e === undefined) break;
      this.#now = e.due;
      e.fn();
      fired++;
      await drainMicrotasks();
    }
    return fired;
  }

  #dropCancelledHead(): void {
    while (this.#heap.length > 0 && this.#heap[0]!.cancelled) this.#pop();
  }

  #popDue(limit: number): Entry | undefined {
    this.#dropCancelledHead();
    const head = this.#heap[0];
    if (head === undefined || head.due > limit) return undefined;
    return this.#pop();
  }

  #less(a: Entry, b: Entry): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  #push(e: Entry): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  #pop(): Entry | undefined {
    const h = this.#heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.#less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.#less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}
