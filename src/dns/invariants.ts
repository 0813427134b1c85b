/**
 * @module
 * The phonebook's invariants (DESIGN.md, "The phonebook's invariants") as pure checks over a
 * snapshot of the control plane: the plans that exist, each target's active generation and
 * what it serves, and the audit log. The tests and the deterministic checker call them after
 * every step (I1–I4) and once faults have stopped (I5). Each returns the violations found,
 * empty when all is well, with a message a person can read in a timeline.
 *
 * - I1 never empty: a target that has an active generation serves a non-empty record set for
 *   every name of its active plan (a target whose active plan was deleted serves nothing).
 * - I2 monotonic: a target's active generation never decreases — between two snapshots, and
 *   in every activation the audit log records.
 * - I3 the active plan is never deleted: every active generation has its plan, and no
 *   deletion in the log removed a plan at or above an active generation of its time.
 * - I4 provenance: every record set served comes from a plan written through the store (its
 *   `'plan-written'` entry is in the log).
 * - I5 self-repair (liveness): every target serves the newest plan.
 *
 * The checks that read the log do so incrementally: a snapshot records the log's length, and
 * the next check reads only what was appended since, so checking after every step stays
 * linear in the length of a run.
 */
import type { AuditEntry } from './audit-log.js';
import type { Plan, PlanContent } from './plan.js';
import { canonicalRecordSet } from './record-set.js';
import type { RecordSet } from './record-set.js';

/** Which invariant. */
export type InvariantId = 'I1' | 'I2' | 'I3' | 'I4' | 'I5';

/** One broken invariant. */
export interface InvariantViolation {
  readonly invariant: InvariantId;
  /** The target concerned, if any. */
  readonly target?: string;
  /** The generation concerned, if any. */
  readonly generation?: number;
  /** What is wrong, for a person. */
  readonly message: string;
}

/** A target in a snapshot. */
export interface TargetSnapshot {
  readonly id: string;
  /** Undefined before the first activation. */
  readonly activeGeneration: number | undefined;
  /**
   * What the target serves. Leave it out for a target that serves its active plan's content
   * by construction (the store's own served state): it is then derived from `plans`, and a
   * target whose active plan was deleted serves nothing. DNS-server targets give it.
   */
  readonly served?: readonly RecordSet[];
}

/** The state the invariants are checked against. */
export interface DnsSnapshot {
  /** Every plan that exists, by generation. */
  readonly plans: ReadonlyMap<number, Plan>;
  /** Every target. */
  readonly targets: readonly TargetSnapshot[];
  /** The audit log, oldest first (it may be a live view that keeps growing). */
  readonly audit: readonly AuditEntry[];
  /** How long the log was when the snapshot was taken; default `audit.length`. */
  readonly auditLength?: number;
  /**
   * Every content ever written, by hash, deleted plans' included: lets I4 accept a record
   * set whose plan the janitor has since deleted. Optional.
   */
  readonly written?: ReadonlyMap<string, PlanContent>;
}

/** The record sets a target serves: its `served`, or its active plan's (none if deleted). */
export function servedRecordSets(
  snapshot: DnsSnapshot,
  target: TargetSnapshot,
): readonly RecordSet[] {
  if (target.served !== undefined) return target.served;
  if (target.activeGeneration === undefined) return [];
  return snapshot.plans.get(target.activeGeneration)?.content.recordSets ?? [];
}

function auditLengthOf(s: DnsSnapshot): number {
  return s.auditLength ?? s.audit.length;
}

/** I1: every active target serves a non-empty record set for every name of its plan. */
export function checkNeverEmpty(snapshot: DnsSnapshot): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  for (const t of snapshot.targets) {
    const g = t.activeGeneration;
    if (g === undefined) continue;
    const served = servedRecordSets(snapshot, t);
    if (served.length === 0) {
      const why = snapshot.plans.has(g)
        ? `its active plan ${g} has no record sets`
        : `its active plan ${g} no longer exists`;
      out.push({
        invariant: 'I1',
        target: t.id,
        generation: g,
        message: `target '${t.id}' serves nothing: ${why}`,
      });
      continue;
    }
    for (const s of served) {
      if (s.records.length === 0) {
        out.push({
          invariant: 'I1',
          target: t.id,
          generation: g,
          message: `target '${t.id}' serves an empty ${s.type} record set for '${s.name}'`,
        });
      }
    }
    if (t.served !== undefined) {
      const plan = snapshot.plans.get(g);
      if (plan !== undefined) {
        const names = new Set(served.filter((s) => s.records.length > 0).map((s) => s.name));
        for (const s of plan.content.recordSets) {
          if (!names.has(s.name)) {
            out.push({
              invariant: 'I1',
              target: t.id,
              generation: g,
              message: `target '${t.id}' serves no records for '${s.name}', which plan ${g} has`,
            });
            names.add(s.name);
          }
        }
      }
    }
  }
  return out;
}

const ACTIVATIONS = new Set(['activation-won', 'activation-forced', 'repair']);

/**
 * I2: no target's active generation went down between `previous` and `current`, and no
 * activation appended to the log since `previous` (or ever, without `previous`) set a
 * generation below the one it replaced.
 */
export function checkMonotonic(current: DnsSnapshot, previous?: DnsSnapshot): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  if (previous !== undefined) {
    const now = new Map(current.targets.map((t) => [t.id, t.activeGeneration]));
    for (const t of previous.targets) {
      const before = t.activeGeneration;
      if (before === undefined || !now.has(t.id)) continue;
      const after = now.get(t.id);
      if (after === undefined || after < before) {
        out.push({
          invariant: 'I2',
          target: t.id,
          generation: after ?? 0,
          message: `target '${t.id}' went from generation ${before} back to ${after ?? 'none'}`,
        });
      }
    }
  }
  const from = previous === undefined ? 0 : auditLengthOf(previous);
  const to = auditLengthOf(current);
  for (let i = from; i < to; i++) {
    const e = current.audit[i];
    if (e === undefined || !ACTIVATIONS.has(e.kind)) continue;
    if (
      e.previousGeneration !== undefined &&
      e.generation !== undefined &&
      e.generation < e.previousGeneration
    ) {
      out.push({
        invariant: 'I2',
        target: e.target ?? '',
        generation: e.generation,
        message: `audit #${e.seq}: ${e.actor} set '${e.target ?? '?'}' to generation ${e.generation} over ${e.previousGeneration} (${e.kind})`,
      });
    }
  }
  return out;
}

/**
 * I3: every target's active plan exists, and no deletion appended to the log since
 * `previous` (or ever) removed a plan at or above an active generation of its time.
 */
export function checkActivePlanKept(
  current: DnsSnapshot,
  previous?: DnsSnapshot,
): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  for (const t of current.targets) {
    const g = t.activeGeneration;
    if (g !== undefined && !current.plans.has(g)) {
      out.push({
        invariant: 'I3',
        target: t.id,
        generation: g,
        message: `target '${t.id}': its active plan ${g} was deleted`,
      });
    }
  }
  const from = previous === undefined ? 0 : auditLengthOf(previous);
  const to = auditLengthOf(current);
  for (let i = from; i < to; i++) {
    const e = current.audit[i];
    if (e === undefined || e.kind !== 'deletion' || e.generations === undefined) continue;
    const active = e.activeGenerations ?? {};
    const values = Object.values(active);
    if (values.length === 0) continue;
    const min = Math.min(...values);
    for (const g of e.generations) {
      if (g >= min) {
        const holders = Object.entries(active)
          .filter(([, a]) => a <= g)
          .map(([id, a]) => `'${id}' at ${a}`)
          .join(', ');
        out.push({
          invariant: 'I3',
          generation: g,
          message: `audit #${e.seq}: ${e.actor} deleted plan ${g}, not below the active generation of ${holders}`,
        });
      }
    }
  }
  return out;
}

/** Provenance facts read from one audit log, extended as the log grows. */
interface ProvenanceIndex {
  scanned: number;
  /** generation → content hash, from `'plan-written'` entries. */
  readonly writtenGen: Map<number, string>;
  readonly writtenHashes: Set<string>;
}
const provenanceCache = new WeakMap<readonly AuditEntry[], ProvenanceIndex>();

function provenanceOf(snapshot: DnsSnapshot): ProvenanceIndex {
  let idx = provenanceCache.get(snapshot.audit);
  if (idx === undefined) {
    idx = { scanned: 0, writtenGen: new Map(), writtenHashes: new Set() };
    provenanceCache.set(snapshot.audit, idx);
  }
  const to = auditLengthOf(snapshot);
  if (idx.scanned > to) {
    // A different (shorter) log in the same array object: rebuild.
    idx.writtenGen.clear();
    idx.writtenHashes.clear();
    idx.scanned = 0;
  }
  for (let i = idx.scanned; i < to; i++) {
    const e = snapshot.audit[i];
    if (e?.kind === 'plan-written' && e.generation !== undefined && e.contentHash !== undefined) {
      idx.writtenGen.set(e.generation, e.contentHash);
      idx.writtenHashes.add(e.contentHash);
    }
  }
  idx.scanned = to;
  return idx;
}

const canonicalCache = new WeakMap<PlanContent, ReadonlySet<string>>();
function canonicalSetsOf(content: PlanContent): ReadonlySet<string> {
  let s = canonicalCache.get(content);
  if (s === undefined) {
    s = new Set(content.recordSets.map(canonicalRecordSet));
    canonicalCache.set(content, s);
  }
  return s;
}

/**
 * I4: every record set a target serves comes from a plan written through the store: for a
 * target serving its active plan, that plan's generation and hash have a `'plan-written'`
 * entry; for a target with explicit `served` sets, each set appears in some written content
 * whose hash the log records.
 */
export function checkProvenance(snapshot: DnsSnapshot): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  const idx = provenanceOf(snapshot);
  for (const t of snapshot.targets) {
    const g = t.activeGeneration;
    if (t.served === undefined) {
      if (g === undefined) continue;
      const plan = snapshot.plans.get(g);
      if (plan === undefined) continue; // serves nothing: I1/I3's concern, not provenance
      if (idx.writtenGen.get(g) !== plan.contentHash) {
        out.push({
          invariant: 'I4',
          target: t.id,
          generation: g,
          message: `target '${t.id}' serves plan ${g}, which no 'plan-written' audit entry accounts for`,
        });
      }
      continue;
    }
    const contents: PlanContent[] = [];
    for (const p of snapshot.plans.values()) {
      if (idx.writtenGen.get(p.generation) === p.contentHash) contents.push(p.content);
    }
    if (snapshot.written !== undefined) {
      for (const [hash, c] of snapshot.written) if (idx.writtenHashes.has(hash)) contents.push(c);
    }
    for (const s of t.served) {
      const key = canonicalRecordSet(s);
      if (!contents.some((c) => canonicalSetsOf(c).has(key))) {
        out.push({
          invariant: 'I4',
          target: t.id,
          ...(g === undefined ? {} : { generation: g }),
          message: `target '${t.id}' serves ${s.name} ${s.type} records that no written plan holds`,
        });
      }
    }
  }
  return out;
}

/**
 * I1–I4 together. Pass the previous snapshot of the same run to check the change since it
 * (I2, and the log appended since, for I2/I3); without it the whole log is read.
 */
export function checkSafety(current: DnsSnapshot, previous?: DnsSnapshot): InvariantViolation[] {
  return [
    ...checkNeverEmpty(current),
    ...checkMonotonic(current, previous),
    ...checkActivePlanKept(current, previous),
    ...checkProvenance(current),
  ];
}

/** I5: every target has the newest plan active and serves exactly its content. */
export function checkConvergence(snapshot: DnsSnapshot): InvariantViolation[] {
  const out: InvariantViolation[] = [];
  let newest: Plan | undefined;
  for (const p of snapshot.plans.values())
    if (newest === undefined || p.generation > newest.generation) newest = p;
  if (newest === undefined) {
    for (const t of snapshot.targets) {
      if (t.activeGeneration !== undefined) {
        out.push({
          invariant: 'I5',
          target: t.id,
          generation: t.activeGeneration,
          message: `target '${t.id}' has generation ${t.activeGeneration} active but no plan exists`,
        });
      }
    }
    return out;
  }
  const want = canonicalSetsOf(newest.content);
  for (const t of snapshot.targets) {
    if (t.activeGeneration !== newest.generation) {
      out.push({
        invariant: 'I5',
        target: t.id,
        generation: newest.generation,
        message: `target '${t.id}' is at generation ${t.activeGeneration ?? 'none'}, not the newest ${newest.generation}`,
      });
      continue;
    }
    if (t.served !== undefined) {
      const got = t.served.map(canonicalRecordSet);
      if (got.length !== want.size || !got.every((k) => want.has(k))) {
        out.push({
          invariant: 'I5',
          target: t.id,
          generation: newest.generation,
          message: `target '${t.id}' has generation ${newest.generation} active but serves different records (half-applied)`,
        });
      }
    }
  }
  return out;
}

/** One line per violation: `I3 target 'dns' gen 5: …`. */
export function formatViolation(v: InvariantViolation): string {
  const where = [
    v.target !== undefined && v.target !== '' ? `target '${v.target}'` : '',
    v.generation !== undefined ? `gen ${v.generation}` : '',
  ]
    .filter((s) => s !== '')
    .join(' ');
  return where === '' ? `${v.invariant}: ${v.message}` : `${v.invariant} ${where}: ${v.message}`;
}
