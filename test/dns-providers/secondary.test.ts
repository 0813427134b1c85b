/**
 * Standard secondaries: the built-in server serves AXFR (and IXFR, answered with the whole
 * zone) over TCP to allow-listed addresses only, and NOTIFYs a BIND 9 secondary on every
 * zone swap; the secondary's serial and answers converge within a bounded time.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { systemClock } from '../../src/core/clock.js';
import { exchangeUdp } from '../../src/dns/providers/internal/dns-client.js';
import { SecondaryNotifier } from '../../src/dns/providers/secondary-notifier.js';
import type { NotifyResult } from '../../src/dns/providers/secondary-notifier.js';
import { DnsServer } from '../../src/dns/server/dns-server.js';
import { buildZoneSnapshot } from '../../src/dns/server/zone-snapshot.js';
import type { ZoneRecordSetInput, ZoneSnapshot } from '../../src/dns/server/zone-snapshot.js';
import { dig, freePort, startNamedWithConfig } from '../support/bind.js';
import type { NamedHandle } from '../support/bind.js';

const ZONE = 'sec.test';

function zone(
  serial: number,
  www: string,
  extra: readonly ZoneRecordSetInput[] = [],
): ZoneSnapshot {
  return buildZoneSnapshot({
    zone: ZONE,
    serial,
    nameServers: [`ns1.${ZONE}`],
    recordSets: [
      { name: `ns1.${ZONE}`, type: 'A', records: ['127.0.0.1'] },
      { name: `www.${ZONE}`, type: 'A', ttl: 60, records: [www] },
      { name: `www.${ZONE}`, type: 'AAAA', records: ['2001:db8::1'] },
      { name: `${ZONE}`, type: 'MX', records: [{ preference: 10, exchange: 'mx.example.net' }] },
      { name: `txt.${ZONE}`, type: 'TXT', records: ['a "quoted" text', 'y'.repeat(400)] },
      { name: `*.wild.${ZONE}`, type: 'A', records: ['192.0.2.77'] },
      {
        name: `_sip._tcp.${ZONE}`,
        type: 'SRV',
        records: [{ priority: 1, weight: 5, port: 5060, target: 'sip.example.net' }],
      },
      { name: `docs.${ZONE}`, type: 'CNAME', records: [`www.${ZONE}`] },
      ...extra,
    ],
  });
}

let server: DnsServer;
let serverPort: number;
let named: NamedHandle;
let notifier: SecondaryNotifier;
const results: NotifyResult[] = [];

async function serialAt(port: number): Promise<number | undefined> {
  const r = await dig({ port }, [ZONE, 'SOA']);
  const soa = r.answer.find((a) => a.type === 'SOA');
  return soa === undefined ? undefined : Number(soa.data.split(/\s+/)[2]);
}

async function waitFor(
  what: string,
  ok: () => Promise<boolean>,
  limitMs = 15_000,
): Promise<number> {
  const start = systemClock.monotonic();
  for (;;) {
    if (await ok()) return systemClock.monotonic() - start;
    if (systemClock.monotonic() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await systemClock.sleep(20);
  }
}

before(async () => {
  server = new DnsServer({
    port: 0,
    zones: [zone(1, '192.0.2.1')],
    allowTransferFrom: ['127.0.0.1'],
  });
  serverPort = (await server.listen()).port;
  const port = await freePort();
  named = await startNamedWithConfig({
    port,
    extraOptions: 'notify no;',
    config: (dir) => `zone "${ZONE}" {
  type secondary;
  primaries { 127.0.0.1 port ${serverPort}; };
  file "${dir}/${ZONE}.db";
};`,
  });
  notifier = new SecondaryNotifier({
    server,
    secondaries: [{ host: '127.0.0.1', port }],
    retryIntervalMs: 500,
  });
  notifier.onNotifyResult((r) => results.push(r));
  await waitFor('the first transfer', async () => (await serialAt(named.port)) === 1);
});

after(async () => {
  notifier.close();
  await named.stop();
  await server.close();
});

describe('DnsServer zone transfers', () => {
  it('serves AXFR over TCP to an allowed address: SOA first and last, every record', async () => {
    const r = await dig({ port: serverPort }, [ZONE, 'AXFR']);
    const types = r.text
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith(';'))
      .map((l) => l.split(/\s+/)[3]);
    assert.equal(types[0], 'SOA');
    assert.equal(types.at(-1), 'SOA');
    assert.equal(types.filter((t) => t === 'SOA').length, 2);
    for (const t of ['NS', 'A', 'AAAA', 'MX', 'TXT', 'SRV', 'CNAME'])
      assert.ok(types.includes(t), t);
  });

  it('refuses a transfer to an address not on the allow-list', async () => {
    const r = await dig({ port: serverPort }, ['-b', '127.0.0.2', ZONE, 'AXFR']);
    assert.match(r.text, /Transfer failed|REFUSED/);
    assert.doesNotMatch(r.text, /IN\s+A\s+192\.0\.2\.1/);
  });

  it('refuses AXFR over UDP and answers NOTAUTH for a zone it does not serve', async () => {
    const query = dnsPacket.encode({
      id: 7,
      type: 'query',
      questions: [{ name: ZONE, type: 'AXFR', class: 'IN' }],
    });
    const reply = await exchangeUdp({ host: '127.0.0.1', port: serverPort }, query, {
      clock: systemClock,
      timeoutMs: 2000,
    });
    assert.equal(reply[3]! & 0xf, 5); // REFUSED
    const other = await dig({ port: serverPort }, ['other.test', 'AXFR']);
    assert.match(other.text, /NOTAUTH|Transfer failed/);
  });

  it('answers IXFR from the current serial with the single SOA, older serials with the zone', async () => {
    const current = server.responder.zones[0]!.serial;
    const upToDate = await dig({ port: serverPort }, [ZONE, `IXFR=${current}`]);
    const lines = upToDate.text.split('\n').filter((l) => l !== '' && !l.startsWith(';'));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /\sSOA\s/);
    const old = await dig({ port: serverPort }, [ZONE, `IXFR=${current - 1}`]);
    assert.match(old.text, /www\.sec\.test\.\s+60\s+IN\s+A/);
  });

  it('splits a large zone into several messages', async () => {
    const many = Array.from({ length: 1500 }, (_, i) => ({
      name: `host${i}.bulk.${ZONE}`,
      type: 'A' as const,
      records: [`10.0.${Math.floor(i / 250)}.${i % 250}`],
    }));
    const big = buildZoneSnapshot({
      zone: 'bulk.test',
      serial: 7,
      recordSets: many.map((m) => ({ ...m, name: m.name.replace(`.bulk.${ZONE}`, '.bulk.test') })),
    });
    const s = new DnsServer({ port: 0, zones: [big], allowTransferFrom: ['127.0.0.1'] });
    const { port } = await s.listen();
    try {
      const r = await dig({ port }, ['bulk.test', 'AXFR']);
      const m = /XFR size: (\d+) records \(messages (\d+)/.exec(r.text);
      assert.ok(m !== null, r.text.slice(-500));
      assert.equal(Number(m[1]), 1500 + 3); // SOA, NS, 1500 A, SOA
      assert.ok(Number(m[2]) > 1);
    } finally {
      await s.close();
    }
  });
});

describe('SecondaryNotifier', () => {
  it('a BIND secondary converges after a swap + NOTIFY (serial and answers)', async () => {
    assert.equal(await serialAt(named.port), 1);
    server.swapZone(
      zone(2, '192.0.2.2', [{ name: `new.${ZONE}`, type: 'TXT', records: ['fresh'] }]),
    );
    const ms = await waitFor('the secondary to reach serial 2', async () => {
      if ((await serialAt(named.port)) !== 2) return false;
      const www = await dig({ port: named.port }, [`www.${ZONE}`, 'A']);
      return www.answer.some((a) => a.data === '192.0.2.2');
    });
    const txt = await dig({ port: named.port }, [`new.${ZONE}`, 'TXT']);
    assert.deepEqual(
      txt.answer.map((a) => a.data),
      ['"fresh"'],
    );
    const big = await dig({ port: named.port }, [`txt.${ZONE}`, 'TXT']);
    assert.equal(big.answer.length, 2);
    const wild = await dig({ port: named.port }, [`x.wild.${ZONE}`, 'A']);
    assert.deepEqual(
      wild.answer.map((a) => a.data),
      ['192.0.2.77'],
    );
    // Four more swaps, for a figure (printed, never asserted: wall-clock time).
    const times = [ms];
    for (let serial = 3; serial <= 6; serial++) {
      server.swapZone(zone(serial, `192.0.2.${serial}`));
      times.push(
        await waitFor(`serial ${serial}`, async () => (await serialAt(named.port)) === serial),
      );
    }
    times.sort((a, b) => a - b);
    console.log(
      `# secondary convergence after swap + NOTIFY: median ${times[2]!.toFixed(0)} ms, ` +
        `min ${times[0]!.toFixed(0)} ms, max ${times[4]!.toFixed(0)} ms (5 swaps)`,
    );
    await waitFor('the NOTIFY result', () => Promise.resolve(results.some((r) => r.serial === 2)));
    const r = results.find((x) => x.serial === 2)!;
    assert.equal(r.outcome, 'acknowledged');
    assert.equal(r.zone, ZONE);
  });

  it('reports a secondary that never answers as unanswered after maxAttempts', async () => {
    const deadPort = await freePort();
    const n = new SecondaryNotifier({
      secondaries: [{ host: '127.0.0.1', port: deadPort }],
      retryIntervalMs: 50,
      maxAttempts: 3,
    });
    const [r] = await n.notify(zone(3, '192.0.2.3'));
    assert.equal(r?.outcome, 'unanswered');
    assert.equal(r?.attempts, 3);
    n.close();
  });

  it('rejects bad options, naming them', () => {
    assert.throws(
      () => new SecondaryNotifier({ secondaries: [{ host: 'x', port: 0 }] }),
      /secondaries/,
    );
    assert.throws(
      () => new SecondaryNotifier({ secondaries: [], retryIntervalMs: 0 }),
      /retryIntervalMs/,
    );
    assert.throws(() => new SecondaryNotifier({ secondaries: [], maxAttempts: 0 }), /maxAttempts/);
    assert.throws(() => new DnsServer({ allowTransferFrom: ['nope'] }), /allowTransferFrom/);
  });
});
