/**
 * @module
 * Record sets: the records of one type at one name, with one TTL — the unit a plan is made of
 * and a DNS server answers with. A, AAAA, CNAME, TXT, MX and SRV are modelled; each record is
 * a small object so that every type reads the same way (`set.records[i].address`).
 *
 * Validation turns loose input (from code, a config file or a store) into the normalised form
 * — lower-case absolute names without the trailing dot, RFC 5952 IPv6, records sorted, the
 * default weight filled in — so that equal content serialises, and hashes, equally. Every
 * problem is reported with the field it is in, not just the first one.
 */
import type { ValidationIssue } from './errors.js';
import { checkDnsName } from './internal/dns-name.js';
import { canonicalIPv4, canonicalIPv6 } from './internal/ip-address.js';

/** The record types a plan can hold. */
export type RecordType = 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'MX' | 'SRV';

/** Every {@link RecordType}, in the order record sets at one name are sorted. */
export const RECORD_TYPES: readonly RecordType[] = Object.freeze([
  'A',
  'AAAA',
  'CNAME',
  'MX',
  'SRV',
  'TXT',
]);

/** An A or AAAA record: an address, with the weight and region of the endpoint behind it. */
export interface AddressRecord {
  /** IPv4 (A) or IPv6 (AAAA) address, normalised. */
  readonly address: string;
  /**
   * The endpoint's share of the name's capacity (finite, ≥ 0; default 1). Weighted routing
   * uses it, and the planner's velocity limit measures capacity in it.
   */
  readonly weight: number;
  /** Where the endpoint runs (a region or zone id), for routing policies; optional. */
  readonly region?: string;
}

/** A CNAME record: the canonical name this name is an alias of. */
export interface CnameRecord {
  readonly target: string;
}

/** A TXT record: its text (split into 255-byte character-strings on the wire). */
export interface TxtRecord {
  readonly text: string;
}

/** An MX record (RFC 1035 §3.3.9). `exchange` is `'.'` for a null MX (RFC 7505). */
export interface MxRecord {
  readonly preference: number;
  readonly exchange: string;
}

/** An SRV record (RFC 2782). `target` is `'.'` when the service is decidedly not offered. */
export interface SrvRecord {
  readonly priority: number;
  readonly weight: number;
  readonly port: number;
  readonly target: string;
}

/** The fields every record set has. */
export interface RecordSetOf<T extends RecordType, R> {
  /** Owner name: lower case, absolute, without the trailing dot. */
  readonly name: string;
  readonly type: T;
  /** Time to live, seconds (0 … 2^31 − 1, RFC 2181 §8). */
  readonly ttl: number;
  /** At least one record, sorted, no duplicates. */
  readonly records: readonly R[];
}

/** The A records at a name. */
export type ARecordSet = RecordSetOf<'A', AddressRecord>;
/** The AAAA records at a name. */
export type AaaaRecordSet = RecordSetOf<'AAAA', AddressRecord>;
/** The CNAME record at a name (exactly one). */
export type CnameRecordSet = RecordSetOf<'CNAME', CnameRecord>;
/** The TXT records at a name. */
export type TxtRecordSet = RecordSetOf<'TXT', TxtRecord>;
/** The MX records at a name. */
export type MxRecordSet = RecordSetOf<'MX', MxRecord>;
/** The SRV records at a name. */
export type SrvRecordSet = RecordSetOf<'SRV', SrvRecord>;

/** A validated, normalised record set. */
export type RecordSet =
  ARecordSet | AaaaRecordSet | CnameRecordSet | TxtRecordSet | MxRecordSet | SrvRecordSet;

/** Any one record. */
export type RecordData = RecordSet['records'][number];

/** An address record as written by hand: the weight may be left out. */
export interface AddressRecordInput {
  readonly address: string;
  readonly weight?: number;
  readonly region?: string;
}

/**
 * A record set as written by hand, before validation: the TTL may be left out (300 s), and
 * address, CNAME and TXT records may be given as plain strings.
 */
export type RecordSetInput =
  | {
      readonly name: string;
      readonly type: 'A' | 'AAAA';
      readonly ttl?: number;
      readonly records: readonly (string | AddressRecordInput)[];
    }
  | {
      readonly name: string;
      readonly type: 'CNAME';
      readonly ttl?: number;
      readonly records: readonly (string | CnameRecord)[];
    }
  | {
      readonly name: string;
      readonly type: 'TXT';
      readonly ttl?: number;
      readonly records: readonly (string | TxtRecord)[];
    }
  | {
      readonly name: string;
      readonly type: 'MX';
      readonly ttl?: number;
      readonly records: readonly MxRecord[];
    }
  | {
      readonly name: string;
      readonly type: 'SRV';
      readonly ttl?: number;
      readonly records: readonly SrvRecord[];
    };

/** TTL when a record set gives none: 300 s, the Route 53 console's default. */
export const DEFAULT_TTL_SECONDS = 300;
/** Largest TTL: 2^31 − 1 s (RFC 2181 §8). */
export const MAX_TTL_SECONDS = 2_147_483_647;
/**
 * Longest TXT text, in UTF-8 bytes: 255-byte character-strings each cost one length byte,
 * and the RDATA must fit in 65 535 bytes, so 65 280 bytes is the most that always fits.
 */
export const MAX_TXT_BYTES = 65_280;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `'${v}'` : typeof v;
}

function checkUint16(v: unknown, field: string, issues: ValidationIssue[]): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65_535) {
    issues.push({
      field,
      message: `must be an integer 0–65535, got ${describeType(v)}${typeof v === 'number' ? ` ${v}` : ''}`,
    });
    return undefined;
  }
  return v;
}

function checkTargetName(
  v: unknown,
  field: string,
  issues: ValidationIssue[],
  allowRoot: boolean,
): string | undefined {
  if (allowRoot && v === '.') return '.';
  const r = checkDnsName(v, false);
  if (!r.ok) {
    issues.push({ field, message: r.message });
    return undefined;
  }
  return r.name;
}

function parseAddressRecord(
  type: 'A' | 'AAAA',
  v: unknown,
  field: string,
  issues: ValidationIssue[],
): AddressRecord | undefined {
  const input: unknown = typeof v === 'string' ? { address: v } : v;
  if (!isObject(input)) {
    issues.push({
      field,
      message: `must be an address string or { address, weight?, region? }, got ${describeType(v)}`,
    });
    return undefined;
  }
  const raw = input['address'];
  const address =
    typeof raw !== 'string' ? undefined : type === 'A' ? canonicalIPv4(raw) : canonicalIPv6(raw);
  let ok = true;
  if (address === undefined) {
    ok = false;
    issues.push({
      field: `${field}.address`,
      message:
        type === 'A'
          ? `must be an IPv4 address such as 192.0.2.1, got ${describeType(raw)}`
          : `must be an IPv6 address such as 2001:db8::1 (no zone index), got ${describeType(raw)}`,
    });
  }
  const weight = input['weight'] ?? 1;
  if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0) {
    ok = false;
    issues.push({
      field: `${field}.weight`,
      message: `must be a finite number >= 0, got ${describeType(weight)}${typeof weight === 'number' ? ` ${weight}` : ''}`,
    });
  }
  const region = input['region'];
  if (
    region !== undefined &&
    (typeof region !== 'string' || region.length === 0 || region.length > 64)
  ) {
    ok = false;
    issues.push({
      field: `${field}.region`,
      message: `must be a non-empty string of at most 64 characters, got ${describeType(region)}`,
    });
  }
  if (!ok) return undefined;
  return region === undefined
    ? { address: address!, weight: weight as number }
    : { address: address!, weight: weight as number, region: region as string };
}

function parseRecord(
  type: RecordType,
  v: unknown,
  field: string,
  issues: ValidationIssue[],
): RecordData | undefined {
  switch (type) {
    case 'A':
    case 'AAAA':
      return parseAddressRecord(type, v, field, issues);
    case 'CNAME': {
      const target = typeof v === 'string' ? v : isObject(v) ? v['target'] : v;
      const name = checkTargetName(
        target,
        typeof v === 'string' ? field : `${field}.target`,
        issues,
        false,
      );
      return name === undefined ? undefined : { target: name };
    }
    case 'TXT': {
      const text = typeof v === 'string' ? v : isObject(v) ? v['text'] : v;
      const f = typeof v === 'string' ? field : `${field}.text`;
      if (typeof text !== 'string') {
        issues.push({ field: f, message: `must be a string, got ${describeType(text)}` });
        return undefined;
      }
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > MAX_TXT_BYTES) {
        issues.push({ field: f, message: `must be at most ${MAX_TXT_BYTES} bytes, got ${bytes}` });
        return undefined;
      }
      return { text };
    }
    case 'MX': {
      if (!isObject(v)) {
        issues.push({ field, message: `must be { preference, exchange }, got ${describeType(v)}` });
        return undefined;
      }
      const preference = checkUint16(v['preference'], `${field}.preference`, issues);
      const exchange = checkTargetName(v['exchange'], `${field}.exchange`, issues, true);
      if (preference === undefined || exchange === undefined) return undefined;
      return { preference, exchange };
    }
    case 'SRV': {
      if (!isObject(v)) {
        issues.push({
          field,
          message: `must be { priority, weight, port, target }, got ${describeType(v)}`,
        });
        return undefined;
      }
      const priority = checkUint16(v['priority'], `${field}.priority`, issues);
      const weight = checkUint16(v['weight'], `${field}.weight`, issues);
      const port = checkUint16(v['port'], `${field}.port`, issues);
      const target = checkTargetName(v['target'], `${field}.target`, issues, true);
      if (
        priority === undefined ||
        weight === undefined ||
        port === undefined ||
        target === undefined
      ) {
        return undefined;
      }
      return { priority, weight, port, target };
    }
  }
}

/**
 * The identity of a record within its set, used to sort, to find duplicates and to diff.
 * An address record is identified by its address alone (so one address cannot appear twice
 * with two weights); other records by all their fields.
 */
export function recordKey(type: RecordType, record: RecordData): string {
  switch (type) {
    case 'A':
    case 'AAAA':
      return (record as AddressRecord).address;
    case 'CNAME':
      return (record as CnameRecord).target;
    case 'TXT':
      return JSON.stringify((record as TxtRecord).text);
    case 'MX': {
      const r = record as MxRecord;
      return `${r.preference} ${r.exchange}`;
    }
    case 'SRV': {
      const r = record as SrvRecord;
      return `${r.priority} ${r.weight} ${r.port} ${r.target}`;
    }
  }
}

/** The record's data as a zone file writes it (`192.0.2.1`, `10 mail.example.com.`). */
export function formatRecord(type: RecordType, record: RecordData): string {
  const abs = (n: string): string => (n === '.' ? '.' : `${n}.`);
  switch (type) {
    case 'A':
    case 'AAAA': {
      const r = record as AddressRecord;
      const extra = [
        r.weight !== 1 ? `weight=${r.weight}` : '',
        r.region !== undefined ? `region=${r.region}` : '',
      ]
        .filter((s) => s !== '')
        .join(' ');
      return extra === '' ? r.address : `${r.address} ; ${extra}`;
    }
    case 'CNAME':
      return abs((record as CnameRecord).target);
    case 'TXT':
      return JSON.stringify((record as TxtRecord).text);
    case 'MX': {
      const r = record as MxRecord;
      return `${r.preference} ${abs(r.exchange)}`;
    }
    case 'SRV': {
      const r = record as SrvRecord;
      return `${r.priority} ${r.weight} ${r.port} ${abs(r.target)}`;
    }
  }
}

/**
 * Validates and normalises one record set; pushes every problem onto `issues` (with fields
 * under `field`) and returns undefined when there was any.
 */
export function parseRecordSet(
  input: unknown,
  field: string,
  issues: ValidationIssue[],
): RecordSet | undefined {
  if (!isObject(input)) {
    issues.push({
      field,
      message: `must be a record set { name, type, ttl?, records }, got ${describeType(input)}`,
    });
    return undefined;
  }
  const before = issues.length;
  const nameCheck = checkDnsName(input['name'], true);
  if (!nameCheck.ok) issues.push({ field: `${field}.name`, message: nameCheck.message });
  const type = input['type'];
  if (typeof type !== 'string' || !(RECORD_TYPES as readonly string[]).includes(type)) {
    issues.push({
      field: `${field}.type`,
      message: `must be one of ${RECORD_TYPES.join(', ')}, got ${describeType(type)}`,
    });
    return undefined;
  }
  const recordType = type as RecordType;
  const ttl = input['ttl'] ?? DEFAULT_TTL_SECONDS;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL_SECONDS) {
    issues.push({
      field: `${field}.ttl`,
      message: `must be an integer 0–${MAX_TTL_SECONDS} (seconds), got ${describeType(ttl)}${typeof ttl === 'number' ? ` ${ttl}` : ''}`,
    });
  }
  if (nameCheck.ok && recordType === 'SRV' && !/^_[^.]+\._[^.]+\./.test(nameCheck.name)) {
    issues.push({
      field: `${field}.name`,
      message: `an SRV owner name must be _service._proto.name (RFC 2782), got '${nameCheck.name}'`,
    });
  }
  const rawRecords = input['records'];
  if (!Array.isArray(rawRecords)) {
    issues.push({
      field: `${field}.records`,
      message: `must be an array of records, got ${describeType(rawRecords)}`,
    });
    return undefined;
  }
  if (rawRecords.length === 0) {
    // An empty record set is exactly what invariant I1 forbids serving.
    issues.push({
      field: `${field}.records`,
      message: 'must hold at least one record (an empty record set serves nothing)',
    });
  }
  if (recordType === 'CNAME' && rawRecords.length > 1) {
    issues.push({
      field: `${field}.records`,
      message: `a CNAME record set holds exactly one record (RFC 2181 §10.1), got ${rawRecords.length}`,
    });
  }
  const records: RecordData[] = [];
  const seen = new Map<string, number>();
  (rawRecords as unknown[]).forEach((raw, i) => {
    const rf = `${field}.records[${i}]`;
    const record = parseRecord(recordType, raw, rf, issues);
    if (record === undefined) return;
    const key = recordKey(recordType, record);
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({ field: rf, message: `duplicates records[${first}] (${key})` });
      return;
    }
    seen.set(key, i);
    records.push(record);
  });
  if (nameCheck.ok && recordType === 'CNAME' && records.length === 1) {
    if ((records[0] as CnameRecord).target === nameCheck.name) {
      issues.push({
        field: `${field}.records[0]`,
        message: `a CNAME must not point at its own name '${nameCheck.name}'`,
      });
    }
  }
  if (issues.length > before || !nameCheck.ok) return undefined;
  records.sort((a, b) => compareStrings(recordKey(recordType, a), recordKey(recordType, b)));
  for (const r of records) Object.freeze(r);
  return Object.freeze({
    name: nameCheck.name,
    type: recordType,
    ttl: ttl as number,
    records: Object.freeze(records),
  }) as RecordSet;
}

/** Code-unit order, the same in every locale (never `localeCompare` for canonical forms). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sort order of record sets: by name, then by type in {@link RECORD_TYPES} order. */
export function compareRecordSets(a: RecordSet, b: RecordSet): number {
  return (
    compareStrings(a.name, b.name) || RECORD_TYPES.indexOf(a.type) - RECORD_TYPES.indexOf(b.type)
  );
}

/**
 * The canonical JSON of a normalised record set: fixed key order, records in sorted order, so
 * equal sets give equal strings. Used for content hashes and for provenance checks.
 */
export function canonicalRecordSet(set: RecordSet): string {
  const records = (set.records as readonly RecordData[]).map((r) => canonicalRecord(set.type, r));
  return `{"name":${JSON.stringify(set.name)},"type":"${set.type}","ttl":${set.ttl},"records":[${records.join(',')}]}`;
}

function canonicalRecord(type: RecordType, record: RecordData): string {
  switch (type) {
    case 'A':
    case 'AAAA': {
      const r = record as AddressRecord;
      const region = r.region === undefined ? '' : `,"region":${JSON.stringify(r.region)}`;
      return `{"address":"${r.address}","weight":${JSON.stringify(r.weight)}${region}}`;
    }
    case 'CNAME':
      return `{"target":${JSON.stringify((record as CnameRecord).target)}}`;
    case 'TXT':
      return `{"text":${JSON.stringify((record as TxtRecord).text)}}`;
    case 'MX': {
      const r = record as MxRecord;
      return `{"preference":${r.preference},"exchange":${JSON.stringify(r.exchange)}}`;
    }
    case 'SRV': {
      const r = record as SrvRecord;
      return `{"priority":${r.priority},"weight":${r.weight},"port":${r.port},"target":${JSON.stringify(r.target)}}`;
    }
  }
}

/** The capacity a set of address records stands for: the sum of their weights. */
export function capacityOf(records: readonly AddressRecord[]): number {
  let sum = 0;
  for (const r of records) sum += r.weight;
  return sum;
}
