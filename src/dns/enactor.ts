/**
 * @module
 * An enactor applies the newest plan to every target. Several run independently (three by
 * default, as AWS ran one per availability zone), so one stalled or crashed enactor changes
 * nothing: the others carry on, and whichever is first wins each target.
 *
 * The difference from 2025 is where "is my plan newer?" is decided. There it was a read the
 * enactor made once, before a delay; here it is the condition of the write itself — the
 * target's compare-and-set ("activate G only if the active generation is still below G and
 * plan G exists", `PlanStore.activate`). An enactor that stalls for an hour and wakes up
 * holding an old plan simply loses that compare-and-set, drops the plan, and moves on
 * (invariant I2). It reads a target's active generation first only to *skip* targets already
 * up to date — a read that can only prevent a write, never justify one.
 *
 * Every store and target call goes through a resilience policy (default
 * {@link createStorePolicy}: retry with a budget and jittered backoff, a breaker, a
 * timeout), on the injected clock and random stream. `runOnce()` is one pass, for the
 * simulator and tests to drive step by step; `start()`/`stop()` run it in a loop.
 */
import type { Clock } from '../core/clock.js';
import { EventEmitter } from '../core/events.js';
import type { Event } from '../core/events.js';
import type { Rng } from '../core/rng.js';
import type { Policy } from '../resilience/policy.js';
import { ComponentBase } from './internal/component-base.js';
import type { ComponentSpec } from './internal/component-base.js';
import type { PlanStore } from './plan-store/plan-store.js';
import type { Plan } from './plan.js';
import { StoreTarget } from './store-target.js';
import type { Target } from './target.js';

/** Options for {@link Enactor}. */
export interface EnactorOptions {
  /** This enactor's id, in the audit log (`enactor-a`). */
  readonly id: string;
  /** Where the plans are (and, by default, the targets' active generations). */
  readonly store: PlanStore;
  readonly clock: Clock;
  /** Jitter for the loop and the default policy's backoff (forked per use). */
  readonly rng: Rng;
  /**
   * The targets to apply to. Default: a {@link StoreTarget} for every target registered in
   * the store, listed afresh on every pass.
   */
  readonly targets?: readonly Target[];
  /** The policy for store and target calls. Default {@link createStorePolicy}. */
  readonly policy?: Policy;
  /** Mean pause between passes in the loop, ms. Default 1000. */
  readonly intervalMs?: number;
  /** Spread of the pause, a fraction in [0, 1). Default 0.2. */
  readonly jitter?: number;
}

/** What happened at one target in one pass. */
export interface EnactorTargetResult {
  readonly enactor: string;
  readonly target: string;
  /** The generation the enactor tried to apply. */
  readonly generation: number;
  /**
   * `'won'`: this enactor activated it. `'already-active'`: it was active already.
   * `'lost'`: the target had a newer generation, or the plan was gone (dropped).
   * `'skipped'`: the target was already at or above it (nothing written).
   * `'error'`: the store or target failed even after the policy's retries.
   */
  readonly outcome: 'won' | 'already-active' | 'lost' | 'skipped' | 'error';
  /** The target's generation before (won) or at the decision (lost, skipped). */
  readonly currentGeneration?: number | undefined;
  /** For `'lost'`: why. */
  readonly reason?: 'not-newer' | 'plan-missing';
  /** For `'error'`: the error. */
  readonly error?: unknown;
}

/** The result of one pass. */
export interface EnactorPass {
  /** The plan the pass applied, or undefined when there was none (or it could not be read). */
  readonly plan: Plan | undefined;
  /** One result per target, in order. */
  readonly results: readonly EnactorTargetResult[];
  /** Set when the pass could not read the newest plan or the targets. */
  readonly error?: unknown;
}

const SPEC: ComponentSpec<PlanStore> = {
  where: 'Enactor',
  storeMethod: 'activate',
  defaultIntervalMs: 1000,
};

/** Applies the newest plan to every target through the targets' compare-and-set. */
export class Enactor extends ComponentBase {
  readonly #targets: readonly Target[] | undefined;
  readonly #policy: Policy;
  readonly #resultEmitter = new EventEmitter<EnactorTargetResult>();

  /** Fires for every target result of every pass. */
  readonly onResult: Event<EnactorTargetResult> = this.#resultEmitter.event;

  constructor(options: EnactorOptions) {
    super(SPEC, options);
    this.#targets = this.targetsOption(options.targets);
    this.#policy = this.storePolicy(options.policy);
    this.createLoop(options, async (signal) => {
      const pass = await this.runOnce(signal);
      if (pass.error !== undefined) {
        throw pass.error instanceof Error
          ? pass.error
          : new Error('enactor pass failed', { cause: pass.error });
      }
    });
  }

  /**
   * One pass: read the newest plan, then for each target skip it if it is already there,
   * else apply through the target's compare-and-set. Never throws; failures are reported in
   * the result (`error`, or per-target `'error'`).
   */
  async runOnce(signal?: AbortSignal): Promise<EnactorPass> {
    let plan: Plan | undefined;
    let targets: { target: Target; known: number | undefined | null }[];
    try {
      plan = await this.#policy.execute(() => this.store.newestPlan(), signal);
      if (plan === undefined) return { plan: undefined, results: [] };
      if (this.#targets !== undefined) {
        targets = this.#targets.map((target) => ({ target, known: null }));
      } else {
        const records = await this.#policy.execute(() => this.store.listTargets(), signal);
        targets = records.map((r) => ({
          target: new StoreTarget(this.store, r.id),
          known: r.activeGeneration,
        }));
      }
    } catch (error) {
      return { plan, results: [], error };
    }
    const results: EnactorTargetResult[] = [];
    for (const { target, known } of targets) {
      if (signal?.aborted === true) break;
      const result = await this.#applyTo(plan, target, known, signal);
      results.push(result);
      if (this.#resultEmitter.hasListeners) this.#resultEmitter.emit(result);
    }
    return { plan, results };
  }

  async #applyTo(
    plan: Plan,
    target: Target,
    known: number | undefined | null,
    signal: AbortSignal | undefined,
  ): Promise<EnactorTargetResult> {
    const base = { enactor: this.id, target: target.id, generation: plan.generation };
    try {
      // A read that can only prevent a write: skipping a target already at or above the plan
      // is safe whatever happens next; the decision to write is the compare-and-set below.
      const current =
        known !== null
          ? known
          : await this.#policy.execute(() => target.activeGeneration(), signal);
      if (current !== undefined && current >= plan.generation) {
        return { ...base, outcome: 'skipped', currentGeneration: current };
      }
      const r = await this.#policy.execute(
        () =>
          target.apply(plan, {
            actor: this.id,
            atMs: this.clock.now(),
            mode: 'advance',
          }),
        signal,
      );
      switch (r.outcome) {
        case 'won':
          return { ...base, outcome: 'won', currentGeneration: r.previousGeneration };
        case 'already-active':
          return { ...base, outcome: 'already-active', currentGeneration: plan.generation };
        case 'lost':
          return {
            ...base,
            outcome: 'lost',
            reason: r.reason,
            currentGeneration: r.currentGeneration,
          };
      }
    } catch (error) {
      return { ...base, outcome: 'error', error };
    }
  }
}
