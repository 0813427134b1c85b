/**
 * @module
 * The `PlanStore` contract: where plans, the targets' active generations and the audit log
 * live. Every adapter (memory, SQLite, etcd) implements it and passes the one shared
 * contract suite (`runPlanStoreContract`).
 *
 * The safety of the whole control plane rests on two operations being ONE atomic step each
 * inside the store — never a read followed by a write in the caller:
 *
 * - {@link PlanStore.activate} — "activate G on target T only if T's active generation is
 *   still below G and plan G exists" (invariant I2: the active generation never decreases).
 *   In 2025 the check "is my plan newer?" was a read made before a long stall; here it is
 *   the condition of the write itself.
 * - {@link PlanStore.deleteOlderThan} — "delete the plans older than the smallest active
 *   generation minus `retain`", with the active generations re-read inside the delete
 *   (invariant I3: an active plan is never deleted). In 2025 the clean-up deleted relative to
 *   the plan its own enactor had just applied, not to what was active.
 *
 * Every method returns a promise, so a wrapper can delay, stall or fail any call (the
 * fault-injecting store), and every write takes a {@link WriteContext} (who, when, why) and
 * appends its audit entry inside the same atomic step.
 */
import type { AuditEntry, AuditInput, AuditQuery, WriteContext } from '../audit-log.js';
import type { Plan, PlanDraft } from '../plan.js';

/** A target as the store knows it: its id and which generation it has active. */
export interface TargetRecord {
  /** The target's id (a DNS server, a zone, or the store's own served state). */
  readonly id: string;
  /** The active generation, or undefined before the first activation. */
  readonly activeGeneration: number | undefined;
  /** When the active generation was set, ms since the epoch. */
  readonly activatedAtMs: number | undefined;
  /** Who set it. */
  readonly activatedBy: string | undefined;
}

/** Options of {@link PlanStore.putPlan}. */
export interface PutPlanOptions {
  /**
   * Write only if the newest generation is still this one (0: only if there is no plan at
   * all); otherwise nothing is written and the outcome is `'conflict'`. A planner passes the
   * generation its change was computed from, so two planners cannot overwrite each other
   * blindly, and a retried write after a lost answer does not write the plan twice.
   */
  readonly expectedNewestGeneration?: number;
}

/** The answer of {@link PlanStore.putPlan}. */
export type PutPlanResult =
  | { readonly outcome: 'written'; readonly plan: Plan }
  | {
      readonly outcome: 'conflict';
      /** The newest generation the store holds (0 when none). */
      readonly newestGeneration: number;
    };

/** The answer of {@link PlanStore.activate}. */
export type ActivateResult =
  | {
      readonly outcome: 'won';
      /** The generation that was active before (undefined for the first activation). */
      readonly previousGeneration: number | undefined;
    }
  | {
      readonly outcome: 'lost';
      /**
       * `'not-newer'`: the target's active generation is already ≥ G (G itself, when this is
       * a retry of a write that took effect). `'plan-missing'`: plan G does not exist.
       */
      readonly reason: 'not-newer' | 'plan-missing';
      /** The target's active generation at the time of the decision. */
      readonly currentGeneration: number | undefined;
    };

/** The answer of {@link PlanStore.deleteOlderThan}. */
export interface DeleteResult {
  /** The generations deleted, ascending. */
  readonly deleted: readonly number[];
  /**
   * Plans below this generation were eligible: min(active generations) − retain. Undefined
   * when no target has an active generation (then nothing is deleted).
   */
  readonly floor: number | undefined;
  /** Every target's active generation, as re-read inside the delete. */
  readonly activeGenerations: Readonly<Record<string, number>>;
}

/** Where plans, active generations and the audit log live. See the module comment. */
export interface PlanStore {
  /**
   * Allocates the next generation and writes the plan under it, atomically, with a
   * `'plan-written'` audit entry. The generation is above every generation ever allocated
   * and every active generation. Throws `PlanValidationError` for an invalid draft.
   */
  putPlan(
    draft: PlanDraft,
    context: WriteContext,
    options?: PutPlanOptions,
  ): Promise<PutPlanResult>;
  /** The plan of a generation, or undefined (never written, or deleted). */
  getPlan(generation: number): Promise<Plan | undefined>;
  /** The plan with the highest generation, or undefined when there is none. */
  newestPlan(): Promise<Plan | undefined>;
  /** The generations of every plan held, ascending. */
  listGenerations(): Promise<readonly number[]>;

  /** Registers a target (idempotent; a `'target-added'` entry the first time). */
  addTarget(id: string, context: WriteContext): Promise<TargetRecord>;
  /**
   * Forgets a target; false when it was not registered. A removed target no longer holds
   * back the janitor (a target that never advances keeps every plan above its generation).
   */
  removeTarget(id: string, context: WriteContext): Promise<boolean>;
  /** One target, or undefined. */
  getTarget(id: string): Promise<TargetRecord | undefined>;
  /** Every registered target, sorted by id. */
  listTargets(): Promise<readonly TargetRecord[]>;

  /**
   * ONE atomic compare-and-set: make `generation` the target's active generation only if the
   * active generation is still below it (or unset) AND plan `generation` exists. Appends
   * `'activation-won'` or `'activation-lost'` in the same step. Throws `UnknownTargetError`
   * for an unregistered target.
   */
  activate(target: string, generation: number, context: WriteContext): Promise<ActivateResult>;
  /**
   * ONE atomic delete: re-reads every target's active generation and deletes the plans below
   * `min(active) − retain` — never an active plan, never a plan at or above any active
   * generation, never the newest plan, and nothing while no target has an active
   * generation. Appends a `'deletion'` entry when it deleted anything. `retain` is an
   * integer ≥ 2 (a `RangeError` otherwise).
   */
  deleteOlderThan(retain: number, context: WriteContext): Promise<DeleteResult>;

  /** Appends an entry (refusals, repairs, notes); the store numbers it. */
  appendAudit(entry: AuditInput): Promise<AuditEntry>;
  /** Entries in log order, filtered by `query`. */
  readAudit(query?: AuditQuery): Promise<readonly AuditEntry[]>;

  /** Releases the store's resources; later calls reject with `StoreClosedError`. Idempotent. */
  close(): Promise<void>;
}

/** The methods of {@link PlanStore}, for wrappers that intercept every call. */
export type PlanStoreMethod = Exclude<keyof PlanStore, 'close'>;

/** Every {@link PlanStoreMethod}. */
export const PLAN_STORE_METHODS: readonly PlanStoreMethod[] = Object.freeze([
  'putPlan',
  'getPlan',
  'newestPlan',
  'listGenerations',
  'addTarget',
  'removeTarget',
  'getTarget',
  'listTargets',
  'activate',
  'deleteOlderThan',
  'appendAudit',
  'readAudit',
]);

/** The smallest `retain` the janitor accepts: the active plan and the one before it stay. */
export const MIN_RETAIN = 2;
