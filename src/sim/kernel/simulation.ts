/**
 * @module
 * The discrete-event kernel: integer virtual time in microseconds, a future-event list
 * ordered by (time, sequence number), and one root seed from which every component takes its
 * own random stream.
 *
 * Models are written as callbacks. A handler is registered once (`register(fn)` → id) and
 * events name it by id with up to two numeric payloads, so scheduling and firing an event
 * allocates nothing: the event's handler id and payloads sit in typed-array slot tables, the
 * heap orders slot indices, and a freed slot is reused. `scheduleFn` takes a closure instead,
 * for rare events where convenience beats speed (it is what {@link VirtualClock} uses).
 *
 * Cancellation marks the event's slot as a tombstone (a generation counter in the event id
 * tells a live event from a reused slot); tombstones are skipped when they reach the top and
 * purged in bulk when they outnumber live events, so cancelling is O(1).
 *
 * `run` drives callback models synchronously. `runAsync` also lets promise continuations run
 * after every event, so `async/await` code written against a `Clock` (through
 * {@link VirtualClock}) runs in virtual time, deterministically.
 */
import { drainMicrotasks } from '../../core/microtasks.js';
import { Rng } from '../../core/rng.js';
import type { Seed } from '../../core/rng.js';
import { grow } from '../internal/grow.js';
import { EventHeap, VALUE_SPAN } from './event-heap.js';

/**
 * A callback model's event handler: `a` and `b` are the numbers given to `schedule` (ids of
 * requests, workers, ...). It runs at `sim.now`, the event's time.
 */
export type EventHandler = (sim: Simulation, a: number, b: number) => void;

/** The id `register` returns for a handler; pass it to `schedule`. */
export type HandlerId = number;

/**
 * Identifies one scheduled event for `cancel` and `isPending`. It stays unique among pending
 * events; after an event fired or was cancelled, its id no longer matches anything.
 */
export type EventId = number;

/** Options for {@link Simulation}. */
export interface SimulationOptions {
  /** The root seed: the same seed (and the same model) gives the same run. Default 0. */
  readonly seed?: Seed;
  /** Events to allocate room for up front; tables double when full. Default 1024. */
  readonly initialCapacity?: number;
}

/** Handler-table marker of a cancelled event. */
const CANCELLED = -1;
/** Handler-table marker of an event scheduled with `scheduleFn`. */
const CLOSURE = -2;
/** Event ids are `generation * SLOT_SPAN + slot`; slots are heap values, below 2^23. */
const SLOT_SPAN = VALUE_SPAN;
/**
 * Generations wrap at 2^30, so ids stay exact integers below 2^53. A stale id could only
 * match again after its slot was reused 2^30 times while the id was kept.
 */
const GENERATION_MASK = 0x3fffffff;
/** Largest virtual time: 2^53 µs is about 285 years. */
const MAX_TIME_US = Number.MAX_SAFE_INTEGER;
/** Purge tombstones when there are at least this many and they are half of the heap. */
const PURGE_MIN_TOMBSTONES = 1024;

/** A deterministic discrete-event simulation; see the module comment. */
export class Simulation {
  /** The root seed every `rng(label)` stream derives from. */
  readonly seed: Seed;

  #now = 0;
  readonly #heap: EventHeap;
  // Slot tables, indexed by the slot number the heap stores.
  #handlerOf: Int32Array;
  #payloadA: Float64Array;
  #payloadB: Float64Array;
  #generation: Uint32Array;
  #closures: (((sim: Simulation) => void) | undefined)[] = [];
  #freeSlots: Int32Array;
  #freeTop = 0;
  #slotCount = 0;
  #tombstones = 0;

  readonly #handlers: EventHandler[] = [];
  readonly #rngLabels = new Map<string, number>();
  #fired = 0;
  #running = false;
  #stopRequested = false;

  constructor(options: SimulationOptions = {}) {
    const capacity = options.initialCapacity ?? 1024;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Simulation initialCapacity must be an integer >= 1, got ${String(capacity)}`,
      );
    }
    const seed = options.seed ?? 0;
    if (typeof seed === 'number' && !Number.isFinite(seed)) {
      throw new RangeError(`Simulation seed must be a finite number or a string, got ${seed}`);
    }
    this.seed = seed;
    this.#heap = new EventHeap({ initialCapacity: capacity });
    this.#handlerOf = new Int32Array(capacity);
    this.#payloadA = new Float64Array(capacity);
    this.#payloadB = new Float64Array(capacity);
    this.#generation = new Uint32Array(capacity);
    this.#freeSlots = new Int32Array(capacity);
  }

  /** Virtual time in integer microseconds since the start of the run. */
  get now(): number {
    return this.#now;
  }

  /** Number of events waiting to fire (cancelled ones not counted). */
  get pending(): number {
    return this.#heap.size - this.#tombstones;
  }

  /** Number of events fired so far. */
  get eventsFired(): number {
    return this.#fired;
  }

  /** True while `run`, `runAsync` or `step` is executing. */
  get running(): boolean {
    return this.#running;
  }

  /**
   * An independent random stream for the component called `label`. It depends only on the
   * root seed and the label — not on how many other streams were taken before — so adding a
   * component does not change the numbers any other one draws. Asking for the same label
   * again gives a new stream (the n-th stream of that label), deterministically.
   */
  rng(label: string): Rng {
    const n = this.#rngLabels.get(label) ?? 0;
    this.#rngLabels.set(label, n + 1);
    return new Rng(this.seed).fork(n === 0 ? label : `${label}\u0000${n}`);
  }

  /** Registers an event handler once, for any number of `schedule` calls. */
  register(handler: EventHandler): HandlerId {
    if (typeof handler !== 'function') {
      throw new TypeError(`Simulation.register needs a function, got ${typeof handler}`);
    }
    this.#handlers.push(handler);
    return this.#handlers.length - 1;
  }

  /**
   * Schedules `handler(sim, a, b)` to run `delayUs` microseconds from now. Fractional delays
   * are rounded to the nearest microsecond; events due at the same time run in the order they
   * were scheduled. Allocates nothing (once the tables are big enough).
   */
  schedule(delayUs: number, handler: HandlerId, a = 0, b = 0): EventId {
    if (!(delayUs >= 0)) throw delayError(delayUs);
    return this.#insert(this.#now + Math.round(delayUs), handler, a, b);
  }

  /** Like `schedule`, at the absolute virtual time `timeUs` (not before `now`). */
  scheduleAt(timeUs: number, handler: HandlerId, a = 0, b = 0): EventId {
    if (!(timeUs >= this.#now)) {
      throw new RangeError(
        `Simulation.scheduleAt needs timeUs >= now (${this.#now}), got ${timeUs}`,
      );
    }
    return this.#insert(Math.round(timeUs), handler, a, b);
  }

  /**
   * Schedules a closure `delayUs` from now. Convenient for rare events; the closure is an
   * allocation, so hot paths should `register` a handler and use `schedule`.
   */
  scheduleFn(delayUs: number, fn: (sim: Simulation) => void): EventId {
    if (!(delayUs >= 0)) throw delayError(delayUs);
    if (typeof fn !== 'function') {
      throw new TypeError(`Simulation.scheduleFn needs a function, got ${typeof fn}`);
    }
    const id = this.#insert(this.#now + Math.round(delayUs), CLOSURE, 0, 0);
    this.#closures[id % SLOT_SPAN] = fn;
    return id;
  }

  /** Cancels a pending event. Returns false when it already fired or was cancelled. */
  cancel(id: EventId): boolean {
    const slot = this.#liveSlot(id);
    if (slot < 0) return false;
    if (this.#handlerOf[slot] === CLOSURE) this.#closures[slot] = undefined;
    this.#handlerOf[slot] = CANCELLED;
    this.#tombstones++;
    if (this.#tombstones >= PURGE_MIN_TOMBSTONES && this.#tombstones * 2 >= this.#heap.size) {
      this.#purgeTombstones();
    }
    return true;
  }

  /** True while the event `id` is waiting to fire. */
  isPending(id: EventId): boolean {
    return this.#liveSlot(id) >= 0;
  }

  /** Time of the next event that will fire, or `Infinity` when none is pending. */
  nextEventTime(): number {
    this.#dropTombstonesAtTop();
    return this.#heap.topTime;
  }

  /**
   * Fires the next pending event (advancing `now` to its time). Returns false when there was
   * none. Not callable from inside a handler.
   */
  step(): boolean {
    this.#enter('step');
    try {
      return this.#fireNext(MAX_TIME_US);
    } finally {
      this.#running = false;
    }
  }

  /**
   * Fires events in time order until none is left, `stop()` is called, or the next one is due
   * after `untilUs`. Then, unless stopped, sets `now` to `untilUs` (when given and later).
   * Returns how many events fired. Not callable from inside a handler.
   */
  run(untilUs: number = Infinity): number {
    this.#checkUntil(untilUs);
    this.#enter('run');
    const heap = this.#heap;
    const firedBefore = this.#fired;
    try {
      while (!this.#stopRequested && heap.size > 0 && heap.topTime <= untilUs) {
        this.#fireTop();
      }
      if (!this.#stopRequested && untilUs !== Infinity && untilUs > this.#now) {
        this.#now = untilUs;
      }
    } finally {
      this.#running = false;
      this.#stopRequested = false;
    }
    return this.#fired - firedBefore;
  }

  /**
   * Like `run`, but after every event (and once before the first) waits until all promise
   * continuations have run, so `async` code that awaits a {@link VirtualClock} continues —
   * and schedules its next timer — before virtual time moves on. Code must not await real
   * I/O or real timers: those are not driven by virtual time, and their callbacks may run
   * whenever the loop turns (see src/core/microtasks.ts).
   */
  async runAsync(untilUs: number = Infinity): Promise<number> {
    this.#checkUntil(untilUs);
    this.#enter('runAsync');
    const firedBefore = this.#fired;
    try {
      await drainMicrotasks();
      while (!this.#stopRequested && this.#fireNext(untilUs)) {
        await drainMicrotasks();
      }
      if (!this.#stopRequested && untilUs !== Infinity && untilUs > this.#now) {
        this.#now = untilUs;
      }
    } finally {
      this.#running = false;
      this.#stopRequested = false;
    }
    return this.#fired - firedBefore;
  }

  /** Makes the current `run`/`runAsync` return after the event that is firing now. */
  stop(): void {
    if (this.#running) this.#stopRequested = true;
  }

  #enter(method: string): void {
    if (this.#running) {
      throw new Error(`Simulation.${method} called while the simulation is already running`);
    }
    this.#running = true;
    this.#stopRequested = false;
  }

  #checkUntil(untilUs: number): void {
    if (!(untilUs >= 0)) {
      throw new RangeError(`Simulation.run needs untilUs >= 0, got ${untilUs}`);
    }
  }

  #insert(timeUs: number, handler: number, a: number, b: number): EventId {
    if (!(timeUs <= MAX_TIME_US)) throw delayError(timeUs - this.#now);
    if (!((handler >>> 0 === handler && handler < this.#handlers.length) || handler === CLOSURE)) {
      throw new RangeError(`Simulation.schedule: unknown handler id ${handler}`);
    }
    let slot: number;
    if (this.#freeTop > 0) {
      slot = this.#freeSlots[--this.#freeTop] as number;
    } else {
      slot = this.#slotCount;
      if (slot >= VALUE_SPAN) {
        throw new RangeError(`Simulation: more than ${VALUE_SPAN} events pending at once`);
      }
      this.#slotCount = slot + 1;
      if (slot === this.#handlerOf.length) this.#growSlots(slot + 1);
    }
    this.#handlerOf[slot] = handler;
    this.#payloadA[slot] = a;
    this.#payloadB[slot] = b;
    this.#heap.push(timeUs, slot);
    return (this.#generation[slot] as number) * SLOT_SPAN + slot;
  }

  /** Pops tombstones until the top is live or the heap is empty. */
  #dropTombstonesAtTop(): void {
    const heap = this.#heap;
    while (heap.size > 0 && this.#handlerOf[heap.topValue] === CANCELLED) {
      this.#release(heap.pop());
      this.#tombstones--;
    }
  }

  /** Fires the next live event due at or before `untilUs`; false when there is none. */
  #fireNext(untilUs: number): boolean {
    this.#dropTombstonesAtTop();
    const heap = this.#heap;
    if (heap.size === 0 || heap.topTime > untilUs) return false;
    this.#fireTop();
    return true;
  }

  /** Pops the top event and, unless it is a tombstone, runs it. The heap must not be empty. */
  #fireTop(): void {
    const heap = this.#heap;
    const time = heap.topTime;
    const slot = heap.pop();
    const handler = this.#handlerOf[slot] as number;
    const a = this.#payloadA[slot] as number;
    const b = this.#payloadB[slot] as number;
    this.#release(slot);
    if (handler >= 0) {
      this.#now = time;
      this.#fired++;
      (this.#handlers[handler] as EventHandler)(this, a, b);
    } else if (handler === CLOSURE) {
      const fn = this.#closures[slot] as (sim: Simulation) => void;
      this.#closures[slot] = undefined;
      this.#now = time;
      this.#fired++;
      fn(this);
    } else {
      this.#tombstones--;
    }
  }

  /** Returns a slot to the free list and bumps its generation, so old ids stop matching. */
  #release(slot: number): void {
    this.#generation[slot] = ((this.#generation[slot] as number) + 1) & GENERATION_MASK;
    this.#freeSlots[this.#freeTop++] = slot;
  }

  /** The slot of a pending, not cancelled event with this id, or -1. */
  #liveSlot(id: EventId): number {
    if (!Number.isSafeInteger(id) || id < 0) return -1;
    const slot = id % SLOT_SPAN;
    const generation = (id - slot) / SLOT_SPAN;
    if (slot >= this.#slotCount || this.#generation[slot] !== generation) return -1;
    const handler = this.#handlerOf[slot] as number;
    // A free slot keeps its last handler id but has a newer generation, so reaching here
    // means the slot holds this very event, pending — unless it was cancelled.
    return handler === CANCELLED ? -1 : slot;
  }

  #purgeTombstones(): void {
    const handlerOf = this.#handlerOf;
    const freed: number[] = [];
    this.#heap.retain((slot) => {
      if (handlerOf[slot] !== CANCELLED) return true;
      freed.push(slot);
      return false;
    });
    for (const slot of freed) this.#release(slot);
    this.#tombstones = 0;
  }

  #growSlots(minLength: number): void {
    this.#handlerOf = grow(this.#handlerOf, minLength);
    this.#payloadA = grow(this.#payloadA, minLength);
    this.#payloadB = grow(this.#payloadB, minLength);
    this.#generation = grow(this.#generation, minLength);
    this.#freeSlots = grow(this.#freeSlots, minLength);
  }
}

function delayError(delayUs: number): RangeError {
  return new RangeError(
    `Simulation.schedule needs a finite delayUs >= 0 (and now + delay < 2^53), got ${delayUs}`,
  );
}
