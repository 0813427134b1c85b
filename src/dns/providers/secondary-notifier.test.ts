import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { EventEmitter } from '../../core/events.js';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { buildZoneSnapshot } from '../server/zone-snapshot.js';
import type { ZoneSnapshot } from '../server/zone-snapshot.js';
import { SecondaryNotifier } from './secondary-notifier.js';
import type { NotifyResult } from './secondary-notifier.js';

const zone = (serial: number): ZoneSnapshot =>
  buildZoneSnapshot({
    zone: 'n.test',
    serial,
    recordSets: [{ name: 'www.n.test', type: 'A', records: ['192.0.2.1'] }],
  });

const sockets: dgram.Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

/** A fake secondary: answers NOTIFY with `rcode` (or stays silent), records what it got. */
async function fakeSecondary(
  rcode: number | undefined,
): Promise<{ port: number; got: dnsPacket.DecodedPacket[] }> {
  const sock = dgram.createSocket('udp4');
  sockets.push(sock);
  const got: dnsPacket.DecodedPacket[] = [];
  sock.on('message', (msg, rinfo) => {
    got.push(dnsPacket.decode(msg));
    if (rcode === undefined) return;
    const out = Buffer.from(msg.subarray(0, 12));
    out[2] = 0x80 | (msg[2]! & 0x78); // QR, same opcode
    out[3] = rcode;
    out.writeUInt16BE(0, 4);
    out.writeUInt16BE(0, 6);
    out.writeUInt16BE(0, 8);
    out.writeUInt16BE(0, 10);
    sock.send(out, rinfo.port, rinfo.address);
  });
  const port = await new Promise<number>((r) =>
    sock.bind(0, '127.0.0.1', () => r(sock.address().port)),
  );
  return { port, got };
}

/** Advances the clock until `p` settles (the UDP exchange itself is real I/O). */
async function drive<T>(clock: ManualClock, p: Promise<T>, stepMs: number): Promise<T> {
  let done = false;
  void p.finally(() => (done = true)).catch(() => undefined);
  for (let i = 0; i < 1000 && !done; i++) {
    await new Promise((r) => setImmediate(r));
    if (!done) await clock.advanceAsync(stepMs);
  }
  return p;
}

describe('SecondaryNotifier', () => {
  it('sends NOTIFY (opcode 4, AA, the new SOA) and reports the acknowledgement', async () => {
    const sec = await fakeSecondary(0);
    const clock = new ManualClock();
    const n = new SecondaryNotifier({
      secondaries: [{ host: '127.0.0.1', port: sec.port }],
      clock,
    });
    const [r] = await drive(clock, n.notify(zone(7)), 10);
    assert.equal(r?.outcome, 'acknowledged');
    assert.equal(r?.attempts, 1);
    const msg = sec.got[0]!;
    assert.equal((msg as { opcode?: string }).opcode, 'NOTIFY');
    assert.equal(msg.flag_aa, true);
    assert.equal(msg.questions?.[0]?.type, 'SOA');
    assert.equal((msg.answers?.[0] as { data?: { serial?: number } }).data?.serial, 7);
    n.close();
  });

  it('retries every retryIntervalMs and gives up after maxAttempts', async () => {
    const sec = await fakeSecondary(undefined);
    const clock = new ManualClock();
    const n = new SecondaryNotifier({
      secondaries: [{ host: '127.0.0.1', port: sec.port }],
      clock,
      retryIntervalMs: 1000,
      maxAttempts: 4,
    });
    const [r] = await drive(clock, n.notify(zone(1)), 250);
    assert.equal(r?.outcome, 'unanswered');
    assert.equal(r?.attempts, 4);
    assert.equal(sec.got.length, 4);
    n.close();
  });

  it('reports a refusal with its RCODE, and follows a swap source', async () => {
    const sec = await fakeSecondary(5);
    const clock = new ManualClock();
    const swaps = new EventEmitter<readonly ZoneSnapshot[]>();
    const n = new SecondaryNotifier({
      secondaries: [{ host: '127.0.0.1', port: sec.port }],
      clock,
      server: { onZoneSwap: swaps.event },
    });
    const results: NotifyResult[] = [];
    n.onNotifyResult((r) => results.push(r));
    swaps.emit([zone(3)]);
    await drive(
      clock,
      new Promise<void>((resolve) => {
        const check = (): void => {
          if (results.length > 0) resolve();
          else setImmediate(check);
        };
        check();
      }),
      10,
    );
    assert.equal(results[0]?.outcome, 'refused');
    assert.equal(results[0]?.rcode, 'REFUSED');
    n.close();
    swaps.emit([zone(4)]);
    assert.equal(sec.got.length, 1);
  });

  it('abandons retries for a serial a newer swap superseded', async () => {
    const sec = await fakeSecondary(undefined);
    const clock = new ManualClock();
    const n = new SecondaryNotifier({
      secondaries: [{ host: '127.0.0.1', port: sec.port }],
      clock,
      retryIntervalMs: 1000,
      maxAttempts: 10,
    });
    const first = n.notify(zone(1));
    await new Promise((r) => setImmediate(r));
    const second = n.notify(zone(2));
    const [r1] = await drive(clock, first, 500);
    assert.equal(r1?.outcome, 'superseded');
    n.close();
    const [r2] = await drive(clock, second, 500);
    assert.equal(r2?.outcome, 'superseded');
  });
});
