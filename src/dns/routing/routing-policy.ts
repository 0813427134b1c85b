/**
 * @module
 * Routing policies per name, as data: how the endpoints behind one DNS name become the
 * records it is served with, given which endpoints pass their health checks. The kinds are
 * Route 53's (simple, failover, weighted, latency-based, multivalue answer); the selection
 * itself is the pure function `routeEndpoints` (see `route-endpoints.ts`).
 *
 * {@link checkRoutedName} validates a routed name and reports every problem with its field
 * (`names[2].endpoints[1].role`), so a config loader can pass the issues on as they are.
 */
import type { ValidationIssue } from '../errors.js';
import { checkDnsName } from '../internal/dns-name.js';
import { canonicalIPv4, canonicalIPv6 } from '../internal/ip-address.js';
import { MAX_TTL_SECONDS } from '../record-set.js';

/** The routing policy kinds. */
export type RoutingPolicyKind = 'simple' | 'failover' | 'weighted' | 'latency' | 'multivalue';

/** Every {@link RoutingPolicyKind}. */
export const ROUTING_POLICY_KINDS: readonly RoutingPolicyKind[] = Object.freeze([
  'simple',
  'failover',
  'weighted',
  'latency',
  'multivalue',
]);

/**
 * How a name's endpoints are chosen. In every kind, when no endpoint of an address family
 * is healthy, all of that family's endpoints are served (fail open, invariant I1).
 *
 * - `simple`: every healthy endpoint.
 * - `failover`: the healthy `primary` endpoints; when none is healthy, the healthy
 *   `secondary` ones.
 * - `weighted`: the candidates are the healthy endpoints with a weight above 0 (weights are
 *   integers 0–255, as in Route 53); zero-weight endpoints only when no weighted one is
 *   healthy. The server answers each query with ONE candidate, drawn with probability
 *   weight / total (uniformly among zero weights); see `weighted-choice.ts`.
 * - `latency`: every healthy endpoint, each with its `region`; the server answers each
 *   client with the records of the lowest-latency region that has any (per-region variants).
 * - `multivalue`: up to `maxRecords` (1–8, default 8) healthy endpoints, in config order.
 */
export type RoutingPolicySpec =
  | { readonly kind: 'simple' }
  | { readonly kind: 'failover' }
  | { readonly kind: 'weighted' }
  | { readonly kind: 'latency' }
  | { readonly kind: 'multivalue'; readonly maxRecords?: number };

/** Most records a multivalue answer holds: 8, Route 53's limit for multivalue answers. */
export const MAX_MULTIVALUE_RECORDS = 8;

/** Largest weight of a weighted endpoint: 255, Route 53's. */
export const MAX_ROUTING_WEIGHT = 255;

/** One endpoint behind a routed name. */
export interface RoutedEndpoint {
  /** IPv4 or IPv6 address; the family decides A or AAAA. */
  readonly address: string;
  /** `weighted`: an integer 0–255 (default 1). Other kinds: the capacity share (default 1). */
  readonly weight?: number;
  /** Where it runs. Required by `latency`. */
  readonly region?: string;
  /** Required by `failover`. */
  readonly role?: 'primary' | 'secondary';
  /**
   * The id of the health check whose verdict this endpoint follows. Without one the
   * endpoint always counts as healthy.
   */
  readonly healthCheck?: string;
  /** A fixed verdict that overrides the check: `false` drains the endpoint. */
  readonly healthy?: boolean;
}

/** A DNS name served from endpoints under a routing policy. */
export interface RoutedName {
  /** The owner name (absolute, without or with the trailing dot). */
  readonly name: string;
  /** TTL of its A/AAAA records, seconds. Default 60 (see `DEFAULT_ENDPOINT_TTL_SECONDS`). */
  readonly ttl?: number;
  readonly policy: RoutingPolicySpec;
  /** At least one. */
  readonly endpoints: readonly RoutedEndpoint[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `'${v}'` : typeof v === 'number' ? String(v) : typeof v;
}

/**
 * Checks a routed name; pushes every problem onto `issues` with its field under `field`
 * and returns true when there was none. Checks shape, addresses, duplicates and the rules
 * of the policy (a failover name needs a primary, a latency name a region per endpoint,
 * weights 0–255, `maxRecords` 1–8).
 */
export function checkRoutedName(input: unknown, field: string, issues: ValidationIssue[]): boolean {
  const before = issues.length;
  if (!isObject(input)) {
    issues.push({
      field,
      message: `must be { name, ttl?, policy, endpoints }, got ${show(input)}`,
    });
    return false;
  }
  const nc = checkDnsName(input['name'], true);
  if (!nc.ok) issues.push({ field: `${field}.name`, message: nc.message });
  const ttl = input['ttl'];
  if (
    ttl !== undefined &&
    (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL_SECONDS)
  ) {
    issues.push({
      field: `${field}.ttl`,
      message: `must be an integer 0–${MAX_TTL_SECONDS} (seconds), got ${show(ttl)}`,
    });
  }
  const policy = input['policy'];
  const kind = isObject(policy) ? policy['kind'] : undefined;
  if (typeof kind !== 'string' || !(ROUTING_POLICY_KINDS as readonly string[]).includes(kind)) {
    issues.push({
      field: `${field}.policy.kind`,
      message: `must be one of ${ROUTING_POLICY_KINDS.join(', ')}, got ${show(kind)}`,
    });
  } else if (kind === 'multivalue') {
    const max = (policy as Record<string, unknown>)['maxRecords'];
    if (
      max !== undefined &&
      (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_MULTIVALUE_RECORDS)
    ) {
      issues.push({
        field: `${field}.policy.maxRecords`,
        message: `must be an integer 1–${MAX_MULTIVALUE_RECORDS}, got ${show(max)}`,
      });
    }
  }
  const endpoints = input['endpoints'];
  if (!Array.isArray(endpoints) || endpoints.length === 0) {
    issues.push({
      field: `${field}.endpoints`,
      message: `must be a non-empty array of endpoints, got ${show(endpoints)}`,
    });
    return false;
  }
  const seen = new Map<string, number>();
  let primaries = 0;
  (endpoints as unknown[]).forEach((e, i) => {
    const ef = `${field}.endpoints[${i}]`;
    if (!isObject(e)) {
      issues.push({
        field: ef,
        message: `must be { address, weight?, region?, role?, healthCheck? }, got ${show(e)}`,
      });
      return;
    }
    const raw = e['address'];
    const address =
      typeof raw === 'string' ? (canonicalIPv4(raw) ?? canonicalIPv6(raw)) : undefined;
    if (address === undefined) {
      issues.push({
        field: `${ef}.address`,
        message: `must be an IPv4 or IPv6 address (192.0.2.1, 2001:db8::1), got ${show(raw)}`,
      });
    } else {
      const dup = seen.get(address);
      if (dup !== undefined) {
        issues.push({
          field: `${ef}.address`,
          message: `${address} is already listed at endpoints[${dup}]`,
        });
      } else seen.set(address, i);
    }
    const weight = e['weight'];
    if (kind === 'weighted') {
      if (
        weight !== undefined &&
        (typeof weight !== 'number' ||
          !Number.isInteger(weight) ||
          weight < 0 ||
          weight > MAX_ROUTING_WEIGHT)
      ) {
        issues.push({
          field: `${ef}.weight`,
          message: `must be an integer 0–${MAX_ROUTING_WEIGHT}, got ${show(weight)}`,
        });
      }
    } else if (
      weight !== undefined &&
      (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0)
    ) {
      issues.push({
        field: `${ef}.weight`,
        message: `must be a finite number >= 0, got ${show(weight)}`,
      });
    }
    const region = e['region'];
    if (
      region !== undefined &&
      (typeof region !== 'string' || region === '' || region.length > 64)
    ) {
      issues.push({
        field: `${ef}.region`,
        message: `must be a non-empty string of at most 64 characters, got ${show(region)}`,
      });
    } else if (region === undefined && kind === 'latency') {
      issues.push({
        field: `${ef}.region`,
        message: 'is required: a latency-routed endpoint must say which region it runs in',
      });
    }
    const role = e['role'];
    if (role !== undefined && role !== 'primary' && role !== 'secondary') {
      issues.push({
        field: `${ef}.role`,
        message: `must be 'primary' or 'secondary', got ${show(role)}`,
      });
    } else if (role === undefined && kind === 'failover') {
      issues.push({
        field: `${ef}.role`,
        message: "is required: a failover endpoint is either 'primary' or 'secondary'",
      });
    }
    if (role === 'primary') primaries++;
    const fixed = e['healthy'];
    if (fixed !== undefined && typeof fixed !== 'boolean') {
      issues.push({ field: `${ef}.healthy`, message: `must be true or false, got ${show(fixed)}` });
    }
    const check = e['healthCheck'];
    if (check !== undefined && (typeof check !== 'string' || check === '')) {
      issues.push({
        field: `${ef}.healthCheck`,
        message: `must be the id of a health check, got ${show(check)}`,
      });
    }
  });
  if (kind === 'failover' && primaries === 0 && issues.length === before) {
    issues.push({
      field: `${field}.endpoints`,
      message: "a failover name needs at least one endpoint with role 'primary'",
    });
  }
  return issues.length === before;
}
