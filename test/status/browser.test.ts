/**
 * The status page in headless Chromium: the public page (no JavaScript needed), an incident's
 * life through the admin forms (token in a header), the stale banner when a vantage point stops
 * reporting, and the static export opened from disk with the server gone. Screenshots go to
 * docs/ for the README.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock } from '../../src/core/clock.js';
import { Rng } from '../../src/core/rng.js';
import { parseStatusConfig } from '../../src/status/config.js';
import { startStatusService } from '../../src/status/status-service.js';
import type { StatusService } from '../../src/status/status-service.js';
import { screenshot, withPage } from '../support/browser.js';

const TOKEN = 'browser-admin-token';

describe('status page in a browser', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-status-browser-'));
  let healthy = true;
  const backend = http.createServer((_req, res) => {
    res.writeHead(healthy ? 200 : 500);
    res.end(healthy ? 'Add to cart' : 'error');
  });
  let service: StatusService;

  before(async () => {
    await new Promise<void>((r) => backend.listen(0, '127.0.0.1', r));
    const port = (backend.address() as AddressInfo).port;
    const config = parseStatusConfig(`
title: Example Shop status
monitors:
  - { id: web, name: Storefront, type: http, url: 'http://127.0.0.1:${port}/', keyword: Add to cart, intervalSeconds: 0.2, timeoutSeconds: 0.2, failuresBeforeDown: 2, successesBeforeUp: 1 }
  - { id: api, name: API, type: tcp, host: 127.0.0.1, port: ${port}, intervalSeconds: 0.5 }
  - { id: nightly, name: Nightly billing job, type: heartbeat, intervalSeconds: 3600 }
export:
  - dir: ${join(dir, 'site')}
`);
    service = await startStatusService({
      config,
      clock: systemClock,
      rng: new Rng(7),
      adminToken: TOKEN,
      port: 0,
      renderCacheMs: 0,
    });
    service.monitor.heartbeat('nightly');
  });

  after(async () => {
    await service.stop();
    await new Promise<void>((r) => backend.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the public page, with charts and no script', async () => {
    await sleep(1500);
    await withPage(async (page, diag) => {
      await page.goto(`${service.url}/`);
      assert.equal(await page.textContent('#overall'), 'All Systems Operational');
      assert.equal(await page.locator('section.monitor').count(), 3);
      assert.equal(await page.locator('script').count(), 0);
      assert.equal(await page.locator('svg.bars rect').count(), 270);
      await page.locator('#m-web details summary').click();
      assert.ok((await page.locator('#m-web svg.spark polyline').count()) === 1);
      await screenshot(page, 'docs/status-page.png');
      assert.deepEqual(diag.errors, []);
      assert.ok(diag.networkRequests.every((u) => u.startsWith(service.url)));
    });
  });

  it('lives through an incident: opened, updated and resolved in the admin area', async () => {
    healthy = false;
    await withPage(async (page) => {
      const denied = await page.request.get(`${service.url}/admin`);
      assert.equal(denied.status(), 401);
      await page.setExtraHTTPHeaders({ authorization: `Bearer ${TOKEN}` });
      await page.goto(`${service.url}/admin`);
      await page.fill('#new-incident input[name=title]', 'Checkout failing');
      await page.selectOption('#new-incident select[name=impact]', 'major');
      await page.selectOption('#new-incident select[name=monitors]', ['web']);
      await page.fill(
        '#new-incident textarea[name=body]',
        'We are investigating errors at checkout.',
      );
      await page.click('#new-incident button');
      assert.match(page.url(), /\/admin$/);
      const form = page.locator('form[action$="/updates"]').first();
      await form.locator('select[name=status]').selectOption('identified');
      await form.locator('textarea[name=body]').fill('A bad deploy; rolling back.');
      await form.locator('button').click();
      await page.setExtraHTTPHeaders({});
      for (
        let i = 0;
        i < 50 &&
        !/Down/.test(
          (await page.goto(`${service.url}/`), await page.textContent('#m-web .badge')) ?? '',
        );
        i++
      ) {
        await sleep(100);
      }
      assert.equal(await page.textContent('#m-web .badge'), 'Down');
      assert.match((await page.textContent('#overall')) ?? '', /Outage/);
      const inc = page.locator('section.inc').first();
      assert.match(
        (await inc.textContent()) ?? '',
        /Checkout failing.*identified.*A bad deploy.*investigating.*We are investigating/s,
      );
      await screenshot(page, 'docs/status-incident.png');
      healthy = true;
      await page.setExtraHTTPHeaders({ authorization: `Bearer ${TOKEN}` });
      await page.goto(`${service.url}/admin`);
      const f2 = page.locator('form[action$="/updates"]').first();
      await f2.locator('select[name=status]').selectOption('resolved');
      await f2.locator('textarea[name=body]').fill('Rolled back; checkout works again.');
      await f2.locator('button').click();
      await page.setExtraHTTPHeaders({});
      await page.goto(`${service.url}/`);
      assert.match((await page.textContent('body')) ?? '', /Past incidents/);
      assert.equal(await page.locator('section.inc.resolved').count(), 1);
    });
  });

  it('opens the static export from disk with the server gone', async () => {
    await service.exportNow();
    await withPage(async (page, diag) => {
      await page.goto(`file://${join(dir, 'site', 'index.html')}`);
      assert.match((await page.textContent('h1')) ?? '', /Example Shop status/);
      assert.equal(await page.locator('section.monitor').count(), 3);
      assert.deepEqual(diag.networkRequests, []);
      assert.deepEqual(diag.errors, []);
    });
  });
});

describe('stale banner in a browser', () => {
  let service: StatusService;
  before(async () => {
    const config = parseStatusConfig(`
title: Example Shop status
staleAfterSeconds: 1
vantagePoints: [{ id: local }, { id: eu-west }]
monitors:
  - { id: api, name: API, type: tcp, host: 127.0.0.1, port: 9, vantagePoints: [eu-west] }
`);
    service = await startStatusService({
      config,
      clock: systemClock,
      rng: new Rng(8),
      port: 0,
      renderCacheMs: 0,
    });
    await fetch(`${service.url}/healthz`);
  });
  after(() => service.stop());

  it('says "data stale since …" when reports stop, instead of old green', async () => {
    await sleep(1600);
    await withPage(async (page) => {
      await page.goto(`${service.url}/`);
      const banner = (await page.textContent('#stale')) ?? '';
      assert.match(
        banner,
        /data stale since \d{4}-\d\d-\d\d \d\d:\d\d UTC: vantage point eu-west has stopped reporting/,
      );
      assert.doesNotMatch(banner, /vantage point local/, 'local probes nothing here');
      assert.match((await page.textContent('#overall')) ?? '', /^Status unknown: no fresh data/);
      await screenshot(page, 'docs/status-stale.png');
    });
  });
});
