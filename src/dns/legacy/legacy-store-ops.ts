/**
 * @module
 * LEGACY MODE ONLY — the two unsafe store operations the 2025 algorithm used, kept apart
 * from the `PlanStore` contract so that no safe component can reach them by accident:
 *
 * - {@link LegacyStoreOps.forceActivate}: set a target's active generation unconditionally
 *   (the enactor had decided "my plan is newer" from a read made earlier, before its stall);
 * - {@link LegacyStoreOps.deletePlans}: delete exactly the listed plans, without re-checking
 *   what is active (the clean-up chose them relative to its own enactor's plan).
 *
 * The memory store implements them (for the replay and the checker's negative control); the
 * SQLite and etcd stores do not.
 */
import type { WriteContext } from '../audit-log.js';
import type { PlanStore } from '../plan-store/plan-store.js';

/** The unsafe operations of the 2025 algorithm. See the module comment. */
export interface LegacyStoreOps {
  /**
   * Sets the target's active generation to `generation` whatever it was, whether or not the
   * plan exists; appends an `'activation-forced'` entry. Throws `UnknownTargetError`.
   */
  forceActivate(
    target: string,
    generation: number,
    context: WriteContext,
  ): Promise<{ readonly previousGeneration: number | undefined }>;
  /**
   * Deletes the listed plans (those that exist), whatever is active; appends a `'deletion'`
   * entry with the active generations at the time. Returns the generations deleted.
   */
  deletePlans(generations: readonly number[], context: WriteContext): Promise<readonly number[]>;
}

/** A store that also offers the legacy operations. */
export type LegacyPlanStore = PlanStore & LegacyStoreOps;

/** True when `store` offers the legacy operations. */
export function isLegacyPlanStore(store: PlanStore): store is LegacyPlanStore {
  const s = store as Partial<LegacyStoreOps>;
  return typeof s.forceActivate === 'function' && typeof s.deletePlans === 'function';
}
