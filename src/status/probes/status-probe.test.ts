import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import dnsPacket from 'dns-packet';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { systemClock } from '../../core/clock.js';
import type { Clock } from '../../core/clock.js';
import { probeDns } from './dns-probe.js';
import { runStatusProbe, StatusProbeRegistry } from './status-probe.js';
import { probeTlsExpiry } from './tls-expiry-probe.js';

const DAY = 86_400_000;

describe('probeDns', () => {
  const server = dgram.createSocket('udp4');
  let addr = '';
  before(async () => {
    server.on('message', (msg, rinfo) => {
      const q = dnsPacket.decode(msg);
      const name = q.questions?.[0]?.name ?? '';
      const answers =
        name === 'www.example.test'
          ? [{ type: 'A' as const, name, ttl: 30, data: '127.0.0.11' }]
          : [];
      const res = dnsPacket.encode({
        type: 'response',
        id: q.id,
        flags: dnsPacket.AUTHORITATIVE_ANSWER,
        questions: q.questions,
        answers,
      });
      server.send(res, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', r));
    addr = `127.0.0.1:${server.address().port}`;
  });
  after(() => server.close());

  it('is healthy when the answer holds the expected value', async () => {
    const ok = await probeDns(
      {
        kind: 'dns',
        query: 'www.example.test',
        recordType: 'A',
        server: addr,
        expect: '127.0.0.11',
      },
      new AbortController().signal,
      systemClock,
    );
    assert.equal(ok.ok, true, ok.error);
  });

  it('fails on a wrong or empty answer', async () => {
    const wrong = await probeDns(
      {
        kind: 'dns',
        query: 'www.example.test',
        recordType: 'A',
        server: addr,
        expect: '127.0.0.12',
      },
      new AbortController().signal,
      systemClock,
    );
    assert.equal(wrong.ok, false);
    assert.match(wrong.error ?? '', /lacks 127\.0\.0\.12/);
    const none = await probeDns(
      { kind: 'dns', query: 'nothing.example.test', recordType: 'A', server: addr },
      new AbortController().signal,
      systemClock,
    );
    assert.equal(none.ok, false);
  });

  it('rejects when aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await assert.rejects(
      probeDns(
        { kind: 'dns', query: 'x.test', recordType: 'A', server: addr },
        ac.signal,
        systemClock,
      ),
      /stop/,
    );
  });
});

describe('probeTlsExpiry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-tls-'));
  let server: https.Server;
  let port = 0;
  let notAfter = 0;
  before(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'k.pem'),
        '-out',
        join(dir, 'c.pem'),
        '-days',
        '30',
        '-subj',
        '/CN=localhost',
      ],
      { stdio: 'ignore' },
    );
    const end = execFileSync('openssl', ['x509', '-enddate', '-noout', '-in', join(dir, 'c.pem')], {
      encoding: 'utf8',
    });
    notAfter = Date.parse(end.replace('notAfter=', '').trim());
    server = https.createServer(
      { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) },
      (_q, s) => s.end('ok'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('judges days left on the injected clock', async () => {
    const target = {
      kind: 'tls' as const,
      host: '127.0.0.1',
      port,
      minDaysLeft: 14,
      rejectUnauthorized: false,
    };
    const early = new ManualClock({ startMs: notAfter - 20 * DAY });
    assert.equal((await probeTlsExpiry(target, new AbortController().signal, early)).ok, true);
    const late = new ManualClock({ startMs: notAfter - 10 * DAY });
    const r = await probeTlsExpiry(target, new AbortController().signal, late);
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /expires in 10\.0 days \(< 14\)/);
  });

  it('fails an untrusted certificate when verification is on', async () => {
    const r = await probeTlsExpiry(
      { kind: 'tls', host: '127.0.0.1', port, minDaysLeft: 1 },
      new AbortController().signal,
      systemClock,
    );
    assert.equal(r.ok, false);
  });
});

describe('StatusProbeRegistry', () => {
  it('maps engine stand-ins back to the full target', async () => {
    const seen: unknown[] = [];
    const reg = new StatusProbeRegistry(systemClock, (t) => {
      seen.push(t);
      return Promise.resolve({ ok: true, latencyMs: 1 });
    });
    const dns = {
      kind: 'dns' as const,
      query: 'a.test',
      recordType: 'A' as const,
      server: '10.0.0.1:5353',
    };
    const stand = reg.engineTarget(dns);
    assert.deepEqual(stand, { kind: 'tcp', host: '10.0.0.1', port: 5353 });
    await reg.runner(stand, new AbortController().signal);
    assert.deepEqual(seen, [dns]);
  });
});

describe('runStatusProbe', () => {
  it('fails an HTTP answer slower than maxLatencyMs', async () => {
    const s = http.createServer((_q, r) => r.end('ok'));
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    // A clock whose monotonic reading moves 5 ms per read: every request "takes" 5 ms.
    let t = 0;
    const slowClock: Clock = {
      now: () => 0,
      monotonic: () => (t += 5),
      setTimer: (ms, fn, o) => systemClock.setTimer(ms, fn, o),
      sleep: (ms, signal) => systemClock.sleep(ms, signal),
    };
    const url = `http://127.0.0.1:${port}/`;
    const r = await runStatusProbe(
      { kind: 'http', url, maxLatencyMs: 4 },
      new AbortController().signal,
      slowClock,
    );
    const fine = await runStatusProbe(
      { kind: 'http', url, maxLatencyMs: 50 },
      new AbortController().signal,
      slowClock,
    );
    s.close();
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /slow: 5 ms > 4 ms/);
    assert.equal(fine.ok, true);
  });
});
