/**
 * @module
 * Network Manager: propagates network state — for every instance launched (without it the
 * instance has no connectivity) and for every change to existing instances (terminations,
 * attachments). It has a fixed capacity. Work arrives in chunks (the launches of one tick, the
 * changes of one tick), so a backlog of hours is a few thousand chunks, not millions of items.
 *
 * While a droplet has no lease, the changes for its instances are held; when it has one again
 * a reconciliation sweep pushes them to Network Manager at a fixed rate. After hours of lost
 * leases that is a backlog, and with a FIFO queue (as it happened) every new launch waits
 * behind it: from 06:21 launches got instances without connectivity until 10:36.
 *
 * With breakwater the queue is a {@link WorkQueue} with two priorities: launches (a customer is
 * waiting) ahead of held changes, and a launch whose network state cannot be propagated within
 * the connectivity deadline is dropped by its TTL and fails fast (the customer retries) rather
 * than becoming an impaired instance. The backlog of changes drains behind, at leftover
 * capacity.
 */
import { WorkQueue } from '../../../resilience/work-queue.js';
import { grow } from '../../internal/grow.js';
import type { VirtualClock } from '../../virtual-clock.js';
import { LAUNCHES, NETWORK, REFERENCE_DROPLETS } from './calibration.js';

const LAUNCH = 0;
const CHANGE = 1;

/** Options for {@link NetworkManager}. */
export interface NetworkManagerOptions {
  readonly clock: VirtualClock;
  readonly mode: 'naive' | 'breakwater';
  readonly droplets: number;
  /** Launches whose network state arrived in time (`count`). */
  readonly onLaunchesReady: (count: number) => void;
  /** Launches that got no connectivity within the deadline (impaired, or dropped). */
  readonly onLaunchesFailed: (count: number) => void;
}

/** Network Manager; see the module comment. Times are window seconds. */
export class NetworkManager {
  readonly mode: 'naive' | 'breakwater';
  /** Propagations per second. */
  readonly capacityPerSecond: number;
  /** Held changes per second the sweep pushes. */
  readonly sweepPerSecond: number;
  readonly #onReady: (count: number) => void;
  readonly #onFailed: (count: number) => void;
  // Chunks: kind, items left, enqueue time, whether the deadline was already counted.
  #kind = new Uint8Array(1024);
  #left = new Float64Array(1024);
  #at = new Float64Array(1024);
  #late = new Uint8Array(1024);
  #chunks = 0;
  // naive FIFO: chunk ids [head, chunks)
  #head = 0;
  #deadlineCursor = 0;
  // breakwater
  readonly #queue: WorkQueue<number> | undefined;
  #current = -1;
  #budget = 0;
  /** Held changes not yet pushed. */
  #held = 0;
  #backlog = [0, 0];
  /** Items processed after their launch had already failed (work done for nobody). */
  #wasted = 0;

  constructor(options: NetworkManagerOptions) {
    this.mode = options.mode;
    const scale = options.droplets / REFERENCE_DROPLETS;
    this.capacityPerSecond = NETWORK.capacityPerSecond * scale;
    this.sweepPerSecond = NETWORK.sweepPerSecond * scale;
    this.#onReady = options.onLaunchesReady;
    this.#onFailed = options.onLaunchesFailed;
    if (options.mode === 'breakwater') {
      const queue = new WorkQueue<number>({
        clock: options.clock,
        capacity: 1_000_000,
        priorities: 2,
        order: 'adaptive',
      });
      queue.onDrop((e) => this.#dropped(e.item));
      this.#queue = queue;
    }
  }

  /** Items waiting: [launches, changes]. */
  get backlog(): readonly number[] {
    return this.#backlog;
  }

  /** Held changes not yet pushed by the sweep. */
  get held(): number {
    return this.#held;
  }

  /** Propagations done for launches that had already failed. */
  get wasted(): number {
    return this.#wasted;
  }

  /**
   * How long a launch made now would wait for its network state, s: everything queued ahead
   * of it (FIFO), or only the launches (breakwater: launches first).
   */
  launchWaitSeconds(): number {
    const ahead =
      this.#queue === undefined
        ? (this.#backlog[LAUNCH] as number) + (this.#backlog[CHANGE] as number)
        : (this.#backlog[LAUNCH] as number);
    return ahead / this.capacityPerSecond;
  }

  /** Adds changes held while a droplet had no lease. */
  hold(changes: number): void {
    this.#held += changes;
  }

  /** Queues the network state of `count` new instances, launched at `t`. */
  launch(count: number, t: number): void {
    if (count > 0) this.#enqueue(LAUNCH, count, t);
  }

  /** Queues `count` changes (from leased droplets, or from the sweep) at `t`. */
  change(count: number, t: number): void {
    if (count > 0) this.#enqueue(CHANGE, count, t);
  }

  #enqueue(kind: number, count: number, t: number): void {
    const id = this.#chunks++;
    if (id >= this.#kind.length) {
      this.#kind = grow(this.#kind, id + 1);
      this.#left = grow(this.#left, id + 1);
      this.#at = grow(this.#at, id + 1);
      this.#late = grow(this.#late, id + 1);
    }
    this.#kind[id] = kind;
    this.#left[id] = count;
    this.#at[id] = t;
    this.#late[id] = 0;
    this.#backlog[kind] = (this.#backlog[kind] as number) + count;
    this.#queue?.offer(id, {
      priority: kind,
      ttlMs: kind === LAUNCH ? LAUNCHES.connectivityDeadlineSeconds * 1000 : Infinity,
    });
  }

  /** A breakwater launch chunk timed out in the queue: those launches fail fast. */
  #dropped(id: number): void {
    const left = this.#left[id] as number;
    this.#left[id] = 0;
    this.#backlog[this.#kind[id] as number] =
      (this.#backlog[this.#kind[id] as number] as number) - left;
    if (this.#kind[id] === LAUNCH) this.#onFailed(left);
  }

  /** One tick of `dt` seconds ending at `t`: the sweep pushes, then the capacity is spent. */
  tick(t: number, dt: number): void {
    const push = Math.min(this.#held, this.sweepPerSecond * dt);
    if (push > 0) {
      this.#held -= push;
      this.change(push, t);
    }
    this.#budget = Math.min(
      this.#budget + this.capacityPerSecond * dt,
      this.capacityPerSecond * dt,
    );
    if (this.#queue === undefined) this.#tickFifo(t);
    else this.#tickPriority(t);
  }

  #tickFifo(t: number): void {
    // Launches still queued at their deadline have failed (no connectivity): count them now.
    const deadline = LAUNCHES.connectivityDeadlineSeconds;
    while (
      this.#deadlineCursor < this.#chunks &&
      (this.#at[this.#deadlineCursor] as number) + deadline < t
    ) {
      const id = this.#deadlineCursor++;
      if (this.#kind[id] === LAUNCH && (this.#left[id] as number) > 0) {
        this.#late[id] = 1;
        this.#onFailed(this.#left[id] as number);
      }
    }
    while (this.#budget > 0 && this.#head < this.#chunks) {
      this.#serve(this.#head, t);
      if ((this.#left[this.#head] as number) <= 0) this.#head++;
    }
  }

  #tickPriority(t: number): void {
    const queue = this.#queue as WorkQueue<number>;
    const deadline = LAUNCHES.connectivityDeadlineSeconds;
    while (this.#budget > 0) {
      let id = this.#current;
      if (id >= 0 && this.#kind[id] === LAUNCH && (this.#at[id] as number) + deadline < t) {
        // Its deadline passed while in service: the rest fail fast, nothing more is spent.
        this.#dropped(id);
        id = -1;
      }
      if (id < 0 || (this.#left[id] as number) <= 0) {
        const next = queue.take();
        if (next === undefined) {
          this.#current = -1;
          return;
        }
        id = next;
      }
      this.#current = id;
      this.#serve(id, t);
      if ((this.#left[id] as number) <= 0) this.#current = -1;
    }
  }

  /** Spends budget on chunk `id`. */
  #serve(id: number, t: number): void {
    const left = this.#left[id] as number;
    const n = Math.min(left, this.#budget);
    this.#budget -= n;
    this.#left[id] = left - n;
    const kind = this.#kind[id] as number;
    this.#backlog[kind] = (this.#backlog[kind] as number) - n;
    if (kind !== LAUNCH) return;
    const late =
      this.#late[id] === 1 || t - (this.#at[id] as number) > LAUNCHES.connectivityDeadlineSeconds;
    if (late) this.#wasted += n;
    else this.#onReady(n);
  }
}
