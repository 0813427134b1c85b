/**
 * @module
 * A bounded work queue that stays useful under overload: the lesson the 2025-10-20 outage
 * teaches most. When DynamoDB's DNS came back, EC2's lease manager (DWFM) re-queued timed-out
 * work behind a huge backlog, served the stale work first, and never caught up — congestive
 * collapse (DESIGN.md, "The retry flood"). This queue refuses to do that:
 *
 * - **bounded**: at most `capacity` items; when full, the newcomer is refused or the oldest
 *   item of the lowest priority is shed (see {@link WorkQueueOptions.whenFull});
 * - **TTL**: an item older than its TTL is dropped, never handed to a worker. The check is
 *   made at take time, and cheaply on offer when full (the oldest end of each level);
 * - **priorities**: levels 0 (highest) … `priorities - 1`; a lower level is never served
 *   while a higher one holds an item;
 * - **fresh before stale**: FIFO while the queue is short, newest first (LIFO) once it is
 *   backlogged — *adaptive LIFO* — and optionally *controlled delay*, both from Ben Maurer,
 *   "Fail at Scale: Reliability in the face of rapid change", ACM Queue 13(8), 2015
 *   (https://queue.acm.org/detail.cfm?id=2839461). Under a backlog the newest request is the
 *   one whose caller is most likely still waiting; the oldest has probably given up already.
 *
 * The API is synchronous (`offer`/`take`), allocation-free per item, and reads time only from
 * the injected `Clock`, so the simulator drives it directly. {@link WorkerPool} is the async
 * shell on top of it.
 */
import type { Clock } from '../core/clock.js';
import { EventEmitter } from '../core/events.js';
import type { Event } from '../core/events.js';
import type { DropReason } from './errors.js';
import { QueueRing } from './internal/queue-ring.js';
import {
  MAX_PRIORITIES,
  checkInt,
  checkOneOf,
  checkPositive,
  checkPriority,
  checkTtl,
} from './internal/queue-options.js';

/**
 * The order items of one priority level are served in. `'adaptive'` is FIFO while the queue
 * is short and LIFO (newest first) while it is backlogged (Maurer 2015, "Adaptive LIFO").
 */
export type QueueOrder = 'fifo' | 'lifo' | 'adaptive';

/**
 * What a full queue does with a newcomer of the *same* priority as the lowest level present.
 * (A newcomer of strictly higher priority always evicts; one of strictly lower priority is
 * always refused.)
 */
export type QueueFullPolicy = 'shed-oldest' | 'refuse';

/** What {@link WorkQueue.offer} did with the item: a constant, so an offer allocates nothing. */
export type OfferResult = 'accepted' | 'full' | 'closed';

/**
 * Controlled delay (Maurer 2015, a variant of CoDel by Nichols and Jacobson): "if a queue has
 * not been empty for the last N milliseconds, then the amount of time spent in the queue is
 * limited to M milliseconds". A standing queue is a queue that is not absorbing a burst but
 * is overloaded, and then only nearly-fresh work is worth doing.
 */
export interface ControlledDelayOptions {
  /** M: the longest an item may have waited when taken from a standing queue. Default 5. */
  readonly targetMs?: number;
  /** N: how long the queue must have been non-empty to count as standing. Default 100. */
  readonly intervalMs?: number;
}

/** Options for {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Source of time for enqueue stamps, TTLs and ages (`clock.monotonic()`). */
  readonly clock: Clock;
  /** Most items held at once, an integer ≥ 1. There is no default: a bound is the point. */
  readonly capacity: number;
  /** Number of priority levels, 0 (highest) … `priorities - 1`. Integer in [1, 256]; default 1. */
  readonly priorities?: number;
  /** Priority of an offer that names none. Default 0. */
  readonly defaultPriority?: number;
  /** TTL of an offer that names none, ms (> 0, Infinity for none). Default Infinity. */
  readonly defaultTtlMs?: number;
  /** Serving order within a priority level. Default `'adaptive'`. */
  readonly order?: QueueOrder;
  /**
   * `'adaptive'` only: serve newest first while the queue holds at least this many items.
   * Integer ≥ 1.
   */
  readonly lifoAtDepth?: number;
  /**
   * `'adaptive'` only: serve newest first while the oldest queued item has waited at least this
   * long, ms. When neither this nor `lifoAtDepth` is given, 100 ms — Maurer's N: by then a
   * queue is no longer a burst being absorbed but a backlog.
   */
  readonly lifoAtAgeMs?: number;
  /** When full: shed the oldest item of the lowest level for an equal-priority newcomer, or
   * refuse the newcomer. Default `'shed-oldest'` (fresh before stale; see {@link WorkQueue}). */
  readonly whenFull?: QueueFullPolicy;
  /** Drop items that waited too long in a standing queue. Off by default; `true` = 5/100 ms. */
  readonly controlledDelay?: boolean | ControlledDelayOptions;
}

/** Per-item options of {@link WorkQueue.offer}. */
export interface OfferOptions {
  /** 0 (highest) … `priorities - 1`. Default: the queue's `defaultPriority`. */
  readonly priority?: number;
  /** Longest the item may wait, ms (> 0, Infinity for no limit). Default: `defaultTtlMs`. */
  readonly ttlMs?: number;
}

/** Payload of {@link WorkQueue.onDrop}: an item that will never be handed out. */
export interface QueueDropEvent<T> {
  readonly reason: DropReason;
  readonly item: T;
  readonly priority: number;
  /** How long it had been queued, ms (0 when it was refused at the door). */
  readonly waitedMs: number;
}

/** Payload of {@link WorkQueue.onShed}: an item evicted to admit a newcomer. */
export interface QueueShedEvent<T> {
  readonly item: T;
  readonly priority: number;
  readonly waitedMs: number;
  /** Priority of the newcomer it made room for. */
  readonly forPriority: number;
}

/** A snapshot of a {@link WorkQueue}'s state and counters. */
export interface WorkQueueStats {
  /** Items queued (including expired ones not yet discovered; see `purgeExpired`). */
  readonly size: number;
  readonly capacity: number;
  /** Items queued per level, index = priority. */
  readonly sizeByPriority: readonly number[];
  /** How long the oldest queued item has waited, ms; 0 when empty. */
  readonly oldestAgeMs: number;
  /** The order a take would serve in now. */
  readonly serving: 'fifo' | 'lifo';
  /** Every offer, accepted or not. `offered = accepted + refused`, and at all times
   * `offered = taken + Σ dropped + size`. */
  readonly offered: number;
  readonly accepted: number;
  readonly taken: number;
  /** Items that never reached a worker, by reason (refusals at the door included). */
  readonly dropped: Readonly<Record<DropReason, number>>;
  readonly closed: boolean;
}

const DEFAULT_LIFO_AGE_MS = 100;
const DEFAULT_TARGET_MS = 5;
const DEFAULT_INTERVAL_MS = 100;

const ORDERS = ['fifo', 'lifo', 'adaptive'] as const;
const FULL_POLICIES = ['shed-oldest', 'refuse'] as const;

/**
 * A bounded, prioritised work queue with per-item TTL and fresh-before-stale ordering.
 *
 * **When full** (size = capacity), an offer first drops expired items found at the oldest end
 * of each level (cheap: amortised O(1) per item, each is dropped once). If that freed no room,
 * let L be the lowest-priority level that holds an item (the largest index) and p the
 * newcomer's priority:
 * - p higher than L (p < L): the oldest item of level L is shed (reason `'shed'`), the
 *   newcomer is accepted;
 * - p equal to L: with `whenFull: 'shed-oldest'` (default) the same; with `'refuse'` the
 *   newcomer is refused (reason `'full'`);
 * - p lower than L (p > L): the newcomer is refused (reason `'full'`).
 *
 * Shedding the oldest by default is deliberate: its caller has waited longest and most likely
 * timed out (and retried) already, while refusing the newcomer would keep the stale item and
 * lose the fresh one — DWFM's failure. Choose `'refuse'` to push back on the producer instead.
 *
 * **Taking** serves level 0 first, then 1, and so on. Within a level the order is FIFO or LIFO
 * (`order`); with `'adaptive'` it is LIFO while the queue holds ≥ `lifoAtDepth` items or its
 * oldest item has waited ≥ `lifoAtAgeMs`. An item whose TTL has run out (waited longer than
 * its TTL), or — with controlled delay, in a standing queue — that waited longer than
 * `targetMs`, is dropped as `'expired'` on the way and never returned. When serving newest
 * first, such items at the oldest end of the level are also dropped on the way, so a LIFO
 * backlog does not keep its stale tail until it is shed.
 *
 * Every offered item ends exactly once: taken, or dropped with one {@link DropReason}
 * (reported by {@link onDrop}), unless it is still queued.
 *
 * Listeners should not call back into the queue synchronously.
 */
export class WorkQueue<T> {
  readonly #clock: Clock;
  readonly #capacity: number;
  readonly #levels: QueueRing<T>[];
  readonly #defaultPriority: number;
  readonly #defaultTtlMs: number;
  readonly #order: QueueOrder;
  readonly #lifoAtDepth: number;
  readonly #lifoAtAgeMs: number;
  readonly #shedOnEqual: boolean;
  /** Controlled delay's M, or Infinity when off. */
  readonly #targetMs: number;
  readonly #intervalMs: number;

  #size = 0;
  #seq = 0;
  /** When the queue last went from empty to non-empty (controlled delay's "last empty"). */
  #busySinceMs = 0;
  #closed = false;
  #offered = 0;
  #accepted = 0;
  #taken = 0;
  readonly #dropped: Record<DropReason, number> = {
    expired: 0,
    shed: 0,
    full: 0,
    aborted: 0,
    closed: 0,
  };
  #lastTicket = -1;
  #lastWaitMs = 0;
  #lastPriority = -1;

  readonly #onDrop = new EventEmitter<QueueDropEvent<T>>();
  readonly #onShed = new EventEmitter<QueueShedEvent<T>>();

  /**
   * An item will never be handed out: expired, shed, refused (`'full'`, `'closed'`), removed
   * (`'aborted'`, or the reason given to `remove`), or discarded by `clear`/`close`.
   */
  readonly onDrop: Event<QueueDropEvent<T>> = this.#onDrop.event;
  /** An item was evicted to admit a newcomer (also reported by `onDrop`, first). */
  readonly onShed: Event<QueueShedEvent<T>> = this.#onShed.event;

  constructor(options: WorkQueueOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`WorkQueue options must be an object, got ${String(options)}`);
    }
    const { clock } = options;
    if (typeof clock !== 'object' || clock === null || typeof clock.monotonic !== 'function') {
      throw new TypeError(`clock must be a Clock, got ${typeof clock}`);
    }
    this.#clock = clock;
    this.#capacity = checkInt('capacity', options.capacity, 1, 2 ** 31 - 1);
    const levels = checkInt('priorities', options.priorities ?? 1, 1, MAX_PRIORITIES);
    this.#defaultPriority = checkInt(
      'defaultPriority',
      options.defaultPriority ?? 0,
      0,
      levels - 1,
    );
    this.#defaultTtlMs = checkPositive('defaultTtlMs', options.defaultTtlMs ?? Infinity, true);
    this.#order = checkOneOf('order', options.order ?? 'adaptive', ORDERS);
    const depth = options.lifoAtDepth;
    const age = options.lifoAtAgeMs;
    this.#lifoAtDepth =
      depth === undefined ? Infinity : checkInt('lifoAtDepth', depth, 1, Infinity);
    this.#lifoAtAgeMs =
      age !== undefined
        ? checkPositive('lifoAtAgeMs', age, true)
        : depth === undefined
          ? DEFAULT_LIFO_AGE_MS
          : Infinity;
    this.#shedOnEqual =
      checkOneOf('whenFull', options.whenFull ?? 'shed-oldest', FULL_POLICIES) === 'shed-oldest';
    const cd = options.controlledDelay ?? false;
    if (cd === false) {
      this.#targetMs = Infinity;
      this.#intervalMs = Infinity;
    } else if (cd === true) {
      this.#targetMs = DEFAULT_TARGET_MS;
      this.#intervalMs = DEFAULT_INTERVAL_MS;
    } else if (typeof cd === 'object' && cd !== null) {
      this.#targetMs = checkPositive(
        'controlledDelay.targetMs',
        cd.targetMs ?? DEFAULT_TARGET_MS,
        false,
      );
      this.#intervalMs = checkPositive(
        'controlledDelay.intervalMs',
        cd.intervalMs ?? DEFAULT_INTERVAL_MS,
        false,
      );
    } else {
      throw new TypeError(
        `controlledDelay must be a boolean or { targetMs, intervalMs }, got ${typeof cd}`,
      );
    }
    // Rings start small and grow: a queue sized for a rare burst costs little while idle.
    const initial = Math.min(this.#capacity, 64);
    this.#levels = Array.from({ length: levels }, () => new QueueRing<T>(initial));
  }

  /** Items queued (all levels). */
  get size(): number {
    return this.#size;
  }

  /** The bound given at construction. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Number of priority levels. */
  get priorities(): number {
    return this.#levels.length;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Ticket of the item the last accepted offer enqueued; pass it to {@link remove}. */
  get lastTicket(): number {
    return this.#lastTicket;
  }

  /** How long the item the last successful {@link take} returned had waited, ms. */
  get lastWaitMs(): number {
    return this.#lastWaitMs;
  }

  /** Priority of the item the last successful {@link take} returned. */
  get lastPriority(): number {
    return this.#lastPriority;
  }

  /** Items queued at one priority level. */
  sizeOf(priority: number): number {
    return this.#levels[checkPriority(priority, this.#levels.length)]!.live;
  }

  /**
   * Enqueues `item`, or says why not. Never throws for a full or closed queue (that is the
   * normal overload path); throws RangeError for a bad `priority` or `ttlMs`.
   */
  offer(item: T, options?: OfferOptions): OfferResult {
    const levels = this.#levels;
    const p =
      options?.priority === undefined
        ? this.#defaultPriority
        : checkPriority(options.priority, levels.length);
    const ttl = options?.ttlMs === undefined ? this.#defaultTtlMs : checkTtl(options.ttlMs);
    this.#offered++;
    if (this.#closed) {
      this.#drop('closed', item, p, 0);
      return 'closed';
    }
    const now = this.#clock.monotonic();
    if (this.#size >= this.#capacity && !this.#makeRoom(p, now)) {
      this.#drop('full', item, p, 0);
      return 'full';
    }
    if (this.#size === 0) this.#busySinceMs = now;
    // The ticket encodes the level, so remove() finds its ring without a search.
    const ticket = this.#seq++ * levels.length + p;
    levels[p]!.push(item, now, now + ttl, ticket);
    this.#size++;
    this.#accepted++;
    this.#lastTicket = ticket;
    return 'accepted';
  }

  /**
   * Hands out the next item: the highest priority level first, FIFO or LIFO within it.
   * Expired items met on the way are dropped (reason `'expired'`), never returned. Returns
   * undefined when nothing servable is queued.
   */
  take(): T | undefined {
    if (this.#size === 0) return undefined;
    const now = this.#clock.monotonic();
    const newestFirst = this.#servesNewestFirst(now);
    const maxWait = this.#maxWaitMs(now);
    const levels = this.#levels;
    for (let p = 0; p < levels.length; p++) {
      const ring = levels[p]!;
      while (ring.live > 0) {
        if (newestFirst) {
          this.#dropStaleOldest(ring, p, now, maxWait);
          if (ring.live === 0) break;
        }
        const s = newestFirst ? ring.newest : ring.oldest;
        const item = ring.item(s);
        const waited = now - ring.enqueuedAt(s);
        const expired = now > ring.deadline(s) || waited > maxWait;
        if (newestFirst) ring.removeNewest();
        else ring.removeOldest();
        this.#size--;
        if (expired) {
          this.#drop('expired', item, p, waited);
          continue;
        }
        this.#taken++;
        this.#lastWaitMs = waited;
        this.#lastPriority = p;
        return item;
      }
    }
    return undefined;
  }

  /**
   * Removes a queued item by its ticket ({@link lastTicket} after its offer), counting it as
   * dropped with `reason` (default `'aborted'`: its caller gave up). Returns false when the
   * item is no longer queued (taken, dropped, or an unknown ticket). O(log n).
   */
  remove(ticket: number, reason: DropReason = 'aborted'): boolean {
    if (!Number.isSafeInteger(ticket) || ticket < 0) return false;
    const p = ticket % this.#levels.length;
    const ring = this.#levels[p]!;
    const s = ring.find(ticket);
    if (s < 0) return false;
    const item = ring.item(s);
    const waited = this.#clock.monotonic() - ring.enqueuedAt(s);
    ring.markDead(s);
    ring.trim();
    this.#size--;
    this.#drop(reason, item, p, waited);
    return true;
  }

  /**
   * How long the oldest queued item has waited, ms (0 when empty). May count an expired item
   * not yet discovered; call {@link purgeExpired} first for an exact figure.
   */
  oldestAgeMs(): number {
    if (this.#size === 0) return 0;
    return this.#clock.monotonic() - this.#oldestEnqueuedAt();
  }

  /**
   * Drops every expired item now, wherever it sits (O(n)); returns how many. `take` and `offer`
   * find expired items lazily; call this for exact counters or before reading `size`.
   */
  purgeExpired(): number {
    const now = this.#clock.monotonic();
    const maxWait = this.#maxWaitMs(now);
    let n = 0;
    for (let p = 0; p < this.#levels.length; p++) {
      const ring = this.#levels[p]!;
      const slots = ring.slots;
      for (let k = 0; k < slots; k++) {
        const s = ring.slotAt(k);
        if (ring.isDead(s)) continue;
        const waited = now - ring.enqueuedAt(s);
        if (now > ring.deadline(s) || waited > maxWait) {
          const item = ring.item(s);
          ring.markDead(s);
          this.#size--;
          n++;
          this.#drop('expired', item, p, waited);
        }
      }
      ring.trim();
    }
    return n;
  }

  /** Drops every queued item (reason `'shed'`: an operator shed the backlog). Returns how many. */
  clear(): number {
    return this.#dropAll('shed');
  }

  /**
   * Closes the queue: every queued item is dropped (reason `'closed'`) and every later offer
   * is refused with `'closed'`. Idempotent. Returns how many items were dropped.
   */
  close(): number {
    this.#closed = true;
    return this.#dropAll('closed');
  }

  /** A snapshot of the state and counters. Allocates; not for the per-item path. */
  stats(): WorkQueueStats {
    const now = this.#clock.monotonic();
    return {
      size: this.#size,
      capacity: this.#capacity,
      sizeByPriority: this.#levels.map((r) => r.live),
      oldestAgeMs: this.#size === 0 ? 0 : now - this.#oldestEnqueuedAt(),
      serving: this.#servesNewestFirst(now) ? 'lifo' : 'fifo',
      offered: this.#offered,
      accepted: this.#accepted,
      taken: this.#taken,
      dropped: { ...this.#dropped },
      closed: this.#closed,
    };
  }

  #servesNewestFirst(now: number): boolean {
    const order = this.#order;
    if (order === 'fifo') return false;
    if (order === 'lifo') return true;
    if (this.#size >= this.#lifoAtDepth) return true;
    if (this.#lifoAtAgeMs === Infinity || this.#size === 0) return false;
    return now - this.#oldestEnqueuedAt() >= this.#lifoAtAgeMs;
  }

  /** Longest wait controlled delay allows right now: targetMs in a standing queue. */
  #maxWaitMs(now: number): number {
    return this.#size > 0 && now - this.#busySinceMs >= this.#intervalMs
      ? this.#targetMs
      : Infinity;
  }

  #oldestEnqueuedAt(): number {
    let oldest = Infinity;
    for (const ring of this.#levels) {
      if (ring.live > 0) {
        const at = ring.enqueuedAt(ring.oldest);
        if (at < oldest) oldest = at;
      }
    }
    return oldest;
  }

  /** Drops expired items at the oldest end of `ring`; amortised O(1), each goes once. */
  #dropStaleOldest(ring: QueueRing<T>, p: number, now: number, maxWait: number): void {
    while (ring.live > 0) {
      const s = ring.oldest;
      const waited = now - ring.enqueuedAt(s);
      if (!(now > ring.deadline(s) || waited > maxWait)) return;
      const item = ring.item(s);
      ring.removeOldest();
      this.#size--;
      this.#drop('expired', item, p, waited);
    }
  }

  /** Frees one slot for a newcomer of priority `p` if the rules allow; see the class doc. */
  #makeRoom(p: number, now: number): boolean {
    const levels = this.#levels;
    const maxWait = this.#maxWaitMs(now);
    for (let q = levels.length - 1; q >= 0; q--) {
      this.#dropStaleOldest(levels[q]!, q, now, maxWait);
    }
    if (this.#size < this.#capacity) return true;
    let low = levels.length - 1;
    while (levels[low]!.live === 0) low--;
    if (low < p || (low === p && !this.#shedOnEqual)) return false;
    const ring = levels[low]!;
    const s = ring.oldest;
    const item = ring.item(s);
    const waited = now - ring.enqueuedAt(s);
    ring.removeOldest();
    this.#size--;
    this.#drop('shed', item, low, waited);
    if (this.#onShed.hasListeners) {
      this.#onShed.emit({ item, priority: low, waitedMs: waited, forPriority: p });
    }
    return true;
  }

  #dropAll(reason: DropReason): number {
    const now = this.#clock.monotonic();
    let n = 0;
    for (let p = 0; p < this.#levels.length; p++) {
      const ring = this.#levels[p]!;
      // One at a time from the oldest end, so a listener sees a consistent queue.
      while (ring.live > 0) {
        const s = ring.oldest;
        const item = ring.item(s);
        const waited = now - ring.enqueuedAt(s);
        ring.removeOldest();
        this.#size--;
        n++;
        this.#drop(reason, item, p, waited);
      }
    }
    return n;
  }

  #drop(reason: DropReason, item: T, priority: number, waitedMs: number): void {
    this.#dropped[reason]++;
    if (this.#onDrop.hasListeners) this.#onDrop.emit({ reason, item, priority, waitedMs });
  }
}
