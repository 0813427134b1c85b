/**
 * @module
 * The bridge from the phonebook's config file (`config.ts`, validated there, routing
 * policies included) to {@link DnsServiceOptions}: zones, routed names, fixed record sets,
 * health checks, the target, the planner's guards. Pure: the CLI opens the store and picks
 * the clock; this only translates.
 */
import type { DnsConfig, EndpointConfig } from '../config.js';
import { DEFAULT_TARGET_ID } from '../config.js';
import type { ProbeCheckOptions } from '../health/health-checker.js';
import type { RecordSetInput } from '../record-set.js';
import type { RoutedEndpoint, RoutedName } from '../routing/routing-policy.js';
import type { DnsServiceOptions } from './dns-service.js';
import type { ServedZoneOptions } from './plan-snapshots.js';

/** What a config gives a {@link DnsService}, plus the health checks to build a checker from. */
export interface ServiceConfig extends Pick<
  DnsServiceOptions,
  'targetId' | 'plannerId' | 'velocity' | 'enactors' | 'retain'
> {
  readonly zones: readonly ServedZoneOptions[];
  readonly names: readonly RoutedName[];
  readonly records: readonly RecordSetInput[];
  readonly healthChecks: readonly ProbeCheckOptions[];
}

function endpointOf(e: EndpointConfig): RoutedEndpoint {
  return {
    address: e.address,
    weight: e.weight,
    ...(e.region === undefined ? {} : { region: e.region }),
    ...(e.failover === undefined ? {} : { role: e.failover }),
    ...(e.healthCheck === undefined ? {} : { healthCheck: e.healthCheck }),
    ...(e.healthy === undefined ? {} : { healthy: e.healthy }),
  };
}

/**
 * Translates a validated config. The built-in server serves the config's first target
 * (`'served'` by default), so `breakwater dns apply` and `dns rollback` on the same store
 * change what it answers.
 */
export function serviceConfigOf(config: DnsConfig): ServiceConfig {
  const names: RoutedName[] = [];
  const records: RecordSetInput[] = [];
  for (const zone of config.zones) {
    for (const n of zone.names) {
      if (n.endpoints.length > 0) {
        names.push({
          name: n.name,
          ttl: n.ttl,
          policy: { kind: n.routing },
          endpoints: n.endpoints.map(endpointOf),
        });
      }
      records.push(...(n.records as readonly RecordSetInput[]));
    }
  }
  return {
    zones: config.zones.map((z) =>
      z.nameServers.length === 0 ? { zone: z.zone } : { zone: z.zone, nameServers: z.nameServers },
    ),
    names,
    records,
    healthChecks: config.healthChecks,
    targetId: config.targets[0] ?? DEFAULT_TARGET_ID,
    plannerId: config.planner.id,
    velocity: config.planner.velocity,
    enactors: config.enactors.count,
    retain: config.janitor.retain,
  };
}
