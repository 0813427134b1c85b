/**
 * @module
 * Self-repair (invariant I5): a loop that compares each target's served state with the newest
 * plan and acts on any difference, from any state a crash or a partial write can leave, so
 * that no state needs an operator. On 2025-10-20 the state "active plan deleted" could only
 * be left by hand (2 h 37 min); here every state has a way out:
 *
 * | the target …                                   | the reconciler …                              |
 * |------------------------------------------------|-----------------------------------------------|
 * | serves the newest plan                         | does nothing                                  |
 * | is behind (or never activated), whether or not | applies the newest plan (compare-and-set)     |
 * |   its active plan still exists                 |                                               |
 * | has the newest generation but serves other     | re-applies it in `'repair'` mode (finishes a  |
 * |   records (a half-applied update)              |   half-applied update)                        |
 * | has a generation above every plan that exists  | re-publishes the newest existing content as a |
 * |   (its active plan is gone, nothing is newer)  |   new plan — whose generation is above the    |
 * |                                                |   active one by the allocator's rule — and    |
 * |                                                |   applies it                                  |
 *
 * Every action goes through the same compare-and-set as the enactors, so a reconciler racing
 * them can only lose, never go backwards. Actions are written to the audit log.
 */
import type { Clock } from '../core/clock.js';
import { EventEmitter } from '../core/events.js';
import type { Event } from '../core/events.js';
import type { Rng } from '../core/rng.js';
import type { Policy } from '../resilience/policy.js';
import { ComponentBase } from './internal/component-base.js';
import type { ComponentSpec } from './internal/component-base.js';
import type { PlanStore } from './plan-store/plan-store.js';
import { createPlanDraft } from './plan.js';
import type { Plan } from './plan.js';
import { StoreTarget } from './store-target.js';
import type { ApplyMode, ApplyResult, Target } from './target.js';

/** Options for {@link Reconciler}. */
export interface ReconcilerOptions {
  /** Id in the audit log. Default `'reconciler'`. */
  readonly id?: string;
  readonly store: PlanStore;
  readonly clock: Clock;
  readonly rng: Rng;
  /** Targets to watch. Default: a `StoreTarget` for each registered target, listed each run. */
  readonly targets?: readonly Target[];
  /** Policy for store and target calls. Default {@link createStorePolicy}. */
  readonly policy?: Policy;
  /** Mean pause between runs, ms. Default 30 000. */
  readonly intervalMs?: number;
  /** Spread of the pause, a fraction in [0, 1). Default 0.2. */
  readonly jitter?: number;
}

/** What the reconciler did for one target. */
export type ReconcileAction =
  /** Serves the newest plan: nothing to do. */
  | 'in-sync'
  /** Was behind: the newest plan was applied. */
  | 'applied'
  /** Had the newest generation with other records: re-applied in repair mode. */
  | 'repaired'
  /** Its active plan was gone with nothing newer: the newest content was re-published. */
  | 'republished'
  /** The apply lost its compare-and-set (someone else was faster): fine, next run checks. */
  | 'lost'
  /** No plan exists at all: nothing to apply until a planner writes one. */
  | 'no-plan'
  /** The store or target failed even after retries. */
  | 'error';

/** One target's outcome in one run. */
export interface ReconcileResult {
  readonly target: string;
  readonly action: ReconcileAction;
  /** The generation applied (or found in sync). */
  readonly generation?: number;
  /** What was found, in words. */
  readonly detail: string;
  readonly error?: unknown;
}

const SPEC: ComponentSpec<PlanStore> = {
  where: 'Reconciler',
  defaultId: 'reconciler',
  storeMethod: 'activate',
  defaultIntervalMs: 30_000,
};

/** Repairs targets that differ from the newest plan. See the module comment. */
export class Reconciler extends ComponentBase {
  readonly #targets: readonly Target[] | undefined;
  readonly #policy: Policy;
  readonly #resultEmitter = new EventEmitter<ReconcileResult>();

  /** Fires for every target result that is not `'in-sync'`. */
  readonly onRepair: Event<ReconcileResult> = this.#resultEmitter.event;

  constructor(options: ReconcilerOptions) {
    super(SPEC, options);
    this.#targets = this.targetsOption(options.targets);
    this.#policy = this.storePolicy(options.policy);
    this.createLoop(options, (signal) => this.runOnce(signal));
  }

  /** One run over every target. Rejects only when the plan or target list cannot be read. */
  async runOnce(signal?: AbortSignal): Promise<readonly ReconcileResult[]> {
    const targets =
      this.#targets ??
      (await this.#policy.execute(() => this.store.listTargets(), signal)).map(
        (r) => new StoreTarget(this.store, r.id),
      );
    const results: ReconcileResult[] = [];
    for (const target of targets) {
      if (signal?.aborted === true) break;
      let result: ReconcileResult;
      try {
        result = await this.#reconcile(target, signal);
      } catch (error) {
        result = { target: target.id, action: 'error', detail: String(error), error };
      }
      results.push(result);
      if (result.action !== 'in-sync' && this.#resultEmitter.hasListeners) {
        this.#resultEmitter.emit(result);
      }
    }
    return results;
  }

  async #reconcile(target: Target, signal: AbortSignal | undefined): Promise<ReconcileResult> {
    const id = target.id;
    // Newest plan first, then the target: a plan written in between only makes the target
    // look further behind, which the compare-and-set sorts out.
    const newest = await this.#policy.execute(() => this.store.newestPlan(), signal);
    const state = await this.#policy.execute(() => target.read(), signal);
    if (newest === undefined) {
      return {
        target: id,
        action: 'no-plan',
        detail:
          state.activeGeneration === undefined
            ? 'no plan exists yet'
            : `active generation ${state.activeGeneration} but no plan exists; waiting for a planner`,
      };
    }
    const active = state.activeGeneration;
    if (active === newest.generation && state.contentHash === newest.contentHash) {
      return {
        target: id,
        action: 'in-sync',
        generation: active,
        detail: 'serves the newest plan',
      };
    }
    if (active === undefined || active < newest.generation) {
      const why =
        active === undefined
          ? 'never activated'
          : state.contentHash === undefined
            ? `behind at ${active}, whose plan is gone`
            : `behind at ${active}`;
      return this.#apply(target, newest, 'advance', 'applied', why, signal);
    }
    if (active === newest.generation) {
      return this.#apply(
        target,
        newest,
        'repair',
        'repaired',
        `generation ${active} active but the served records differ (half-applied)`,
        signal,
      );
    }
    // active > newest: the active plan is gone and nothing newer exists. Re-publish the
    // newest content under a new generation, which the allocator puts above `active`.
    const detail = `active generation ${active} has no plan and none is newer; re-publishing ${newest.generation}'s content`;
    const draft = createPlanDraft({
      content: newest.content,
      plannerId: this.id,
      createdAtMs: this.clock.now(),
      origin: { kind: 'republish', fromGeneration: newest.generation },
    });
    const put = await this.#policy.execute(
      () =>
        this.store.putPlan(
          draft,
          { actor: this.id, atMs: this.clock.now(), reason: detail },
          { expectedNewestGeneration: newest.generation },
        ),
      signal,
    );
    if (put.outcome === 'conflict') {
      return {
        target: id,
        action: 'lost',
        detail: `a newer plan ${put.newestGeneration} was written meanwhile; next run applies it`,
      };
    }
    return this.#apply(target, put.plan, 'advance', 'republished', detail, signal);
  }

  async #apply(
    target: Target,
    plan: Plan,
    mode: ApplyMode,
    action: 'applied' | 'repaired' | 'republished',
    detail: string,
    signal: AbortSignal | undefined,
  ): Promise<ReconcileResult> {
    const r: ApplyResult = await this.#policy.execute(
      () =>
        target.apply(plan, {
          actor: this.id,
          atMs: this.clock.now(),
          mode,
          reason: `reconcile: ${detail}`,
        }),
      signal,
    );
    if (r.outcome === 'lost') {
      return {
        target: target.id,
        action: 'lost',
        generation: plan.generation,
        detail: `${detail}; lost the compare-and-set (${r.reason}, current ${String(r.currentGeneration)})`,
      };
    }
    await this.#policy.execute(
      () =>
        this.store.appendAudit({
          atMs: this.clock.now(),
          actor: this.id,
          kind: 'reconcile',
          reason: `${action}: ${detail}`,
          target: target.id,
          generation: plan.generation,
        }),
      signal,
    );
    return { target: target.id, action, generation: plan.generation, detail };
  }
}
