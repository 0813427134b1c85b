/**
 * @module
 * The difference between two plans' contents, record set by record set: which sets appear,
 * which disappear, and for a set present in both, which records were added or removed and
 * whether the TTL changed. An address record whose weight or region changed counts as
 * changed (listed with both versions). This is what `breakwater dns plan` shows before an
 * apply, and what the planner's velocity limit reasons about.
 */
import type { PlanContent } from './plan.js';
import { EMPTY_PLAN_CONTENT } from './plan.js';
import { compareRecordSets, formatRecord, recordKey } from './record-set.js';
import type { AddressRecord, RecordData, RecordSet, RecordType } from './record-set.js';

/** How one record set present in both plans changed. */
export interface RecordSetChange {
  readonly name: string;
  readonly type: RecordType;
  /** The set before and after. */
  readonly before: RecordSet;
  readonly after: RecordSet;
  /** Records only in `after`. */
  readonly addedRecords: readonly RecordData[];
  /** Records only in `before`. */
  readonly removedRecords: readonly RecordData[];
  /** Address records present in both whose weight or region changed. */
  readonly changedRecords: readonly {
    readonly before: AddressRecord;
    readonly after: AddressRecord;
  }[];
  /** True when the TTL changed. */
  readonly ttlChanged: boolean;
}

/** The difference between two contents. */
export interface PlanDiff {
  /** Record sets only in the new content. */
  readonly added: readonly RecordSet[];
  /** Record sets only in the old content. */
  readonly removed: readonly RecordSet[];
  /** Record sets in both that differ. */
  readonly changed: readonly RecordSetChange[];
}

function keyOf(s: RecordSet): string {
  return `${s.name}\u0000${s.type}`;
}

function sameAddressDetails(a: AddressRecord, b: AddressRecord): boolean {
  return a.weight === b.weight && a.region === b.region;
}

/**
 * Compares two contents; `before` undefined means "no plan yet" (everything is added).
 * The result lists sets in (name, type) order.
 */
export function diffPlanContent(before: PlanContent | undefined, after: PlanContent): PlanDiff {
  const old = new Map<string, RecordSet>();
  for (const s of (before ?? EMPTY_PLAN_CONTENT).recordSets) old.set(keyOf(s), s);
  const added: RecordSet[] = [];
  const changed: RecordSetChange[] = [];
  for (const s of after.recordSets) {
    const k = keyOf(s);
    const prev = old.get(k);
    if (prev === undefined) {
      added.push(s);
      continue;
    }
    old.delete(k);
    const change = diffRecordSet(prev, s);
    if (change !== undefined) changed.push(change);
  }
  const removed = [...old.values()].sort(compareRecordSets);
  return { added, removed, changed };
}

/** How `before` became `after` (same name and type), or undefined when they are equal. */
export function diffRecordSet(before: RecordSet, after: RecordSet): RecordSetChange | undefined {
  const type = after.type;
  const was = new Map<string, RecordData>();
  for (const r of before.records as readonly RecordData[]) was.set(recordKey(type, r), r);
  const addedRecords: RecordData[] = [];
  const changedRecords: { before: AddressRecord; after: AddressRecord }[] = [];
  for (const r of after.records as readonly RecordData[]) {
    const k = recordKey(type, r);
    const prev = was.get(k);
    if (prev === undefined) {
      addedRecords.push(r);
      continue;
    }
    was.delete(k);
    if (
      (type === 'A' || type === 'AAAA') &&
      !sameAddressDetails(prev as AddressRecord, r as AddressRecord)
    ) {
      changedRecords.push({ before: prev as AddressRecord, after: r as AddressRecord });
    }
  }
  const removedRecords = [...was.values()];
  const ttlChanged = before.ttl !== after.ttl;
  if (
    addedRecords.length === 0 &&
    removedRecords.length === 0 &&
    changedRecords.length === 0 &&
    !ttlChanged
  ) {
    return undefined;
  }
  return {
    name: after.name,
    type,
    before,
    after,
    addedRecords,
    removedRecords,
    changedRecords,
    ttlChanged,
  };
}

/** True when the diff has no change at all. */
export function isEmptyDiff(diff: PlanDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

/**
 * The diff as lines a person reads, one record per line, `+` added, `-` removed, `~` changed:
 *
 *     + api.example.com. 60 A 192.0.2.7
 *     - api.example.com. 60 A 192.0.2.3
 *     ~ api.example.com. A ttl 60 -> 30
 */
export function formatPlanDiff(diff: PlanDiff): string {
  const lines: string[] = [];
  const line = (sign: string, s: RecordSet, r: RecordData): string =>
    `${sign} ${s.name}. ${s.ttl} ${s.type} ${formatRecord(s.type, r)}`;
  const all: { set: RecordSet; out: string[] }[] = [];
  for (const s of diff.added) {
    all.push({ set: s, out: (s.records as readonly RecordData[]).map((r) => line('+', s, r)) });
  }
  for (const s of diff.removed) {
    all.push({ set: s, out: (s.records as readonly RecordData[]).map((r) => line('-', s, r)) });
  }
  for (const c of diff.changed) {
    const out: string[] = [];
    if (c.ttlChanged) out.push(`~ ${c.name}. ${c.type} ttl ${c.before.ttl} -> ${c.after.ttl}`);
    for (const r of c.removedRecords) out.push(line('-', c.before, r));
    for (const r of c.addedRecords) out.push(line('+', c.after, r));
    for (const r of c.changedRecords) {
      out.push(
        `~ ${c.name}. ${c.type} ${formatRecord(c.type, r.before)} -> ${formatRecord(c.type, r.after)}`,
      );
    }
    all.push({ set: c.after, out });
  }
  all.sort((a, b) => compareRecordSets(a.set, b.set));
  for (const a of all) lines.push(...a.out);
  return lines.join('\n');
}
