/**
 * @module
 * `npm run bench -- dns [--json] [--seconds N] [--rounds N]`: queries per second and latency
 * of the built-in authoritative server beside BIND 9 and (when `knotd` is installed) Knot
 * DNS, measured with `dnsperf` in one run: same zone (`test/dns-server/example-zone.ts`,
 * written as a master file for the peers), same query file, one worker each.
 *
 * Method. Each server runs in its own process with one worker: ours is one Node process
 * (one event loop), BIND runs `named -n 1`, Knot `udp-workers: 1`. For every server and
 * round, in turn:
 * - **throughput**: `dnsperf -c 1 -T 1 -q 100 -l N` (one client thread keeping 100 queries
 *   in flight) — queries per second and mean latency at saturation;
 * - **latency**: `dnsperf -Q 10000 -v -l 2` (a fixed 10 k qps that every server sustains),
 *   per-query latencies from the verbose output — p50 and p99 without queueing.
 * Servers alternate within a round and the figure per server is the median over rounds, so a
 * burst of load from something else on the machine hits all of them alike. The machine has
 * two cores; dnsperf and the server under test each take about one.
 *
 * The query mix is what a phonebook sees: addresses of service names (A/AAAA), aliases
 * followed through CNAMEs, MX/TXT/SRV/SOA/NS at the apex, and some NXDOMAIN and NODATA.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/clock.js';
import { DnsServer } from '../src/dns/server/dns-server.js';
import { dig, ensureDnsTools, freePort, startNamed, zoneFileOf } from '../test/support/bind.js';
import { EXAMPLE_LATENCY, exampleZone } from '../test/dns-server/example-zone.js';
import { median, progress, progressDone, table } from './_harness.js';

/** The query file: one `name type` per line, as dnsperf reads it. */
const QUERIES = [
  'www.example.test A',
  'www.example.test A',
  'www.example.test AAAA',
  'api.example.test A',
  'api.example.test A',
  'docs.example.test A',
  'help.example.test A',
  'example.test MX',
  'example.test TXT',
  'example.test SOA',
  'example.test NS',
  '_sip._tcp.example.test SRV',
  'mail.example.test A',
  'nope.example.test A',
  'b.c.example.test A',
  'x.wild.example.test TXT',
];

interface Running {
  readonly name: string;
  readonly port: number;
  /** Process whose CPU time we report. */
  readonly pid: number;
  stop(): Promise<void>;
}

interface ThroughputRun {
  qps: number;
  avgMs: number;
  lost: number;
  cpuPct: number;
}

interface LatencyRun {
  p50Ms: number;
  p99Ms: number;
}

/** utime + stime of a process, in clock ticks (1/100 s on Linux). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Runs dnsperf; resolves with its stdout (and stderr, where it prints statistics). */
function dnsperf(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('dnsperf', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => out.push(c));
    child.once('error', reject);
    child.once('exit', () => resolve(Buffer.concat(out).toString('utf8')));
  });
}

async function throughput(s: Running, queryFile: string, seconds: number): Promise<ThroughputRun> {
  const before = cpuTicks(s.pid);
  const t0 = systemClock.monotonic();
  const out = await dnsperf([
    '-s',
    '127.0.0.1',
    '-p',
    String(s.port),
    '-d',
    queryFile,
    '-l',
    String(seconds),
    '-c',
    '1',
    '-T',
    '1',
    '-q',
    '100',
  ]);
  const elapsedS = (systemClock.monotonic() - t0) / 1000;
  const ticks = cpuTicks(s.pid) - before;
  const qps = /Queries per second:\s+([\d.]+)/.exec(out);
  const avg = /Average Latency \(s\):\s+([\d.]+)/.exec(out);
  const lost = /Queries lost:\s+(\d+)/.exec(out);
  if (qps === null || avg === null) throw new Error(`dnsperf against ${s.name} printed:\n${out}`);
  return {
    qps: Number(qps[1]),
    avgMs: Number(avg[1]) * 1000,
    lost: Number(lost?.[1] ?? 0),
    cpuPct: (ticks / 100 / elapsedS) * 100,
  };
}

async function latency(s: Running, queryFile: string): Promise<LatencyRun> {
  const out = await dnsperf([
    '-s',
    '127.0.0.1',
    '-p',
    String(s.port),
    '-d',
    queryFile,
    '-l',
    '2',
    '-Q',
    '10000',
    '-v',
  ]);
  const samples = out
    .split('\n')
    .filter((l) => l.startsWith('> '))
    .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)) * 1000)
    .filter((x) => Number.isFinite(x))
    .sort((a, b) => a - b);
  if (samples.length === 0)
    throw new Error(`no latency samples from ${s.name}:\n${out.slice(0, 2000)}`);
  const q = (p: number): number =>
    samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]!;
  return { p50Ms: q(0.5), p99Ms: q(0.99) };
}

/** Our server, in a child process running this file with `--serve PORT`. */
async function startBreakwater(port: number): Promise<Running> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL(import.meta.url).pathname, '--serve', String(port)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) =>
      reject(new Error(`breakwater server exited with ${String(code)}`)),
    );
  });
  return {
    name: 'breakwater',
    port,
    pid: child.pid ?? -1,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise<void>((r) =>
        child.exitCode !== null ? r() : child.once('exit', () => r()),
      );
    },
  };
}

/** Knot DNS with one UDP worker, when installed. */
async function startKnot(port: number): Promise<Running | undefined> {
  const knotd = ['/usr/sbin/knotd', '/usr/bin/knotd'].find((p) => existsSync(p));
  if (knotd === undefined) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'breakwater-knot-'));
  const zone = exampleZone();
  writeFileSync(join(dir, `${zone.zone}.zone`), zoneFileOf(zone));
  writeFileSync(
    join(dir, 'knot.conf'),
    `server:
    listen: 127.0.0.1@${port}
    rundir: "${dir}"
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "${dir}"
log:
  - target: stderr
    any: error
template:
  - id: default
    storage: "${dir}"
    semantic-checks: off
zone:
  - domain: ${zone.zone}
    file: "${zone.zone}.zone"
    journal-content: none
    zonefile-sync: -1
`,
  );
  const child = spawn(knotd, ['-c', join(dir, 'knot.conf')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise<void>((r) => child.once('exit', () => r()));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 50; i++) {
    const r = await dig({ port }, ['example.test', 'SOA', '+time=1']).catch(() => undefined);
    if (r?.status === 'NOERROR') return { name: 'knot', port, pid: child.pid ?? -1, stop };
    await systemClock.sleep(100);
  }
  await stop();
  process.stderr.write('bench dns: knotd did not start; leaving Knot out\n');
  return undefined;
}

function parseArgs(argv: readonly string[]): { json: boolean; seconds: number; rounds: number } {
  let json = false;
  let seconds = 5;
  let rounds = 3;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--seconds' || a === '--rounds') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1 || v > 600) {
        process.stderr.write(`bench dns: ${a} needs an integer 1–600, got ${String(argv[i])}\n`);
        process.exit(2);
      }
      if (a === '--seconds') seconds = v;
      else rounds = v;
    } else {
      process.stderr.write(
        `bench dns: unknown argument ${a}\nusage: npm run bench -- dns [--json] [--seconds N] [--rounds N]\n`,
      );
      process.exit(2);
    }
  }
  return { json, seconds, rounds };
}

async function serve(port: number): Promise<void> {
  const server = new DnsServer({ port, zones: [exampleZone()], latencyTable: EXAMPLE_LATENCY });
  await server.listen();
  process.stdout.write('ready\n');
  process.on('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--serve') return serve(Number(argv[1]));
  const { json, seconds, rounds } = parseArgs(argv);
  ensureDnsTools();
  const dir = mkdtempSync(join(tmpdir(), 'breakwater-bench-dns-'));
  const queryFile = join(dir, 'queries.txt');
  writeFileSync(queryFile, `${QUERIES.join('\n')}\n`);
  const servers: Running[] = [];
  try {
    progress('starting breakwater, BIND 9 and (if installed) Knot');
    servers.push(await startBreakwater(await freePort()));
    const named = await startNamed({
      zones: [exampleZone()],
      port: await freePort(),
      workers: 1,
      extraOptions: 'minimal-any yes;',
    });
    servers.push({ name: 'bind9', port: named.port, pid: named.pid, stop: () => named.stop() });
    const knot = await startKnot(await freePort());
    if (knot !== undefined) servers.push(knot);
    // Same answers from everyone before timing anyone.
    for (const q of QUERIES) {
      const [name, type] = q.split(' ') as [string, string];
      const answers = await Promise.all(
        servers.map((s) => dig({ port: s.port }, ['+nocookie', name, type])),
      );
      const shape = answers.map(
        (r) =>
          `${r.status} ${r.answer
            .map((a) => a.data)
            .sort()
            .join(',')}`,
      );
      if (new Set(shape).size !== 1) {
        throw new Error(
          `servers disagree on ${q}:\n${servers.map((s, i) => `  ${s.name}: ${shape[i]}`).join('\n')}`,
        );
      }
    }
    const thr = new Map<string, ThroughputRun[]>(servers.map((s) => [s.name, []]));
    const lat = new Map<string, LatencyRun[]>(servers.map((s) => [s.name, []]));
    for (let r = 0; r < rounds; r++) {
      // Rotate the order each round so no server always runs right after another.
      const order = servers.map((_, i) => servers[(i + r) % servers.length]!);
      for (const s of order) {
        progress(`round ${r + 1}/${rounds}: ${s.name} throughput (${seconds} s)`);
        thr.get(s.name)!.push(await throughput(s, queryFile, seconds));
        progress(`round ${r + 1}/${rounds}: ${s.name} latency at 10k qps`);
        lat.get(s.name)!.push(await latency(s, queryFile));
      }
    }
    progressDone();
    const round3 = (x: number): number => Math.round(x * 1000) / 1000;
    const results = servers.map((s) => {
      const t = thr.get(s.name)!;
      const l = lat.get(s.name)!;
      return {
        server: s.name,
        qps: Math.round(median(t.map((x) => x.qps))),
        p50Ms: round3(median(l.map((x) => x.p50Ms))),
        p99Ms: round3(median(l.map((x) => x.p99Ms))),
        avgMsAtMaxLoad: round3(median(t.map((x) => x.avgMs))),
        serverCpuPct: Math.round(median(t.map((x) => x.cpuPct))),
        lost: t.reduce((n, x) => n + x.lost, 0),
        qpsPerRound: t.map((x) => Math.round(x.qps)),
      };
    });
    const ours = results[0]!;
    const ratios: Record<string, number> = {};
    for (const r of results.slice(1))
      ratios[`breakwater/${r.server} qps`] = round3(ours.qps / r.qps);
    if (json) {
      process.stdout.write(
        `${JSON.stringify({ seconds, rounds, queries: QUERIES.length, results, ratios })}\n`,
      );
      return;
    }
    process.stdout.write(
      `dnsperf, one client thread, 100 queries in flight, ${seconds} s × ${rounds} rounds (median); ` +
        `latency at a fixed 10k qps\n\n` +
        table(
          [
            'server',
            'qps',
            'p50 ms',
            'p99 ms',
            'avg ms @max',
            'server CPU %',
            'lost',
            'qps per round',
          ],
          results.map((r) => [
            r.server,
            String(r.qps),
            r.p50Ms.toFixed(3),
            r.p99Ms.toFixed(3),
            r.avgMsAtMaxLoad.toFixed(3),
            String(r.serverCpuPct),
            String(r.lost),
            r.qpsPerRound.join(' '),
          ]),
        ) +
        '\n\n' +
        Object.entries(ratios)
          .map(([k, v]) => `  ${k.padEnd(24)} ${v.toFixed(3)}   (target ≥ 1 against bind9)`)
          .join('\n') +
        '\n',
    );
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
