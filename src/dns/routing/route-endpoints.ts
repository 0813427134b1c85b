/**
 * @module
 * Routing as pure functions: (policy, endpoints, health) → which endpoints a name is served
 * with, as a selection, as record sets, or as the planner's inventory.
 *
 * Each address family (A, AAAA) is routed on its own, as the planner guards each family on
 * its own: a failover name whose IPv4 primary is down still serves its IPv6 primary.
 *
 * Health changes reach DNS through the planner, never around it: {@link routedInventory}
 * turns the routed names into the inventory the `Planner` plans from, with `healthy` meaning
 * "chosen by the routing policy". The planner's own guards then apply unchanged — fail open
 * when nothing in a family is chosen (logged to the audit log), never empty, and the velocity
 * limit on how fast capacity may leave a name. So a flapping or partitioned health signal can
 * move DNS no faster than an operator's change could.
 */
import { addressFamily } from '../inventory.js';
import type { InventoryInput } from '../inventory.js';
import { parseRecordSet } from '../record-set.js';
import type { RecordSet, RecordSetInput } from '../record-set.js';
import { InventoryValidationError } from '../errors.js';
import type { ValidationIssue } from '../errors.js';
import { DEFAULT_ENDPOINT_TTL_SECONDS } from '../inventory.js';
import { MAX_MULTIVALUE_RECORDS } from './routing-policy.js';
import type { RoutedEndpoint, RoutedName, RoutingPolicySpec } from './routing-policy.js';

/**
 * Health verdicts by check id. A check id the map does not hold counts as healthy: a check
 * that has not reported yet must not pull an endpoint out of DNS (Route 53 starts checks
 * healthy too).
 */
export type HealthVerdicts = ReadonlyMap<string, boolean>;

/** What {@link routeEndpoints} chose for one address family. */
export interface RoutingDecision {
  /** The endpoints to serve, in input order; never empty when there were endpoints. */
  readonly selected: readonly RoutedEndpoint[];
  /** True when no endpoint qualified and all are served (fail open). */
  readonly failOpen: boolean;
}

/**
 * Whether an endpoint counts as healthy: its fixed `healthy` when given, else its check's
 * verdict under `health`, else healthy.
 */
export function isEndpointHealthy(endpoint: RoutedEndpoint, health: HealthVerdicts): boolean {
  if (endpoint.healthy !== undefined) return endpoint.healthy;
  return endpoint.healthCheck === undefined || health.get(endpoint.healthCheck) !== false;
}

/**
 * Chooses the endpoints of ONE address family (the caller splits families; see
 * {@link routeName}). Pure: the same inputs always give the same selection, in input order.
 * See {@link RoutingPolicySpec} for each kind's rule.
 */
export function routeEndpoints(
  policy: RoutingPolicySpec,
  endpoints: readonly RoutedEndpoint[],
  health: HealthVerdicts,
): RoutingDecision {
  if (endpoints.length === 0) return { selected: [], failOpen: false };
  const healthy = endpoints.filter((e) => isEndpointHealthy(e, health));
  let selected: readonly RoutedEndpoint[];
  switch (policy.kind) {
    case 'simple':
    case 'latency':
      selected = healthy;
      break;
    case 'failover': {
      const primaries = healthy.filter((e) => e.role !== 'secondary');
      selected = primaries.length > 0 ? primaries : healthy.filter((e) => e.role === 'secondary');
      break;
    }
    case 'weighted': {
      const weighted = healthy.filter((e) => (e.weight ?? 1) > 0);
      selected = weighted.length > 0 ? weighted : healthy;
      break;
    }
    case 'multivalue':
      selected = healthy.slice(0, policy.maxRecords ?? MAX_MULTIVALUE_RECORDS);
      break;
  }
  // Invariant I1: a name that has endpoints is never answered with nothing.
  if (selected.length === 0) return { selected: endpoints, failOpen: true };
  return { selected, failOpen: false };
}

/** The per-family decisions of one name. */
export interface RoutedNameDecision {
  readonly name: string;
  readonly A: RoutingDecision;
  readonly AAAA: RoutingDecision;
}

function splitFamilies(endpoints: readonly RoutedEndpoint[]): {
  A: RoutedEndpoint[];
  AAAA: RoutedEndpoint[];
} {
  const out = { A: [] as RoutedEndpoint[], AAAA: [] as RoutedEndpoint[] };
  for (const e of endpoints) {
    const f = addressFamily(e.address);
    if (f !== undefined) out[f].push(e);
  }
  return out;
}

/** Routes both address families of a name. */
export function routeName(name: RoutedName, health: HealthVerdicts): RoutedNameDecision {
  const fam = splitFamilies(name.endpoints);
  return {
    name: name.name,
    A: routeEndpoints(name.policy, fam.A, health),
    AAAA: routeEndpoints(name.policy, fam.AAAA, health),
  };
}

function recordOf(e: RoutedEndpoint): { address: string; weight: number; region?: string } {
  const weight = e.weight ?? 1;
  return e.region === undefined
    ? { address: e.address, weight }
    : { address: e.address, weight, region: e.region };
}

/**
 * The record sets a name is served with under `health` (one per address family that has
 * endpoints), validated and normalised as a plan holds them. Throws
 * `InventoryValidationError` if an endpoint is not a valid address record.
 */
export function routedRecordSets(name: RoutedName, health: HealthVerdicts): readonly RecordSet[] {
  const decision = routeName(name, health);
  const issues: ValidationIssue[] = [];
  const out: RecordSet[] = [];
  for (const family of ['A', 'AAAA'] as const) {
    const d = decision[family];
    if (d.selected.length === 0) continue;
    const input: RecordSetInput = {
      name: name.name,
      type: family,
      ttl: name.ttl ?? DEFAULT_ENDPOINT_TTL_SECONDS,
      records: d.selected.map(recordOf),
    };
    const set = parseRecordSet(input, `${name.name} ${family}`, issues);
    if (set !== undefined) out.push(set);
  }
  if (issues.length > 0) throw new InventoryValidationError(issues);
  return out;
}

/**
 * The planner's inventory for routed names plus fixed record sets. Every endpoint is listed
 * (so the velocity limit sees the whole name), with `healthy` set to "chosen by the routing
 * policy". A family that fails open is listed with every endpoint unhealthy, so that the
 * planner's own fail-open guard serves them all and writes it to the audit log.
 */
export function routedInventory(
  names: readonly RoutedName[],
  health: HealthVerdicts,
  records: readonly RecordSetInput[] = [],
): InventoryInput {
  return {
    names: names.map((n) => {
      const d = routeName(n, health);
      const chosen = new Set<string>();
      for (const family of ['A', 'AAAA'] as const) {
        if (d[family].failOpen) continue;
        for (const e of d[family].selected) chosen.add(e.address);
      }
      return {
        name: n.name,
        ttl: n.ttl ?? DEFAULT_ENDPOINT_TTL_SECONDS,
        endpoints: n.endpoints.map((e) => ({ ...recordOf(e), healthy: chosen.has(e.address) })),
      };
    }),
    records,
  };
}
