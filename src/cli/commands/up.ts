/**
 * @module
 * `breakwater up`: the live stack on one machine, embedded defaults, no set-up. Two demo
 * backends ("us-east-1" on 127.0.0.11, "us-west-2" on 127.0.0.12 — distinct loopback
 * addresses, so DNS answers tell them apart), the phonebook (`DnsService`: SQLite store,
 * planner, three enactors, the DNS server on 127.0.0.1:5353 serving `example.test` with
 * failover from us-east-1 to us-west-2) and the status page on 127.0.0.1:8080 watching all of
 * it. `breakwater up kill REGION` / `revive REGION` talk to the running stack over a loopback
 * control port. Ctrl-C stops everything, in reverse order.
 */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../core/clock.js';
import { Rng } from '../../core/rng.js';
import { parseDnsConfig } from '../../dns/config.js';
import { HealthChecker } from '../../dns/health/health-checker.js';
import { openSqlitePlanStore } from '../../dns/plan-store/sqlite-store.js';
import { DnsService } from '../../dns/serve/dns-service.js';
import { serviceConfigOf } from '../../dns/serve/service-config.js';
import { parseStatusConfig } from '../../status/config.js';
import { startStatusService } from '../../status/status-service.js';
import type { Command, CommandIo } from '../command.js';
import { UsageError } from '../usage-error.js';

const REGIONS = { 'us-east-1': '127.0.0.11', 'us-west-2': '127.0.0.12' } as const;
type Region = keyof typeof REGIONS;

const HELP = `usage: breakwater up [--dns-port 5353] [--status-port 8080] [--backend-port 8000] [--control-port 8079]
       breakwater up kill REGION      (us-east-1 or us-west-2)
       breakwater up revive REGION

Starts the live stack on this machine: two demo backends (us-east-1 on 127.0.0.11,
us-west-2 on 127.0.0.12), the phonebook (SQLite store, planner, three enactors, DNS server
on 127.0.0.1:5353 serving example.test with failover) and the status page on
http://127.0.0.1:8080/ watching all of it. Ctrl-C stops everything.
`;

function portFlag(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65_535)
    throw new UsageError(`--${name} must be 1–65535, got '${v}'`);
  return n;
}

interface Ports {
  dns: number;
  status: number;
  backend: number;
  control: number;
}

function parse(argv: readonly string[]): {
  action: 'up' | 'kill' | 'revive';
  region?: Region;
  ports: Ports;
} {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        'dns-port': { type: 'string' },
        'status-port': { type: 'string' },
        'backend-port': { type: 'string' },
        'control-port': { type: 'string' },
      },
    }));
  } catch (err) {
    throw new UsageError(
      `${(err as Error).message.split('. ')[0] ?? ''} (see breakwater up --help)`,
      { cause: err },
    );
  }
  const ports = {
    dns: portFlag('dns-port', values['dns-port'], 5353),
    status: portFlag('status-port', values['status-port'], 8080),
    backend: portFlag('backend-port', values['backend-port'], 8000),
    control: portFlag('control-port', values['control-port'], 8079),
  };
  const [action, region, ...extra] = positionals;
  if (action === undefined) return { action: 'up', ports };
  if ((action !== 'kill' && action !== 'revive') || extra.length > 0) {
    throw new UsageError(
      `unknown arguments '${positionals.join(' ')}': use 'up', 'up kill REGION' or 'up revive REGION'`,
    );
  }
  if (region === undefined || !(region in REGIONS)) {
    throw new UsageError(
      `${action} needs a region: ${Object.keys(REGIONS).join(' or ')}, got '${region ?? ''}'`,
    );
  }
  return { action, region: region as Region, ports };
}

/** A demo backend that can be killed (stops listening, drops connections) and revived. */
class Backend {
  server: http.Server | undefined;
  constructor(
    readonly region: Region,
    readonly port: number,
  ) {}
  async start(): Promise<void> {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`hello from ${this.region}\n`);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, REGIONS[this.region], () => resolve());
    });
    this.server = server;
  }
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s === undefined) return;
    await new Promise<void>((r) => {
      s.close(() => r());
      s.closeAllConnections();
    });
  }
}

function dnsConfigText(state: string, backendPort: number): string {
  return `store: { kind: sqlite, path: '${state}' }
enactors: { count: 3 }
healthChecks:
  us-east-1: { http: 'http://127.0.0.11:${backendPort}/', intervalMs: 1000, failureThreshold: 2 }
  us-west-2: { http: 'http://127.0.0.12:${backendPort}/', intervalMs: 1000, failureThreshold: 2 }
zones:
  example.test:
    ttl: 60
    nameServers: [ns1]
    names:
      ns1: { endpoints: [127.0.0.1] }
      www:
        ttl: 5
        routing: failover
        endpoints:
          - { address: 127.0.0.11, failover: primary, healthCheck: us-east-1 }
          - { address: 127.0.0.12, failover: secondary, healthCheck: us-west-2 }
`;
}

function statusConfigText(p: Ports): string {
  return `title: breakwater up — live stack
staleAfterSeconds: 30
monitors:
  - { id: us-east-1, name: Backend us-east-1, type: http, url: 'http://127.0.0.11:${p.backend}/', intervalSeconds: 1, timeoutSeconds: 1, failuresBeforeDown: 2, successesBeforeUp: 1, runsOn: { host: 127.0.0.11, region: us-east-1 } }
  - { id: us-west-2, name: Backend us-west-2, type: http, url: 'http://127.0.0.12:${p.backend}/', intervalSeconds: 1, timeoutSeconds: 1, failuresBeforeDown: 2, successesBeforeUp: 1, runsOn: { host: 127.0.0.12, region: us-west-2 } }
  - { id: dns, name: DNS www.example.test, type: dns, query: www.example.test, recordType: A, server: '127.0.0.1:${p.dns}', intervalSeconds: 1, timeoutSeconds: 1, failuresBeforeDown: 2, successesBeforeUp: 1 }
runsOn: { host: localhost }
`;
}

async function control(
  action: 'kill' | 'revive',
  region: Region,
  port: number,
  io: CommandIo,
): Promise<number> {
  let res: Response;
  try {
    res = await fetch(`http://127.0.0.1:${port}/${action}/${region}`, { method: 'POST' });
  } catch {
    io.stderr.write(`no running 'breakwater up' on control port ${port}\n`);
    return 1;
  }
  io.stdout.write(await res.text());
  return res.ok ? 0 : 1;
}

async function up(ports: Ports, io: CommandIo): Promise<number> {
  const say = (s: string): void => void io.stderr.write(`${s}\n`);
  const clock = systemClock;
  const { rng } = Rng.fromEntropy();
  const dir = mkdtempSync(join(tmpdir(), 'breakwater-up-'));
  const backends = (Object.keys(REGIONS) as Region[]).map((r) => new Backend(r, ports.backend));
  const cleanups: (() => Promise<void> | void)[] = [
    () => rmSync(dir, { recursive: true, force: true }),
  ];
  try {
    for (const b of backends) {
      await b.start();
      cleanups.push(() => b.stop());
    }
    const config = parseDnsConfig(
      dnsConfigText(join(dir, 'state.db'), ports.backend),
      'breakwater up (phonebook)',
    );
    const sc = serviceConfigOf(config);
    const store = await openSqlitePlanStore({ file: join(dir, 'state.db') });
    cleanups.push(() => store.close());
    const dns = new DnsService({
      clock,
      rng: rng.fork('dns'),
      store,
      zones: sc.zones,
      names: sc.names,
      records: sc.records,
      healthChecker: new HealthChecker({ clock, rng: rng.fork('health'), checks: sc.healthChecks }),
      server: { address: '127.0.0.1', port: ports.dns },
      plannerIntervalMs: 5000,
      ...(sc.targetId === undefined ? {} : { targetId: sc.targetId }),
      ...(sc.velocity === undefined ? {} : { velocity: sc.velocity }),
      ...(sc.enactors === undefined ? {} : { enactors: sc.enactors }),
    });
    dns.healthChecker.onChange((e) =>
      say(`phonebook: health check ${e.check} is ${e.healthy ? 'healthy' : 'UNHEALTHY'}`),
    );
    dns.onServe((e) => say(`phonebook: serving generation ${e.generation}`));
    await dns.start();
    cleanups.push(() => dns.close());
    const status = await startStatusService({
      config: parseStatusConfig(statusConfigText(ports), 'breakwater up (status page)'),
      clock,
      rng: rng.fork('status'),
      port: ports.status,
      host: '127.0.0.1',
      onLog: (l) => {
        if (!/^(GET|HEAD|POST) /.test(l)) say(`status: ${l}`);
      },
    });
    cleanups.push(() => status.stop());
    const ctl = http.createServer((req, res) => {
      const m = /^\/(kill|revive)\/([a-z0-9-]+)$/.exec(req.url ?? '');
      const b = backends.find((x) => x.region === m?.[2]);
      if (req.method !== 'POST' || m === null || b === undefined) {
        res.writeHead(404).end('unknown control request\n');
        return;
      }
      const act =
        m[1] === 'kill' ? b.stop() : b.server === undefined ? b.start() : Promise.resolve();
      act.then(
        () => {
          say(`${b.region}: ${m[1] === 'kill' ? 'KILLED' : 'revived'}`);
          res.end(`${b.region} ${m[1] === 'kill' ? 'killed' : 'revived'}\n`);
        },
        (e: unknown) => res.writeHead(500).end(`${(e as Error).message}\n`),
      );
    });
    await new Promise<void>((r) => ctl.listen(ports.control, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => ctl.close(() => r())));
    io.stdout.write(
      `breakwater up: the live stack is running
  backends     us-east-1 http://127.0.0.11:${ports.backend}/   us-west-2 http://127.0.0.12:${ports.backend}/
  phonebook    DNS on 127.0.0.1:${ports.dns} serving example.test (www fails over us-east-1 → us-west-2)
  status page  ${status.url}/

try:
  dig @127.0.0.1 -p ${ports.dns} www.example.test
  breakwater up kill us-east-1      # watch DNS fail over and the page turn red
  breakwater up revive us-east-1
Ctrl-C stops everything.
`,
    );
    await new Promise<void>((resolve) => {
      let keep = clock.setTimer(2 ** 31 - 1, function again() {
        keep = clock.setTimer(2 ** 31 - 1, again);
      });
      const done = (): void => {
        keep.cancel();
        process.off('SIGINT', done);
        process.off('SIGTERM', done);
        resolve();
      };
      process.on('SIGINT', done);
      process.on('SIGTERM', done);
    });
    say('stopping…');
    return 0;
  } catch (e) {
    say(`failed: ${(e as Error).message}`);
    return 1;
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // keep stopping the rest
      }
    }
  }
}

/** `breakwater up`. */
export const upCommand: Command = {
  name: 'up',
  summary: 'the live stack on one machine: backends, phonebook DNS, status page',
  help: HELP,
  async run(argv, io) {
    const p = parse(argv);
    if (p.action === 'up') return up(p.ports, io);
    return control(p.action, p.region!, p.ports.control, io);
  },
};
