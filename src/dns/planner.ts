/**
 * @module
 * The planner turns the endpoint inventory into plans. One run: read the newest plan, compute
 * the guarded content from the inventory (`guardPlan`: fail open, never empty, velocity
 * limit), and write a new plan only when the content hash differs from the newest plan's.
 * Every refusal and cut goes to the audit log with its reason.
 *
 * The write is conditioned on the newest generation the change was computed from
 * (`expectedNewestGeneration`): two planners cannot overwrite each other blindly, and a
 * retried write whose first attempt took effect (its answer lost) is recognised instead of
 * written twice.
 *
 * After a rollback the planner holds off while its inputs are unchanged (it would compute
 * the very content the rollback replaced); see `rollback.ts`.
 *
 * Hazard: the velocity window's memory is kept in this process. A restarted planner starts
 * with an empty window — it still honours the per-plan limit, but may remove one more
 * window's worth sooner than a planner that kept running.
 */
import type { Clock } from '../core/clock.js';
import { EventEmitter } from '../core/events.js';
import type { Event } from '../core/events.js';
import type { Rng } from '../core/rng.js';
import type { Policy } from '../resilience/policy.js';
import type { AuditInput } from './audit-log.js';
import { isInventoryValidationError, isPlanValidationError } from './errors.js';
import type { ValidationIssue } from './errors.js';
import { ComponentBase } from './internal/component-base.js';
import type { ComponentSpec } from './internal/component-base.js';
import { parseInventory } from './inventory.js';
import type { Inventory, InventoryInput } from './inventory.js';
import { DEFAULT_VELOCITY_LIMIT, checkVelocityLimit, guardPlan } from './plan-guards.js';
import type { CapacityRemoval, GuardEvent, VelocityLimit } from './plan-guards.js';
import type { PlanStore } from './plan-store/plan-store.js';
import { createPlanDraft, hashPlanContent } from './plan.js';
import type { Plan } from './plan.js';

/** Options for {@link Planner}. */
export interface PlannerOptions {
  /** Id in plans and the audit log. Default `'planner'`. */
  readonly id?: string;
  readonly store: PlanStore;
  readonly clock: Clock;
  readonly rng: Rng;
  /** Velocity limit; fields left out take {@link DEFAULT_VELOCITY_LIMIT}'s. */
  readonly velocity?: Partial<VelocityLimit>;
  /** Policy for store calls. Default {@link createStorePolicy}. */
  readonly policy?: Policy;
  /** Where the loop reads the inventory from (required for `start()`). */
  readonly inventory?: () => Inventory | InventoryInput | Promise<Inventory | InventoryInput>;
  /** Mean pause between runs in the loop, ms. Default 10 000. */
  readonly intervalMs?: number;
  /** Spread of the pause, a fraction in [0, 1). Default 0.2. */
  readonly jitter?: number;
}

/** What a planner run did. */
export type PlannerOutcome =
  /** A new plan was written (`plan`). */
  | 'written'
  /** The content equals the newest plan's: nothing written. */
  | 'unchanged'
  /** Refused as a whole (invalid inventory, empty plan): nothing written. */
  | 'refused'
  /** A rollback is in effect and the inputs have not changed: nothing written. */
  | 'held'
  /** Another writer wrote first: nothing written; the next run recomputes. */
  | 'conflict';

/** The result of one run. */
export interface PlannerResult {
  readonly outcome: PlannerOutcome;
  /** The plan written (or found already written, after a lost answer). */
  readonly plan?: Plan;
  /** Every refusal and cut of this run. */
  readonly events: readonly GuardEvent[];
  /** For `'refused'`: why. */
  readonly reason?: string;
}

const SPEC: ComponentSpec<PlanStore> = {
  where: 'Planner',
  defaultId: 'planner',
  storeMethod: 'putPlan',
  defaultIntervalMs: 10_000,
};

/** Computes plans from the inventory and writes them when they change. */
export class Planner extends ComponentBase {
  /** The velocity limit in force. */
  readonly velocity: VelocityLimit;
  readonly #policy: Policy;
  #history: CapacityRemoval[] = [];
  /** Keys of the refusals logged by the previous run, so a standing refusal is logged once. */
  #logged = new Set<string>();
  readonly #writtenEmitter = new EventEmitter<Plan>();
  readonly #guardEmitter = new EventEmitter<GuardEvent>();

  /** Fires when a plan is written. */
  readonly onPlanWritten: Event<Plan> = this.#writtenEmitter.event;
  /** Fires for every refusal or cut (each run, even when not logged again). */
  readonly onGuard: Event<GuardEvent> = this.#guardEmitter.event;

  constructor(options: PlannerOptions) {
    super(SPEC, options);
    const where = SPEC.where;
    this.velocity = Object.freeze(
      checkVelocityLimit(where, { ...DEFAULT_VELOCITY_LIMIT, ...options.velocity }),
    );
    this.#policy = this.storePolicy(options.policy);
    const source = options.inventory;
    if (source !== undefined && typeof source !== 'function') {
      throw new TypeError(`${where}: inventory must be a function returning the inventory`);
    }
    this.createLoop(options, async (signal) => {
      if (source === undefined) throw new TypeError(`${where}: start() needs options.inventory`);
      await this.runOnce(await source(), signal);
    });
  }

  /**
   * One run over `inventory` (validated here). Rejects only when the store fails after the
   * policy's retries; an invalid inventory is a refusal, logged, not an exception.
   */
  async runOnce(
    inventory: Inventory | InventoryInput,
    signal?: AbortSignal,
  ): Promise<PlannerResult> {
    const logged = new Set<string>();
    try {
      return await this.#run(inventory, logged, signal);
    } finally {
      this.#logged = logged;
    }
  }

  async #run(
    inventory: Inventory | InventoryInput,
    logged: Set<string>,
    signal: AbortSignal | undefined,
  ): Promise<PlannerResult> {
    let inv: Inventory;
    try {
      inv = parseInventory(inventory);
    } catch (error) {
      if (!isInventoryValidationError(error)) throw error;
      return this.#refuse('invalid inventory', error.issues, logged, signal);
    }
    const newest = await this.#policy.execute(() => this.store.newestPlan(), signal);
    const nowMs = this.clock.now();
    this.#history = this.#history.filter((h) => h.atMs > nowMs - this.velocity.windowMs);
    let guarded;
    try {
      guarded = guardPlan({
        inventory: inv,
        previous: newest?.content,
        history: this.#history,
        nowMs,
        limit: this.velocity,
      });
    } catch (error) {
      if (!isPlanValidationError(error)) throw error;
      return this.#refuse('the inventory gives an invalid plan', error.issues, logged, signal);
    }
    const events = guarded.events;
    await this.#logEvents(events, logged, signal);
    if (guarded.content === undefined) {
      return { outcome: 'refused', events, reason: events[events.length - 1]?.reason ?? 'refused' };
    }
    const hash = hashPlanContent(guarded.content);
    if (newest !== undefined && newest.contentHash === hash) {
      return { outcome: 'unchanged', plan: newest, events };
    }
    if (
      newest !== undefined &&
      newest.origin.kind === 'rollback' &&
      newest.origin.replacedContentHash === hash
    ) {
      await this.#logIfNew(
        {
          atMs: nowMs,
          actor: this.id,
          kind: 'refusal',
          reason: `rollback to ${newest.origin.fromGeneration} in effect (plan ${newest.generation}) and the inventory has not changed since; holding`,
          generation: newest.generation,
        },
        logged,
        signal,
      );
      return { outcome: 'held', plan: newest, events };
    }
    const draft = createPlanDraft({
      content: guarded.content,
      plannerId: this.id,
      createdAtMs: nowMs,
    });
    const expected = newest?.generation ?? 0;
    const put = await this.#policy.execute(
      () =>
        this.store.putPlan(
          draft,
          { actor: this.id, atMs: this.clock.now(), reason: 'planner: inventory changed' },
          { expectedNewestGeneration: expected },
        ),
      signal,
    );
    let plan: Plan;
    if (put.outcome === 'written') {
      plan = put.plan;
    } else {
      // Either another writer was first, or our own earlier attempt landed and its answer
      // was lost (then the newest plan is ours, with our content).
      const now = await this.#policy.execute(() => this.store.newestPlan(), signal);
      if (now === undefined || now.contentHash !== hash || now.generation <= expected) {
        return { outcome: 'conflict', events };
      }
      plan = now;
    }
    this.#history.push(...guarded.removals);
    if (this.#writtenEmitter.hasListeners) this.#writtenEmitter.emit(plan);
    return { outcome: 'written', plan, events };
  }

  /** The velocity window's memory (removals by recent plans), oldest first. */
  get history(): readonly CapacityRemoval[] {
    return this.#history;
  }

  async #refuse(
    what: string,
    issues: readonly ValidationIssue[],
    logged: Set<string>,
    signal: AbortSignal | undefined,
  ): Promise<PlannerResult> {
    const reason = `${what}: ${issues.map((i) => (i.field === '' ? i.message : `${i.field}: ${i.message}`)).join('; ')}`;
    await this.#logIfNew(
      { atMs: this.clock.now(), actor: this.id, kind: 'refusal', reason },
      logged,
      signal,
    );
    return { outcome: 'refused', events: [], reason };
  }

  async #logEvents(
    events: readonly GuardEvent[],
    logged: Set<string>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    for (const e of events) {
      if (this.#guardEmitter.hasListeners) this.#guardEmitter.emit(e);
      const entry: AuditInput = {
        atMs: this.clock.now(),
        actor: this.id,
        kind: e.cut ? 'cut' : 'refusal',
        reason: e.reason,
        ...(e.name === undefined ? {} : { name: e.name }),
      };
      await this.#logIfNew(entry, logged, signal);
    }
  }

  /**
   * Appends `entry` unless the previous run logged the same refusal (a standing refusal is
   * logged once, not every run); records its key in this run's `logged`.
   */
  async #logIfNew(
    entry: AuditInput,
    logged: Set<string>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const key = `${entry.kind}\u0000${entry.name ?? ''}\u0000${entry.reason}`;
    if (!this.#logged.has(key) && !logged.has(key)) {
      await this.#policy.execute(() => this.store.appendAudit(entry), signal);
    }
    logged.add(key);
  }
}
