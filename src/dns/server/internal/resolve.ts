/**
 * @module
 * Answering one question from zone snapshots: a pure function of (zones, name, type, region
 * picker), following RFC 1034 §4.3.2 for authoritative data without delegations (a plan has
 * no NS records below the apex).
 *
 * - NXDOMAIN vs NODATA: a name that owns nothing but has descendants exists (an empty
 *   non-terminal, RFC 8020), so it gets NODATA; negative answers carry the SOA in the
 *   authority section with TTL = min(SOA TTL, SOA MINIMUM) (RFC 2308 §3, §5).
 * - CNAME: followed within the zone, at most {@link MAX_CNAME_CHAIN} links, loops cut; the
 *   RCODE describes the last name of the chain (RFC 6604 §2).
 * - Wildcards (RFC 4592): `*.<closest encloser>` answers for names that do not exist, with
 *   the query name as owner; an existing name (an ENT too) is never covered by a wildcard.
 * - ANY: one RRset (RFC 8482 §4.1), not everything the name owns — an authoritative
 *   server must not be a cheap amplifier.
 * - Outside every zone: REFUSED, AA=0; the server is never recursive.
 * - Weighted record sets: ONE record, whose index the caller's {@link WeightedPicker} draws
 *   (Route 53 weighted routing); the resolution reports the draw so the answer can be cached
 *   per drawn index.
 */
import type { RecordData } from '../../record-set.js';
import type { WeightedChoice } from '../../routing/weighted-choice.js';
import type {
  NsRecord,
  ServedRecordSet,
  ServedType,
  ZoneNode,
  ZoneSnapshot,
} from '../zone-snapshot.js';
import { RCODE, TYPE } from './wire.js';

/** One resource record to write: owner (lower case), type code, TTL and typed data. */
export interface Rr {
  readonly name: string;
  readonly type: number;
  readonly ttl: number;
  readonly data: RecordData | NsRecord | object;
}

/** What to answer with. */
export interface Resolution {
  readonly rcode: number;
  /** Authoritative Answer: true inside our zones. */
  readonly aa: boolean;
  readonly answer: Rr[];
  readonly authority: Rr[];
  readonly additional: Rr[];
  /** True when a record set with region variants was consulted (the answer is tailored). */
  readonly tailored: boolean;
  /**
   * The weighted record sets drawn from: 0, 1 (then `choice` and `variant` say which draw
   * was made), or more (an answer that depends on several draws is not cached).
   */
  readonly weightedDraws?: number;
  /** The weights of the (last) weighted set drawn from. */
  readonly choice?: WeightedChoice;
  /** The record index drawn from `choice`: the answer's variant. */
  readonly variant?: number;
}

/** Draws the index of the one record a weighted record set answers with. */
export type WeightedPicker = (choice: WeightedChoice) => number;

/** Without a picker: always the first record (deterministic, as in a pure lookup). */
const FIRST: WeightedPicker = () => 0;

interface Draws {
  readonly pickWeighted: WeightedPicker;
  count: number;
  choice: WeightedChoice | undefined;
  variant: number;
}

/** Picks a region among the available variants, or undefined for the default records. */
export type RegionPicker = (available: ReadonlyMap<string, unknown>) => string | undefined;

/** Longest CNAME chain followed (BIND's limit is 16; resolvers give up around 8–16). */
export const MAX_CNAME_CHAIN = 16;

/** Served type name → RR type code. */
export const TYPE_CODE: Readonly<Record<ServedType, number>> = Object.freeze({
  A: TYPE.A,
  AAAA: TYPE.AAAA,
  CNAME: TYPE.CNAME,
  TXT: TYPE.TXT,
  MX: TYPE.MX,
  SRV: TYPE.SRV,
  SOA: TYPE.SOA,
  NS: TYPE.NS,
});

const SERVED_OF_CODE = new Map<number, ServedType>(
  Object.entries(TYPE_CODE).map(([k, v]) => [v, k as ServedType]),
);

/** Which single RRset answers ANY at a name: SOA at the apex, then addresses first. */
const ANY_ORDER: readonly ServedType[] = ['SOA', 'A', 'AAAA', 'CNAME', 'MX', 'TXT', 'SRV', 'NS'];

/** The zones the server is authoritative for, by apex. */
export type ZoneIndex = ReadonlyMap<string, ZoneSnapshot>;

/** The zone holding `keys` (labels, lower case): the longest apex that is a suffix. */
export function findZone(zones: ZoneIndex, keys: readonly string[]): ZoneSnapshot | undefined {
  for (let i = 0; i < keys.length; i++) {
    const z = zones.get(i === 0 ? keys.join('.') : keys.slice(i).join('.'));
    if (z !== undefined) return z;
  }
  return undefined;
}

type Lookup =
  | { readonly kind: 'node'; readonly node: ZoneNode }
  | { readonly kind: 'ent' }
  | { readonly kind: 'nx' };

const ENT: Lookup = { kind: 'ent' };
const NX: Lookup = { kind: 'nx' };

function lookup(zone: ZoneSnapshot, name: string, keys: readonly string[]): Lookup {
  const node = zone.nodes.get(name);
  if (node !== undefined) return { kind: 'node', node };
  if (zone.emptyNonTerminals.has(name)) return ENT;
  // Closest encloser: the longest existing ancestor (RFC 4592 §3.3.1); then its wildcard.
  const apexLabels = zone.zone === '' ? 0 : zone.zone.split('.').length;
  for (let i = 1; i <= keys.length - apexLabels; i++) {
    const ancestor = keys.slice(i).join('.');
    if (!zone.nodes.has(ancestor) && !zone.emptyNonTerminals.has(ancestor)) continue;
    const wild = zone.nodes.get(ancestor === '' ? '*' : `*.${ancestor}`);
    return wild === undefined ? NX : { kind: 'node', node: wild };
  }
  return NX;
}

function recordsOf(set: ServedRecordSet, pick: RegionPicker, draws: Draws): readonly unknown[] {
  if ('weighted' in set && set.weighted !== undefined) {
    const index = draws.pickWeighted(set.weighted);
    const record = set.records[index] ?? set.records[0];
    draws.count++;
    draws.choice = set.weighted;
    draws.variant = index;
    return [record];
  }
  if ('variants' in set && set.variants !== undefined) {
    const region = pick(set.variants);
    if (region !== undefined) {
      const v = set.variants.get(region);
      if (v !== undefined) return v;
    }
  }
  return set.records;
}

function isTailored(set: ServedRecordSet): boolean {
  return 'variants' in set && set.variants !== undefined;
}

function pushSet(
  out: Rr[],
  owner: string,
  set: ServedRecordSet,
  records: readonly unknown[],
): void {
  const type = TYPE_CODE[set.type];
  for (const data of records) out.push({ name: owner, type, ttl: set.ttl, data: data as object });
}

function negativeSoa(zone: ZoneSnapshot): Rr {
  const soa = zone.soa;
  return {
    name: zone.zone,
    type: TYPE.SOA,
    ttl: Math.min(soa.ttl, soa.records[0].minimum),
    data: soa.records[0],
  };
}

/**
 * Answers `qtype` at the name with lower-case labels `keys` (presentation form joined by
 * dots is `name`). `pick` is called only for record sets with region variants,
 * `pickWeighted` only for weighted record sets (default: their first record).
 */
export function resolveQuestion(
  zones: ZoneIndex,
  name: string,
  keys: readonly string[],
  qtype: number,
  pick: RegionPicker,
  pickWeighted: WeightedPicker = FIRST,
): Resolution {
  const zone = findZone(zones, keys);
  if (zone === undefined) {
    return {
      rcode: RCODE.REFUSED,
      aa: false,
      answer: [],
      authority: [],
      additional: [],
      tailored: false,
    };
  }
  const answer: Rr[] = [];
  const authority: Rr[] = [];
  const additional: Rr[] = [];
  let tailored = false;
  const draws: Draws = { pickWeighted, count: 0, choice: undefined, variant: 0 };
  let rcode: number = RCODE.NOERROR;
  const wanted = SERVED_OF_CODE.get(qtype);
  let owner = name;
  let ownerKeys = keys;
  const visited = new Set<string>();
  for (let hop = 0; ; hop++) {
    visited.add(owner);
    const found = lookup(zone, owner, ownerKeys);
    if (found.kind === 'nx') {
      rcode = RCODE.NXDOMAIN;
      authority.push(negativeSoa(zone));
      break;
    }
    if (found.kind === 'ent') {
      authority.push(negativeSoa(zone));
      break;
    }
    const sets = found.node.sets;
    if (qtype === TYPE.ANY) {
      let chosen: ServedRecordSet | undefined;
      for (const t of ANY_ORDER) {
        chosen = sets.get(t);
        if (chosen !== undefined) break;
      }
      if (chosen === undefined) authority.push(negativeSoa(zone));
      else {
        tailored ||= isTailored(chosen);
        pushSet(answer, owner, chosen, recordsOf(chosen, pick, draws));
      }
      break;
    }
    const set = wanted === undefined ? undefined : sets.get(wanted);
    if (set !== undefined) {
      tailored ||= isTailored(set);
      const records = recordsOf(set, pick, draws);
      pushSet(answer, owner, set, records);
      tailored = addAdditional(zone, set.type, records, additional, pick, draws) || tailored;
      break;
    }
    const cname = sets.get('CNAME');
    if (cname === undefined || qtype === TYPE.CNAME) {
      authority.push(negativeSoa(zone));
      break;
    }
    tailored ||= isTailored(cname);
    const records = recordsOf(cname, pick, draws);
    pushSet(answer, owner, cname, records);
    const target = (records[0] as { target: string }).target;
    if (hop + 1 >= MAX_CNAME_CHAIN || visited.has(target)) break;
    const targetKeys = target.split('.');
    // Follow only within the zone: another zone's data is not ours to vouch for in this
    // answer, and a resolver follows the chain itself (RFC 1034 §3.6.2).
    if (findZone(zones, targetKeys) !== zone) break;
    owner = target;
    ownerKeys = targetKeys;
  }
  if (draws.count === 0) return { rcode, aa: true, answer, authority, additional, tailored };
  return {
    rcode,
    aa: true,
    answer,
    authority,
    additional,
    tailored,
    weightedDraws: draws.count,
    ...(draws.choice === undefined ? {} : { choice: draws.choice }),
    variant: draws.variant,
  };
}

/** Addresses of in-zone MX exchanges, SRV targets and NS hosts (RFC 1035 §3.3.9, §6.3.2). */
function addAdditional(
  zone: ZoneSnapshot,
  type: ServedType,
  records: readonly unknown[],
  additional: Rr[],
  pick: RegionPicker,
  draws: Draws,
): boolean {
  if (type !== 'MX' && type !== 'SRV' && type !== 'NS') return false;
  let tailored = false;
  const seen = new Set<string>();
  for (const r of records) {
    const host =
      type === 'MX'
        ? (r as { exchange: string }).exchange
        : type === 'SRV'
          ? (r as { target: string }).target
          : (r as NsRecord).host;
    if (host === '.' || seen.has(host)) continue;
    seen.add(host);
    const node = zone.nodes.get(host);
    if (node === undefined) continue;
    for (const t of ['A', 'AAAA'] as const) {
      const set = node.sets.get(t);
      if (set === undefined) continue;
      tailored ||= isTailored(set);
      pushSet(additional, host, set, recordsOf(set, pick, draws));
    }
  }
  return tailored;
}
