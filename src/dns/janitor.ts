/**
 * @module
 * The janitor (clean-up) deletes old plans so the store does not grow without bound. It
 * makes no decision of its own: it asks the store for ONE atomic operation,
 * `deleteOlderThan(retain)`, which re-reads every target's active generation at delete time
 * and deletes only plans below `min(active) − retain` (and never the newest plan) — see
 * `plan-store/retention.ts`. So an enactor that activates an old plan while the janitor runs
 * cannot have that plan deleted under it (invariant I3).
 *
 * In 2025 the clean-up ran inside an enactor and deleted plans many generations older than
 * the plan *that enactor* had just applied, without looking at what was active; a stale
 * enactor's plan, active by then, was among them. The legacy model (`legacy/`) keeps that.
 */
import type { Clock } from '../core/clock.js';
import { EventEmitter } from '../core/events.js';
import type { Event } from '../core/events.js';
import type { Rng } from '../core/rng.js';
import type { Policy } from '../resilience/policy.js';
import {
  checkClock,
  checkId,
  checkNumberIn,
  checkOptionsObject,
  checkRng,
} from './internal/options.js';
import { PeriodicLoop } from './internal/periodic-loop.js';
import type { DeleteResult, PlanStore } from './plan-store/plan-store.js';
import { checkRetain } from './plan-store/retention.js';
import { createStorePolicy } from './store-policy.js';

/** Options for {@link Janitor}. */
export interface JanitorOptions {
  /** Id in the audit log. Default `'janitor'`. */
  readonly id?: string;
  readonly store: PlanStore;
  readonly clock: Clock;
  /** Jitter for the loop and the default policy. */
  readonly rng: Rng;
  /**
   * Plans kept below the oldest active generation, for rollbacks and in-flight applies: an
   * integer ≥ 2. Default 10 (ten changes of history to roll back to).
   */
  readonly retain?: number;
  /** Policy for store calls. Default {@link createStorePolicy}. */
  readonly policy?: Policy;
  /** Mean pause between runs in the loop, ms. Default 60 000. */
  readonly intervalMs?: number;
  /** Spread of the pause, a fraction in [0, 1). Default 0.2. */
  readonly jitter?: number;
}

/** Deletes old plans through the store's single atomic delete. */
export class Janitor {
  /** Id in the audit log. */
  readonly id: string;
  /** Plans kept below the oldest active generation. */
  readonly retain: number;
  readonly #store: PlanStore;
  readonly #clock: Clock;
  readonly #policy: Policy;
  readonly #loop: PeriodicLoop;
  readonly #deleteEmitter = new EventEmitter<DeleteResult>();
  readonly #errorEmitter = new EventEmitter<unknown>();

  /** Fires after every run that deleted something. */
  readonly onDelete: Event<DeleteResult> = this.#deleteEmitter.event;
  /** Fires when a loop run fails. */
  readonly onError: Event<unknown> = this.#errorEmitter.event;

  constructor(options: JanitorOptions) {
    const where = 'Janitor';
    checkOptionsObject(where, options);
    this.id = checkId(where, 'id', options.id ?? 'janitor');
    if (typeof (options.store as Partial<PlanStore> | undefined)?.deleteOlderThan !== 'function') {
      throw new TypeError(`${where}: store must be a PlanStore`);
    }
    this.#store = options.store;
    this.#clock = checkClock(where, options.clock);
    const rng = checkRng(where, options.rng);
    this.retain = checkRetain(where, options.retain ?? 10);
    this.#policy =
      options.policy ?? createStorePolicy({ clock: this.#clock, rng: rng.fork('policy') });
    this.#loop = new PeriodicLoop({
      name: where,
      clock: this.#clock,
      rng: rng.fork('loop'),
      intervalMs: checkNumberIn(where, 'intervalMs', options.intervalMs ?? 60_000, 1, 8.64e7),
      jitter: checkNumberIn(where, 'jitter', options.jitter ?? 0.2, 0, 0.99),
      step: (signal) => this.runOnce(signal),
      onError: (e) => this.#errorEmitter.emit(e),
    });
  }

  /** One clean-up: the store's atomic delete. Rejects when the store fails after retries. */
  async runOnce(signal?: AbortSignal): Promise<DeleteResult> {
    const result = await this.#policy.execute(
      () => this.#store.deleteOlderThan(this.retain, { actor: this.id, atMs: this.#clock.now() }),
      signal,
    );
    if (result.deleted.length > 0 && this.#deleteEmitter.hasListeners) {
      this.#deleteEmitter.emit(result);
    }
    return result;
  }

  /** Starts the loop. */
  start(): void {
    this.#loop.start();
  }

  /** Stops the loop; resolves when it has ended. */
  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** True while the loop runs. */
  get running(): boolean {
    return this.#loop.running;
  }
}
