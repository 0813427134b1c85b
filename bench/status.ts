/**
 * @module
 * `npm run bench -- status [--json] [--duration S] [--connections N]`: requests per second of
 * the live status page (`/` and `/api/v2/summary.json`, served by `breakwater status serve` in
 * its own process, with 50 monitors) under `wrk`, side by side with nginx (Debian's) serving
 * the static export of the same page, in one run. Target: the live page at least half of
 * nginx's rate. Then memory: 1,000 monitors probed every minute for 12 hours of virtual time
 * (ManualClock, scripted probes, real SQLite) with 1 h of raw samples kept — the heap stays
 * flat and the raw samples stay at one hour's worth; hourly buckets grow by one row per
 * monitor per hour up to their 90-day bound (2,160 per monitor).
 *
 * Installs Debian's `wrk` and `nginx-light` with apt-get when they are missing.
 * `--json` prints exactly one JSON document on stdout; the table goes to stderr.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ManualClock } from '../src/core/testing/manual-clock.js';
import { parseStatusConfig } from '../src/status/config.js';
import { StatusMonitor } from '../src/status/status-monitor.js';
import { takeSnapshot } from '../src/status/status-snapshot.js';
import { StatusStore } from '../src/status/status-store.js';
import { table } from './_harness.js';

interface Args {
  json: boolean;
  durationS: number;
  connections: number;
}

function parse(argv: readonly string[]): Args {
  const a: Args = { json: false, durationS: 5, connections: 64 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--json') a.json = true;
    else if (k === '--duration') a.durationS = Number(argv[++i]);
    else if (k === '--connections') a.connections = Number(argv[++i]);
    else {
      process.stderr.write(`bench status: unknown argument '${String(k)}'\n`);
      process.exit(2);
    }
  }
  return a;
}

function ensureTools(): void {
  if (existsSync('/usr/bin/wrk') && existsSync('/usr/sbin/nginx')) return;
  process.stderr.write('bench status: installing wrk and nginx-light (apt-get)\n');
  const r = spawnSync(
    'sh',
    [
      '-c',
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light',
    ],
    {
      stdio: ['ignore', 2, 2],
    },
  );
  if (r.status !== 0)
    throw new Error('could not install wrk and nginx; apt-get install wrk nginx-light');
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitHttp(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.ok) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not come up`);
}

function wrk(url: string, a: Args): number {
  const r = spawnSync('wrk', ['-t2', `-c${a.connections}`, `-d${a.durationS}s`, '--latency', url], {
    encoding: 'utf8',
  });
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout);
  if (m === null) throw new Error(`wrk failed on ${url}: ${r.stderr || r.stdout}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout);
  if (non2xx !== null) throw new Error(`wrk saw ${non2xx[1]} error responses from ${url}`);
  return Number(m[1]);
}

async function throughput(
  a: Args,
): Promise<{ case: string; live: number; nginx: number; ratio: number }[]> {
  ensureTools();
  const dir = mkdtempSync(join(tmpdir(), 'bw-bench-status-'));
  // nginx's workers drop to an unprivileged user: the export must be readable by it.
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'tmp'));
  const procs: ChildProcess[] = [];
  try {
    const livePort = await freePort();
    const nginxPort = await freePort();
    const monitors = Array.from(
      { length: 50 },
      (_, i) =>
        `  - { id: m${i}, name: Service ${i}, type: tcp, host: 127.0.0.1, port: ${nginxPort}, intervalSeconds: 5 }`,
    ).join('\n');
    writeFileSync(
      join(dir, 'status.yaml'),
      `title: Bench status\nmonitors:\n${monitors}\nexport:\n  - dir: ${join(dir, 'site')}\n`,
    );
    writeFileSync(
      join(dir, 'nginx.conf'),
      `worker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents { worker_connections 1024; }\n` +
        `http { access_log off; client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp; uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;\n` +
        `  types { text/html html; application/json json; image/svg+xml svg; }\n` +
        `  server { listen 127.0.0.1:${nginxPort}; root ${dir}/site; index index.html; } }\n`,
    );
    const live = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'status',
        'serve',
        '--config',
        join(dir, 'status.yaml'),
        '--port',
        String(livePort),
      ],
      {
        stdio: ['ignore', 'ignore', 'ignore'],
      },
    );
    procs.push(live);
    await waitHttp(`http://127.0.0.1:${livePort}/healthz`);
    for (let i = 0; i < 100 && !existsSync(join(dir, 'site', 'summary.json')); i++)
      await sleep(100);
    const nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-g', 'daemon off;', '-p', dir], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    procs.push(nginx);
    await waitHttp(`http://127.0.0.1:${nginxPort}/summary.json`);
    const rows = [];
    for (const [name, livePath, staticPath] of [
      ['page (/)', '/', '/index.html'],
      ['summary.json', '/api/v2/summary.json', '/summary.json'],
    ] as const) {
      process.stderr.write(`bench status: wrk ${name}…\n`);
      const l = wrk(`http://127.0.0.1:${livePort}${livePath}`, a);
      const n = wrk(`http://127.0.0.1:${nginxPort}${staticPath}`, a);
      rows.push({ case: name, live: l, nginx: n, ratio: l / n });
    }
    return rows;
  } finally {
    await Promise.all(
      procs.map((p) =>
        p.exitCode !== null
          ? Promise.resolve()
          : new Promise<void>((r) => {
              p.once('exit', () => r());
              p.kill('SIGTERM');
            }),
      ),
    );
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}

async function memory(): Promise<{
  monitors: number;
  virtualHours: number;
  heapMbAt: number[];
  rowsAt: number[];
  pageBytes: number;
}> {
  const clock = new ManualClock({ startMs: Date.UTC(2025, 9, 20) });
  const store = new StatusStore({ clock, rawRetentionMs: 3_600_000 });
  const monitors = Array.from(
    { length: 1000 },
    (_, i) =>
      `  - { id: m${i}, type: tcp, host: 127.0.0.1, port: 9, intervalSeconds: 60, timeoutSeconds: 5 }`,
  ).join('\n');
  const config = parseStatusConfig(`storage: { rawRetentionHours: 1 }\nmonitors:\n${monitors}\n`);
  let n = 0;
  const monitor = new StatusMonitor({
    config,
    store,
    clock,
    probe: () => Promise.resolve({ ok: n++ % 97 !== 0, latencyMs: 5 + (n % 13) }),
  });
  monitor.start();
  const heapMbAt: number[] = [];
  const rowsAt: number[] = [];
  const hours = 12;
  for (let h = 1; h <= hours; h++) {
    process.stderr.write(`bench status: memory, virtual hour ${h}/${hours}\n`);
    for (let m = 0; m < 60; m++) await clock.advanceAsync(60_000);
    store.prune();
    if (h % 3 === 0) {
      globalThis.gc?.();
      heapMbAt.push(Math.round(process.memoryUsage().heapUsed / 1e5) / 10);
      const c = store.counts();
      rowsAt.push(c.samples + c.hours + c.history);
    }
  }
  const pageBytes = JSON.stringify(takeSnapshot(monitor, clock)).length;
  monitor.stop();
  store.close();
  return { monitors: 1000, virtualHours: hours, heapMbAt, rowsAt, pageBytes };
}

async function main(): Promise<void> {
  const a = parse(process.argv.slice(2));
  const rows = await throughput(a);
  const mem = await memory();
  const t = table(
    ['case', 'live req/s', 'nginx static req/s', 'live / nginx'],
    rows.map((r) => [r.case, r.live.toFixed(0), r.nginx.toFixed(0), r.ratio.toFixed(2)]),
  );
  process.stderr.write(`${t}\ntarget: live ≥ 0.5 × nginx\n`);
  process.stderr.write(
    `memory, ${mem.monitors} monitors, ${mem.virtualHours} h virtual: heap MB every 3 h ${mem.heapMbAt.join(', ')}; stored rows ${mem.rowsAt.join(', ')}\n`,
  );
  if (a.json) {
    process.stdout.write(
      `${JSON.stringify({ benchmark: 'status', wrk: { connections: a.connections, durationS: a.durationS }, throughput: rows, memory: mem })}\n`,
    );
  }
}

await main();
