/**
 * @module
 * LEGACY MODE — a faithful model of the 2025 DNS Enactor, kept as the reproduction of the
 * us-east-1 outage of 2025-10-20 (AWS's post-event summary: DynamoDB's DNS automation; see
 * DESIGN.md, "The fragile phonebook") and as the negative control of the invariant checker.
 * It is never the default: it is selected only by `createEnactors({ mode: 'legacy' })` or by
 * building it by name, and it needs a store that offers the unsafe legacy operations.
 *
 * One pass, as in 2025:
 * 1. **Check once**: pick up the newest plan, and for each target read "is my plan newer
 *    than the one applied?" — a read, made before anything else.
 * 2. **Delay**: `applyDelayMs` (and, in the replay, a stall of any length: on 2025-10-20 one
 *    enactor was delayed unusually long, retrying its updates).
 * 3. **Apply unconditionally** to the targets that passed the check, whatever is active
 *    *now* (`forceActivate`) — unless the target is blocked (below).
 * 4. **Clean up**: delete the plans more than `cleanupLagGenerations` older than the plan
 *    *this enactor* just applied, without re-checking what is active (`deletePlans`).
 *
 * The race: enactor A checks plan 2 (newer than active 1) and stalls; B applies plan 5 and
 * its clean-up, relative to 5, picks plans 1–2 for deletion; A wakes and writes plan 2 over
 * plan 5 (I2 broken); B's clean-up deletes plan 2, now the active plan (I3 broken); the
 * target serves nothing (I1 broken). And, as in 2025, the state blocks every later apply:
 * a target whose active plan is gone is "inconsistent" and refuses updates until an
 * operator repairs it (`repairLegacyTarget`) — AWS's engineers needed 2 h 37 min.
 */
import type { Clock } from '../../core/clock.js';
import { EventEmitter } from '../../core/events.js';
import type { Event } from '../../core/events.js';
import type { Rng } from '../../core/rng.js';
import { TargetBlockedError } from '../errors.js';
import { ComponentBase } from '../internal/component-base.js';
import type { ComponentSpec } from '../internal/component-base.js';
import { checkIntegerAtLeast, checkNumberIn } from '../internal/options.js';
import type { Plan } from '../plan.js';
import { isLegacyPlanStore } from './legacy-store-ops.js';
import type { LegacyPlanStore } from './legacy-store-ops.js';

/** Options for {@link LegacyEnactor}. */
export interface LegacyEnactorOptions {
  /** This enactor's id (`enactor-a`). */
  readonly id: string;
  /** A store with the legacy operations (the memory store, possibly behind the faulty one). */
  readonly store: LegacyPlanStore;
  readonly clock: Clock;
  /** Jitter for the loop. */
  readonly rng: Rng;
  /** The pause between the check and the apply, ms (≥ 0). Default 0. */
  readonly applyDelayMs?: number;
  /**
   * The clean-up deletes plans with generation < (the plan just applied) − this (an integer
   * ≥ 1). Default 5: "many generations older".
   */
  readonly cleanupLagGenerations?: number;
  /** Mean pause between passes in the loop, ms. Default 1000. */
  readonly intervalMs?: number;
  /** Spread of the pause, a fraction in [0, 1). Default 0.2. */
  readonly jitter?: number;
}

/** What one legacy pass did. */
export interface LegacyPass {
  /** The plan picked up, or undefined when there was none. */
  readonly plan: Plan | undefined;
  /** Targets the check found behind, in order. */
  readonly checked: readonly string[];
  /** Targets written (unconditionally). */
  readonly applied: readonly string[];
  /** Targets refused because their active plan had been deleted. */
  readonly blocked: readonly string[];
  /** Plans the clean-up deleted. */
  readonly deleted: readonly number[];
}

const SPEC: ComponentSpec<LegacyPlanStore> = {
  where: 'LegacyEnactor',
  storeMethod: 'activate',
  isStore: isLegacyPlanStore,
  storeRequirement:
    'offer the legacy operations (forceActivate, deletePlans): use a MemoryPlanStore',
  defaultIntervalMs: 1000,
};

/** The 2025 enactor. See the module comment. Unsafe by design. */
export class LegacyEnactor extends ComponentBase<LegacyPlanStore> {
  /** The pause between check and apply, ms. */
  readonly applyDelayMs: number;
  /** How many generations below its own plan the clean-up starts deleting. */
  readonly cleanupLagGenerations: number;
  readonly #passEmitter = new EventEmitter<LegacyPass>();

  /** Fires after every pass. */
  readonly onPass: Event<LegacyPass> = this.#passEmitter.event;

  constructor(options: LegacyEnactorOptions) {
    super(SPEC, options);
    const where = SPEC.where;
    this.applyDelayMs = checkNumberIn(where, 'applyDelayMs', options.applyDelayMs ?? 0, 0, 8.64e10);
    this.cleanupLagGenerations = checkIntegerAtLeast(
      where,
      'cleanupLagGenerations',
      options.cleanupLagGenerations ?? 5,
      1,
    );
    this.createLoop(options, (signal) => this.runOnce(signal));
  }

  /** One pass: check once, delay, apply unconditionally, clean up. Rejects on store errors. */
  async runOnce(signal?: AbortSignal): Promise<LegacyPass> {
    const store = this.store;
    const plan = await store.newestPlan();
    if (plan === undefined) {
      return { plan: undefined, checked: [], applied: [], blocked: [], deleted: [] };
    }
    // 1. The check, ONCE, before anything else: "is my plan newer than the one applied?"
    const targets = await store.listTargets();
    const checked = targets
      .filter((t) => t.activeGeneration === undefined || plan.generation > t.activeGeneration)
      .map((t) => t.id);
    // 2. The delay, during which the world moves on.
    if (this.applyDelayMs > 0) await this.clock.sleep(this.applyDelayMs, signal);
    // 3. Apply UNCONDITIONALLY (no re-check of the active generation) — unless the target
    //    is in the inconsistent state the outage left it in.
    const applied: string[] = [];
    const blocked: string[] = [];
    for (const id of checked) {
      const t = await store.getTarget(id);
      const active = t?.activeGeneration;
      if (active !== undefined && (await store.getPlan(active)) === undefined) {
        blocked.push(id);
        await store.appendAudit({
          atMs: this.clock.now(),
          actor: this.id,
          kind: 'blocked',
          reason: new TargetBlockedError(id, active).message,
          target: id,
          generation: plan.generation,
          previousGeneration: active,
        });
        continue;
      }
      await store.forceActivate(id, plan.generation, {
        actor: this.id,
        atMs: this.clock.now(),
        reason: `legacy apply: checked newer before the delay`,
      });
      applied.push(id);
    }
    // 4. Clean-up relative to the plan THIS enactor applied, not to what is active.
    let deleted: readonly number[] = [];
    if (applied.length > 0) {
      const threshold = plan.generation - this.cleanupLagGenerations;
      const old = (await store.listGenerations()).filter((g) => g < threshold);
      if (old.length > 0) {
        deleted = await store.deletePlans(old, {
          actor: this.id,
          atMs: this.clock.now(),
          reason: `legacy clean-up: plans older than ${plan.generation} - ${this.cleanupLagGenerations} (the plan this enactor applied), active plans not re-checked`,
        });
      }
    }
    const pass: LegacyPass = { plan, checked, applied, blocked, deleted };
    if (this.#passEmitter.hasListeners) this.#passEmitter.emit(pass);
    return pass;
  }
}
