/**
 * @module
 * Plan record sets to and from `dns-packet` resource records — for the UPDATE a provider is
 * sent, the zone transfer it is read back with, and the answers `dns verify` compares.
 *
 * Only what DNS carries survives the round trip: an address record's weight and region are
 * the planner's and never go on the wire, so records read back get weight 1 and no region.
 */
import type dnsPacket from 'dns-packet';
import type { ValidationIssue } from '../../errors.js';
import { compareRecordSets, parseRecordSet, RECORD_TYPES } from '../../record-set.js';
import type {
  AddressRecord,
  CnameRecord,
  MxRecord,
  RecordSet,
  RecordType,
  SrvRecord,
  TxtRecord,
} from '../../record-set.js';

/** A decoded record as `dns-packet` returns it (the fields we use). */
export interface WireRecord {
  readonly name: string;
  readonly type: string;
  readonly ttl?: number;
  readonly class?: string;
  readonly data?: unknown;
}

/** Splits a text into ≤ 255-byte character-strings (RFC 1035 §3.3.14). */
export function txtChunks(text: string): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length === 0) return [Buffer.alloc(0)];
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += 255) out.push(bytes.subarray(at, at + 255));
  return out;
}

/** The `dns-packet` RDATA of one record of a plan record set. */
export function wireData(type: RecordType, record: RecordSet['records'][number]): unknown {
  switch (type) {
    case 'A':
    case 'AAAA':
      return (record as AddressRecord).address;
    case 'CNAME':
      return (record as CnameRecord).target;
    case 'TXT':
      return txtChunks((record as TxtRecord).text);
    case 'MX': {
      const r = record as MxRecord;
      return { preference: r.preference, exchange: r.exchange === '.' ? '' : r.exchange };
    }
    case 'SRV': {
      const r = record as SrvRecord;
      return {
        priority: r.priority,
        weight: r.weight,
        port: r.port,
        target: r.target === '.' ? '' : r.target,
      };
    }
  }
}

/** The records of a set as `dns-packet` answers (class IN). */
export function toWireRecords(set: RecordSet): dnsPacket.Answer[] {
  return (set.records as readonly RecordSet['records'][number][]).map(
    (r) =>
      ({
        name: set.name,
        type: set.type,
        class: 'IN',
        ttl: set.ttl,
        data: wireData(set.type, r),
      }) as unknown as dnsPacket.Answer,
  );
}

function rootOr(name: unknown): string {
  const s = typeof name === 'string' ? name.replace(/\.$/, '') : '';
  return s === '' ? '.' : s.toLowerCase();
}

/** One decoded record as plan record input, or undefined for a type plans do not hold. */
function recordInput(r: WireRecord): unknown {
  const d = r.data as Record<string, unknown> | string | Buffer[] | undefined;
  switch (r.type) {
    case 'A':
    case 'AAAA':
      return typeof d === 'string' ? d : undefined;
    case 'CNAME':
      return typeof d === 'string' ? rootOr(d) : undefined;
    case 'TXT':
      return Array.isArray(d)
        ? Buffer.concat(d.map((b) => (Buffer.isBuffer(b) ? b : Buffer.from(String(b))))).toString(
            'utf8',
          )
        : undefined;
    case 'MX': {
      const m = d as Record<string, unknown>;
      return { preference: m['preference'], exchange: rootOr(m['exchange']) };
    }
    case 'SRV': {
      const s = d as Record<string, unknown>;
      return {
        priority: s['priority'],
        weight: s['weight'],
        port: s['port'],
        target: rootOr(s['target']),
      };
    }
    default:
      return undefined;
  }
}

/**
 * Groups decoded records into normalised plan record sets (types a plan holds only; the
 * TTL of a set is the lowest of its records'). Names in `skip` are left out. Records that do
 * not validate are reported in `issues` and left out.
 */
export function fromWireRecords(
  records: readonly WireRecord[],
  skip: ReadonlySet<string>,
  issues: ValidationIssue[] = [],
): RecordSet[] {
  const groups = new Map<
    string,
    { name: string; type: RecordType; ttl: number; records: unknown[] }
  >();
  for (const r of records) {
    if (!(RECORD_TYPES as readonly string[]).includes(r.type)) continue;
    if (r.class !== undefined && r.class !== 'IN') continue;
    const name = rootOr(r.name);
    if (skip.has(name)) continue;
    const input = recordInput(r);
    if (input === undefined) continue;
    const key = `${name}\u0000${r.type}`;
    let g = groups.get(key);
    if (g === undefined) {
      g = { name, type: r.type as RecordType, ttl: r.ttl ?? 0, records: [] };
      groups.set(key, g);
    }
    g.ttl = Math.min(g.ttl, r.ttl ?? 0);
    g.records.push(input);
  }
  const out: RecordSet[] = [];
  for (const g of groups.values()) {
    // A transfer can repeat a record (the same RR twice); keep the first.
    const seen = new Set<string>();
    const unique = g.records.filter((r) => {
      const k = JSON.stringify(r);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const set = parseRecordSet({ ...g, records: unique }, `${g.name} ${g.type}`, issues);
    if (set !== undefined) out.push(set);
  }
  return out.sort(compareRecordSets);
}
