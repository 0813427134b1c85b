/**
 * @module
 * The phonebook's config file: one YAML document describing the zones, their names and the
 * endpoints behind them (address, weight, region, health), TTLs, a routing policy per name,
 * health checks, the plan store, and the planner's guards. {@link loadDnsConfig} reads and
 * validates it; {@link configInventory} turns it into the endpoint inventory the `Planner`
 * plans from.
 *
 * ```yaml
 * store: { kind: sqlite }                # sqlite (path?), memory, or etcd (endpoints, prefix?)
 * planner: { velocity: { maxRemovedFractionPerPlan: 0.5 } }
 * healthChecks:
 *   www-1: { http: 'http://192.0.2.10/healthz' }
 * zones:
 *   example.test:
 *     ttl: 300
 *     names:
 *       www:
 *         ttl: 60
 *         routing: failover
 *         endpoints:
 *           - { address: 192.0.2.10, failover: primary, healthCheck: www-1 }
 *           - { address: 192.0.2.11, failover: secondary }
 *       docs: { cname: www }
 *       '@': { txt: 'v=spf1 -all', mx: [{ preference: 10, exchange: mail }] }
 * ```
 *
 * Names are relative to their zone, as in a zone file: `www` is `www.example.test`, `'@'` (or
 * the zone's own name) is the apex, and a name ending in `.` is absolute (and must lie in the
 * zone). A CNAME, MX or SRV target that is one label (`www`) is relative too; one that has
 * dots must either end in `.` (outside the zone) or end with the zone's name — the zone-file
 * rule that turns `www.other.test` into `www.other.test.example.test` has bitten enough
 * people that a dotted target without the final dot is refused instead.
 *
 * Every problem is reported at once, each with the file, line, column and field, what was
 * expected and — for a misspelt key — the nearest valid one ({@link DnsConfigError}). Routing
 * policies are validated here (a failover name needs a primary and a secondary; a latency
 * name, a region on every endpoint); serving them is the DNS server's job.
 *
 * Why by hand and not a schema library: the checks need the YAML nodes' source positions and
 * the DNS rules of `record-set.ts`; the `yaml` package gives the former, the DNS part the
 * latter, and the glue between them is this file.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { YAMLMap } from 'yaml';
import { DnsError } from './errors.js';
import type { ValidationIssue } from './errors.js';
import type { ProbeCheckOptions } from './health/health-checker.js';
import type { HttpProbeTarget } from './health/http-probe.js';
import { checkDnsName } from './internal/dns-name.js';
import { canonicalIPv4, canonicalIPv6 } from './internal/ip-address.js';
import { DEFAULT_ENDPOINT_TTL_SECONDS, parseInventory } from './inventory.js';
import type { Inventory } from './inventory.js';
import { DEFAULT_VELOCITY_LIMIT } from './plan-guards.js';
import type { VelocityLimit } from './plan-guards.js';
import { DEFAULT_ETCD_PREFIX } from './plan-store/etcd-store.js';
import {
  DEFAULT_TTL_SECONDS,
  MAX_TTL_SECONDS,
  compareRecordSets,
  parseRecordSet,
} from './record-set.js';
import type { RecordSet, RecordSetInput } from './record-set.js';

// ---------------------------------------------------------------------------------------------
// The validated config
// ---------------------------------------------------------------------------------------------

/** How a name's endpoints are chosen when it is served (the serving part implements them). */
export type RoutingPolicy = 'simple' | 'failover' | 'weighted' | 'multivalue' | 'latency';

/** Every {@link RoutingPolicy}. */
export const ROUTING_POLICIES: readonly RoutingPolicy[] = Object.freeze([
  'simple',
  'failover',
  'weighted',
  'multivalue',
  'latency',
]);

/** An endpoint as configured. */
export interface EndpointConfig {
  /** IPv4 or IPv6 address, normalised. */
  readonly address: string;
  /** Share of the name's capacity (≥ 0). Default 1. */
  readonly weight: number;
  /** Where it runs; required by latency routing. */
  readonly region?: string;
  /** A fixed health verdict (`false` drains it); leave out to use `healthCheck` or assume up. */
  readonly healthy?: boolean;
  /** Id of the health check (in {@link DnsConfig.healthChecks}) that decides its health. */
  readonly healthCheck?: string;
  /** Failover routing: its role. */
  readonly failover?: 'primary' | 'secondary';
}

/** A name as configured: endpoints (A/AAAA by address family) and fixed record sets. */
export interface NameConfig {
  /** Absolute name, normalised (lower case, no final dot). */
  readonly name: string;
  /** The zone it belongs to. */
  readonly zone: string;
  /** TTL of its endpoint record sets, seconds. */
  readonly ttl: number;
  /** How its endpoints are served. `'simple'` when it has none. */
  readonly routing: RoutingPolicy;
  readonly endpoints: readonly EndpointConfig[];
  /** Fixed record sets (CNAME, TXT, MX, SRV), validated, in type order. */
  readonly records: readonly RecordSet[];
}

/** A zone as configured. */
export interface ZoneConfig {
  /** The apex, normalised. */
  readonly zone: string;
  /** Its name servers (for SOA and NS), absolute; may be empty. */
  readonly nameServers: readonly string[];
  /** Its names, sorted. */
  readonly names: readonly NameConfig[];
}

/** Where plans live. A relative SQLite path is resolved against the config file's folder. */
export type StoreConfig =
  | {
      readonly kind: 'sqlite';
      /** Absolute path; undefined means the default (`.breakwater/state.db` in the cwd). */
      readonly path: string | undefined;
      readonly busyTimeoutMs?: number;
    }
  | { readonly kind: 'memory' }
  | {
      readonly kind: 'etcd';
      readonly endpoints: readonly string[];
      readonly prefix: string;
      readonly callTimeoutMs?: number;
    };

/** A validated config file. */
export interface DnsConfig {
  /** The file it came from, as given. */
  readonly file: string;
  readonly store: StoreConfig;
  readonly planner: { readonly id: string; readonly velocity: VelocityLimit };
  readonly janitor: { readonly retain: number };
  readonly enactors: { readonly count: number };
  /** Ids of the targets plans are applied to. Default `['served']`. */
  readonly targets: readonly string[];
  /** Health checks, ready for `HealthChecker`. */
  readonly healthChecks: readonly ProbeCheckOptions[];
  readonly zones: readonly ZoneConfig[];
}

/** The target the CLI applies plans to when the config names none: the store's served state. */
export const DEFAULT_TARGET_ID = 'served';

/** Plans the janitor keeps below the oldest active one when the config says nothing. */
export const DEFAULT_CONFIG_RETAIN = 10;

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** Where a problem is: file, line and column (1-based; 0 when unknown). */
export interface ConfigIssue extends ValidationIssue {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A config file that cannot be used; `issues` lists every problem with its place. */
export class DnsConfigError extends DnsError {
  readonly code = 'BW_DNS_CONFIG_INVALID' as const;
  /** Every problem, in file order. */
  readonly issues: readonly ConfigIssue[];
  constructor(issues: readonly ConfigIssue[]) {
    const n = issues.length;
    super(
      `invalid config (${n} problem${n === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${formatConfigIssue(i)}`).join('\n'),
    );
    this.issues = issues;
  }
}

/** Guard for {@link DnsConfigError}. */
export const isDnsConfigError = (e: unknown): e is DnsConfigError =>
  e instanceof Error && (e as { code?: unknown }).code === 'BW_DNS_CONFIG_INVALID';

/** `file:line:column: field: message`. */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file;
  return issue.field === ''
    ? `${where}: ${issue.message}`
    : `${where}: ${issue.field}: ${issue.message}`;
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

/** Options of {@link loadDnsConfig}. */
export interface LoadDnsConfigOptions {
  /** What a relative `file` is relative to. Default `process.cwd()`. */
  readonly cwd?: string;
}

/**
 * Reads and validates a config file. Throws {@link DnsConfigError} (a file that cannot be
 * read included) listing every problem.
 */
export async function loadDnsConfig(
  file: string,
  options: LoadDnsConfigOptions = {},
): Promise<DnsConfig> {
  const path = resolve(options.cwd ?? process.cwd(), file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory, not a config file'
          : (e as Error).message;
    throw new DnsConfigError([
      { file, line: 0, column: 0, field: '', message: `cannot read: ${why}` },
    ]);
  }
  return parseDnsConfig(text, file, { baseDir: dirname(path) });
}

/** Options of {@link parseDnsConfig}. */
export interface ParseDnsConfigOptions {
  /** The folder relative store paths are resolved against. Default `process.cwd()`. */
  readonly baseDir?: string;
}

/** Validates the text of a config file; `file` is used in messages. */
export function parseDnsConfig(
  text: string,
  file: string,
  options: ParseDnsConfigOptions = {},
): DnsConfig {
  const r = new Reader(file);
  const doc = parseDocument(text, { lineCounter: r.lines, prettyErrors: false, uniqueKeys: true });
  for (const err of doc.errors) {
    const pos = r.lines.linePos(err.pos[0]);
    let message = err.message.split('\n')[0] ?? err.message;
    if (/reserved character @/.test(message)) message += " (write the apex as '@', in quotes)";
    r.issues.push({
      file,
      line: pos.line,
      column: pos.col,
      field: '',
      message: `YAML: ${message}`,
    });
  }
  if (r.issues.length > 0) throw new DnsConfigError(r.issues);
  const config = readConfig(r, doc.contents, options.baseDir ?? process.cwd());
  if (r.issues.length > 0 || config === undefined) {
    throw new DnsConfigError([...r.issues].sort((a, b) => a.line - b.line || a.column - b.column));
  }
  return config;
}

/**
 * The endpoint inventory the planner plans from. An endpoint's health is its fixed `healthy`
 * when given; else its health check's verdict from `health` (undefined: not known yet); else
 * healthy — a check that has not reported starts healthy, so nothing is pulled from DNS before
 * it was probed at all (fail open, as Route 53 does).
 */
export function configInventory(
  config: DnsConfig,
  health?: (checkId: string) => boolean | undefined,
): Inventory {
  const names: { name: string; ttl: number; endpoints: object[] }[] = [];
  const records: RecordSetInput[] = [];
  for (const zone of config.zones) {
    for (const n of zone.names) {
      if (n.endpoints.length > 0) {
        names.push({
          name: n.name,
          ttl: n.ttl,
          endpoints: n.endpoints.map((e) => ({
            address: e.address,
            weight: e.weight,
            healthy:
              e.healthy ??
              (e.healthCheck === undefined ? undefined : health?.(e.healthCheck)) ??
              true,
            ...(e.region === undefined ? {} : { region: e.region }),
          })),
        });
      }
      records.push(...(n.records as readonly RecordSetInput[]));
    }
  }
  return parseInventory({ names, records });
}

// ---------------------------------------------------------------------------------------------
// The reader: typed access to YAML nodes that remembers where they were
// ---------------------------------------------------------------------------------------------

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Entry {
  readonly key: string;
  readonly keyNode: unknown;
  readonly value: unknown;
}

function describe(node: unknown): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v: unknown = node.value;
    if (v === null) return 'nothing';
    if (typeof v === 'string') return `'${v}'`;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  }
  return 'an unsupported value';
}

/** `a.b`, `a[example.test]`, `a[0]`: a path that stays readable with dotted keys. */
function child(field: string, key: string | number): string {
  if (typeof key === 'number') return `${field}[${key}]`;
  if (/^[A-Za-z_][\w-]*$/.test(key)) return field === '' ? key : `${field}.${key}`;
  return `${field}[${key}]`;
}

class Reader {
  readonly lines = new LineCounter();
  readonly issues: ConfigIssue[] = [];
  constructor(readonly file: string) {}

  report(node: unknown, field: string, message: string): void {
    const range = (node as { range?: readonly number[] | null } | null | undefined)?.range;
    const pos =
      range === undefined || range === null || range[0] === undefined
        ? { line: 0, col: 0 }
        : this.lines.linePos(range[0]);
    this.issues.push({ file: this.file, line: pos.line, column: pos.col, field, message });
  }

  nothing(node: unknown): boolean {
    return node === null || node === undefined || (isScalar(node) && node.value === null);
  }

  map(node: unknown, field: string, form: string): YAMLMap | undefined {
    if (isMap(node)) return node;
    this.report(node, field, `expected a map (${form}), got ${describe(node)}`);
    return undefined;
  }

  list(node: unknown, field: string, form: string): unknown[] | undefined {
    if (isSeq(node)) return node.items;
    this.report(node, field, `expected a list (${form}), got ${describe(node)}`);
    return undefined;
  }

  /** The entries of `map`, reporting unknown keys with the nearest allowed one. */
  entries(map: YAMLMap, field: string, allowed: readonly string[]): Map<string, Entry> {
    const out = new Map<string, Entry>();
    for (const pair of map.items) {
      const keyNode: unknown = pair.key;
      const raw: unknown = isScalar(keyNode) ? keyNode.value : undefined;
      const key = typeof raw === 'number' ? String(raw) : raw;
      if (typeof key !== 'string') {
        this.report(keyNode, field, `keys must be strings, got ${describe(keyNode)}`);
        continue;
      }
      if (!allowed.includes(key)) {
        const guess = nearest(key, allowed);
        this.report(
          keyNode,
          child(field, key),
          `unknown key '${key}'` +
            (guess !== undefined ? `; did you mean '${guess}'?` : '') +
            ` (expected one of: ${allowed.join(', ')})`,
        );
        continue;
      }
      out.set(key, { key, keyNode, value: pair.value });
    }
    return out;
  }

  /** Every entry of a map whose keys are free (names, ids). */
  freeEntries(map: YAMLMap, field: string): Entry[] {
    const out: Entry[] = [];
    for (const pair of map.items) {
      const keyNode: unknown = pair.key;
      const raw: unknown = isScalar(keyNode) ? keyNode.value : undefined;
      const key = typeof raw === 'number' ? String(raw) : raw;
      if (typeof key !== 'string' || key === '') {
        this.report(keyNode, field, `keys must be non-empty strings, got ${describe(keyNode)}`);
        continue;
      }
      out.push({ key, keyNode, value: pair.value });
    }
    return out;
  }

  string(node: unknown, field: string, form = 'a string'): string | undefined {
    if (isScalar(node) && typeof node.value === 'string' && node.value.trim() !== '') {
      if (node.value.trim() !== node.value) {
        this.report(node, field, `'${node.value}' has leading or trailing spaces`);
        return undefined;
      }
      return node.value;
    }
    this.report(node, field, `expected ${form}, got ${describe(node)}`);
    return undefined;
  }

  number(
    node: unknown,
    field: string,
    min: number,
    max: number,
    integer: boolean,
    unit = '',
  ): number | undefined {
    const v: unknown = isScalar(node) ? node.value : undefined;
    const kind = integer ? 'an integer' : 'a number';
    const range =
      max === Infinity ? `${kind} >= ${min}${unit}` : `${kind} in [${min}, ${max}]${unit}`;
    if (
      typeof v !== 'number' ||
      !Number.isFinite(v) ||
      (integer && !Number.isInteger(v)) ||
      v < min ||
      v > max
    ) {
      this.report(node, field, `expected ${range}, got ${describe(node)}`);
      return undefined;
    }
    return v;
  }

  bool(node: unknown, field: string): boolean | undefined {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.report(node, field, `expected true or false, got ${describe(node)}`);
    return undefined;
  }

  oneOf<T extends string>(node: unknown, field: string, allowed: readonly T[]): T | undefined {
    const v: unknown = isScalar(node) ? node.value : undefined;
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    const guess = typeof v === 'string' ? nearest(v, allowed) : undefined;
    this.report(
      node,
      field,
      `expected one of ${allowed.join(', ')}, got ${describe(node)}` +
        (guess !== undefined ? `; did you mean '${guess}'?` : ''),
    );
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// The sections
// ---------------------------------------------------------------------------------------------

const TOP_KEYS = [
  'version',
  'store',
  'planner',
  'janitor',
  'enactors',
  'targets',
  'healthChecks',
  'zones',
] as const;

function readConfig(r: Reader, root: unknown, baseDir: string): DnsConfig | undefined {
  if (r.nothing(root)) {
    r.report(root, '', 'the file is empty: a config needs at least `zones:`');
    return undefined;
  }
  const map = r.map(root, '', 'store, planner, janitor, enactors, targets, healthChecks, zones');
  if (map === undefined) return undefined;
  const e = r.entries(map, '', TOP_KEYS);
  const version = e.get('version');
  if (version !== undefined) r.number(version.value, 'version', 1, 1, true);
  const store = readStore(r, e.get('store')?.value, baseDir);
  const planner = readPlanner(r, e.get('planner')?.value);
  let retain = DEFAULT_CONFIG_RETAIN;
  const janitorNode = e.get('janitor')?.value;
  if (janitorNode !== undefined && !r.nothing(janitorNode)) {
    const m = r.map(janitorNode, 'janitor', 'retain');
    if (m !== undefined) {
      const je = r.entries(m, 'janitor', ['retain']);
      const node = je.get('retain')?.value;
      if (node !== undefined)
        retain = r.number(node, 'janitor.retain', 2, 1_000_000, true) ?? retain;
    }
  }
  let count = 3;
  const enactorsNode = e.get('enactors')?.value;
  if (enactorsNode !== undefined && !r.nothing(enactorsNode)) {
    const m = r.map(enactorsNode, 'enactors', 'count');
    if (m !== undefined) {
      const ee = r.entries(m, 'enactors', ['count']);
      const node = ee.get('count')?.value;
      if (node !== undefined) count = r.number(node, 'enactors.count', 1, 26, true) ?? count;
    }
  }
  const targets = readTargets(r, e.get('targets')?.value);
  const checks = readHealthChecks(r, e.get('healthChecks')?.value);
  const zonesEntry = e.get('zones');
  if (zonesEntry === undefined) {
    r.report(root, 'zones', 'missing: a config needs `zones:`, a map from zone apex to its names');
  }
  const zones = zonesEntry === undefined ? [] : readZones(r, zonesEntry.value, checks);
  if (store === undefined || planner === undefined) return undefined;
  return Object.freeze({
    file: r.file,
    store,
    planner,
    janitor: Object.freeze({ retain }),
    enactors: Object.freeze({ count }),
    targets,
    healthChecks: Object.freeze([...checks.values()].map((c) => c.check)),
    zones,
  });
}

function readStore(r: Reader, node: unknown, baseDir: string): StoreConfig | undefined {
  if (node === undefined || r.nothing(node)) return { kind: 'sqlite', path: undefined };
  const m = r.map(node, 'store', 'kind: sqlite | memory | etcd, and its settings');
  if (m === undefined) return undefined;
  const kindEntry = m.items.find((p) => isScalar(p.key) && p.key.value === 'kind');
  const kind =
    kindEntry === undefined
      ? 'sqlite'
      : r.oneOf(kindEntry.value, 'store.kind', ['sqlite', 'memory', 'etcd'] as const);
  switch (kind) {
    case undefined:
      return undefined;
    case 'sqlite': {
      const e = r.entries(m, 'store', ['kind', 'path', 'busyTimeoutMs']);
      const p = e.get('path');
      const path = p === undefined ? undefined : r.string(p.value, 'store.path', 'a file path');
      const busy = e.get('busyTimeoutMs');
      const busyTimeoutMs =
        busy === undefined
          ? undefined
          : r.number(busy.value, 'store.busyTimeoutMs', 0, 2_147_483_647, true, ' (ms)');
      return {
        kind: 'sqlite',
        path: path === undefined ? undefined : path === ':memory:' ? path : resolve(baseDir, path),
        ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs }),
      };
    }
    case 'memory':
      r.entries(m, 'store', ['kind']);
      return { kind: 'memory' };
    case 'etcd': {
      const e = r.entries(m, 'store', ['kind', 'endpoints', 'prefix', 'callTimeoutMs']);
      const endpoints: string[] = [];
      const ep = e.get('endpoints');
      if (ep === undefined) {
        r.report(
          m,
          'store.endpoints',
          "missing: an etcd store needs endpoints: ['http://127.0.0.1:2379']",
        );
      } else {
        const form = "client URLs: ['http://127.0.0.1:2379']";
        const items = isScalar(ep.value) ? [ep.value] : r.list(ep.value, 'store.endpoints', form);
        (items ?? []).forEach((item, i) => {
          const s = r.string(item, child('store.endpoints', i), 'a client URL (http://host:2379)');
          if (s === undefined) return;
          if (!/^https?:\/\/[^/\s]+\/?$/.test(s)) {
            r.report(
              item,
              child('store.endpoints', i),
              `expected http://host:port or https://host:port, got '${s}'`,
            );
            return;
          }
          endpoints.push(s);
        });
        if (items !== undefined && items.length === 0) {
          r.report(ep.value, 'store.endpoints', `expected at least one of ${form}`);
        }
      }
      const pe = e.get('prefix');
      let prefix = DEFAULT_ETCD_PREFIX;
      if (pe !== undefined) {
        const s = r.string(pe.value, 'store.prefix', "a key prefix ending in '/'");
        if (s !== undefined && !s.endsWith('/')) {
          r.report(pe.value, 'store.prefix', `expected a key prefix ending in '/', got '${s}'`);
        } else if (s !== undefined) {
          prefix = s;
        }
      }
      const ct = e.get('callTimeoutMs');
      const callTimeoutMs =
        ct === undefined
          ? undefined
          : r.number(ct.value, 'store.callTimeoutMs', 1, 3_600_000, true, ' (ms)');
      return {
        kind: 'etcd',
        endpoints: Object.freeze(endpoints),
        prefix,
        ...(callTimeoutMs === undefined ? {} : { callTimeoutMs }),
      };
    }
  }
}

function readPlanner(
  r: Reader,
  node: unknown,
): { readonly id: string; readonly velocity: VelocityLimit } | undefined {
  let id = 'planner';
  const velocity: Mutable<VelocityLimit> = { ...DEFAULT_VELOCITY_LIMIT };
  if (node === undefined || r.nothing(node))
    return Object.freeze({ id, velocity: Object.freeze(velocity) });
  const m = r.map(node, 'planner', 'id, velocity');
  if (m === undefined) return undefined;
  const e = r.entries(m, 'planner', ['id', 'velocity']);
  const idNode = e.get('id');
  if (idNode !== undefined) id = r.string(idNode.value, 'planner.id', 'an id') ?? id;
  const v = e.get('velocity');
  if (v !== undefined && !r.nothing(v.value)) {
    const vm = r.map(
      v.value,
      'planner.velocity',
      'maxRemovedFractionPerPlan, maxRemovedFractionPerWindow, windowMs',
    );
    if (vm !== undefined) {
      const ve = r.entries(vm, 'planner.velocity', [
        'maxRemovedFractionPerPlan',
        'maxRemovedFractionPerWindow',
        'windowMs',
      ]);
      for (const k of ['maxRemovedFractionPerPlan', 'maxRemovedFractionPerWindow'] as const) {
        const n = ve.get(k);
        if (n === undefined) continue;
        const x = r.number(n.value, `planner.velocity.${k}`, 0, 1, false);
        if (x === 0)
          r.report(n.value, `planner.velocity.${k}`, 'expected a fraction in (0, 1], got 0');
        else if (x !== undefined) velocity[k] = x;
      }
      const w = ve.get('windowMs');
      if (w !== undefined) {
        velocity.windowMs =
          r.number(w.value, 'planner.velocity.windowMs', 1, 8.64e9, true, ' (ms)') ??
          velocity.windowMs;
      }
    }
  }
  return Object.freeze({ id, velocity: Object.freeze(velocity) });
}

function readTargets(r: Reader, node: unknown): readonly string[] {
  if (node === undefined || r.nothing(node)) return Object.freeze([DEFAULT_TARGET_ID]);
  const items = r.list(node, 'targets', `target ids: [${DEFAULT_TARGET_ID}]`);
  const out: string[] = [];
  (items ?? []).forEach((item, i) => {
    const s = r.string(item, child('targets', i), 'a target id');
    if (s === undefined) return;
    if (out.includes(s)) r.report(item, child('targets', i), `'${s}' is listed twice`);
    else out.push(s);
  });
  if (items !== undefined && items.length === 0) {
    r.report(node, 'targets', 'expected at least one target id');
  }
  return Object.freeze(out);
}

interface CheckEntry {
  readonly check: ProbeCheckOptions;
}

const CHECK_KEYS = [
  'http',
  'https',
  'tcp',
  'method',
  'expectStatus',
  'bodyMatch',
  'intervalMs',
  'timeoutMs',
  'failureThreshold',
  'successThreshold',
] as const;

function readHealthChecks(r: Reader, node: unknown): Map<string, CheckEntry> {
  const out = new Map<string, CheckEntry>();
  if (node === undefined || r.nothing(node)) return out;
  const m = r.map(node, 'healthChecks', 'check id → { http: URL } or { tcp: host:port }');
  if (m === undefined) return out;
  for (const { key: id, value } of r.freeEntries(m, 'healthChecks')) {
    const field = child('healthChecks', id);
    const cm = r.map(
      value,
      field,
      "{ http: 'http://192.0.2.10/healthz' } or { tcp: '192.0.2.10:443' }",
    );
    if (cm === undefined) continue;
    const e = r.entries(cm, field, CHECK_KEYS);
    const kinds = (['http', 'https', 'tcp'] as const).filter((k) => e.has(k));
    if (kinds.length !== 1) {
      r.report(
        cm,
        field,
        kinds.length === 0
          ? "needs what to probe: http: 'http://host/path' or tcp: 'host:port'"
          : `give one of http, https, tcp, not ${kinds.join(' and ')}`,
      );
      continue;
    }
    const kind = kinds[0]!;
    let check: Mutable<ProbeCheckOptions>;
    if (kind === 'tcp') {
      const s = r.string(e.get('tcp')!.value, child(field, 'tcp'), "'host:port'");
      const match = s === undefined ? null : /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(s);
      const port = match === null ? NaN : Number(match[2]);
      if (s !== undefined && (match === null || port < 1 || port > 65_535)) {
        r.report(
          e.get('tcp')!.value,
          child(field, 'tcp'),
          `expected 'host:port' (port 1–65535), got '${s}'`,
        );
      }
      if (match === null || !(port >= 1 && port <= 65_535)) continue;
      for (const k of ['method', 'expectStatus', 'bodyMatch'] as const) {
        if (e.has(k))
          r.report(e.get(k)!.keyNode, child(field, k), `applies to http checks, not tcp`);
      }
      check = { id, target: { kind: 'tcp', host: match[1]!.replace(/^\[|\]$/g, ''), port } };
    } else {
      const urlNode = e.get(kind)!.value;
      const s = r.string(urlNode, child(field, kind), 'a URL');
      let url: URL | undefined;
      try {
        url = s === undefined ? undefined : new URL(s);
      } catch {
        url = undefined;
      }
      if (
        s !== undefined &&
        (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:'))
      ) {
        r.report(urlNode, child(field, kind), `expected an http:// or https:// URL, got '${s}'`);
        continue;
      }
      if (s === undefined) continue;
      const target: Mutable<HttpProbeTarget> = { kind: 'http', url: s };
      const method = e.get('method');
      if (method !== undefined) {
        const mv = r.oneOf(method.value, child(field, 'method'), ['GET', 'HEAD'] as const);
        if (mv !== undefined) target.method = mv;
      }
      const es = e.get('expectStatus');
      if (es !== undefined) {
        const items = r.list(es.value, child(field, 'expectStatus'), '[200, 399]');
        if (items !== undefined) {
          const lo =
            items.length === 2
              ? r.number(items[0], child(field, 'expectStatus'), 100, 599, true)
              : undefined;
          const hi =
            items.length === 2
              ? r.number(items[1], child(field, 'expectStatus'), 100, 599, true)
              : undefined;
          if (items.length !== 2)
            r.report(
              es.value,
              child(field, 'expectStatus'),
              'expected [low, high], e.g. [200, 399]',
            );
          else if (lo !== undefined && hi !== undefined) {
            if (lo > hi)
              r.report(
                es.value,
                child(field, 'expectStatus'),
                `expected low <= high, got [${lo}, ${hi}]`,
              );
            else target.expectStatus = [lo, hi];
          }
        }
      }
      const bm = e.get('bodyMatch');
      if (bm !== undefined) {
        const b = r.string(bm.value, child(field, 'bodyMatch'), 'a string the body must contain');
        if (b !== undefined) target.bodyMatch = b;
      }
      check = { id, target };
    }
    const interval = e.get('intervalMs');
    if (interval !== undefined) {
      const v = r.number(interval.value, child(field, 'intervalMs'), 1, 86_400_000, true, ' (ms)');
      if (v !== undefined) check.intervalMs = v;
    }
    const timeout = e.get('timeoutMs');
    if (timeout !== undefined) {
      const v = r.number(timeout.value, child(field, 'timeoutMs'), 1, 86_400_000, true, ' (ms)');
      if (v !== undefined) {
        if (v > (check.intervalMs ?? 10_000)) {
          r.report(
            timeout.value,
            child(field, 'timeoutMs'),
            `must not exceed intervalMs (${check.intervalMs ?? 10_000}), got ${v}`,
          );
        } else {
          check.timeoutMs = v;
        }
      }
    }
    for (const k of ['failureThreshold', 'successThreshold'] as const) {
      const n = e.get(k);
      if (n === undefined) continue;
      const v = r.number(n.value, child(field, k), 1, 10, true);
      if (v !== undefined) check[k] = v;
    }
    out.set(id, { check: Object.freeze(check) });
  }
  return out;
}

const ZONE_KEYS = ['ttl', 'nameServers', 'names'] as const;
const NAME_KEYS = ['ttl', 'routing', 'endpoints', 'cname', 'txt', 'mx', 'srv'] as const;
const ENDPOINT_KEYS = [
  'address',
  'weight',
  'region',
  'healthy',
  'healthCheck',
  'failover',
] as const;

function readZones(
  r: Reader,
  node: unknown,
  checks: ReadonlyMap<string, CheckEntry>,
): readonly ZoneConfig[] {
  const m = r.map(node, 'zones', 'zone apex → { ttl?, nameServers?, names }');
  if (m === undefined) return [];
  const zones: ZoneConfig[] = [];
  const defined = new Map<string, string>();
  const entries = r.freeEntries(m, 'zones');
  if (entries.length === 0) r.report(node, 'zones', 'expected at least one zone');
  for (const { key, keyNode, value } of entries) {
    const field = child('zones', key);
    const zc = checkDnsName(key, false);
    if (!zc.ok) {
      r.report(keyNode, field, `the zone apex ${zc.message}`);
      continue;
    }
    const zone = zc.name;
    const zm = r.map(value, field, 'ttl?, nameServers?, names');
    if (zm === undefined) continue;
    const e = r.entries(zm, field, ZONE_KEYS);
    const zoneTtl =
      e.get('ttl') === undefined
        ? undefined
        : r.number(
            e.get('ttl')!.value,
            child(field, 'ttl'),
            0,
            MAX_TTL_SECONDS,
            true,
            ' (seconds)',
          );
    const nameServers: string[] = [];
    const ns = e.get('nameServers');
    if (ns !== undefined) {
      (r.list(ns.value, child(field, 'nameServers'), '[ns1, ns2.example.net.]') ?? []).forEach(
        (item, i) => {
          const s = r.string(item, child(child(field, 'nameServers'), i), 'a host name');
          const abs =
            s === undefined
              ? undefined
              : targetName(r, item, child(child(field, 'nameServers'), i), s, zone);
          if (abs !== undefined) nameServers.push(abs);
        },
      );
    }
    const namesEntry = e.get('names');
    const names: NameConfig[] = [];
    if (namesEntry === undefined) {
      r.report(zm, child(field, 'names'), 'missing: a zone needs names: { www: {...}, ... }');
    } else {
      const nm = r.map(
        namesEntry.value,
        child(field, 'names'),
        'name → { endpoints | cname | txt | mx | srv }',
      );
      for (const ne of nm === undefined ? [] : r.freeEntries(nm, child(field, 'names'))) {
        const nf = child(child(field, 'names'), ne.key);
        const abs = ownerName(r, ne.keyNode, nf, ne.key, zone);
        if (abs === undefined) continue;
        const where = `${r.file}:${r.lines.linePos((ne.keyNode as { range?: number[] }).range?.[0] ?? 0).line}`;
        const first = defined.get(abs);
        if (first !== undefined) {
          r.report(ne.keyNode, nf, `'${abs}' is already defined at ${first}`);
          continue;
        }
        defined.set(abs, where);
        const n = readName(r, ne.value, nf, abs, zone, zoneTtl, checks);
        if (n !== undefined) names.push(n);
      }
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    zones.push(
      Object.freeze({ zone, nameServers: Object.freeze(nameServers), names: Object.freeze(names) }),
    );
  }
  return Object.freeze(zones);
}

function isUnder(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

/** An owner name: relative unless it ends in `.` or with the zone; must lie in the zone. */
function ownerName(
  r: Reader,
  node: unknown,
  field: string,
  raw: string,
  zone: string,
): string | undefined {
  if (raw === '@') return zone;
  const absolute = raw.endsWith('.') || isUnder(raw.toLowerCase(), zone);
  const c = checkDnsName(absolute ? raw : `${raw}.${zone}`, true);
  if (!c.ok) {
    r.report(node, field, `the name ${c.message}`);
    return undefined;
  }
  if (!isUnder(c.name, zone)) {
    r.report(
      node,
      field,
      `'${raw}' is not in the zone ${zone}: write it relative ('www') or as a name ending in .${zone}.`,
    );
    return undefined;
  }
  return c.name;
}

/** A CNAME/MX/SRV/NS target: see the module comment for the rule. */
function targetName(
  r: Reader,
  node: unknown,
  field: string,
  raw: string,
  zone: string,
): string | undefined {
  let name: string;
  if (raw === '@') name = zone;
  else if (raw.endsWith('.') || isUnder(raw.toLowerCase(), zone)) name = raw;
  else if (!raw.includes('.')) name = `${raw}.${zone}`;
  else {
    r.report(
      node,
      field,
      `'${raw}' is ambiguous: write '${raw}.' (with the final dot) for a name outside the zone, or '${raw}.${zone}' for one inside`,
    );
    return undefined;
  }
  const c = checkDnsName(name, false);
  if (!c.ok) {
    r.report(node, field, `the target ${c.message}`);
    return undefined;
  }
  return c.name;
}

function readName(
  r: Reader,
  node: unknown,
  field: string,
  name: string,
  zone: string,
  zoneTtl: number | undefined,
  checks: ReadonlyMap<string, CheckEntry>,
): NameConfig | undefined {
  const m = r.map(node, field, 'endpoints, routing?, ttl?, or cname / txt / mx / srv');
  if (m === undefined) return undefined;
  const before = r.issues.length;
  const e = r.entries(m, field, NAME_KEYS);
  const content = ['endpoints', 'cname', 'txt', 'mx', 'srv'].filter((k) => e.has(k));
  if (content.length === 0) {
    r.report(m, field, 'has no records: give endpoints, or a cname, txt, mx or srv');
    return undefined;
  }
  if (e.has('cname') && content.length > 1) {
    r.report(
      e.get('cname')!.keyNode,
      child(field, 'cname'),
      `a CNAME must be the only record set at its name (RFC 1034 §3.6.2), but ${name} also has ${content.filter((k) => k !== 'cname').join(', ')}`,
    );
  }
  const ttlNode = e.get('ttl');
  const ttl =
    ttlNode === undefined
      ? undefined
      : r.number(ttlNode.value, child(field, 'ttl'), 0, MAX_TTL_SECONDS, true, ' (seconds)');
  const endpointTtl = ttl ?? zoneTtl ?? DEFAULT_ENDPOINT_TTL_SECONDS;
  const fixedTtl = ttl ?? zoneTtl ?? DEFAULT_TTL_SECONDS;
  // Routing.
  const routingNode = e.get('routing');
  let routing: RoutingPolicy = 'simple';
  if (routingNode !== undefined) {
    routing = r.oneOf(routingNode.value, child(field, 'routing'), ROUTING_POLICIES) ?? 'simple';
    if (!e.has('endpoints')) {
      r.report(routingNode.keyNode, child(field, 'routing'), 'applies to names with endpoints');
    }
  }
  // Endpoints.
  const endpoints: EndpointConfig[] = [];
  const ep = e.get('endpoints');
  if (ep !== undefined) {
    const ef = child(field, 'endpoints');
    const items = r.list(
      ep.value,
      ef,
      'addresses, or { address, weight?, region?, healthy?, healthCheck?, failover? }',
    );
    if (items !== undefined && items.length === 0) {
      r.report(ep.value, ef, 'expected at least one endpoint (a name with none would be empty)');
    }
    const seen = new Map<string, number>();
    (items ?? []).forEach((item, i) => {
      const f = child(ef, i);
      const endpoint = readEndpoint(r, item, f, routing, checks);
      if (endpoint === undefined) return;
      const dup = seen.get(endpoint.address);
      if (dup !== undefined) {
        r.report(item, f, `${endpoint.address} is already listed at endpoints[${dup}]`);
        return;
      }
      seen.set(endpoint.address, i);
      endpoints.push(endpoint);
    });
    if (items !== undefined && endpoints.length === items.length && endpoints.length > 0) {
      checkRouting(r, ep.value, field, routing, endpoints);
    }
  }
  // Fixed record sets.
  const inputs: { input: RecordSetInput; node: unknown; field: string }[] = [];
  const cname = e.get('cname');
  if (cname !== undefined) {
    const f = child(field, 'cname');
    const s = r.string(cname.value, f, 'a host name');
    const target = s === undefined ? undefined : targetName(r, cname.value, f, s, zone);
    if (target !== undefined) {
      inputs.push({
        input: { name, type: 'CNAME', ttl: fixedTtl, records: [target] },
        node: cname.value,
        field: f,
      });
    }
  }
  const txt = e.get('txt');
  if (txt !== undefined) {
    const f = child(field, 'txt');
    const items = isScalar(txt.value)
      ? [txt.value]
      : r.list(txt.value, f, 'a string, or a list of strings');
    const texts: string[] = [];
    (items ?? []).forEach((item, i) => {
      const v: unknown = isScalar(item) ? item.value : undefined;
      if (typeof v === 'string') texts.push(v);
      else
        r.report(
          item,
          items!.length === 1 && isScalar(txt.value) ? f : child(f, i),
          `expected a string, got ${describe(item)}`,
        );
    });
    if (texts.length > 0)
      inputs.push({
        input: { name, type: 'TXT', ttl: fixedTtl, records: texts },
        node: txt.value,
        field: f,
      });
  }
  const mx = e.get('mx');
  if (mx !== undefined) {
    const f = child(field, 'mx');
    const records: { preference: number; exchange: string }[] = [];
    (r.list(mx.value, f, '[{ preference: 10, exchange: mail }]') ?? []).forEach((item, i) => {
      const im = r.map(item, child(f, i), '{ preference, exchange }');
      if (im === undefined) return;
      const ie = r.entries(im, child(f, i), ['preference', 'exchange']);
      const pref = required(r, im, ie, child(f, i), 'preference', (n, ff) =>
        r.number(n, ff, 0, 65_535, true),
      );
      const ex = required(r, im, ie, child(f, i), 'exchange', (n, ff) => {
        const s = r.string(n, ff, "a host name, or '.' for a null MX");
        return s === undefined ? undefined : s === '.' ? '.' : targetName(r, n, ff, s, zone);
      });
      if (pref !== undefined && ex !== undefined) records.push({ preference: pref, exchange: ex });
    });
    if (records.length > 0)
      inputs.push({
        input: { name, type: 'MX', ttl: fixedTtl, records },
        node: mx.value,
        field: f,
      });
  }
  const srv = e.get('srv');
  if (srv !== undefined) {
    const f = child(field, 'srv');
    const records: { priority: number; weight: number; port: number; target: string }[] = [];
    (r.list(srv.value, f, '[{ priority: 10, weight: 60, port: 5060, target: sip }]') ?? []).forEach(
      (item, i) => {
        const fi = child(f, i);
        const im = r.map(item, fi, '{ priority, weight, port, target }');
        if (im === undefined) return;
        const ie = r.entries(im, fi, ['priority', 'weight', 'port', 'target']);
        const u16 = (n: unknown, ff: string): number | undefined =>
          r.number(n, ff, 0, 65_535, true);
        const priority = required(r, im, ie, fi, 'priority', u16);
        const weight = required(r, im, ie, fi, 'weight', u16);
        const port = required(r, im, ie, fi, 'port', u16);
        const target = required(r, im, ie, fi, 'target', (n, ff) => {
          const s = r.string(n, ff, "a host name, or '.' when the service is not offered");
          return s === undefined ? undefined : s === '.' ? '.' : targetName(r, n, ff, s, zone);
        });
        if (
          priority !== undefined &&
          weight !== undefined &&
          port !== undefined &&
          target !== undefined
        ) {
          records.push({ priority, weight, port, target });
        }
      },
    );
    if (records.length > 0)
      inputs.push({
        input: { name, type: 'SRV', ttl: fixedTtl, records },
        node: srv.value,
        field: f,
      });
  }
  const records: RecordSet[] = [];
  for (const { input, node: at, field: f } of inputs) {
    const issues: ValidationIssue[] = [];
    const set = parseRecordSet(input, f, issues);
    for (const issue of issues) r.report(at, issue.field, issue.message);
    if (set !== undefined) records.push(set);
  }
  if (r.issues.length > before) return undefined;
  return Object.freeze({
    name,
    zone,
    ttl: endpointTtl,
    routing,
    endpoints: Object.freeze(endpoints),
    records: Object.freeze(records.sort(compareRecordSets)),
  });
}

function required<T>(
  r: Reader,
  map: YAMLMap,
  entries: ReadonlyMap<string, Entry>,
  field: string,
  key: string,
  read: (node: unknown, field: string) => T | undefined,
): T | undefined {
  const e = entries.get(key);
  if (e === undefined) {
    r.report(map, child(field, key), 'missing');
    return undefined;
  }
  return read(e.value, child(field, key));
}

function readEndpoint(
  r: Reader,
  node: unknown,
  field: string,
  routing: RoutingPolicy,
  checks: ReadonlyMap<string, CheckEntry>,
): EndpointConfig | undefined {
  const before = r.issues.length;
  const address = (raw: unknown, f: string): string | undefined => {
    const s = isScalar(raw) && typeof raw.value === 'string' ? raw.value : undefined;
    const a = s === undefined ? undefined : (canonicalIPv4(s) ?? canonicalIPv6(s));
    if (a === undefined) {
      r.report(
        raw,
        f,
        `expected an IPv4 or IPv6 address (192.0.2.1, 2001:db8::1), got ${describe(raw)}`,
      );
    }
    return a;
  };
  if (isScalar(node)) {
    const a = address(node, field);
    if (a !== undefined && routing === 'failover') {
      r.report(node, field, 'failover routing needs { address, failover: primary | secondary }');
      return undefined;
    }
    if (a !== undefined && routing === 'latency') {
      r.report(node, field, 'latency routing needs { address, region }');
      return undefined;
    }
    return a === undefined ? undefined : Object.freeze({ address: a, weight: 1 });
  }
  const m = r.map(node, field, '{ address, weight?, region?, healthy?, healthCheck?, failover? }');
  if (m === undefined) return undefined;
  const e = r.entries(m, field, ENDPOINT_KEYS);
  const addr = required(r, m, e, field, 'address', address);
  const out: Mutable<EndpointConfig> = {
    address: addr ?? '',
    weight: 1,
  };
  const w = e.get('weight');
  if (w !== undefined)
    out.weight = r.number(w.value, child(field, 'weight'), 0, Number.MAX_SAFE_INTEGER, false) ?? 1;
  const region = e.get('region');
  if (region !== undefined) {
    const s = r.string(region.value, child(field, 'region'), 'a region id (us-east-1)');
    if (s !== undefined && s.length > 64)
      r.report(region.value, child(field, 'region'), 'must be at most 64 characters');
    else if (s !== undefined) out.region = s;
  } else if (routing === 'latency') {
    r.report(
      m,
      child(field, 'region'),
      'missing: latency routing needs a region on every endpoint',
    );
  }
  const healthy = e.get('healthy');
  const hc = e.get('healthCheck');
  if (healthy !== undefined && hc !== undefined) {
    r.report(
      hc.keyNode,
      child(field, 'healthCheck'),
      'give healthy (a fixed verdict) or healthCheck, not both',
    );
  } else if (healthy !== undefined) {
    const b = r.bool(healthy.value, child(field, 'healthy'));
    if (b !== undefined) out.healthy = b;
  } else if (hc !== undefined) {
    const id = r.string(
      hc.value,
      child(field, 'healthCheck'),
      'the id of a check under healthChecks',
    );
    if (id !== undefined && !checks.has(id)) {
      const guess = nearest(id, [...checks.keys()]);
      r.report(
        hc.value,
        child(field, 'healthCheck'),
        `no health check '${id}' under healthChecks` +
          (guess !== undefined
            ? `; did you mean '${guess}'?`
            : checks.size === 0
              ? ' (there are none)'
              : ''),
      );
    } else if (id !== undefined) {
      out.healthCheck = id;
    }
  }
  const fo = e.get('failover');
  if (fo !== undefined) {
    if (routing !== 'failover') {
      r.report(
        fo.keyNode,
        child(field, 'failover'),
        `applies only with routing: failover (this name's routing is ${routing})`,
      );
    } else {
      const role = r.oneOf(fo.value, child(field, 'failover'), ['primary', 'secondary'] as const);
      if (role !== undefined) out.failover = role;
    }
  } else if (routing === 'failover') {
    r.report(
      m,
      child(field, 'failover'),
      'missing: failover routing needs failover: primary | secondary on every endpoint',
    );
  }
  if (r.issues.length > before) return undefined;
  return Object.freeze(out);
}

function checkRouting(
  r: Reader,
  node: unknown,
  field: string,
  routing: RoutingPolicy,
  endpoints: readonly EndpointConfig[],
): void {
  const f = child(field, 'endpoints');
  if (routing === 'failover') {
    for (const role of ['primary', 'secondary'] as const) {
      if (!endpoints.some((e) => e.failover === role)) {
        r.report(node, f, `failover routing needs at least one ${role} endpoint`);
      }
    }
  } else if (routing === 'weighted' && !endpoints.some((e) => e.weight > 0)) {
    r.report(node, f, 'weighted routing needs at least one endpoint with weight > 0');
  }
}

// ---------------------------------------------------------------------------------------------
// "Did you mean…?"
// ---------------------------------------------------------------------------------------------

/**
 * Optimal string alignment distance (Levenshtein plus transposition of two adjacent
 * characters, after Damerau 1964): the commonest typos are one wrong, missing, extra or
 * swapped letter. (The graph part has the same; the DNS part may not import it.)
 */
function editDistance(a: string, b: string): number {
  const w = b.length + 1;
  let prev2 = new Array<number>(w).fill(0);
  let prev = Array.from({ length: w }, (_, j) => j);
  let cur = new Array<number>(w).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j < w; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prev2[j - 2]! + 1);
      }
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[w - 1]!;
}

/** The candidate nearest to `word`, when it is near enough to be a typo (≤ ⅓ of its length). */
function nearest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const score = editDistance(word.toLowerCase(), c.toLowerCase()) + (c === word ? 0 : 0.01);
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3))) + 0.5;
  return bestScore <= limit ? best : undefined;
}
