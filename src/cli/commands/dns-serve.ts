/**
 * @module
 * `breakwater dns serve --config FILE`: runs the phonebook as an authoritative DNS server —
 * health checks, routing policies, the planner, enactors, janitor and reconciler in one
 * process ({@link DnsService}) — on the embedded SQLite store by default, until SIGINT or
 * SIGTERM. A thin shell: flags and the config are read here, the work is in `src/dns/serve`.
 *
 * With `--json` the startup status is the one JSON document on stdout (one line); every log
 * line (activations, stale/healthy changes, errors) goes to stderr.
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../core/clock.js';
import type { Clock } from '../../core/clock.js';
import { Rng } from '../../core/rng.js';
import { formatConfigIssue, isDnsConfigError, loadDnsConfig } from '../../dns/config.js';
import type { DnsConfig } from '../../dns/config.js';
import { HealthChecker } from '../../dns/health/health-checker.js';
import { openEtcdPlanStore } from '../../dns/plan-store/etcd-store.js';
import { MemoryPlanStore } from '../../dns/plan-store/memory-store.js';
import type { PlanStore } from '../../dns/plan-store/plan-store.js';
import { DEFAULT_STATE_FILE, openSqlitePlanStore } from '../../dns/plan-store/sqlite-store.js';
import { DnsService } from '../../dns/serve/dns-service.js';
import { compileRegionLatencyTable } from '../../dns/server/latency-routing.js';
import type {
  RegionLatencyTable,
  RegionLatencyTableOptions,
} from '../../dns/server/latency-routing.js';
import type { DnsServiceStatus } from '../../dns/serve/dns-service.js';
import { serviceConfigOf } from '../../dns/serve/service-config.js';
import type { CommandIo } from '../command.js';
import { UsageError } from '../usage-error.js';

/** Help text of `breakwater dns serve`. */
export const DNS_SERVE_HELP = `usage: breakwater dns serve --config FILE [options]

Serves the zones of a phonebook config as an authoritative DNS server (UDP and TCP):
health checks drive the routing policies (simple, failover, weighted, latency, multivalue;
fail open when every endpoint is down) through the planner and its velocity limit; each
activated plan is swapped in whole. If the plan store becomes unreachable it keeps answering
from the last known good plan and reports itself stale. Runs until SIGINT or SIGTERM.

options:
  --config FILE       the phonebook config (YAML), e.g. examples/phonebook.yaml
  --listen ADDR:PORT  where to answer (default 127.0.0.1:5353; IPv6 as [::1]:5353)
  --state FILE        SQLite state file (default: the config's, else ${DEFAULT_STATE_FILE})
  --latency-table FILE  JSON region latencies for latency-routed names:
                      {"entries":[{"prefix":"10.1.0.0/16","latencyMs":{"eu-west-1":12}}],
                       "defaultLatencyMs":{...}?}; clients are matched by EDNS Client Subnet,
                      else by the resolver's address (without it, latency names get every
                      healthy record)
  --json              print the startup status as one line of JSON on stdout
  -h, --help          this help

JSON: {"listening":{"address","port"},"targetId","servedGeneration","stale","zones":[{"zone",
"serial","recordSets"}],"store"}

examples:
  breakwater dns serve --config examples/phonebook.yaml
  dig @127.0.0.1 -p 5353 www.example.test A

exit codes: 0 stopped by a signal, 1 failure (store, socket), 2 bad flags or a bad config
`;

/** Extra hooks for running the command in-process (tests, `breakwater up`). */
export interface DnsServeRunOptions {
  /** Stops the server like SIGINT does. */
  readonly signal?: AbortSignal;
  /** Called once the server answers, with the running service. */
  readonly onReady?: (service: DnsService) => void;
  /** Default: the system clock. */
  readonly clock?: Clock;
}

interface Parsed {
  readonly config: string;
  readonly address: string;
  readonly port: number;
  readonly state: string | undefined;
  readonly latencyTable: string | undefined;
  readonly json: boolean;
  readonly help: boolean;
}

/** Parses `ADDR:PORT` (`[v6]:PORT` for IPv6). */
export function parseListen(text: string): { address: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  const address = m?.[1];
  const port = Number(m?.[2]);
  if (m === null || address === undefined || isIP(address) === 0) {
    throw new UsageError(
      `--listen must be ADDR:PORT with an IP address (127.0.0.1:5353, [::1]:5353), got '${text}'`,
    );
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--listen: the port must be 0–65535, got '${m[2] ?? ''}'`);
  }
  return { address, port };
}

function parse(argv: readonly string[]): Parsed {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string' },
        listen: { type: 'string' },
        state: { type: 'string' },
        'latency-table': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help === true) {
    return {
      config: '',
      address: '',
      port: 0,
      state: undefined,
      latencyTable: undefined,
      json: false,
      help: true,
    };
  }
  if (values.config === undefined || values.config === '') {
    throw new UsageError('--config FILE is required (e.g. --config examples/phonebook.yaml)');
  }
  const listen = parseListen(values.listen ?? '127.0.0.1:5353');
  return {
    config: values.config,
    ...listen,
    state: values.state,
    latencyTable: values['latency-table'],
    json: values.json === true,
    help: false,
  };
}

async function openStore(
  config: DnsConfig,
  state: string | undefined,
  cwd: string,
): Promise<{ store: PlanStore; where: string }> {
  const s = config.store;
  if (state !== undefined || s.kind === 'sqlite') {
    const file = resolve(
      cwd,
      state ?? (s.kind === 'sqlite' ? s.path : undefined) ?? DEFAULT_STATE_FILE,
    );
    const busy = s.kind === 'sqlite' && state === undefined ? s.busyTimeoutMs : undefined;
    const store = await openSqlitePlanStore(
      busy === undefined ? { file } : { file, busyTimeoutMs: busy },
    );
    return { store, where: `sqlite ${file}` };
  }
  if (s.kind === 'memory') return { store: new MemoryPlanStore(), where: 'memory' };
  const store = await openEtcdPlanStore({
    endpoints: s.endpoints,
    prefix: s.prefix,
    ...(s.callTimeoutMs === undefined ? {} : { callTimeoutMs: s.callTimeoutMs }),
  });
  return { store, where: `etcd ${s.endpoints.join(',')} ${s.prefix}` };
}

function startupJson(status: DnsServiceStatus, store: string): string {
  return JSON.stringify({
    listening: { address: status.server.address, port: status.server.port },
    targetId: status.targetId,
    servedGeneration: status.servedGeneration,
    stale: status.stale,
    zones: status.server.zones,
    store,
  });
}

function waitForStop(signal: AbortSignal | undefined): { done: Promise<string>; off: () => void } {
  let off = (): void => {};
  const done = new Promise<string>((resolveStop) => {
    const onSignal = (name: NodeJS.Signals): void => resolveStop(name);
    const onAbort = (): void => resolveStop('abort');
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    signal?.addEventListener('abort', onAbort, { once: true });
    off = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      signal?.removeEventListener('abort', onAbort);
    };
    if (signal?.aborted === true) resolveStop('abort');
  });
  return { done, off: () => off() };
}

/**
 * Runs `breakwater dns serve` with the arguments after `serve`. Resolves with the exit code
 * once stopped (0), or at once on bad input (2) or a failure to start (1).
 */
export async function runDnsServe(
  argv: readonly string[],
  io: CommandIo,
  options: DnsServeRunOptions = {},
): Promise<number> {
  const say = (line: string): void => void io.stderr.write(`breakwater dns serve: ${line}\n`);
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (e) {
    say((e as Error).message);
    return 2;
  }
  if (parsed.help) {
    io.stdout.write(DNS_SERVE_HELP);
    return 0;
  }
  let config: DnsConfig;
  try {
    config = await loadDnsConfig(parsed.config, { cwd: io.cwd });
  } catch (e) {
    if (!isDnsConfigError(e)) throw e;
    say(`invalid config ${parsed.config}:`);
    for (const issue of e.issues) io.stderr.write(`  ${formatConfigIssue(issue)}\n`);
    return 2;
  }
  let latencyTable: RegionLatencyTable | undefined;
  if (parsed.latencyTable !== undefined) {
    try {
      const text = await readFile(resolve(io.cwd, parsed.latencyTable), 'utf8');
      latencyTable = compileRegionLatencyTable(JSON.parse(text) as RegionLatencyTableOptions);
    } catch (e) {
      say(`--latency-table ${parsed.latencyTable}: ${e instanceof Error ? e.message : String(e)}`);
      return 2;
    }
  }
  const clock = options.clock ?? systemClock;
  const stop = waitForStop(options.signal);
  let store: PlanStore | undefined;
  let service: DnsService | undefined;
  try {
    const opened = await openStore(config, parsed.state, io.cwd);
    store = opened.store;
    const sc = serviceConfigOf(config);
    const { rng } = Rng.fromEntropy();
    service = new DnsService({
      clock,
      rng,
      store,
      zones: sc.zones,
      names: sc.names,
      records: sc.records,
      healthChecker: new HealthChecker({ clock, rng: rng.fork('health'), checks: sc.healthChecks }),
      server: {
        address: parsed.address,
        port: parsed.port,
        ...(latencyTable === undefined ? {} : { latencyTable }),
      },
      ...(sc.targetId === undefined ? {} : { targetId: sc.targetId }),
      ...(sc.plannerId === undefined ? {} : { plannerId: sc.plannerId }),
      ...(sc.velocity === undefined ? {} : { velocity: sc.velocity }),
      ...(sc.enactors === undefined ? {} : { enactors: sc.enactors }),
      ...(sc.retain === undefined ? {} : { retain: sc.retain }),
    });
    service.onServe((e) => say(`serving generation ${e.generation}`));
    service.server.onStaleChange((e) =>
      say(e.stale ? `STALE: ${e.reason ?? ''}` : 'plan store reachable again; not stale'),
    );
    service.healthChecker.onChange((e) =>
      say(`health check ${e.check} is ${e.healthy ? 'healthy' : 'UNHEALTHY'}`),
    );
    service.onError((e) => say(`error: ${e instanceof Error ? e.message : String(e)}`));
    const bound = await service.start();
    const status = service.status();
    if (parsed.json) io.stdout.write(`${startupJson(status, opened.where)}\n`);
    else {
      const zones = status.server.zones.map((z) => `${z.zone} (serial ${z.serial})`).join(', ');
      say(
        `listening on ${bound.address}:${bound.port} (UDP and TCP) for ${zones}; store ${opened.where}; ` +
          `try: dig @${bound.address} -p ${bound.port} www.${status.server.zones[0]?.zone ?? ''}`,
      );
    }
    options.onReady?.(service);
    const why = await stop.done;
    say(`${why === 'abort' ? 'stopping' : `${why}: stopping`}`);
    return 0;
  } catch (e) {
    say(`failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    stop.off();
    await service?.close();
    await store?.close();
  }
}
