/**
 * @module
 * The active plan as the server serves it: one {@link ZoneSnapshot} per configured zone, built
 * from the plan's record sets with the generation as the SOA serial. Pure, so the service can
 * build the whole set first and swap it in only when every zone built — a plan that cannot be
 * served (a CNAME at an apex, say) leaves the last known good zones in place.
 */
import type { Plan } from '../plan.js';
import { snapshotFromRecords } from '../server/snapshot-from-records.js';
import type { SoaOptions, ZoneSnapshot } from '../server/zone-snapshot.js';

/** One zone the service is authoritative for. */
export interface ServedZoneOptions {
  /** The apex (`example.test`). */
  readonly zone: string;
  readonly soa?: SoaOptions;
  /** Host names of the NS records at the apex. Default: the server's own default. */
  readonly nameServers?: readonly string[];
  readonly nsTtlSeconds?: number;
}

/**
 * The snapshots of `plan` for `zones`. `latencyRouted` names get per-region variants of
 * their address records; `weightRouted` names are answered with one record per query, drawn
 * by the weights the plan holds. Throws `ZoneSnapshotError` when a zone cannot be built.
 */
export function planSnapshots(
  plan: Plan,
  zones: readonly ServedZoneOptions[],
  latencyRouted: ReadonlySet<string>,
  weightRouted: ReadonlySet<string> = new Set(),
): ZoneSnapshot[] {
  return zones.map((z) =>
    snapshotFromRecords(z.zone, plan.generation, plan.content.recordSets, {
      latencyRouted,
      weightRouted,
      ...(z.soa === undefined ? {} : { soa: z.soa }),
      ...(z.nameServers === undefined ? {} : { nameServers: z.nameServers }),
      ...(z.nsTtlSeconds === undefined ? {} : { nsTtlSeconds: z.nsTtlSeconds }),
    }),
  );
}
