/**
 * @module
 * The status page's config: what to watch, from where, where to publish, whom to tell, and
 * what the page itself runs on. Read from YAML with the `yaml` package; every problem is
 * reported as a {@link StatusConfigError} naming the file, line and field (the line comes from
 * the parsed document's source ranges, so it points at the offending value, not its parent).
 *
 * Durations are written in seconds (what people type) and carried in ms inside.
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, isMap, isSeq, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { StatusConfigError } from './errors.js';
import { parseJsonPath } from '../dns/health/json-path.js';
import type { JsonMatch } from '../dns/health/json-path.js';

/** What something runs on, for `status doctor`. Every field is a failure domain. */
export interface RunsOn {
  readonly host?: string;
  readonly region?: string;
  readonly provider?: string;
  /** The DNS provider or zone that resolves it. */
  readonly dns?: string;
  /** Monitored services (ids) it needs to work: a hard dependency. */
  readonly dependsOn: readonly string[];
}

interface MonitorBase {
  readonly id: string;
  readonly name: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly failuresBeforeDown: number;
  readonly successesBeforeUp: number;
  /** Vantage points (ids) that probe it; all probing ones by default. */
  readonly vantagePoints: readonly string[];
  /** Vantage points that must agree it is down; a strict majority by default. */
  readonly quorum?: number;
  readonly runsOn: RunsOn;
}

/** An HTTP(S) monitor. */
export interface HttpMonitorConfig extends MonitorBase {
  readonly type: 'http';
  readonly url: string;
  readonly expectStatus: readonly [number, number];
  readonly keyword?: string;
  /** The body must be JSON whose value at `path` is `equals` (or truthy when absent). */
  readonly json?: JsonMatch;
  /** Slower than this counts as a failure. */
  readonly maxLatencyMs?: number;
}
/** A TCP connect monitor. */
export interface TcpMonitorConfig extends MonitorBase {
  readonly type: 'tcp';
  readonly host: string;
  readonly port: number;
}
/** A DNS query and the answer it must contain. */
export interface DnsMonitorConfig extends MonitorBase {
  readonly type: 'dns';
  readonly query: string;
  readonly recordType: 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'MX' | 'NS';
  /** `host` or `host:port`; the system resolver when absent. */
  readonly server?: string;
  /** A value the answer must contain; any answer when absent. */
  readonly expect?: string;
}
/** A TLS certificate that must stay valid for `minDaysLeft` more days. */
export interface TlsMonitorConfig extends MonitorBase {
  readonly type: 'tls';
  readonly host: string;
  readonly port: number;
  readonly minDaysLeft: number;
  readonly rejectUnauthorized: boolean;
}
/** A dead-man's switch: a job must check in every `intervalMs`. */
export interface HeartbeatMonitorConfig extends MonitorBase {
  readonly type: 'heartbeat';
  /** Extra time allowed after the interval before it counts as missed. */
  readonly graceMs: number;
}

/** One monitor. */
export type MonitorConfig =
  | HttpMonitorConfig
  | TcpMonitorConfig
  | DnsMonitorConfig
  | TlsMonitorConfig
  | HeartbeatMonitorConfig;

/** A place probes run from: `local` (this process) or a remote `status probe` process. */
export interface VantagePointConfig {
  readonly id: string;
  readonly remote: boolean;
}

/** A place the static export is published to. */
export type ExportTarget =
  | { readonly kind: 'dir'; readonly path: string }
  | { readonly kind: 'git'; readonly remote: string; readonly branch: string }
  | { readonly kind: 'command'; readonly command: string };

/** A webhook to notify on changes. */
export interface WebhookConfig {
  readonly url: string;
  readonly format: 'json' | 'slack';
}

/** The whole config. */
export interface StatusConfig {
  /** The file it was read from. */
  readonly file: string;
  readonly title: string;
  readonly host: string;
  readonly port: number;
  /** SQLite file; `:memory:` keeps nothing across restarts. */
  readonly databasePath: string;
  /** How long raw samples are kept. */
  readonly rawRetentionMs: number;
  /** How long hourly aggregates, history and incidents are kept. */
  readonly retentionMs: number;
  /** A vantage point that has not reported for this long is stale. */
  readonly staleAfterMs: number;
  readonly vantagePoints: readonly VantagePointConfig[];
  readonly monitors: readonly MonitorConfig[];
  readonly exports: readonly ExportTarget[];
  readonly webhooks: readonly WebhookConfig[];
  /** What the status page itself runs on. */
  readonly runsOn: RunsOn;
  /** Name of the environment variable holding the admin token. */
  readonly adminTokenEnv: string;
  /** Name of the environment variable holding the token remote probers report with. */
  readonly probeTokenEnv: string;
}

type Path = readonly (string | number)[];

class Reader {
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
  ) {}

  fail(path: Path, problem: string): never {
    let line = 0;
    for (let n = path.length; n >= 0 && line === 0; n--) {
      const node = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
      if (range !== undefined) line = this.lines.linePos(range[0]).line;
    }
    throw new StatusConfigError(this.file, line, fieldName(path), problem);
  }
}

function fieldName(path: Path): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s;
}

type Obj = Record<string, unknown>;

function obj(r: Reader, path: Path, v: unknown, keys: readonly string[]): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) r.fail(path, 'expected a mapping');
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) r.fail([...path, k], `unknown key; expected one of ${keys.join(', ')}`);
  }
  return v as Obj;
}

function list(r: Reader, path: Path, v: unknown): readonly unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) r.fail(path, 'expected a list');
  return v as unknown[];
}

function str(r: Reader, path: Path, v: unknown, fallback?: string): string {
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || v === '') r.fail(path, 'expected a non-empty string');
  return v;
}

function optStr(r: Reader, path: Path, v: unknown): string | undefined {
  return v === undefined ? undefined : str(r, path, v);
}

function num(
  r: Reader,
  path: Path,
  v: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  integer = false,
): number {
  if (v === undefined) return fallback;
  if (
    typeof v !== 'number' ||
    !Number.isFinite(v) ||
    v < min ||
    v > max ||
    (integer && !Number.isInteger(v))
  ) {
    r.fail(
      path,
      `expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(v)}`,
    );
  }
  return v;
}

function bool(r: Reader, path: Path, v: unknown, fallback: boolean): boolean {
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') r.fail(path, 'expected true or false');
  return v;
}

const ID = /^[a-z0-9][a-z0-9._-]*$/i;

function id(r: Reader, path: Path, v: unknown): string {
  const s = str(r, path, v);
  if (!ID.test(s)) r.fail(path, `expected an id of letters, digits, '.', '_' or '-', got '${s}'`);
  return s;
}

function runsOn(r: Reader, path: Path, v: unknown): RunsOn {
  if (v === undefined) return { dependsOn: [] };
  const o = obj(r, path, v, ['host', 'region', 'provider', 'dns', 'dependsOn']);
  const out: { -readonly [K in keyof RunsOn]: RunsOn[K] } = {
    dependsOn: list(r, [...path, 'dependsOn'], o.dependsOn).map((d, i) =>
      id(r, [...path, 'dependsOn', i], d),
    ),
  };
  for (const k of ['host', 'region', 'provider', 'dns'] as const) {
    const s = optStr(r, [...path, k], o[k]);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

const MONITOR_KEYS: Record<MonitorConfig['type'], readonly string[]> = {
  http: ['url', 'expectStatus', 'keyword', 'jsonPath', 'jsonEquals', 'maxLatencyMs'],
  tcp: ['host', 'port'],
  dns: ['query', 'recordType', 'server', 'expect'],
  tls: ['host', 'port', 'minDaysLeft', 'rejectUnauthorized'],
  heartbeat: ['graceSeconds'],
};
const COMMON_KEYS = [
  'id',
  'name',
  'type',
  'intervalSeconds',
  'timeoutSeconds',
  'failuresBeforeDown',
  'successesBeforeUp',
  'vantagePoints',
  'quorum',
  'runsOn',
];

function monitor(
  r: Reader,
  path: Path,
  v: unknown,
  vantages: readonly VantagePointConfig[],
): MonitorConfig {
  const pre = obj(r, path, v, [...COMMON_KEYS, ...Object.values(MONITOR_KEYS).flat()]);
  const type = pre.type;
  if (typeof type !== 'string' || !(type in MONITOR_KEYS)) {
    r.fail(
      [...path, 'type'],
      `expected one of ${Object.keys(MONITOR_KEYS).join(', ')}, got ${JSON.stringify(type)}`,
    );
  }
  const t = type as MonitorConfig['type'];
  const o = obj(r, path, v, [...COMMON_KEYS, ...MONITOR_KEYS[t]]);
  const mid = id(r, [...path, 'id'], o.id);
  const intervalMs =
    num(r, [...path, 'intervalSeconds'], o.intervalSeconds, 30, 0.001, 86_400) * 1000;
  const timeoutMs =
    num(
      r,
      [...path, 'timeoutSeconds'],
      o.timeoutSeconds,
      Math.min(intervalMs / 1000, 10),
      0.001,
      86_400,
    ) * 1000;
  if (timeoutMs > intervalMs && t !== 'heartbeat') {
    r.fail([...path, 'timeoutSeconds'], `must not exceed intervalSeconds (${intervalMs / 1000})`);
  }
  const failuresBeforeDown = num(
    r,
    [...path, 'failuresBeforeDown'],
    o.failuresBeforeDown,
    t === 'heartbeat' ? 1 : 3,
    1,
    1000,
    true,
  );
  const probing = vantages.filter((x) => t !== 'heartbeat' || !x.remote).map((x) => x.id);
  const vps =
    o.vantagePoints === undefined
      ? probing
      : list(r, [...path, 'vantagePoints'], o.vantagePoints).map((x, i) => {
          const s = id(r, [...path, 'vantagePoints', i], x);
          if (!vantages.some((vp) => vp.id === s))
            r.fail(
              [...path, 'vantagePoints', i],
              `unknown vantage point '${s}'; declare it under vantagePoints`,
            );
          return s;
        });
  if (vps.length === 0) r.fail([...path, 'vantagePoints'], 'expected at least one vantage point');
  const base = {
    id: mid,
    name: str(r, [...path, 'name'], o.name, mid),
    intervalMs,
    timeoutMs,
    failuresBeforeDown,
    successesBeforeUp: num(
      r,
      [...path, 'successesBeforeUp'],
      o.successesBeforeUp,
      failuresBeforeDown,
      1,
      1000,
      true,
    ),
    vantagePoints: t === 'heartbeat' ? ['heartbeat'] : vps,
    runsOn: runsOn(r, [...path, 'runsOn'], o.runsOn),
    ...(o.quorum === undefined
      ? {}
      : { quorum: num(r, [...path, 'quorum'], o.quorum, 1, 1, vps.length, true) }),
  };
  switch (t) {
    case 'http': {
      const url = str(r, [...path, 'url'], o.url);
      if (!/^https?:\/\/[^/]/.test(url))
        r.fail([...path, 'url'], `expected an http:// or https:// URL, got '${url}'`);
      const es =
        o.expectStatus === undefined
          ? [200, 399]
          : list(r, [...path, 'expectStatus'], o.expectStatus);
      if (es.length !== 2)
        r.fail([...path, 'expectStatus'], 'expected [lowest, highest], such as [200, 299]');
      const lo = num(r, [...path, 'expectStatus', 0], es[0], 200, 100, 599, true);
      const hi = num(r, [...path, 'expectStatus', 1], es[1], 399, lo, 599, true);
      const keyword = optStr(r, [...path, 'keyword'], o.keyword);
      const jsonPath = optStr(r, [...path, 'jsonPath'], o.jsonPath);
      let json: JsonMatch | undefined;
      if (jsonPath !== undefined) {
        try {
          parseJsonPath(jsonPath);
        } catch (e) {
          r.fail([...path, 'jsonPath'], (e as Error).message);
        }
        const eq: unknown = o.jsonEquals;
        if (
          eq !== undefined &&
          eq !== null &&
          !['string', 'number', 'boolean'].includes(typeof eq)
        ) {
          r.fail([...path, 'jsonEquals'], 'expected a string, number, boolean or null');
        }
        json =
          eq === undefined
            ? { path: jsonPath }
            : { path: jsonPath, equals: eq as string | number | boolean | null };
      } else if (o.jsonEquals !== undefined) {
        r.fail([...path, 'jsonEquals'], 'jsonEquals needs jsonPath');
      }
      return {
        ...base,
        type: 'http',
        url,
        expectStatus: [lo, hi],
        ...(keyword === undefined ? {} : { keyword }),
        ...(json === undefined ? {} : { json }),
        ...(o.maxLatencyMs === undefined
          ? {}
          : { maxLatencyMs: num(r, [...path, 'maxLatencyMs'], o.maxLatencyMs, 0, 1) }),
      };
    }
    case 'tcp':
      return {
        ...base,
        type: 'tcp',
        host: str(r, [...path, 'host'], o.host),
        port: port(r, [...path, 'port'], o.port),
      };
    case 'dns': {
      const rt = str(r, [...path, 'recordType'], o.recordType, 'A');
      const types = ['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'NS'] as const;
      if (!(types as readonly string[]).includes(rt))
        r.fail([...path, 'recordType'], `expected one of ${types.join(', ')}`);
      const server = optStr(r, [...path, 'server'], o.server);
      const expect = optStr(r, [...path, 'expect'], o.expect);
      return {
        ...base,
        type: 'dns',
        query: str(r, [...path, 'query'], o.query),
        recordType: rt as DnsMonitorConfig['recordType'],
        ...(server === undefined ? {} : { server }),
        ...(expect === undefined ? {} : { expect }),
      };
    }
    case 'tls':
      return {
        ...base,
        type: 'tls',
        host: str(r, [...path, 'host'], o.host),
        port: o.port === undefined ? 443 : port(r, [...path, 'port'], o.port),
        minDaysLeft: num(r, [...path, 'minDaysLeft'], o.minDaysLeft, 14, 0),
        rejectUnauthorized: bool(r, [...path, 'rejectUnauthorized'], o.rejectUnauthorized, true),
      };
    case 'heartbeat':
      return {
        ...base,
        type: 'heartbeat',
        graceMs: num(r, [...path, 'graceSeconds'], o.graceSeconds, 0, 0, 86_400) * 1000,
      };
  }
}

function port(r: Reader, path: Path, v: unknown): number {
  if (v === undefined) r.fail(path, 'expected a port 1–65535');
  return num(r, path, v, 0, 1, 65_535, true);
}

const TOP_KEYS = [
  'title',
  'server',
  'storage',
  'staleAfterSeconds',
  'vantagePoints',
  'monitors',
  'export',
  'notifications',
  'runsOn',
  'adminTokenEnv',
  'probeTokenEnv',
];

/**
 * Parses and checks a config. `file` is the name used in messages. Throws
 * {@link StatusConfigError} for the first problem.
 */
export function parseStatusConfig(text: string, file = 'status.yaml'): StatusConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const r = new Reader(file, doc, lines);
  const err = doc.errors[0];
  if (err !== undefined) {
    throw new StatusConfigError(
      file,
      lines.linePos(err.pos[0]).line,
      '',
      `YAML syntax: ${err.message.split('\n')[0] ?? ''}`,
    );
  }
  if (!isMap(doc.contents)) r.fail([], 'expected a mapping with monitors: [...]');
  const o = obj(r, [], doc.toJS() as unknown, TOP_KEYS);
  const server = o.server === undefined ? {} : obj(r, ['server'], o.server, ['host', 'port']);
  const storage =
    o.storage === undefined
      ? {}
      : obj(r, ['storage'], o.storage, ['path', 'retentionDays', 'rawRetentionHours']);
  const vantagePoints: VantagePointConfig[] = [];
  const vpList =
    o.vantagePoints === undefined ? [{ id: 'local' }] : list(r, ['vantagePoints'], o.vantagePoints);
  vpList.forEach((v, i) => {
    const vo = obj(r, ['vantagePoints', i], v, ['id', 'remote']);
    const vid = id(r, ['vantagePoints', i, 'id'], vo.id);
    if (vid === 'heartbeat') r.fail(['vantagePoints', i, 'id'], "'heartbeat' is reserved");
    if (vantagePoints.some((x) => x.id === vid))
      r.fail(['vantagePoints', i, 'id'], `'${vid}' is declared twice`);
    vantagePoints.push({
      id: vid,
      remote: bool(r, ['vantagePoints', i, 'remote'], vo.remote, vid !== 'local'),
    });
  });
  if (vantagePoints.length === 0) r.fail(['vantagePoints'], 'expected at least one vantage point');
  const monitorsNode = doc.get('monitors');
  if (monitorsNode !== undefined && !isSeq(monitorsNode)) r.fail(['monitors'], 'expected a list');
  const monitors: MonitorConfig[] = [];
  list(r, ['monitors'], o.monitors).forEach((m, i) => {
    const mc = monitor(r, ['monitors', i], m, vantagePoints);
    if (monitors.some((x) => x.id === mc.id))
      r.fail(['monitors', i, 'id'], `'${mc.id}' is declared twice`);
    monitors.push(mc);
  });
  if (monitors.length === 0) r.fail(['monitors'], 'expected at least one monitor');
  for (const [i, m] of monitors.entries()) {
    m.runsOn.dependsOn.forEach((d, j) => {
      if (!monitors.some((x) => x.id === d))
        r.fail(['monitors', i, 'runsOn', 'dependsOn', j], `unknown monitor '${d}'`);
    });
  }
  const exports: ExportTarget[] = list(r, ['export'], o.export).map((e, i) => {
    const eo = obj(r, ['export', i], e, ['dir', 'git', 'branch', 'command']);
    const given = ['dir', 'git', 'command'].filter((k) => eo[k] !== undefined);
    if (given.length !== 1) r.fail(['export', i], 'expected exactly one of dir, git, command');
    if (eo.dir !== undefined) return { kind: 'dir', path: str(r, ['export', i, 'dir'], eo.dir) };
    if (eo.git !== undefined) {
      return {
        kind: 'git',
        remote: str(r, ['export', i, 'git'], eo.git),
        branch: str(r, ['export', i, 'branch'], eo.branch, 'main'),
      };
    }
    return { kind: 'command', command: str(r, ['export', i, 'command'], eo.command) };
  });
  const webhooks: WebhookConfig[] = list(r, ['notifications'], o.notifications).map((n, i) => {
    const no = obj(r, ['notifications', i], n, ['webhook', 'format']);
    const url = str(r, ['notifications', i, 'webhook'], no.webhook);
    if (!/^https?:\/\//.test(url))
      r.fail(['notifications', i, 'webhook'], 'expected an http(s) URL');
    const format = str(r, ['notifications', i, 'format'], no.format, 'json');
    if (format !== 'json' && format !== 'slack')
      r.fail(['notifications', i, 'format'], "expected 'json' or 'slack'");
    return { url, format: format as WebhookConfig['format'] };
  });
  const top = runsOn(r, ['runsOn'], o.runsOn);
  top.dependsOn.forEach((d, j) => {
    if (!monitors.some((x) => x.id === d))
      r.fail(['runsOn', 'dependsOn', j], `unknown monitor '${d}'`);
  });
  return {
    file,
    title: str(r, ['title'], o.title, 'Status'),
    host: str(r, ['server', 'host'], server.host, '127.0.0.1'),
    port: num(r, ['server', 'port'], server.port, 8080, 0, 65_535, true),
    databasePath: str(r, ['storage', 'path'], storage.path, ':memory:'),
    retentionMs:
      num(r, ['storage', 'retentionDays'], storage.retentionDays, 90, 1, 3650) * 86_400_000,
    rawRetentionMs:
      num(r, ['storage', 'rawRetentionHours'], storage.rawRetentionHours, 24, 1, 24 * 3650) *
      3_600_000,
    staleAfterMs: num(r, ['staleAfterSeconds'], o.staleAfterSeconds, 120, 1, 86_400) * 1000,
    vantagePoints,
    monitors,
    exports,
    webhooks,
    runsOn: top,
    adminTokenEnv: str(r, ['adminTokenEnv'], o.adminTokenEnv, 'BREAKWATER_STATUS_ADMIN_TOKEN'),
    probeTokenEnv: str(r, ['probeTokenEnv'], o.probeTokenEnv, 'BREAKWATER_STATUS_PROBE_TOKEN'),
  };
}

/** Reads and parses a config file. */
export async function loadStatusConfig(path: string): Promise<StatusConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new StatusConfigError(path, 0, '', `cannot read: ${(e as Error).message}`, { cause: e });
  }
  return parseStatusConfig(text, path);
}
