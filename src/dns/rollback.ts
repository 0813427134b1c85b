/**
 * @module
 * Rollback without going backwards: `rollback(to: G)` writes G's content as a NEW plan, with
 * a generation above every other, and lets the enactors apply it as they apply any plan.
 * The active generation therefore never decreases (invariant I2), the janitor's rule needs
 * no exception, and the audit log shows the rollback as what it is (origin `'rollback'`,
 * `fromGeneration: G`).
 *
 * The new plan records the content hash it replaced. A planner that computes that same
 * content again (its inputs have not changed since the rollback) holds off instead of undoing
 * the rollback at once; when its inputs change, it writes as usual.
 */
import type { Clock } from '../core/clock.js';
import type { Policy } from '../resilience/policy.js';
import { PlanConflictError, PlanNotFoundError } from './errors.js';
import { checkClock, checkGeneration, checkId, checkOptionsObject } from './internal/options.js';
import type { PlanStore } from './plan-store/plan-store.js';
import { createPlanDraft } from './plan.js';
import type { Plan } from './plan.js';

/** Options for {@link rollback}. */
export interface RollbackOptions {
  readonly store: PlanStore;
  /** The generation whose content to restore. */
  readonly to: number;
  /** Who asks (an operator's name), for the plan and the audit log. */
  readonly actor: string;
  /** For the plan's time and the audit entry. */
  readonly clock: Clock;
  /** Why, for the audit log. */
  readonly reason?: string;
  /** Policy for store calls; default: none (an operator's command, run once). */
  readonly policy?: Policy;
  /** Attempts when another writer keeps writing first. Default 5. */
  readonly maxConflicts?: number;
}

/** What {@link rollback} did. */
export interface RollbackResult {
  /** The new plan (G's content under a new generation). */
  readonly plan: Plan;
  /** G. */
  readonly fromGeneration: number;
}

const direct: Policy = { execute: async (fn) => fn({ signal: undefined }) };

/**
 * Writes generation `to`'s content as a new plan. Throws `PlanNotFoundError` when `to` does
 * not exist (the janitor keeps `retain` plans below the oldest active one; older ones are
 * gone), `PlanConflictError` when other writers won `maxConflicts` times in a row.
 */
export async function rollback(options: RollbackOptions): Promise<RollbackResult> {
  const where = 'rollback';
  checkOptionsObject(where, options);
  const to = checkGeneration(where, options.to, 'to');
  const actor = checkId(where, 'actor', options.actor);
  const clock = checkClock(where, options.clock);
  const { store } = options;
  const policy = options.policy ?? direct;
  const maxConflicts = options.maxConflicts ?? 5;
  const source = await policy.execute(() => store.getPlan(to));
  if (source === undefined) throw new PlanNotFoundError(to);
  const reason = options.reason ?? `rollback to generation ${to}`;
  for (let attempt = 0; attempt < maxConflicts; attempt++) {
    const newest = await policy.execute(() => store.newestPlan());
    if (
      newest !== undefined &&
      attempt > 0 &&
      newest.origin.kind === 'rollback' &&
      newest.origin.fromGeneration === to &&
      newest.plannerId === actor
    ) {
      // A previous attempt's write landed although its answer was lost.
      return { plan: newest, fromGeneration: to };
    }
    const draft = createPlanDraft({
      content: source.content,
      plannerId: actor,
      createdAtMs: clock.now(),
      origin:
        newest === undefined
          ? { kind: 'rollback', fromGeneration: to }
          : { kind: 'rollback', fromGeneration: to, replacedContentHash: newest.contentHash },
    });
    const r = await policy.execute(() =>
      store.putPlan(
        draft,
        { actor, atMs: clock.now(), reason },
        { expectedNewestGeneration: newest?.generation ?? 0 },
      ),
    );
    if (r.outcome === 'written') return { plan: r.plan, fromGeneration: to };
  }
  throw new PlanConflictError(
    `rollback to ${to}: other writers wrote first ${maxConflicts} times in a row; try again`,
  );
}
