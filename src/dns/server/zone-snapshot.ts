/**
 * @module
 * The serving data model: one zone, frozen, as the authoritative server answers from it.
 *
 * A {@link ZoneSnapshot} is immutable and complete — apex, serial, SOA and NS at the apex, and
 * every name with its typed record sets — so the server swaps a whole zone by assigning one
 * reference, and no query ever sees half of an update. The record sets of a name are the
 * plan's own {@link RecordSet}s (validated by the same `parseRecordSet`), plus optional
 * per-region variants that latency-based routing picks from, or, for weighted routing, the
 * cumulative weights from which the server draws ONE record per query.
 *
 * Building also precomputes what answering needs and a plan does not say: the empty
 * non-terminals (names that own nothing but have descendants — RFC 8020 says they exist, so
 * they get NODATA, never NXDOMAIN) and the rules between record sets (one set per name and
 * type; a CNAME alone at its name and never at the apex, RFC 1034 §3.6.2, RFC 2181 §10.1).
 */
import type { ValidationIssue } from '../errors.js';
import { checkDnsName } from '../internal/dns-name.js';
import { showValue } from '../internal/options.js';
import { MAX_TTL_SECONDS, parseRecordSet } from '../record-set.js';
import type {
  AaaaRecordSet,
  ARecordSet,
  CnameRecordSet,
  MxRecordSet,
  RecordData,
  RecordSet,
  RecordSetInput,
  RecordType,
  SrvRecordSet,
  TxtRecordSet,
} from '../record-set.js';
import { weightedChoice } from '../routing/weighted-choice.js';
import type { WeightedChoice } from '../routing/weighted-choice.js';
import { ZoneSnapshotError } from './errors.js';
import { isAtOrBelow, parentName } from './internal/wire.js';

/** The SOA record's data (RFC 1035 §3.3.13). Names are lower case without the final dot. */
export interface SoaRecord {
  /** Primary name server. */
  readonly mname: string;
  /** Mailbox of the person responsible, as a name (`hostmaster.example.test`). */
  readonly rname: string;
  /** Zone serial = the plan's generation (modulo 2^32, RFC 1982 arithmetic). */
  readonly serial: number;
  readonly refresh: number;
  readonly retry: number;
  readonly expire: number;
  /** The negative-caching TTL (RFC 2308 §4). */
  readonly minimum: number;
}

/** An NS record's data: a name server's host name. */
export interface NsRecord {
  readonly host: string;
}

/** The SOA record set at the apex (exactly one record). */
export interface SoaRecordSet {
  readonly name: string;
  readonly type: 'SOA';
  readonly ttl: number;
  readonly records: readonly [SoaRecord];
}

/** The NS record set at the apex. */
export interface NsRecordSet {
  readonly name: string;
  readonly type: 'NS';
  readonly ttl: number;
  readonly records: readonly NsRecord[];
}

/** A plan record set, optionally with per-region variants of its records. */
export type WithVariants<S extends RecordSet> = S & {
  /**
   * Region id → the records to answer with for clients routed to that region (latency-based
   * routing). `records` stays the answer when no region applies.
   */
  readonly variants?: ReadonlyMap<string, S['records']>;
  /**
   * Weighted routing (A/AAAA only): each answer holds ONE of `records`, record i drawn with
   * probability `records[i].weight` / total (uniformly when every weight is 0). Index i is
   * the answer's variant index.
   */
  readonly weighted?: WeightedChoice;
};

/** A record set of a served name (not SOA/NS), with optional region variants. */
export type ZoneRecordSet =
  | WithVariants<ARecordSet>
  | WithVariants<AaaaRecordSet>
  | WithVariants<CnameRecordSet>
  | WithVariants<TxtRecordSet>
  | WithVariants<MxRecordSet>
  | WithVariants<SrvRecordSet>;

/** Every type the server answers with from a snapshot. */
export type ServedType = RecordType | 'SOA' | 'NS';

/** Any record set a snapshot holds. */
export type ServedRecordSet = ZoneRecordSet | SoaRecordSet | NsRecordSet;

/** One owner name and its record sets. */
export interface ZoneNode {
  readonly name: string;
  readonly sets: ReadonlyMap<ServedType, ServedRecordSet>;
}

/** An immutable zone, as served. Build it with {@link buildZoneSnapshot}. */
export interface ZoneSnapshot {
  /** The apex, lower case, no trailing dot. */
  readonly zone: string;
  /** The SOA serial (also inside `soa`). */
  readonly serial: number;
  readonly soa: SoaRecordSet;
  readonly ns: NsRecordSet;
  /** Owner name → node; the apex is always there (it holds SOA and NS). */
  readonly nodes: ReadonlyMap<string, ZoneNode>;
  /** Names with no records of their own but with descendants (RFC 8020: they exist). */
  readonly emptyNonTerminals: ReadonlySet<string>;
  /** True when any record set has region variants (latency-based routing applies). */
  readonly hasVariants: boolean;
  /** Number of record sets, SOA and NS included. */
  readonly recordSetCount: number;
}

/** SOA fields that may be set; the rest take the defaults below. */
export interface SoaOptions {
  /** Default: the first name server. */
  readonly mname?: string;
  /** Default: `hostmaster.<zone>`. */
  readonly rname?: string;
  readonly refreshSeconds?: number;
  readonly retrySeconds?: number;
  readonly expireSeconds?: number;
  /** Negative-caching TTL (RFC 2308). Default 60 s: see {@link DEFAULT_SOA}. */
  readonly minimumSeconds?: number;
  /** TTL of the SOA record itself. */
  readonly ttlSeconds?: number;
}

/** A record set as input to {@link buildZoneSnapshot}: a plan record set plus variants. */
export type ZoneRecordSetInput = RecordSetInput & {
  /** Region id → records (same shape as `records`) for latency-based routing. */
  readonly variants?: Readonly<Record<string, readonly unknown[]>>;
  /** True: answer with ONE record drawn by weight per query (A/AAAA only, no variants). */
  readonly weighted?: boolean;
};

/** Input of {@link buildZoneSnapshot}. */
export interface ZoneSnapshotInput {
  /** The apex (`example.test`, a trailing dot is allowed). */
  readonly zone: string;
  /** SOA serial, 0 … 2^32 − 1: the plan generation (see {@link serialOfGeneration}). */
  readonly serial: number;
  readonly soa?: SoaOptions;
  /** The apex NS host names. Default `[ns1.<zone>]`. */
  readonly nameServers?: readonly string[];
  /** TTL of the apex NS set. Default 3600 s. */
  readonly nsTtlSeconds?: number;
  /** Every record set of the zone; names must be at or below the apex. */
  readonly recordSets: readonly ZoneRecordSetInput[];
}

/**
 * Default SOA timers. Refresh, retry and expire are Route 53's defaults (7200, 900, 1209600 s);
 * the SOA TTL of 900 s too. The negative-caching TTL is 60 s, not Route 53's 86 400 s: names
 * of a phonebook come and go with plans, and a resolver that cached "no such name" for a day
 * would hide a name the next plan adds (RFC 2308 §5 advises 1–3 hours as a general default;
 * we choose fresher over fewer queries).
 */
export const DEFAULT_SOA = Object.freeze({
  refreshSeconds: 7200,
  retrySeconds: 900,
  expireSeconds: 1_209_600,
  minimumSeconds: 60,
  ttlSeconds: 900,
});

/** Default TTL of the apex NS set, seconds. */
export const DEFAULT_NS_TTL_SECONDS = 3600;

/**
 * The SOA serial for a plan generation: generations are unbounded, serials are 32-bit and
 * compared with RFC 1982 sequence-space arithmetic, so the generation modulo 2^32 keeps
 * "newer" meaning newer for any two plans fewer than 2^31 generations apart.
 */
export function serialOfGeneration(generation: number): number {
  return generation % 0x1_0000_0000;
}

const REGION = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

function checkUint32(
  v: unknown,
  field: string,
  issues: ValidationIssue[],
  max = 0xffff_ffff,
): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    issues.push({ field, message: `must be an integer 0–${max}, got ${String(v)}` });
    return 0;
  }
  return v;
}

function checkName(v: unknown, field: string, issues: ValidationIssue[]): string {
  const r = checkDnsName(v, false);
  if (!r.ok) {
    issues.push({ field, message: r.message });
    return '';
  }
  return r.name;
}

/**
 * Validates `input` and builds a deeply frozen {@link ZoneSnapshot}. Throws a
 * {@link ZoneSnapshotError} listing every problem with its field (`recordSets[3].records[0]`).
 */
export function buildZoneSnapshot(input: ZoneSnapshotInput): ZoneSnapshot {
  if (typeof input !== 'object' || input === null) {
    throw new TypeError(`buildZoneSnapshot: input must be an object, got ${String(input)}`);
  }
  const issues: ValidationIssue[] = [];
  const zone = checkName(input.zone, 'zone', issues);
  const zoneLabel = zone === '' ? String(input.zone) : zone;
  const serial = checkUint32(input.serial, 'serial', issues);
  const soaIn = input.soa ?? {};
  const nameServersIn = input.nameServers ?? [`ns1.${zone}`];
  if (!Array.isArray(nameServersIn) || nameServersIn.length === 0) {
    issues.push({ field: 'nameServers', message: 'must be a non-empty array of host names' });
  }
  const nsHosts: string[] = [];
  (Array.isArray(nameServersIn) ? nameServersIn : []).forEach((h: unknown, i) => {
    const name = checkName(h, `nameServers[${i}]`, issues);
    if (name !== '' && !nsHosts.includes(name)) nsHosts.push(name);
  });
  const nsTtl = checkUint32(
    input.nsTtlSeconds ?? DEFAULT_NS_TTL_SECONDS,
    'nsTtlSeconds',
    issues,
    MAX_TTL_SECONDS,
  );
  const soaRecord: SoaRecord = Object.freeze({
    mname:
      soaIn.mname === undefined ? (nsHosts[0] ?? '') : checkName(soaIn.mname, 'soa.mname', issues),
    rname:
      soaIn.rname === undefined
        ? `hostmaster.${zone}`
        : checkName(soaIn.rname, 'soa.rname', issues),
    serial,
    refresh: checkUint32(
      soaIn.refreshSeconds ?? DEFAULT_SOA.refreshSeconds,
      'soa.refreshSeconds',
      issues,
    ),
    retry: checkUint32(soaIn.retrySeconds ?? DEFAULT_SOA.retrySeconds, 'soa.retrySeconds', issues),
    expire: checkUint32(
      soaIn.expireSeconds ?? DEFAULT_SOA.expireSeconds,
      'soa.expireSeconds',
      issues,
    ),
    minimum: checkUint32(
      soaIn.minimumSeconds ?? DEFAULT_SOA.minimumSeconds,
      'soa.minimumSeconds',
      issues,
      MAX_TTL_SECONDS,
    ),
  });
  const soaTtl = checkUint32(
    soaIn.ttlSeconds ?? DEFAULT_SOA.ttlSeconds,
    'soa.ttlSeconds',
    issues,
    MAX_TTL_SECONDS,
  );

  const sets: ZoneRecordSet[] = [];
  const fieldOf = new Map<ZoneRecordSet, string>();
  const list: unknown = input.recordSets;
  if (!Array.isArray(list)) {
    issues.push({ field: 'recordSets', message: 'must be an array of record sets' });
  } else {
    (list as unknown[]).forEach((raw, i) => {
      const field = `recordSets[${i}]`;
      const set = parseZoneRecordSet(raw, field, zone, issues);
      if (set !== undefined) {
        sets.push(set);
        fieldOf.set(set, field);
      }
    });
  }

  // Rules between record sets, as in a plan: one per (name, type); CNAME alone, not at apex.
  const nodeSets = new Map<string, Map<ServedType, ServedRecordSet>>();
  for (const s of sets) {
    let at = nodeSets.get(s.name);
    if (at === undefined) nodeSets.set(s.name, (at = new Map<ServedType, ServedRecordSet>()));
    const dup = at.get(s.type);
    if (dup !== undefined) {
      issues.push({
        field: fieldOf.get(s)!,
        message: `a second ${s.type} record set for '${s.name}' (the first is ${fieldOf.get(dup as ZoneRecordSet)!})`,
      });
      continue;
    }
    at.set(s.type, s);
  }
  for (const [name, at] of nodeSets) {
    const cname = at.get('CNAME') as ZoneRecordSet | undefined;
    if (cname === undefined) continue;
    if (name === zone) {
      issues.push({
        field: fieldOf.get(cname)!,
        message: `a CNAME cannot be at the zone apex '${zone}', which owns SOA and NS (RFC 1034 §3.6.2)`,
      });
    } else if (at.size > 1) {
      const others = [...at.keys()].filter((t) => t !== 'CNAME').join(', ');
      issues.push({
        field: fieldOf.get(cname)!,
        message: `'${name}' has a CNAME and also ${others}; a CNAME must be alone at its name (RFC 2181 §10.1)`,
      });
    }
  }
  if (issues.length > 0) throw new ZoneSnapshotError(zoneLabel, issues);

  const soa: SoaRecordSet = Object.freeze({
    name: zone,
    type: 'SOA',
    ttl: soaTtl,
    records: Object.freeze<[SoaRecord]>([soaRecord]),
  });
  const ns: NsRecordSet = Object.freeze({
    name: zone,
    type: 'NS',
    ttl: nsTtl,
    records: Object.freeze(nsHosts.map((host) => Object.freeze({ host }))),
  });
  let apex = nodeSets.get(zone);
  if (apex === undefined) nodeSets.set(zone, (apex = new Map<ServedType, ServedRecordSet>()));
  apex.set('SOA', soa);
  apex.set('NS', ns);

  const nodes = new Map<string, ZoneNode>();
  let recordSetCount = 0;
  let hasVariants = false;
  for (const [name, at] of nodeSets) {
    recordSetCount += at.size;
    for (const s of at.values())
      if ('variants' in s && s.variants !== undefined) hasVariants = true;
    nodes.set(name, Object.freeze({ name, sets: at }));
  }
  const emptyNonTerminals = new Set<string>();
  for (const name of nodes.keys()) {
    for (let p = parentName(name); p !== zone && isAtOrBelow(p, zone); p = parentName(p)) {
      if (nodes.has(p) || emptyNonTerminals.has(p)) break;
      emptyNonTerminals.add(p);
    }
  }
  return Object.freeze({
    zone,
    serial,
    soa,
    ns,
    nodes,
    emptyNonTerminals,
    hasVariants,
    recordSetCount,
  });
}

function parseZoneRecordSet(
  raw: unknown,
  field: string,
  zone: string,
  issues: ValidationIssue[],
): ZoneRecordSet | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    issues.push({
      field,
      message: 'must be a record set { name, type, ttl?, records, variants? }',
    });
    return undefined;
  }
  const { variants: variantsIn, weighted, ...plain } = raw as Record<string, unknown>;
  const set = parseRecordSet(plain, field, issues);
  if (set === undefined) return undefined;
  if (zone !== '' && !isAtOrBelow(set.name, zone)) {
    issues.push({
      field: `${field}.name`,
      message: `'${set.name}' is outside the zone '${zone}'`,
    });
    return undefined;
  }
  if (weighted !== undefined && weighted !== false) {
    if (weighted !== true) {
      issues.push({
        field: `${field}.weighted`,
        message: `must be true or false, got ${showValue(weighted)}`,
      });
      return undefined;
    }
    if ((set.type !== 'A' && set.type !== 'AAAA') || variantsIn !== undefined) {
      issues.push({
        field: `${field}.weighted`,
        message: `only an A or AAAA record set without variants can be weighted, got ${set.type}`,
      });
      return undefined;
    }
    // A single record needs no draw: serve it as a plain set (and cache it as one).
    if (set.records.length < 2) return set;
    const choice = weightedChoice(set.records.map((r) => r.weight));
    return Object.freeze({ ...set, weighted: choice });
  }
  if (variantsIn === undefined) return set;
  if (typeof variantsIn !== 'object' || variantsIn === null || Array.isArray(variantsIn)) {
    issues.push({
      field: `${field}.variants`,
      message: 'must be an object { region: records }',
    });
    return undefined;
  }
  const variants = new Map<string, readonly RecordData[]>();
  let ok = true;
  for (const [region, records] of Object.entries(variantsIn as Record<string, unknown>)) {
    const vf = `${field}.variants.${region}`;
    if (!REGION.test(region)) {
      ok = false;
      issues.push({
        field: vf,
        message: `region id must be 1–64 letters, digits, '.', '_', ':' or '-', got '${region}'`,
      });
      continue;
    }
    const v = parseRecordSet({ name: set.name, type: set.type, ttl: set.ttl, records }, vf, issues);
    if (v === undefined) ok = false;
    else variants.set(region, v.records);
  }
  if (!ok) return undefined;
  if (variants.size === 0) return set;
  return Object.freeze({ ...set, variants }) as ZoneRecordSet;
}
