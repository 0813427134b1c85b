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
import { ComponentBase } from './internal/component-base.js';
import type { ComponentSpec } from './internal/component-base.js';
import type { DeleteResult, PlanStore } from './plan-store/plan-store.js';
import { checkRetain } from './plan-store/retention.js';

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

const SPEC: ComponentSpec<PlanStore> = {
  where: 'Janitor',
  defaultId: 'janitor',
  storeMethod: 'deleteOlderThan',
  defaultIntervalMs: 60_000,
};

/** Deletes old plans through the store's single atomic delete. */
export class Janitor extends ComponentBase {
  /** Plans kept below the oldest active generation. */
  readonly retain: number;
  readonly #policy: Policy;
  readonly #deleteEmitter = new EventEmitter<DeleteResult>();

  /** Fires after every run that deleted something. */
  readonly onDelete: Event<DeleteResult> = this.#deleteEmitter.event;

  constructor(options: JanitorOptions) {
    super(SPEC, options);
    this.retain = checkRetain(SPEC.where, options.retain ?? 10);
    this.#policy = this.storePolicy(options.policy);
    this.createLoop(options, (signal) => this.runOnce(signal));
  }

  /** One clean-up: the store's atomic delete. Rejects when the store fails after retries. */
  async runOnce(signal?: AbortSignal): Promise<DeleteResult> {
    const result = await this.#policy.execute(
      () => this.store.deleteOlderThan(this.retain, { actor: this.id, atMs: this.clock.now() }),
      signal,
    );
    if (result.deleted.length > 0 && this.#deleteEmitter.hasListeners) {
      this.#deleteEmitter.emit(result);
    }
    return result;
  }
}
