/**
 * @module
 * The adapter from the control plane to the server: a plan's record sets (`PlanContent
 * .recordSets`, see `plan.ts`) and its generation become a {@link ZoneSnapshot}.
 *
 * A plan may span several zones, so only the record sets at or below the apex are taken;
 * the others belong to another zone's snapshot. The generation becomes the SOA serial
 * (modulo 2^32, {@link serialOfGeneration}), so secondaries and `dig SOA` see plans advance.
 * For names that use latency-based routing, address records are grouped by their `region`
 * into per-region variants; the full set stays the default answer for clients that no
 * latency-table entry covers. For names that use weighted routing, address record sets are
 * marked weighted: the server answers each query with ONE of their records, drawn by weight.
 */
import type { RecordSet } from '../record-set.js';
import type { SoaOptions, ZoneRecordSetInput, ZoneSnapshot } from './zone-snapshot.js';
import { buildZoneSnapshot, serialOfGeneration } from './zone-snapshot.js';
import { isAtOrBelow } from './internal/wire.js';

/** Options of {@link snapshotFromRecords}. */
export interface SnapshotFromRecordsOptions {
  readonly soa?: SoaOptions;
  readonly nameServers?: readonly string[];
  readonly nsTtlSeconds?: number;
  /**
   * Names whose A/AAAA records are routed by latency: a set of names, or a predicate.
   * Their records are split into one variant per `region`.
   */
  readonly latencyRouted?: ReadonlySet<string> | ((name: string) => boolean);
  /**
   * Names whose A/AAAA records are routed by weight: a set of names, or a predicate. Each
   * query is answered with one record, drawn with probability weight / total.
   */
  readonly weightRouted?: ReadonlySet<string> | ((name: string) => boolean);
}

function predicateOf(
  names: ReadonlySet<string> | ((name: string) => boolean) | undefined,
): (name: string) => boolean {
  if (names === undefined) return () => false;
  return typeof names === 'function' ? names : (name) => names.has(name);
}

/**
 * Builds the snapshot of `zone` from plan record sets. `serial` is the plan generation (it
 * is reduced modulo 2^32). Throws a `ZoneSnapshotError` if the result is not a valid zone
 * (for example a CNAME at the apex, which a plan does not forbid but a zone must).
 */
export function snapshotFromRecords(
  zone: string,
  serial: number,
  records: readonly RecordSet[],
  options: SnapshotFromRecordsOptions = {},
): ZoneSnapshot {
  const apex = zone.toLowerCase().replace(/\.$/, '');
  const isRouted = predicateOf(options.latencyRouted);
  const isWeighted = predicateOf(options.weightRouted);
  const recordSets: ZoneRecordSetInput[] = [];
  for (const set of records) {
    if (!isAtOrBelow(set.name, apex)) continue;
    if ((set.type === 'A' || set.type === 'AAAA') && isRouted(set.name)) {
      const variants: Record<string, (typeof set.records)[number][]> = {};
      for (const r of set.records) {
        if (r.region === undefined) continue;
        (variants[r.region] ??= []).push(r);
      }
      recordSets.push({ ...set, variants });
    } else if ((set.type === 'A' || set.type === 'AAAA') && isWeighted(set.name)) {
      recordSets.push({ ...set, weighted: true });
    } else {
      recordSets.push(set);
    }
  }
  return buildZoneSnapshot({
    zone: apex,
    serial: Number.isSafeInteger(serial) && serial >= 0 ? serialOfGeneration(serial) : serial,
    ...(options.soa === undefined ? {} : { soa: options.soa }),
    ...(options.nameServers === undefined ? {} : { nameServers: options.nameServers }),
    ...(options.nsTtlSeconds === undefined ? {} : { nsTtlSeconds: options.nsTtlSeconds }),
    recordSets,
  });
}
