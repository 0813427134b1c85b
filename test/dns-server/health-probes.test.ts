/**
 * The probe engine against real endpoints on 127.0.0.1: HTTP status ranges and body
 * matching, TCP connects, timeouts, and a killed HTTP server flipping to unhealthy after
 * exactly `failureThreshold` failed probes (and back after `successThreshold` good ones).
 * Real time runs here (real sockets), but nothing asserts on how long anything took: the
 * assertions count probes.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/core/clock.js';
import { HealthChecker } from '../../src/dns/health/health-checker.js';
import type { HealthChangeEvent, ProbeEvent } from '../../src/dns/health/health-checker.js';
import { probeHttp } from '../../src/dns/health/http-probe.js';
import { probeTcp } from '../../src/dns/health/tcp-probe.js';

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function httpServer(
  handler: http.RequestListener,
  port = 0,
): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  const addr = server.address() as net.AddressInfo;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  closers.push(close);
  return { port: addr.port, close };
}

function probe(
  url: string,
  extra: Partial<Parameters<typeof probeHttp>[0]> = {},
): ReturnType<typeof probeHttp> {
  return probeHttp({ kind: 'http', url, ...extra }, new AbortController().signal, systemClock);
}

describe('probeHttp', () => {
  it('checks the status range and the body', async () => {
    const { port } = await httpServer((req, res) => {
      if (req.url === '/down') res.writeHead(503).end('maintenance');
      else if (req.url === '/moved') res.writeHead(302, { location: '/' }).end();
      else res.writeHead(200).end('{"status":"ok","version":3}');
    });
    const base = `http://127.0.0.1:${port}`;
    const ok = await probe(`${base}/health`);
    assert.equal(ok.ok, true);
    assert.equal(ok.status, 200);
    assert.ok(ok.latencyMs >= 0);
    const down = await probe(`${base}/down`);
    assert.deepEqual(
      [down.ok, down.status, down.error],
      [false, 503, 'status 503 outside 200–399'],
    );
    assert.equal((await probe(`${base}/moved`)).ok, true, '3xx counts as healthy by default');
    assert.equal((await probe(`${base}/moved`, { expectStatus: [200, 299] })).ok, false);
    assert.equal((await probe(`${base}/health`, { bodyMatch: '"status":"ok"' })).ok, true);
    assert.equal((await probe(`${base}/health`, { bodyMatch: /version":[3-9]/ })).ok, true);
    const mismatch = await probe(`${base}/health`, { bodyMatch: 'degraded' });
    assert.deepEqual([mismatch.ok, mismatch.error], [false, 'body does not match degraded']);
    assert.equal(
      (await probe(`${base}/health`, { bodyMatch: 'version', maxBodyBytes: 5 })).ok,
      false,
    );
    const jsonOk = await probe(`${base}/health`, { jsonMatch: { path: '$.status', equals: 'ok' } });
    assert.equal(jsonOk.ok, true);
    const jsonBad = await probe(`${base}/health`, { jsonMatch: { path: '$.version', equals: 4 } });
    assert.deepEqual([jsonBad.ok, jsonBad.error], [false, '$.version is 3, expected 4']);
    const notJson = await probe(`${base}/down`, {
      expectStatus: [500, 599],
      jsonMatch: { path: '$.status' },
    });
    assert.deepEqual([notJson.ok, notJson.error], [false, 'body is not JSON']);
  });

  it('fails on a refused connection, and rejects when aborted', async () => {
    const { port, close } = await httpServer((_q, res) => res.end('ok'));
    await close();
    const refused = await probe(`http://127.0.0.1:${port}/`);
    assert.equal(refused.ok, false);
    assert.match(refused.error ?? '', /ECONNREFUSED/);
    const hang = await httpServer(() => undefined);
    const ac = new AbortController();
    const pending = probeHttp(
      { kind: 'http', url: `http://127.0.0.1:${hang.port}/` },
      ac.signal,
      systemClock,
    );
    ac.abort(new Error('enough'));
    await assert.rejects(pending, /enough/);
  });
});

describe('probeHttp over HTTPS', () => {
  it('verifies the certificate unless told not to', async (t) => {
    if (!existsSync('/usr/bin/openssl')) {
      t.skip('openssl is not installed (needed to make a self-signed certificate)');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'breakwater-tls-'));
    closers.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    assert.equal(made.status, 0, 'openssl req');
    const server = https.createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_q, res) => res.end('secure ok'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    closers.push(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
    const untrusted = await probe(url);
    assert.equal(untrusted.ok, false);
    assert.match(untrusted.error ?? '', /self.signed|certificate/i);
    const insecure = await probe(url, { rejectUnauthorized: false, bodyMatch: 'secure' });
    assert.equal(insecure.ok, true);
  });
});

describe('probeTcp', () => {
  it('succeeds on connect and fails on refusal', async () => {
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as net.AddressInfo;
    const ok = await probeTcp(
      { kind: 'tcp', host: '127.0.0.1', port },
      new AbortController().signal,
      systemClock,
    );
    assert.equal(ok.ok, true);
    await new Promise<void>((r) => server.close(() => r()));
    const refused = await probeTcp(
      { kind: 'tcp', host: '127.0.0.1', port },
      new AbortController().signal,
      systemClock,
    );
    assert.equal(refused.ok, false);
  });
});

describe('HealthChecker with real endpoints', () => {
  it('flips a killed HTTP endpoint to unhealthy after failureThreshold probes, and back', async () => {
    let srv = await httpServer((_q, res) => res.end('ok'));
    const port = srv.port;
    const hc = new HealthChecker({
      clock: systemClock,
      checks: [
        {
          id: 'www',
          target: { kind: 'http', url: `http://127.0.0.1:${port}/health` },
          intervalMs: 50,
          timeoutMs: 50,
          failureThreshold: 2,
          successThreshold: 2,
        },
      ],
    });
    const probes: ProbeEvent[] = [];
    const changes: { event: HealthChangeEvent; probesBefore: ProbeEvent[] }[] = [];
    hc.onProbe((p) => probes.push(p));
    hc.onChange((event) => changes.push({ event, probesBefore: [...probes] }));
    hc.start();
    closers.push(() => Promise.resolve(hc.stop()));
    const until = async (cond: () => boolean, what: string): Promise<void> => {
      for (let i = 0; i < 1000 && !cond(); i++) await systemClock.sleep(10);
      assert.ok(cond(), `timed out waiting for ${what}`);
    };
    await until(() => probes.length >= 3, 'three probes');
    assert.equal(hc.isHealthy('www'), true);
    assert.ok(probes.every((p) => p.result.ok));

    await srv.close();
    const killedAt = probes.length;
    await until(() => changes.length === 1, 'the endpoint to go down');
    assert.equal(changes[0]!.event.healthy, false);
    const failedBeforeFlip = changes[0]!.probesBefore.slice(killedAt).filter((p) => !p.result.ok);
    assert.equal(failedBeforeFlip.length, 2, 'exactly failureThreshold failed probes');
    assert.equal(hc.status('www')?.vantages[0]?.state.consecutiveFailures, 2);

    srv = await httpServer((_q, res) => res.end('ok'), port);
    const backAt = probes.length;
    await until(() => changes.length === 2, 'the endpoint to come back');
    assert.equal(changes[1]!.event.healthy, true);
    const okBeforeUp = changes[1]!.probesBefore.slice(backAt).filter((p) => p.result.ok);
    assert.equal(okBeforeUp.length, 2, 'exactly successThreshold good probes');
    hc.stop();
  });

  it('fails a probe that hangs past its timeout', async () => {
    const hang = await httpServer(() => undefined);
    const hc = new HealthChecker({
      clock: systemClock,
      checks: [
        {
          id: 'slow',
          target: { kind: 'http', url: `http://127.0.0.1:${hang.port}/` },
          intervalMs: 60_000,
          timeoutMs: 100,
          failureThreshold: 1,
        },
      ],
    });
    assert.equal(await hc.probeNow('slow'), false);
    assert.match(hc.status('slow')?.vantages[0]?.lastResult?.error ?? '', /timed out after 100 ms/);
  });
});
