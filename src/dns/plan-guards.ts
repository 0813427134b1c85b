/**
 * @module
 * The planner's guards, as one pure function: (inventory, previous plan, recent removals,
 * now, limits) → (the content to write, what was refused or cut and why, the removals to
 * remember). No I/O and no clock reads, so the same inputs always give the same plan, and
 * the simulator and the tests can call it directly.
 *
 * The guards, in order:
 * 1. **Never empty, fail open.** When every endpoint of a record set is unhealthy, keep them
 *    all (as Route 53 does when all health checks fail: an answer that may be stale beats no
 *    answer). A name the inventory lists with no endpoints at all keeps its previous records
 *    (an empty list is far likelier a broken inventory than an intent).
 * 2. **Velocity limit.** One plan may remove at most `maxRemovedFractionPerPlan` of a name's
 *    capacity (sum of weights of its A and AAAA records; a count when every weight is 0), and
 *    the plans of one `windowMs` window at most `maxRemovedFractionPerWindow` of the largest
 *    capacity the name had in that window. A change that removes more is cut down to the
 *    limit: records are removed in (type, address) order while they fit, the rest stay for
 *    a later plan (deferred). Additions are never limited. Why: a planner fed a bad health
 *    signal (a monitoring outage, a partition) would otherwise pull most of a fleet out of
 *    DNS in one step — a slow-moving mistake can be caught, a fast one cannot.
 * 3. **No empty plan.** A plan with no record sets at all is refused.
 *
 * A name that the inventory no longer lists is removed at once: that is an operator
 * decommissioning it, not a health signal.
 */
import { parsePlanContent } from './plan.js';
import type { PlanContent } from './plan.js';
import type { Inventory, InventoryName } from './inventory.js';
import { addressFamily } from './inventory.js';
import { capacityOf, compareStrings } from './record-set.js';
import type { AddressRecord, RecordSetInput } from './record-set.js';

/** How fast a name's capacity may be removed. */
export interface VelocityLimit {
  /** Largest fraction of a name's capacity one plan may remove, in (0, 1]. Default 0.5. */
  readonly maxRemovedFractionPerPlan: number;
  /**
   * Largest fraction of the name's largest capacity in the window that the plans of one
   * window may remove together, in (0, 1]. Default 0.75.
   */
  readonly maxRemovedFractionPerWindow: number;
  /** The window, ms (> 0). Default 600 000 (ten minutes). */
  readonly windowMs: number;
}

/** Default {@link VelocityLimit}: half a name per plan, three quarters per ten minutes. */
export const DEFAULT_VELOCITY_LIMIT: VelocityLimit = Object.freeze({
  maxRemovedFractionPerPlan: 0.5,
  maxRemovedFractionPerWindow: 0.75,
  windowMs: 600_000,
});

/** Capacity removed from a name by a written plan (the velocity window's memory). */
export interface CapacityRemoval {
  readonly name: string;
  /** When the plan was computed, ms since the epoch. */
  readonly atMs: number;
  /** Capacity removed (weight units, or records when the name's weights were all 0). */
  readonly removed: number;
  /** The name's capacity before. */
  readonly capacityBefore: number;
}

/** Which guard acted. */
export type GuardKind = 'fail-open' | 'empty-name' | 'empty-plan' | 'velocity';

/** A refusal or a cut, with its reason. */
export interface GuardEvent {
  readonly kind: GuardKind;
  /** The DNS name, except for `'empty-plan'`. */
  readonly name?: string;
  /** True for a cut (part of the change deferred), false for a refusal. */
  readonly cut: boolean;
  /** Why, in words. */
  readonly reason: string;
}

/** Input of {@link guardPlan}. */
export interface PlanGuardInput {
  readonly inventory: Inventory;
  /** The newest plan's content; undefined when there is none. */
  readonly previous: PlanContent | undefined;
  /** Removals made by recent written plans (older than the window are ignored). */
  readonly history: readonly CapacityRemoval[];
  /** Now, ms since the epoch. */
  readonly nowMs: number;
  readonly limit: VelocityLimit;
}

/** Output of {@link guardPlan}. */
export interface PlanGuardOutput {
  /** The content to write, or undefined when the plan is refused as a whole. */
  readonly content: PlanContent | undefined;
  /** Every refusal and cut. */
  readonly events: readonly GuardEvent[];
  /** The removals this content makes: add them to the history once it is written. */
  readonly removals: readonly CapacityRemoval[];
}

/** Checks a {@link VelocityLimit} (a `RangeError` naming the field). */
export function checkVelocityLimit(where: string, limit: VelocityLimit): VelocityLimit {
  for (const k of ['maxRemovedFractionPerPlan', 'maxRemovedFractionPerWindow'] as const) {
    const v = limit[k];
    if (typeof v !== 'number' || !(v > 0 && v <= 1)) {
      throw new RangeError(`${where}: velocity.${k} must be a number in (0, 1], got ${String(v)}`);
    }
  }
  if (
    typeof limit.windowMs !== 'number' ||
    !Number.isFinite(limit.windowMs) ||
    limit.windowMs <= 0
  ) {
    throw new RangeError(
      `${where}: velocity.windowMs must be a finite number > 0, got ${String(limit.windowMs)}`,
    );
  }
  return limit;
}

type Family = 'A' | 'AAAA';
const FAMILIES: readonly Family[] = ['A', 'AAAA'];
const EPSILON = 1e-9;

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/** Computes the guarded content. See the module comment. */
export function guardPlan(input: PlanGuardInput): PlanGuardOutput {
  const { inventory, previous, nowMs, limit } = input;
  const events: GuardEvent[] = [];
  const removals: CapacityRemoval[] = [];
  const sets: RecordSetInput[] = [];
  const prevAt = new Map<string, Map<Family, AddressRecord[]>>();
  for (const s of previous?.recordSets ?? []) {
    if (s.type !== 'A' && s.type !== 'AAAA') continue;
    let m = prevAt.get(s.name);
    if (m === undefined) prevAt.set(s.name, (m = new Map<Family, AddressRecord[]>()));
    m.set(s.type, [...s.records]);
  }
  const since = nowMs - limit.windowMs;
  const recent = input.history.filter((h) => h.atMs > since);
  for (const entry of inventory.names) {
    const prev = prevAt.get(entry.name) ?? new Map<Family, AddressRecord[]>();
    const desired = desiredForName(entry, prev, events);
    if (desired === undefined) continue;
    const removal = limitVelocity(entry.name, prev, desired, recent, nowMs, limit, events);
    if (removal !== undefined) removals.push(removal);
    for (const family of FAMILIES) {
      const records = desired.get(family) ?? [];
      if (records.length > 0)
        sets.push({ name: entry.name, type: family, ttl: entry.ttl, records });
    }
  }
  const content = parsePlanContent([...sets, ...inventory.records]);
  if (content.recordSets.length === 0) {
    events.push({
      kind: 'empty-plan',
      cut: false,
      reason: 'refused to write a plan with no record sets (it would empty every name)',
    });
    return { content: undefined, events, removals: [] };
  }
  return { content, events, removals };
}

/** The address records a name should have, before the velocity limit; undefined: none. */
function desiredForName(
  entry: InventoryName,
  prev: ReadonlyMap<Family, readonly AddressRecord[]>,
  events: GuardEvent[],
): Map<Family, AddressRecord[]> | undefined {
  const name = entry.name;
  if (entry.endpoints.length === 0) {
    const kept = (prev.get('A')?.length ?? 0) + (prev.get('AAAA')?.length ?? 0);
    events.push({
      kind: 'empty-name',
      name,
      cut: false,
      reason:
        kept > 0
          ? `the inventory lists no endpoints for ${name}; refused to empty it, keeping its ${kept} previous record(s)`
          : `the inventory lists no endpoints for ${name} and it had no records; left out`,
    });
    if (kept === 0) return undefined;
    return new Map(FAMILIES.map((f) => [f, [...(prev.get(f) ?? [])]]));
  }
  const out = new Map<Family, AddressRecord[]>();
  for (const family of FAMILIES) {
    const endpoints = entry.endpoints.filter((e) => addressFamily(e.address) === family);
    if (endpoints.length === 0) continue;
    let chosen = endpoints.filter((e) => e.healthy);
    if (chosen.length === 0) {
      chosen = endpoints;
      events.push({
        kind: 'fail-open',
        name,
        cut: false,
        reason: `every ${family} endpoint of ${name} is unhealthy (${endpoints.length}); refused to empty the record set, serving them all (fail open)`,
      });
    }
    out.set(
      family,
      chosen.map((e) =>
        e.region === undefined
          ? { address: e.address, weight: e.weight }
          : { address: e.address, weight: e.weight, region: e.region },
      ),
    );
  }
  return out;
}

/** Cuts `desired` (in place) to the velocity limit; returns the removal it makes. */
function limitVelocity(
  name: string,
  prev: ReadonlyMap<Family, readonly AddressRecord[]>,
  desired: Map<Family, AddressRecord[]>,
  recent: readonly CapacityRemoval[],
  nowMs: number,
  limit: VelocityLimit,
  events: GuardEvent[],
): CapacityRemoval | undefined {
  const prevAll = [...(prev.get('A') ?? []), ...(prev.get('AAAA') ?? [])];
  if (prevAll.length === 0) return undefined;
  const byWeight = capacityOf(prevAll) > 0;
  const unit = (r: AddressRecord): number => (byWeight ? r.weight : 1);
  const capacityBefore = prevAll.reduce((s, r) => s + unit(r), 0);
  interface Candidate {
    readonly family: Family;
    readonly before: AddressRecord;
    readonly delta: number;
  }
  const candidates: Candidate[] = [];
  for (const family of FAMILIES) {
    const now = new Map((desired.get(family) ?? []).map((r) => [r.address, r]));
    for (const r of prev.get(family) ?? []) {
      const after = now.get(r.address);
      const delta = unit(r) - (after === undefined ? 0 : unit(after));
      if (delta > 0) candidates.push({ family, before: r, delta });
    }
  }
  if (candidates.length === 0) return undefined;
  candidates.sort(
    (a, b) =>
      compareStrings(a.family, b.family) || compareStrings(a.before.address, b.before.address),
  );
  const inWindow = recent.filter((h) => h.name === name);
  const baseline = Math.max(capacityBefore, ...inWindow.map((h) => h.capacityBefore));
  const removedInWindow = inWindow.reduce((s, h) => s + h.removed, 0);
  const perPlan = limit.maxRemovedFractionPerPlan * capacityBefore;
  const perWindow = Math.max(0, limit.maxRemovedFractionPerWindow * baseline - removedInWindow);
  const budget = Math.min(perPlan, perWindow);
  const wanted = candidates.reduce((s, c) => s + c.delta, 0);
  let removed = 0;
  const deferred: Candidate[] = [];
  for (const c of candidates) {
    if (removed + c.delta <= budget + EPSILON) {
      removed += c.delta;
    } else {
      deferred.push(c);
      // Keep the record as it was (its previous weight), replacing any lighter version.
      const list = desired.get(c.family) ?? [];
      const i = list.findIndex((r) => r.address === c.before.address);
      if (i >= 0) list[i] = c.before;
      else list.push(c.before);
      desired.set(c.family, list);
    }
  }
  if (deferred.length > 0) {
    const binding =
      perPlan <= perWindow
        ? `the per-plan limit of ${pct(limit.maxRemovedFractionPerPlan)}`
        : `the ${limit.windowMs} ms window's limit of ${pct(limit.maxRemovedFractionPerWindow)} (${pct(removedInWindow / baseline)} already removed)`;
    events.push({
      kind: 'velocity',
      name,
      cut: true,
      reason:
        `removing ${pct(wanted / capacityBefore)} of ${name}'s capacity exceeds ${binding}; ` +
        `removed ${pct(removed / capacityBefore)}, deferred ${deferred.length} record(s): ` +
        deferred.map((c) => c.before.address).join(', '),
    });
  }
  return removed > 0 ? { name, atMs: nowMs, removed, capacityBefore } : undefined;
}
