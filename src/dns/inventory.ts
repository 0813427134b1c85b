/**
 * @module
 * The endpoint inventory: what the planner plans from. For each DNS name, the endpoints that
 * serve it (address, weight, region, and whether health checks pass), plus any fixed record
 * sets (CNAME, TXT, MX, SRV, or static addresses) that pass through unchanged.
 *
 * An endpoint's address decides its record type (IPv4 → A, IPv6 → AAAA). Validation reports
 * every problem with its field (`names[1].endpoints[0].address`) in one
 * {@link InventoryValidationError}, so a config file is fixed in one round.
 */
import { InventoryValidationError } from './errors.js';
import type { ValidationIssue } from './errors.js';
import { checkDnsName } from './internal/dns-name.js';
import { canonicalIPv4, canonicalIPv6 } from './internal/ip-address.js';
import { MAX_TTL_SECONDS, parseRecordSet } from './record-set.js';
import type { RecordSet, RecordSetInput } from './record-set.js';

/** One endpoint behind a name. */
export interface Endpoint {
  /** IPv4 or IPv6 address, normalised. */
  readonly address: string;
  /** Its share of the name's capacity (finite, ≥ 0). Default 1. */
  readonly weight: number;
  /** Where it runs; optional. */
  readonly region?: string;
  /** Whether health checks pass. Default true. */
  readonly healthy: boolean;
}

/** A name served by endpoints. */
export interface InventoryName {
  /** Normalised DNS name. */
  readonly name: string;
  /** TTL of its A/AAAA record sets, seconds. Default 60. */
  readonly ttl: number;
  /** Its endpoints, in input order. */
  readonly endpoints: readonly Endpoint[];
}

/** A validated inventory. */
export interface Inventory {
  /** Names served by endpoints, sorted by name. */
  readonly names: readonly InventoryName[];
  /** Fixed record sets, validated. */
  readonly records: readonly RecordSet[];
}

/** An endpoint as written by hand. */
export interface EndpointInput {
  readonly address: string;
  readonly weight?: number;
  readonly region?: string;
  readonly healthy?: boolean;
}

/** An inventory as written by hand. */
export interface InventoryInput {
  readonly names: readonly {
    readonly name: string;
    readonly ttl?: number;
    readonly endpoints: readonly EndpointInput[];
  }[];
  readonly records?: readonly RecordSetInput[];
}

/**
 * TTL of endpoint record sets when none is given: 60 s, the TTL Route 53 gives alias and
 * health-checked records — short, so that a removed endpoint leaves caches within a minute.
 */
export const DEFAULT_ENDPOINT_TTL_SECONDS = 60;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `'${v}'` : typeof v === 'number' ? String(v) : typeof v;
}

/** The record type an endpoint address gives, or undefined when it is not an address. */
export function addressFamily(address: string): 'A' | 'AAAA' | undefined {
  if (canonicalIPv4(address) !== undefined) return 'A';
  if (canonicalIPv6(address) !== undefined) return 'AAAA';
  return undefined;
}

function parseEndpoint(v: unknown, field: string, issues: ValidationIssue[]): Endpoint | undefined {
  if (!isObject(v)) {
    issues.push({
      field,
      message: `must be { address, weight?, region?, healthy? }, got ${show(v)}`,
    });
    return undefined;
  }
  const before = issues.length;
  const raw = v['address'];
  const address = typeof raw === 'string' ? (canonicalIPv4(raw) ?? canonicalIPv6(raw)) : undefined;
  if (address === undefined) {
    issues.push({
      field: `${field}.address`,
      message: `must be an IPv4 or IPv6 address (192.0.2.1, 2001:db8::1), got ${show(raw)}`,
    });
  }
  const weight = v['weight'] ?? 1;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
    issues.push({
      field: `${field}.weight`,
      message: `must be a finite number >= 0, got ${show(weight)}`,
    });
  }
  const region = v['region'];
  if (region !== undefined && (typeof region !== 'string' || region === '' || region.length > 64)) {
    issues.push({
      field: `${field}.region`,
      message: `must be a non-empty string of at most 64 characters, got ${show(region)}`,
    });
  }
  const healthy = v['healthy'] ?? true;
  if (typeof healthy !== 'boolean') {
    issues.push({
      field: `${field}.healthy`,
      message: `must be true or false, got ${show(healthy)}`,
    });
  }
  if (issues.length > before) return undefined;
  const e = {
    address: address!,
    weight: weight as number,
    healthy: healthy as boolean,
    ...(region === undefined ? {} : { region: region as string }),
  };
  return Object.freeze(e);
}

/**
 * Validates and normalises an inventory. Throws {@link InventoryValidationError} listing
 * every problem. Names must be unique, an address may appear once per name.
 */
export function parseInventory(input: unknown): Inventory {
  const issues: ValidationIssue[] = [];
  if (!isObject(input)) {
    throw new InventoryValidationError([
      { field: '', message: `an inventory must be { names, records? }, got ${show(input)}` },
    ]);
  }
  const rawNames = input['names'] ?? [];
  const names: InventoryName[] = [];
  if (!Array.isArray(rawNames)) {
    issues.push({ field: 'names', message: `must be an array, got ${show(rawNames)}` });
  } else {
    const seen = new Map<string, number>();
    (rawNames as unknown[]).forEach((raw, i) => {
      const field = `names[${i}]`;
      if (!isObject(raw)) {
        issues.push({ field, message: `must be { name, ttl?, endpoints }, got ${show(raw)}` });
        return;
      }
      const before = issues.length;
      const nc = checkDnsName(raw['name'], true);
      if (!nc.ok) issues.push({ field: `${field}.name`, message: nc.message });
      else {
        const first = seen.get(nc.name);
        if (first !== undefined) {
          issues.push({
            field: `${field}.name`,
            message: `'${nc.name}' is already listed at names[${first}]`,
          });
        } else {
          seen.set(nc.name, i);
        }
      }
      const ttl = raw['ttl'] ?? DEFAULT_ENDPOINT_TTL_SECONDS;
      if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL_SECONDS) {
        issues.push({
          field: `${field}.ttl`,
          message: `must be an integer 0–${MAX_TTL_SECONDS} (seconds), got ${show(ttl)}`,
        });
      }
      const rawEndpoints = raw['endpoints'];
      const endpoints: Endpoint[] = [];
      if (!Array.isArray(rawEndpoints)) {
        issues.push({
          field: `${field}.endpoints`,
          message: `must be an array of endpoints, got ${show(rawEndpoints)}`,
        });
      } else {
        const addresses = new Map<string, number>();
        (rawEndpoints as unknown[]).forEach((re, j) => {
          const ef = `${field}.endpoints[${j}]`;
          const e = parseEndpoint(re, ef, issues);
          if (e === undefined) return;
          const dup = addresses.get(e.address);
          if (dup !== undefined) {
            issues.push({
              field: `${ef}.address`,
              message: `${e.address} is already listed at endpoints[${dup}]`,
            });
            return;
          }
          addresses.set(e.address, j);
          endpoints.push(e);
        });
      }
      if (issues.length > before || !nc.ok) return;
      names.push(
        Object.freeze({ name: nc.name, ttl: ttl as number, endpoints: Object.freeze(endpoints) }),
      );
    });
  }
  const rawRecords = input['records'] ?? [];
  const records: RecordSet[] = [];
  if (!Array.isArray(rawRecords)) {
    issues.push({
      field: 'records',
      message: `must be an array of record sets, got ${show(rawRecords)}`,
    });
  } else {
    (rawRecords as unknown[]).forEach((raw, i) => {
      const set = parseRecordSet(raw, `records[${i}]`, issues);
      if (set !== undefined) records.push(set);
    });
  }
  if (issues.length > 0) throw new InventoryValidationError(issues);
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Object.freeze({ names: Object.freeze(names), records: Object.freeze(records) });
}

/** Typed shorthand for {@link parseInventory}. */
export function createInventory(input: InventoryInput): Inventory {
  return parseInventory(input);
}
