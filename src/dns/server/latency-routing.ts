/**
 * @module
 * Latency-based routing as pure functions: which region's records a client gets, decided by
 * the client's network — from EDNS Client Subnet (RFC 7871) when the resolver sends it, else
 * the resolver's own address — looked up in a table of measured region latencies.
 *
 * The table maps networks (CIDR prefixes) to the latency from that network to each region.
 * A client matches the longest prefix that contains its address *and* that its source prefix
 * covers (a resolver that reveals only a /24 cannot be matched against a /28). The region
 * answered is the one with the lowest latency among the regions that have records for the
 * name (the control plane drops unhealthy ones), ties broken by region id so the answer is
 * deterministic. This is the shape of Route 53's latency records, minus its proprietary
 * latency data: the table is configuration.
 *
 * The ECS scope (RFC 7871 §7.2.1) tells the resolver how far the answer may be reused: the
 * matched prefix length, lengthened just enough to exclude any more specific table entry
 * that would have answered differently, and never longer than the source prefix.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** One row of the table: a network and its latency to each region. */
export interface RegionLatencyEntry {
  /** CIDR prefix, IPv4 or IPv6: `198.51.100.0/24`, `2001:db8::/32`. */
  readonly prefix: string;
  /** Region id → measured latency in ms (finite, ≥ 0). */
  readonly latencyMs: Readonly<Record<string, number>>;
}

/** Options of {@link compileRegionLatencyTable}. */
export interface RegionLatencyTableOptions {
  readonly entries: readonly RegionLatencyEntry[];
  /** Latencies for clients that match no entry. Without it they get the default records. */
  readonly defaultLatencyMs?: Readonly<Record<string, number>>;
}

interface CompiledEntry {
  readonly family: 1 | 2;
  readonly network: Uint8Array;
  readonly prefixLength: number;
  /** Regions by increasing latency (ties by id). */
  readonly ranking: readonly string[];
}

/** A validated, compiled table. Build it with {@link compileRegionLatencyTable}. */
export interface RegionLatencyTable {
  /** Entries sorted by prefix length, longest first. */
  readonly entries: readonly CompiledEntry[];
  /** Region ranking for clients that match no entry; empty when there is no default. */
  readonly defaultRanking: readonly string[];
}

/** A client network: an address family, the address bytes and how many bits are known. */
export interface ClientSubnet {
  /** 1 = IPv4, 2 = IPv6 (IANA address family numbers, as in ECS). */
  readonly family: 1 | 2;
  /** 4 or 16 bytes; bits past `sourcePrefixLength` are zero. */
  readonly address: Uint8Array;
  /** Number of significant bits (32 / 128 for a full address). */
  readonly sourcePrefixLength: number;
}

/** Which table entry a client matched, and the ECS scope of an answer tailored to it. */
export interface RegionMatch {
  /** Index into `table.entries`, or -1 for "no entry" (the default ranking applies). */
  readonly entry: number;
  /** SCOPE PREFIX-LENGTH to send back (RFC 7871 §7.2.1). */
  readonly scopePrefixLength: number;
}

/** Parses an IPv4 or IPv6 address (no zone index) into bytes; undefined if it is neither. */
export function parseIpAddress(text: string): { family: 1 | 2; bytes: Uint8Array } | undefined {
  if (isIPv4(text)) {
    const bytes = new Uint8Array(4);
    const parts = text.split('.');
    for (let i = 0; i < 4; i++) bytes[i] = Number(parts[i]);
    return { family: 1, bytes };
  }
  const pct = text.indexOf('%');
  const plain = pct === -1 ? text : text.slice(0, pct);
  if (!isIPv6(plain)) return undefined;
  return { family: 2, bytes: ipv6Bytes(plain) };
}

function ipv6Bytes(text: string): Uint8Array {
  const out = new Uint8Array(16);
  let body = text;
  const tail: number[] = [];
  const lastColon = body.lastIndexOf(':');
  if (body.slice(lastColon + 1).includes('.')) {
    for (const p of body.slice(lastColon + 1).split('.')) tail.push(Number(p));
    body = body.slice(0, lastColon + 1) + '0:0';
  }
  const gap = body.indexOf('::');
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  let groups: number[];
  if (gap === -1) groups = parse(body);
  else {
    const head = parse(body.slice(0, gap));
    const rest = parse(body.slice(gap + 2));
    groups = [...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest];
  }
  for (let i = 0; i < 8; i++) {
    out[2 * i] = (groups[i]! >> 8) & 0xff;
    out[2 * i + 1] = groups[i]! & 0xff;
  }
  if (tail.length === 4) out.set(tail, 12);
  return out;
}

/** The client network for a full address (a resolver's source address). */
export function clientSubnetOfAddress(address: string): ClientSubnet | undefined {
  const ip = parseIpAddress(address);
  if (ip === undefined) return undefined;
  return { family: ip.family, address: ip.bytes, sourcePrefixLength: ip.family === 1 ? 32 : 128 };
}

function rankRegions(latencyMs: Readonly<Record<string, number>>, where: string): string[] {
  if (typeof latencyMs !== 'object' || latencyMs === null) {
    throw new TypeError(
      `${where}: latencyMs must be an object { region: ms }, got ${String(latencyMs)}`,
    );
  }
  const pairs = Object.entries(latencyMs);
  for (const [region, ms] of pairs) {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(
        `${where}: latencyMs.${region} must be a finite number >= 0, got ${String(ms)}`,
      );
    }
  }
  pairs.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.map((p) => p[0]);
}

/**
 * Validates and compiles a table. Throws a TypeError/RangeError naming the entry and the
 * value for a bad prefix or latency, or a prefix with bits set past its length.
 */
export function compileRegionLatencyTable(options: RegionLatencyTableOptions): RegionLatencyTable {
  const list: unknown = (options as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(list)) {
    throw new TypeError('compileRegionLatencyTable: options.entries must be an array');
  }
  const entries: CompiledEntry[] = (list as readonly RegionLatencyEntry[]).map((e, i) => {
    const where = `compileRegionLatencyTable: entries[${i}]`;
    const prefix: unknown = (e as Partial<RegionLatencyEntry> | null)?.prefix;
    const text = typeof prefix === 'string' ? prefix : '';
    const slash = text.lastIndexOf('/');
    const ip = parseIpAddress(slash === -1 ? text : text.slice(0, slash));
    const max = ip?.family === 1 ? 32 : 128;
    const len = slash === -1 ? max : Number(text.slice(slash + 1));
    if (
      ip === undefined ||
      !Number.isInteger(len) ||
      len < 0 ||
      len > max ||
      text.slice(slash + 1) === ''
    ) {
      throw new RangeError(
        `${where}.prefix must be a CIDR prefix such as 198.51.100.0/24, got '${String(prefix)}'`,
      );
    }
    if (hostBitsSet(ip.bytes, len)) {
      throw new RangeError(`${where}.prefix '${text}' has bits set past /${len}`);
    }
    return Object.freeze({
      family: ip.family,
      network: ip.bytes,
      prefixLength: len,
      ranking: Object.freeze(rankRegions(e.latencyMs, where)),
    });
  });
  // Longest first, so the first containing entry is the longest match. Stable for ties.
  entries.sort((a, b) => b.prefixLength - a.prefixLength);
  const defaultRanking =
    options.defaultLatencyMs === undefined
      ? []
      : rankRegions(options.defaultLatencyMs, 'compileRegionLatencyTable: defaultLatencyMs');
  return Object.freeze({
    entries: Object.freeze(entries),
    defaultRanking: Object.freeze(defaultRanking),
  });
}

function hostBitsSet(bytes: Uint8Array, len: number): boolean {
  for (let bit = len; bit < bytes.length * 8; bit++) {
    if ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) return true;
  }
  return false;
}

/** Number of leading bits `a` and `b` share, at most `limit`. */
function commonPrefixLength(a: Uint8Array, b: Uint8Array, limit: number): number {
  let n = 0;
  for (let i = 0; i < a.length && n < limit; i++) {
    const x = a[i]! ^ b[i]!;
    if (x === 0) {
      n += 8;
      continue;
    }
    return Math.min(limit, n + Math.clz32(x) - 24);
  }
  return Math.min(n, limit);
}

/**
 * The longest entry matching `client`, and the ECS scope of the answer. Pure; O(entries).
 */
export function matchClientSubnet(table: RegionLatencyTable, client: ClientSubnet): RegionMatch {
  const src = client.sourcePrefixLength;
  let entry = -1;
  let matchedLength = 0;
  const entries = table.entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.family !== client.family || e.prefixLength > src) continue;
    if (commonPrefixLength(client.address, e.network, e.prefixLength) === e.prefixLength) {
      entry = i;
      matchedLength = e.prefixLength;
      break;
    }
  }
  // Lengthen the scope past every more specific entry that would answer differently, so a
  // resolver never reuses this answer for a client that entry covers.
  let scope = entry === -1 && table.entries.length === 0 ? 0 : matchedLength;
  for (const e of entries) {
    if (e.family !== client.family || e.prefixLength <= matchedLength) continue;
    const shared = commonPrefixLength(client.address, e.network, e.prefixLength);
    if (shared < matchedLength) continue;
    scope = Math.max(scope, Math.min(src, shared + 1));
  }
  return { entry, scopePrefixLength: scope };
}

/**
 * The region with the lowest latency from `entry`'s network among `available` (region ids
 * with records), or undefined when none of them is ranked.
 */
export function chooseRegion(
  table: RegionLatencyTable,
  entry: number,
  available: ReadonlySet<string> | ReadonlyMap<string, unknown>,
): string | undefined {
  const ranking = entry === -1 ? table.defaultRanking : (table.entries[entry]?.ranking ?? []);
  for (const region of ranking) if (available.has(region)) return region;
  return undefined;
}

/** {@link matchClientSubnet} then {@link chooseRegion}: the whole decision for one client. */
export function selectRegion(
  table: RegionLatencyTable,
  client: ClientSubnet,
  available: ReadonlySet<string> | ReadonlyMap<string, unknown>,
): { readonly region: string | undefined; readonly scopePrefixLength: number } {
  const m = matchClientSubnet(table, client);
  return {
    region: chooseRegion(table, m.entry, available),
    scopePrefixLength: m.scopePrefixLength,
  };
}
