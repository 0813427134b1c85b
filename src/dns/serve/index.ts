/**
 * @module
 * The serving phonebook: {@link DnsService} ties health checks, routing, the planner, the
 * enactors, the janitor, the reconciler and the authoritative server into one process, and
 * keeps serving its last known good plan when the store is unreachable. Re-exported by
 * `breakwater/dns`.
 */
export { DnsService } from './dns-service.js';
export type {
  DnsServiceOptions,
  DnsServiceStatus,
  PlannerRunStatus,
  ServeEvent,
} from './dns-service.js';
export { planSnapshots } from './plan-snapshots.js';
export type { ServedZoneOptions } from './plan-snapshots.js';
