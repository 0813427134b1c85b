/**
 * Several vantage points as separate processes: a `status serve` process and two
 * `status probe` processes reporting to it, watching a backend this test turns on and off.
 * Checks the per-vantage view, down on agreement, recovery, the stale banner once a prober
 * is killed, and that the static export it published works with the server gone.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../../src/core/clock.js';

const ADMIN = 'admin-token-for-test';
const PROBE = 'probe-token-for-test';

interface Summary {
  components: {
    id: string;
    status: string;
    vantage_points: { id: string; up: boolean; stale: boolean }[];
  }[];
  status: { indicator: string };
  stale: { vantage_point: string; since: string }[];
}

function cli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'status', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  limitMs = 30_000,
): Promise<T> {
  const deadline = systemClock.monotonic() + limitMs;
  let last: unknown;
  while (systemClock.monotonic() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await sleep(100);
  }
  throw new Error(
    `timed out waiting for ${what}${last === undefined ? '' : `: ${last instanceof Error ? last.message : JSON.stringify(last)}`}`,
  );
}

describe('status with vantage points in separate processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-status-procs-'));
  let healthy = true;
  const backend = http.createServer((_req, res) => {
    res.writeHead(healthy ? 200 : 503);
    res.end(healthy ? 'ok' : 'down');
  });
  const procs: ChildProcess[] = [];
  let url = '';
  let stderr = '';

  before(async () => {
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const port = (backend.address() as AddressInfo).port;
    writeFileSync(
      join(dir, 'status.yaml'),
      `title: Process test
staleAfterSeconds: 2
vantagePoints: [{ id: eu }, { id: ap }]
monitors:
  - { id: web, name: Web, type: http, url: 'http://127.0.0.1:${port}/', intervalSeconds: 0.3, timeoutSeconds: 0.3, failuresBeforeDown: 2, successesBeforeUp: 1 }
export:
  - dir: ${join(dir, 'site')}
`,
    );
    const server = cli(['serve', '--config', join(dir, 'status.yaml'), '--port', '0'], {
      BREAKWATER_STATUS_ADMIN_TOKEN: ADMIN,
      BREAKWATER_STATUS_PROBE_TOKEN: PROBE,
    });
    procs.push(server);
    server.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n') && line !== undefined) resolve(line.trim());
      });
      server.once('exit', (c) => reject(new Error(`server exited ${String(c)}: ${stderr}`)));
    });
    for (const v of ['eu', 'ap'])
      procs.push(cli(['probe', '--report-to', url, '--vantage', v, '--token', PROBE]));
  });

  after(async () => {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    await new Promise<void>((r) => backend.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const summary = async (): Promise<Summary> =>
    (await (await fetch(`${url}/api/v2/summary.json`)).json()) as Summary;

  it('shows each vantage point reporting, and goes down only when they agree', async () => {
    await waitFor('both vantage points to report', async () => {
      const s = await summary();
      const vps = s.components[0]!.vantage_points;
      return vps.length === 2 && vps.every((v) => v.up && !v.stale) && s.stale.length === 0
        ? s
        : undefined;
    });
    healthy = false;
    const down = await waitFor('web down', async () => {
      const s = await summary();
      return s.components[0]!.status === 'major_outage' ? s : undefined;
    });
    assert.deepEqual(
      down.components[0]!.vantage_points.map((v) => [v.id, v.up]),
      [
        ['eu', false],
        ['ap', false],
      ],
    );
    const page = await (await fetch(`${url}/`)).text();
    assert.match(page, /<td>eu<\/td><td class="down">down/);
    healthy = true;
    await waitFor('web up again', async () =>
      (await summary()).components[0]!.status === 'operational' ? true : undefined,
    );
    assert.match(stderr, /web DOWN \(2\/2 vantage points see it down\)/);
    assert.match(stderr, /web UP/);
    assert.doesNotMatch(stderr, new RegExp(`${ADMIN}|${PROBE}`), 'no token in logs');
  });

  it('says the data is stale when a prober stops reporting', async () => {
    procs[2]!.kill('SIGKILL'); // the `ap` prober
    const s = await waitFor('ap stale', async () => {
      const x = await summary();
      return x.stale.some((v) => v.vantage_point === 'ap') ? x : undefined;
    });
    assert.equal(s.components[0]!.vantage_points.find((v) => v.id === 'ap')!.stale, true);
    const page = await (await fetch(`${url}/`)).text();
    assert.match(
      page,
      /data stale since \d{4}-\d\d-\d\d \d\d:\d\d UTC: vantage point ap has stopped reporting/,
    );
  });

  it('leaves a static export that works with the server gone', async () => {
    const server = procs[0]!;
    const exited = new Promise<number | null>((r) => server.once('exit', (c) => r(c)));
    server.kill('SIGINT');
    assert.equal(await exited, 0, 'stops cleanly on Ctrl-C');
    await assert.rejects(fetch(`${url}/`));
    const html = readFileSync(join(dir, 'site', 'index.html'), 'utf8');
    assert.match(html, /Process test/);
    assert.match(
      html,
      /vantage point ap has stopped reporting/,
      'the stale state was exported too',
    );
    const summaryJson = JSON.parse(
      readFileSync(join(dir, 'site', 'summary.json'), 'utf8'),
    ) as Summary;
    assert.equal(summaryJson.components[0]!.id, 'web');
  });
});
