/**
 * @module
 * The store's own served state as a {@link Target}: the store keeps the target's active
 * generation, and the target serves that plan's records. Applying is the store's atomic
 * compare-and-set (`PlanStore.activate`), so the generation fence and the "plan exists"
 * check are one step with the write. There is nothing to half-apply: the served records are
 * the plan's, or nothing at all when the active plan was deleted (which the safe janitor
 * never does; legacy mode does).
 */
import { UnknownTargetError } from './errors.js';
import { checkId } from './internal/options.js';
import type { PlanStore } from './plan-store/plan-store.js';
import type { Plan } from './plan.js';
import type { ApplyContext, ApplyResult, Target, TargetState } from './target.js';

/** A target whose state lives in a {@link PlanStore}. */
export class StoreTarget implements Target {
  readonly id: string;
  readonly #store: PlanStore;

  constructor(store: PlanStore, id: string) {
    if (typeof (store as Partial<PlanStore> | undefined)?.activate !== 'function') {
      throw new TypeError(`StoreTarget: store must be a PlanStore, got ${typeof store}`);
    }
    this.id = checkId('StoreTarget', 'id', id);
    this.#store = store;
  }

  /** `PlanStore.activate`; equal generations count as `'already-active'` in both modes. */
  async apply(plan: Plan, context: ApplyContext): Promise<ApplyResult> {
    const write =
      context.reason === undefined
        ? { actor: context.actor, atMs: context.atMs }
        : { actor: context.actor, atMs: context.atMs, reason: context.reason };
    const r = await this.#store.activate(this.id, plan.generation, write);
    if (r.outcome === 'won') return { outcome: 'won', previousGeneration: r.previousGeneration };
    if (r.reason === 'not-newer' && r.currentGeneration === plan.generation) {
      return { outcome: 'already-active' };
    }
    return { outcome: 'lost', reason: r.reason, currentGeneration: r.currentGeneration };
  }

  async activeGeneration(): Promise<number | undefined> {
    const t = await this.#store.getTarget(this.id);
    if (t === undefined) throw new UnknownTargetError(this.id);
    return t.activeGeneration;
  }

  async read(): Promise<TargetState> {
    const t = await this.#store.getTarget(this.id);
    if (t === undefined) throw new UnknownTargetError(this.id);
    const g = t.activeGeneration;
    const plan = g === undefined ? undefined : await this.#store.getPlan(g);
    return {
      id: this.id,
      activeGeneration: g,
      contentHash: plan?.contentHash,
      recordSets: plan?.content.recordSets ?? [],
    };
  }
}
