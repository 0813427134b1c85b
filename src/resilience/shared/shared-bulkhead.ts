/**
 * @module
 * A fleet-wide concurrency cap: at most `maxConcurrent` calls to a dependency in flight across
 * every instance — a bulkhead across machines. The store keeps a semaphore of per-instance
 * holdings under leases ({@link SharedState.holdPermits}): each instance holds some permits,
 * the sum never exceeds the cap, and an instance that dies gives its permits back when its
 * lease runs out (`leaseMs`; renewed every third of it while the instance holds any).
 *
 * Each instance runs calls on permits it holds without a store call. When it has none free
 * it asks the store for one more plus `spare` (so a busy instance does not ask per call), and
 * when calls end it gives back what it holds beyond `spare` (a store call that no caller waits
 * for). Idle instances give back everything at the next lease renewal. There is no queue:
 * a call that finds no permit is refused with {@link BulkheadRejectedError}.
 *
 * What is guaranteed, per mode:
 * - **Shared**: calls in flight on shared permits, summed over the fleet, never exceed
 *   `maxConcurrent`, as long as each instance renews its lease within `leaseMs` (an instance
 *   that cannot reach the store for that long is local by then, see below). `execute` waits
 *   for the store at most the link's `timeoutMs` (twice when a give-back was in flight).
 * - **Local** (the store failed or timed out): a {@link Bulkhead} sized as this instance's
 *   share, `max(1, floor(maxConcurrent / expectedInstances))`, decides; calls still running on
 *   shared permits count against that share. The fleet total is then at most the permits
 *   still leased in the store plus the local shares of the instances that fell back.
 * - **Transitions**: a call whose permit request fails is decided locally at once. Back to
 *   shared, without a restart, on the link's next successful store call; calls still running
 *   on local permits are counted in the next request, so the store sees them.
 */
import type { Timer } from '../../core/clock.js';
import { Bulkhead } from '../bulkhead.js';
import { BulkheadRejectedError } from '../errors.js';
import type { Policy, PolicyFn, SignalSource } from '../policy.js';
import { contextOf } from '../policy.js';
import type { SemaphoreReply, SemaphoreSpec } from './shared-state.js';
import type { SharedLink } from './shared-link.js';
import {
  checkInteger,
  checkKey,
  checkLink,
  checkPositive,
  isThenable,
} from './internal/options.js';

/** Options for {@link SharedBulkhead}. */
export interface SharedBulkheadOptions {
  /** The guarded link to the fleet's store. */
  readonly link: SharedLink;
  /** The dependency; instances sharing a cap use the same key. */
  readonly key: string;
  /** Calls in flight at once across the fleet (integer ≥ 1). */
  readonly maxConcurrent: number;
  /**
   * Permits an instance keeps beyond those in use (integer ≥ 0), so that steady traffic needs
   * no store call per call. Default `floor(maxConcurrent / (4 × expectedInstances))`: held
   * spares starve other instances, so small caps get none.
   */
  readonly spare?: number;
  /** A holding not renewed for this long is released by the store, ms (> 0). Default 10 000. */
  readonly leaseMs?: number;
}

/** What {@link SharedBulkhead.tryAcquire} returns: 0 refused, 1 a fleet permit, 2 a local one. */
export type SharedPermit = 0 | 1 | 2;

/** A refused acquisition. */
export const NO_PERMIT: SharedPermit = 0;
const SHARED: SharedPermit = 1;
const LOCAL: SharedPermit = 2;

const ANSWERED = 0;
const PENDING = 1;
const UNAVAILABLE = 2;

/** A fleet-wide bulkhead. Sync API: {@link tryAcquire} / {@link release}; async: {@link execute}. */
export class SharedBulkhead implements Policy {
  /** The fleet's cap. */
  readonly maxConcurrent: number;
  /** This instance's share, used when local. */
  readonly localMaxConcurrent: number;
  /** Permits kept beyond those in use. */
  readonly spare: number;

  readonly #link: SharedLink;
  readonly #key: string;
  readonly #spec: SemaphoreSpec;
  readonly #local: Bulkhead;
  /** Calls running on fleet permits. */
  #inUse = 0;
  /** Fleet permits the store granted this instance (as last answered). */
  #held = 0;
  /** The store request in flight; resolves true when the store answered. */
  #request: Promise<boolean> | undefined = undefined;
  #epoch: number;
  #renewTimer: Timer | undefined = undefined;
  /** Whether any call ran since the last renewal (an idle instance gives everything back). */
  #busy = false;

  /** Validates `options` (RangeError/TypeError naming the bad one). */
  constructor(options: SharedBulkheadOptions) {
    const where = 'SharedBulkhead';
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${where}: options must be an object, got ${String(options)}`);
    }
    this.#link = checkLink<SharedLink>(where, options.link);
    this.#key = checkKey(where, options.key);
    this.maxConcurrent = checkInteger(where, 'maxConcurrent', options.maxConcurrent, 1);
    const n = this.#link.expectedInstances;
    this.spare = checkInteger(
      where,
      'spare',
      options.spare ?? Math.floor(this.maxConcurrent / (4 * n)),
      0,
    );
    this.#spec = {
      limit: this.maxConcurrent,
      leaseMs: checkPositive(where, 'leaseMs', options.leaseMs ?? 10_000),
    };
    this.localMaxConcurrent = Math.max(1, Math.floor(this.maxConcurrent / n));
    this.#local = new Bulkhead({ maxConcurrent: this.localMaxConcurrent });
    this.#epoch = this.#link.epoch;
  }

  /** Whether decisions currently use the fleet semaphore or the local share. */
  get mode(): 'shared' | 'local' {
    return this.#link.mode;
  }

  /** Calls running here (on fleet and local permits). */
  get running(): number {
    return this.#inUse + this.#local.running;
  }

  /** Fleet permits this instance holds, as the store last answered. */
  get held(): number {
    return this.#held;
  }

  /**
   * Takes a permit now if one can be had without waiting: a fleet permit in hand, else one
   * from the store (counted at once with a synchronous store), else — store unusable — a
   * local one. Pair every non-zero result with one {@link release} of the same value.
   */
  tryAcquire(): SharedPermit {
    this.#checkEpoch();
    if (this.#link.mode === 'local') return this.#tryLocal();
    this.#busy = true;
    const running = this.#inUse + this.#local.running;
    if (running < this.#held) {
      this.#inUse++;
      return SHARED;
    }
    const r = this.#hold(running + 1 + this.spare);
    if (r === UNAVAILABLE) return this.#tryLocal();
    if (this.#inUse + this.#local.running < this.#held) {
      this.#inUse++;
      return SHARED;
    }
    return NO_PERMIT;
  }

  /** Gives back a permit from {@link tryAcquire}; surplus fleet permits go back to the store. */
  release(permit: SharedPermit): void {
    if (permit === LOCAL) {
      this.#local.release();
    } else if (permit === SHARED) {
      if (this.#inUse === 0) {
        throw new Error('SharedBulkhead.release: no fleet permit is held');
      }
      this.#inUse--;
    } else {
      return;
    }
    if (
      this.#link.mode === 'shared' &&
      this.#request === undefined &&
      this.#held > this.#inUse + this.#local.running + this.spare
    ) {
      this.#hold(this.#inUse + this.#local.running + this.spare);
    }
  }

  /**
   * Runs `fn` on a permit. Waits only for the store (at most the link's timeout, per request);
   * refuses at once with {@link BulkheadRejectedError} when no permit can be had.
   */
  execute<T>(fn: PolicyFn<T>, signal?: SignalSource): Promise<T> {
    const permit = this.tryAcquire();
    if (permit !== NO_PERMIT) return this.#run(fn, signal, permit);
    if (this.#link.mode === 'shared' && this.#request !== undefined) {
      return this.#waitThenRun(fn, signal);
    }
    return Promise.reject(this.#rejection());
  }

  /** Gives every fleet permit back now (e.g. at shutdown) and stops the renewal timer. */
  dispose(): void {
    this.#renewTimer?.cancel();
    this.#renewTimer = undefined;
    if (this.#held > 0 && this.#link.mode === 'shared') {
      const r = this.#link.holdPermits(this.#key, this.#spec, this.#link.instanceId, 0);
      if (isThenable(r)) void r.then(undefined, () => undefined);
    }
    this.#held = 0;
  }

  async #waitThenRun<T>(fn: PolicyFn<T>, signal: SignalSource): Promise<T> {
    // At most two store answers: a give-back may be in flight before our own request.
    for (let i = 0; i < 2; i++) {
      const pending = this.#request;
      if (pending === undefined) break;
      if (!(await pending)) {
        // The store failed this call's request: the local share decides it.
        const local = this.#tryLocal();
        if (local !== NO_PERMIT) return this.#run(fn, signal, local);
        break;
      }
      const permit = this.tryAcquire();
      if (permit !== NO_PERMIT) return this.#run(fn, signal, permit);
    }
    throw this.#rejection();
  }

  async #run<T>(fn: PolicyFn<T>, signal: SignalSource, permit: SharedPermit): Promise<T> {
    try {
      return await fn(contextOf(signal));
    } finally {
      this.release(permit);
    }
  }

  #rejection(): BulkheadRejectedError {
    return new BulkheadRejectedError(
      this.#link.mode === 'local' ? this.localMaxConcurrent : this.maxConcurrent,
      0,
    );
  }

  #tryLocal(): SharedPermit {
    // Calls still running on fleet permits occupy the local share too.
    if (this.#inUse + this.#local.running >= this.localMaxConcurrent) return NO_PERMIT;
    return this.#local.tryAcquire() ? LOCAL : NO_PERMIT;
  }

  #checkEpoch(): void {
    const e = this.#link.epoch;
    if (e === this.#epoch) return;
    this.#epoch = e;
    // Whatever the store held for us may have expired while it was out of reach: start again.
    this.#held = 0;
  }

  /** Asks the store to set this instance's holding to `want`. */
  #hold(want: number): typeof ANSWERED | typeof PENDING | typeof UNAVAILABLE {
    if (this.#request !== undefined) return PENDING;
    const r = this.#link.holdPermits(this.#key, this.#spec, this.#link.instanceId, want);
    if (r === undefined) return UNAVAILABLE;
    if (!isThenable(r)) {
      this.#apply(r);
      return ANSWERED;
    }
    this.#request = r.then((reply) => {
      this.#request = undefined;
      if (reply === undefined) return false;
      this.#apply(reply);
      return true;
    });
    return PENDING;
  }

  #apply(reply: SemaphoreReply): void {
    this.#held = reply.held;
    if (reply.held > 0 && this.#renewTimer === undefined) {
      this.#renewTimer = this.#link.clock.setTimer(this.#spec.leaseMs / 3, this.#renew, {
        unref: true,
      });
    }
  }

  readonly #renew = (): void => {
    this.#renewTimer = undefined;
    if (this.#link.mode === 'local' || this.#held === 0) return;
    const running = this.#inUse + this.#local.running;
    const want = this.#busy ? Math.min(this.#held, running + this.spare) : running;
    this.#busy = false;
    if (this.#request === undefined) this.#hold(want);
    // Keep renewing while anything is held.
    if (this.#renewTimer === undefined && (this.#held > 0 || this.#request !== undefined)) {
      this.#renewTimer = this.#link.clock.setTimer(this.#spec.leaseMs / 3, this.#renew, {
        unref: true,
      });
    }
  };
}
