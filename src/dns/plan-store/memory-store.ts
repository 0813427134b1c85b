/**
 * @module
 * A {@link PlanStore} in memory, for unit tests and the simulator. Every method's work happens
 * synchronously when it is called, in one step, so each operation is atomic with respect to
 * every other; the promise only carries the answer. Wrap it in a `FaultyPlanStore` to add
 * latency, stalls and failures around those atomic steps.
 *
 * Beyond the contract it offers:
 * - {@link MemoryPlanStore.snapshot}: a synchronous view for the invariant checks, which the
 *   checker takes after every step without going through (faulty) async calls;
 * - the legacy operations ({@link LegacyStoreOps}), for the replay of the 2025 algorithm;
 * - a record of every content ever written (by hash), so provenance (I4) can be checked even
 *   after the janitor deleted the plan a record set came from.
 */
/* eslint-disable @typescript-eslint/require-await -- the contract's methods are `async` so
   that a synchronous validation error becomes a rejection, as it would from a remote store. */
import type { AuditEntry, AuditInput, AuditQuery, WriteContext } from '../audit-log.js';
import {
  checkAuditInput,
  checkAuditQuery,
  checkWriteContext,
  matchesAuditQuery,
} from '../audit-log.js';
import { PlanNotFoundError, StoreClosedError, UnknownTargetError } from '../errors.js';
import { checkGeneration, checkId } from '../internal/options.js';
import type { DnsSnapshot, TargetSnapshot } from '../invariants.js';
import type { LegacyStoreOps } from '../legacy/legacy-store-ops.js';
import type { Plan, PlanContent, PlanDraft } from '../plan.js';
import { planOf, verifyPlanDraft } from '../plan.js';
import type {
  ActivateResult,
  DeleteResult,
  PlanStore,
  PutPlanOptions,
  PutPlanResult,
  TargetRecord,
} from './plan-store.js';
import { activationAudit, targetRemovedAudit } from './audit-entries.js';
import { checkRetain, deletableGenerations, nextGeneration } from './retention.js';

interface MutableTarget {
  readonly id: string;
  activeGeneration: number | undefined;
  activatedAtMs: number | undefined;
  activatedBy: string | undefined;
}

function freezeTarget(t: MutableTarget): TargetRecord {
  return Object.freeze({
    id: t.id,
    activeGeneration: t.activeGeneration,
    activatedAtMs: t.activatedAtMs,
    activatedBy: t.activatedBy,
  });
}

/** A {@link PlanStore} held in this process. See the module comment. */
export class MemoryPlanStore implements PlanStore, LegacyStoreOps {
  /** Plans by generation; insertion order is ascending generation (allocation order). */
  readonly #plans = new Map<number, Plan>();
  readonly #targets = new Map<string, MutableTarget>();
  readonly #audit: AuditEntry[] = [];
  readonly #written = new Map<string, PlanContent>();
  #counter = 1;
  #newest: Plan | undefined = undefined;
  #closed = false;

  /** Allocates, writes and audits a plan in one step. */
  async putPlan(
    draft: PlanDraft,
    context: WriteContext,
    options?: PutPlanOptions,
  ): Promise<PutPlanResult> {
    return this.putPlanSync(draft, context, options);
  }

  /** The synchronous body of {@link putPlan}, for callback-driven simulation code. */
  putPlanSync(draft: PlanDraft, context: WriteContext, options?: PutPlanOptions): PutPlanResult {
    this.#open();
    checkWriteContext('putPlan', context);
    const expected = options?.expectedNewestGeneration;
    if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 0)) {
      throw new RangeError(
        `putPlan: expectedNewestGeneration must be an integer >= 0, got ${expected}`,
      );
    }
    const verified = verifyPlanDraft(draft);
    const newestGeneration = this.#newest?.generation ?? 0;
    if (expected !== undefined && expected !== newestGeneration) {
      return { outcome: 'conflict', newestGeneration };
    }
    const generation = nextGeneration(this.#counter, this.#newest?.generation, this.#maxActive());
    this.#counter = generation + 1;
    const plan = planOf(verified, generation);
    this.#plans.set(generation, plan);
    this.#newest = plan;
    if (!this.#written.has(plan.contentHash)) this.#written.set(plan.contentHash, plan.content);
    this.#append({
      atMs: context.atMs,
      actor: context.actor,
      kind: 'plan-written',
      reason: context.reason ?? `${plan.origin.kind} plan`,
      generation,
      contentHash: plan.contentHash,
    });
    return { outcome: 'written', plan };
  }

  async getPlan(generation: number): Promise<Plan | undefined> {
    this.#open();
    return this.#plans.get(generation);
  }

  async newestPlan(): Promise<Plan | undefined> {
    this.#open();
    return this.#newest;
  }

  async listGenerations(): Promise<readonly number[]> {
    this.#open();
    return [...this.#plans.keys()];
  }

  async addTarget(id: string, context: WriteContext): Promise<TargetRecord> {
    this.#open();
    checkId('addTarget', 'id', id);
    checkWriteContext('addTarget', context);
    let t = this.#targets.get(id);
    if (t === undefined) {
      t = { id, activeGeneration: undefined, activatedAtMs: undefined, activatedBy: undefined };
      this.#targets.set(id, t);
      this.#append({
        atMs: context.atMs,
        actor: context.actor,
        kind: 'target-added',
        reason: context.reason ?? '',
        target: id,
      });
    }
    return freezeTarget(t);
  }

  async removeTarget(id: string, context: WriteContext): Promise<boolean> {
    this.#open();
    checkWriteContext('removeTarget', context);
    const t = this.#targets.get(id);
    if (t === undefined) return false;
    this.#targets.delete(id);
    this.#append(targetRemovedAudit(context, id, t.activeGeneration));
    return true;
  }

  async getTarget(id: string): Promise<TargetRecord | undefined> {
    this.#open();
    const t = this.#targets.get(id);
    return t === undefined ? undefined : freezeTarget(t);
  }

  async listTargets(): Promise<readonly TargetRecord[]> {
    this.#open();
    return [...this.#targets.values()]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map(freezeTarget);
  }

  async activate(
    target: string,
    generation: number,
    context: WriteContext,
  ): Promise<ActivateResult> {
    return this.activateSync(target, generation, context);
  }

  /** The synchronous body of {@link activate}: the compare-and-set itself. */
  activateSync(target: string, generation: number, context: WriteContext): ActivateResult {
    this.#open();
    checkGeneration('activate', generation);
    checkWriteContext('activate', context);
    const t = this.#targets.get(target);
    if (t === undefined) throw new UnknownTargetError(target);
    const current = t.activeGeneration;
    let result: ActivateResult;
    if (current !== undefined && current >= generation) {
      result = { outcome: 'lost', reason: 'not-newer', currentGeneration: current };
    } else if (!this.#plans.has(generation)) {
      result = { outcome: 'lost', reason: 'plan-missing', currentGeneration: current };
    } else {
      t.activeGeneration = generation;
      t.activatedAtMs = context.atMs;
      t.activatedBy = context.actor;
      result = { outcome: 'won', previousGeneration: current };
    }
    this.#append(activationAudit(context, target, generation, current, result));
    return result;
  }

  async deleteOlderThan(retain: number, context: WriteContext): Promise<DeleteResult> {
    return this.deleteOlderThanSync(retain, context);
  }

  /** The synchronous body of {@link deleteOlderThan}: the janitor's atomic delete. */
  deleteOlderThanSync(retain: number, context: WriteContext): DeleteResult {
    this.#open();
    checkRetain('deleteOlderThan', retain);
    checkWriteContext('deleteOlderThan', context);
    const activeGenerations = this.#activeGenerations();
    const { deletable, floor } = deletableGenerations(
      this.#plans.keys(),
      Object.values(activeGenerations),
      retain,
    );
    for (const g of deletable) this.#plans.delete(g);
    if (deletable.length > 0) {
      this.#append({
        atMs: context.atMs,
        actor: context.actor,
        kind: 'deletion',
        reason:
          context.reason ??
          `older than min(active) ${floor! + retain} - retain ${retain} = ${floor!}`,
        generations: deletable,
        activeGenerations,
      });
    }
    return { deleted: deletable, floor, activeGenerations };
  }

  async appendAudit(entry: AuditInput): Promise<AuditEntry> {
    this.#open();
    return this.#append(checkAuditInput(entry));
  }

  async readAudit(query?: AuditQuery): Promise<readonly AuditEntry[]> {
    this.#open();
    checkAuditQuery(query);
    const out: AuditEntry[] = [];
    const limit = query?.limit ?? Infinity;
    // Entries are numbered from 1 in order, so `afterSeq` is an index.
    for (let i = Math.max(0, query?.afterSeq ?? 0); i < this.#audit.length; i++) {
      if (out.length >= limit) break;
      const e = this.#audit[i]!;
      if (matchesAuditQuery(e, query)) out.push(e);
    }
    return out;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  // ---- legacy operations (LEGACY MODE ONLY; see legacy/legacy-store-ops.ts) ----

  async forceActivate(
    target: string,
    generation: number,
    context: WriteContext,
  ): Promise<{ readonly previousGeneration: number | undefined }> {
    this.#open();
    checkGeneration('forceActivate', generation);
    checkWriteContext('forceActivate', context);
    const t = this.#targets.get(target);
    if (t === undefined) throw new UnknownTargetError(target);
    const previous = t.activeGeneration;
    t.activeGeneration = generation;
    t.activatedAtMs = context.atMs;
    t.activatedBy = context.actor;
    this.#append({
      atMs: context.atMs,
      actor: context.actor,
      kind: 'activation-forced',
      reason: context.reason ?? 'unconditional apply (legacy)',
      target,
      generation,
      ...(previous === undefined ? {} : { previousGeneration: previous }),
    });
    return { previousGeneration: previous };
  }

  async deletePlans(
    generations: readonly number[],
    context: WriteContext,
  ): Promise<readonly number[]> {
    this.#open();
    checkWriteContext('deletePlans', context);
    const deleted: number[] = [];
    for (const g of [...generations].sort((a, b) => a - b)) {
      if (this.#plans.delete(g)) deleted.push(g);
    }
    if (this.#newest !== undefined && !this.#plans.has(this.#newest.generation)) {
      let newest: Plan | undefined;
      for (const p of this.#plans.values()) newest = p;
      this.#newest = newest;
    }
    if (deleted.length > 0) {
      this.#append({
        atMs: context.atMs,
        actor: context.actor,
        kind: 'deletion',
        reason: context.reason ?? 'legacy clean-up (no re-check of active plans)',
        generations: deleted,
        activeGenerations: this.#activeGenerations(),
      });
    }
    return deleted;
  }

  // ---- for the checker and tests ----

  /**
   * The current state, synchronously, for the invariant checks. `plans` and `targets` are
   * copies; `audit` and `written` are live read-only views (they only ever grow), so taking
   * a snapshot after every step costs O(plans + targets), not O(history).
   */
  snapshot(): DnsSnapshot {
    const targets: TargetSnapshot[] = [];
    for (const t of this.#targets.values()) {
      targets.push({ id: t.id, activeGeneration: t.activeGeneration });
    }
    targets.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return {
      plans: new Map(this.#plans),
      targets,
      audit: this.#audit,
      auditLength: this.#audit.length,
      written: this.#written,
    };
  }

  /**
   * The plan a target serves — its active plan — or undefined when it has none, or when the
   * active plan was deleted (a target in that state serves nothing). Throws
   * `UnknownTargetError`.
   */
  servedPlan(target: string): Plan | undefined {
    const t = this.#targets.get(target);
    if (t === undefined) throw new UnknownTargetError(target);
    return t.activeGeneration === undefined ? undefined : this.#plans.get(t.activeGeneration);
  }

  /** Like `getPlan`, but throws {@link PlanNotFoundError}; synchronous. */
  requirePlan(generation: number): Plan {
    const p = this.#plans.get(generation);
    if (p === undefined) throw new PlanNotFoundError(generation);
    return p;
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  #append(input: AuditInput): AuditEntry {
    const entry = Object.freeze({ seq: this.#audit.length + 1, ...input });
    this.#audit.push(entry);
    return entry;
  }

  #maxActive(): number | undefined {
    let max: number | undefined;
    for (const t of this.#targets.values()) {
      if (t.activeGeneration !== undefined && (max === undefined || t.activeGeneration > max)) {
        max = t.activeGeneration;
      }
    }
    return max;
  }

  #activeGenerations(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.#targets.values()) {
      if (t.activeGeneration !== undefined) out[t.id] = t.activeGeneration;
    }
    return out;
  }
}
