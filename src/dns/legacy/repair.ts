/**
 * @module
 * LEGACY MODE — the operator's manual repair of a target that the 2025 race left blocked
 * (its active plan deleted, serving nothing, refusing every later apply). On 2025-10-20 this
 * took from 23:48 to 02:25 PDT. It sets the target to the newest plan unconditionally and
 * records a `'repair'` entry. The safe components never need it: the reconciler reaches the
 * same state on its own.
 */
import type { Clock } from '../../core/clock.js';
import { PlanNotFoundError, UnknownTargetError } from '../errors.js';
import { checkClock, checkId, checkOptionsObject } from '../internal/options.js';
import type { LegacyPlanStore } from './legacy-store-ops.js';

/** Options for {@link repairLegacyTarget}. */
export interface RepairLegacyTargetOptions {
  readonly store: LegacyPlanStore;
  /** The blocked target. */
  readonly target: string;
  /** The operator. */
  readonly actor: string;
  readonly clock: Clock;
}

/**
 * Points `target` at the newest plan, whatever is active. Returns the generation set.
 * Throws `UnknownTargetError`, or `PlanNotFoundError` (generation 0) when no plan exists.
 */
export async function repairLegacyTarget(
  options: RepairLegacyTargetOptions,
): Promise<{ readonly generation: number; readonly previousGeneration: number | undefined }> {
  const where = 'repairLegacyTarget';
  checkOptionsObject(where, options);
  const target = checkId(where, 'target', options.target);
  const actor = checkId(where, 'actor', options.actor);
  const clock = checkClock(where, options.clock);
  const { store } = options;
  if ((await store.getTarget(target)) === undefined) throw new UnknownTargetError(target);
  const newest = await store.newestPlan();
  if (newest === undefined) throw new PlanNotFoundError(0);
  const { previousGeneration } = await store.forceActivate(target, newest.generation, {
    actor,
    atMs: clock.now(),
    reason: 'operator repair',
  });
  await store.appendAudit({
    atMs: clock.now(),
    actor,
    kind: 'repair',
    reason: `operator repaired '${target}': set to the newest plan ${newest.generation}`,
    target,
    generation: newest.generation,
    ...(previousGeneration === undefined ? {} : { previousGeneration }),
  });
  return { generation: newest.generation, previousGeneration };
}
