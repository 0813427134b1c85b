import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../core/testing/manual-clock.js';
import { parseStatusConfig } from './config.js';
import { StatusMonitor } from './status-monitor.js';
import { StatusServer } from './status-server.js';
import { StatusStore } from './status-store.js';

const CONFIG = `
title: Server test
vantagePoints: [{ id: local }, { id: eu }]
monitors:
  - { id: web, name: Web, type: tcp, host: 127.0.0.1, port: 9, failuresBeforeDown: 1 }
  - { id: job, type: heartbeat, intervalSeconds: 60 }
`;

describe('StatusServer', () => {
  const clock = new ManualClock({ startMs: 1_700_000_000_000 });
  const store = new StatusStore({ clock });
  const monitor = new StatusMonitor({ config: parseStatusConfig(CONFIG), store, clock });
  const logs: string[] = [];
  const server = new StatusServer({
    monitor,
    clock,
    adminToken: 'adm1n-T',
    probeToken: 'pr0be-T',
    renderCacheMs: 0,
    onLog: (l) => logs.push(l),
  });
  let url = '';
  before(async () => {
    url = (await server.listen(0)).url;
  });
  after(async () => {
    await server.close();
    store.close();
  });

  it('serves the page, the JSON API and badges', async () => {
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /All Systems Operational/);
    const summary = (await (await fetch(`${url}/api/v2/summary.json`)).json()) as {
      components: { id: string }[];
    };
    assert.deepEqual(
      summary.components.map((c) => c.id),
      ['web', 'job'],
    );
    const status = (await (await fetch(`${url}/api/v2/status.json`)).json()) as {
      status: { indicator: string };
    };
    assert.equal(status.status.indicator, 'none');
    const badge = await fetch(`${url}/badge/web.svg`);
    assert.equal(badge.headers.get('content-type'), 'image/svg+xml');
    assert.match(await badge.text(), />up</);
    assert.equal((await fetch(`${url}/badge/nope.svg`)).status, 404);
  });

  it('guards the admin area with the token in a header, never a URL', async () => {
    const none = await fetch(`${url}/admin`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Basic/);
    assert.equal((await fetch(`${url}/admin?token=adm1n-T`)).status, 401);
    assert.equal(
      (await fetch(`${url}/admin`, { headers: { authorization: 'Bearer wrong' } })).status,
      401,
    );
    const basic = `Basic ${Buffer.from('admin:adm1n-T').toString('base64')}`;
    assert.equal((await fetch(`${url}/admin`, { headers: { authorization: basic } })).status, 200);
    const created = await fetch(`${url}/admin/incidents`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        authorization: 'Bearer adm1n-T',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        title: 'Checkout errors',
        impact: 'major',
        monitors: 'web',
        body: 'Investigating',
      }).toString(),
    });
    assert.equal(created.status, 303);
    const id = store.incidents()[0]!.id;
    const upd = await fetch(`${url}/admin/incidents/${id}/updates`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer adm1n-T',
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({ status: 'resolved', body: 'Fixed' }),
    });
    assert.equal(upd.status, 200);
    assert.equal(store.incident(id)!.status, 'resolved');
    const bad = await fetch(`${url}/admin/incidents/${id}/updates`, {
      method: 'POST',
      headers: { authorization: 'Bearer adm1n-T', 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'sleeping', body: 'x' }),
    });
    assert.equal(bad.status, 400);
    assert.ok(logs.length > 0);
    for (const l of logs) {
      assert.doesNotMatch(l, /adm1n-T|pr0be-T/);
      assert.doesNotMatch(l, /\?/);
    }
  });

  it('takes reports and heartbeats from probers with the probe token only', async () => {
    const post = (path: string, token: string, body: unknown): Promise<Response> =>
      fetch(`${url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    assert.equal(
      (await post('/api/v2/report', 'adm1n-T', { vantage: 'eu', results: [] })).status,
      401,
    );
    const ok = await post('/api/v2/report', 'pr0be-T', {
      vantage: 'eu',
      results: [{ monitor: 'web', ok: false, latencyMs: 3 }],
    });
    assert.deepEqual(await ok.json(), { taken: 1 });
    assert.equal(monitor.lastResult('web', 'eu')?.ok, false);
    assert.equal(
      (await post('/api/v2/report', 'pr0be-T', { vantage: 'local', results: [] })).status,
      400,
    );
    assert.equal((await post('/api/v2/report', 'pr0be-T', { nope: 1 })).status, 400);
    assert.equal((await post('/api/v2/heartbeat/job', 'pr0be-T', {})).status, 200);
    assert.equal((await post('/api/v2/heartbeat/web', 'pr0be-T', {})).status, 404);
    const cfg = await fetch(`${url}/api/v2/probe-config`, {
      headers: { authorization: 'Bearer pr0be-T' },
    });
    const body = (await cfg.json()) as { monitors: { id: string; target: { kind: string } }[] };
    assert.deepEqual(
      body.monitors.map((m) => [m.id, m.target.kind]),
      [['web', 'tcp']],
    );
  });
});
