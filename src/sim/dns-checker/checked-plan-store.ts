/**
 * @module
 * A pass-through around a {@link MemoryPlanStore} that calls `onStep` right after every
 * atomic step that changed anything — synchronously, inside the same turn as the step, so
 * the invariant checks see every intermediate state, not just the ones that happen to be
 * current when a component resumes.
 *
 * It relies on two properties of the memory store: each method does all its work
 * synchronously when called (the promise only carries the answer), and every change of
 * state appends to the audit log in the same step. So "the log grew" is exactly "the state
 * may have changed", and a read never needs a check. It sits *inside* the
 * `FaultyPlanStore`: faults delay or fail calls before they reach it, and the check runs
 * when a call actually lands.
 */
import type { AuditEntry, AuditInput, AuditQuery, WriteContext } from '../../dns/audit-log.js';
import type { LegacyStoreOps } from '../../dns/legacy/legacy-store-ops.js';
import type { MemoryPlanStore } from '../../dns/plan-store/memory-store.js';
import type {
  ActivateResult,
  DeleteResult,
  PlanStore,
  PutPlanOptions,
  PutPlanResult,
  TargetRecord,
} from '../../dns/plan-store/plan-store.js';
import type { Plan, PlanDraft } from '../../dns/plan.js';

/** Options for {@link CheckedPlanStore}. */
export interface CheckedPlanStoreOptions {
  /** The store that holds the state. */
  readonly store: MemoryPlanStore;
  /**
   * Called synchronously after each step that appended to the audit log, with the index of
   * the first new entry. It must not throw.
   */
  readonly onStep: (firstNewEntry: number) => void;
}

/** Calls `onStep` after every step that changed the store. See the module comment. */
export class CheckedPlanStore implements PlanStore, LegacyStoreOps {
  readonly #inner: MemoryPlanStore;
  readonly #onStep: (firstNewEntry: number) => void;
  /** The store's live audit log (it only grows). */
  readonly #audit: readonly AuditEntry[];
  #seen: number;

  constructor(options: CheckedPlanStoreOptions) {
    if (typeof options?.store?.snapshot !== 'function') {
      throw new TypeError('CheckedPlanStore: store must be a MemoryPlanStore');
    }
    if (typeof options.onStep !== 'function') {
      throw new TypeError('CheckedPlanStore: onStep must be a function');
    }
    this.#inner = options.store;
    this.#onStep = options.onStep;
    this.#audit = options.store.snapshot().audit;
    this.#seen = this.#audit.length;
  }

  /** Runs `onStep` if the log grew since the last step. */
  #after<T>(result: T): T {
    const from = this.#seen;
    if (this.#audit.length !== from) {
      this.#seen = this.#audit.length;
      this.#onStep(from);
    }
    return result;
  }

  putPlan(
    draft: PlanDraft,
    context: WriteContext,
    options?: PutPlanOptions,
  ): Promise<PutPlanResult> {
    return this.#after(this.#inner.putPlan(draft, context, options));
  }
  getPlan(generation: number): Promise<Plan | undefined> {
    return this.#inner.getPlan(generation);
  }
  newestPlan(): Promise<Plan | undefined> {
    return this.#inner.newestPlan();
  }
  listGenerations(): Promise<readonly number[]> {
    return this.#inner.listGenerations();
  }
  addTarget(id: string, context: WriteContext): Promise<TargetRecord> {
    return this.#after(this.#inner.addTarget(id, context));
  }
  removeTarget(id: string, context: WriteContext): Promise<boolean> {
    return this.#after(this.#inner.removeTarget(id, context));
  }
  getTarget(id: string): Promise<TargetRecord | undefined> {
    return this.#inner.getTarget(id);
  }
  listTargets(): Promise<readonly TargetRecord[]> {
    return this.#inner.listTargets();
  }
  activate(target: string, generation: number, context: WriteContext): Promise<ActivateResult> {
    return this.#after(this.#inner.activate(target, generation, context));
  }
  deleteOlderThan(retain: number, context: WriteContext): Promise<DeleteResult> {
    return this.#after(this.#inner.deleteOlderThan(retain, context));
  }
  appendAudit(entry: AuditInput): Promise<AuditEntry> {
    return this.#after(this.#inner.appendAudit(entry));
  }
  readAudit(query?: AuditQuery): Promise<readonly AuditEntry[]> {
    return this.#inner.readAudit(query);
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
  forceActivate(
    target: string,
    generation: number,
    context: WriteContext,
  ): Promise<{ readonly previousGeneration: number | undefined }> {
    return this.#after(this.#inner.forceActivate(target, generation, context));
  }
  deletePlans(generations: readonly number[], context: WriteContext): Promise<readonly number[]> {
    return this.#after(this.#inner.deletePlans(generations, context));
  }
}
