/**
 * DNS over TCP against the real listener (RFC 7766): framing split across writes, several
 * queries pipelined on one connection, the per-connection query limit, the connection limit
 * and the idle timeout — the timeout driven by a ManualClock, so no test waits on real time
 * for it. Also the server's status: the stale flag and its event.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import dnsPacket from 'dns-packet';
import { systemClock } from '../../src/core/clock.js';
import { ManualClock } from '../../src/core/testing/manual-clock.js';
import { DnsServer } from '../../src/dns/server/dns-server.js';
import type { DnsServerOptions, StaleChangeEvent } from '../../src/dns/server/dns-server.js';
import { exampleZone } from './example-zone.js';

let server: DnsServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: DnsServerOptions = {}): Promise<number> {
  server = new DnsServer({ port: 0, zones: [exampleZone()], ...options });
  return (await server.listen()).port;
}

function frame(id: number, name: string, type = 'A'): Buffer {
  const q = dnsPacket.encode({ type: 'query', id, questions: [{ name, type: type as 'A' }] });
  const f = Buffer.alloc(q.length + 2);
  f.writeUInt16BE(q.length, 0);
  q.copy(f, 2);
  return f;
}

/** A client that collects framed responses and notices the server closing. */
function client(port: number): {
  socket: net.Socket;
  responses: dnsPacket.DecodedPacket[];
  closed: Promise<void>;
  connected: Promise<void>;
} {
  const socket = net.connect(port, '127.0.0.1');
  const responses: dnsPacket.DecodedPacket[] = [];
  let buf = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const len = buf.readUInt16BE(0);
      responses.push(dnsPacket.decode(buf.subarray(2, 2 + len)));
      buf = buf.subarray(2 + len);
    }
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  const connected = new Promise<void>((r) => socket.once('connect', () => r()));
  return { socket, responses, closed, connected };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await systemClock.sleep(10);
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('DnsServer over TCP', () => {
  it('answers pipelined queries in order, whatever the framing', async () => {
    const port = await start();
    const c = client(port);
    await c.connected;
    const all = Buffer.concat([
      frame(1, 'www.example.test'),
      frame(2, 'big.example.test', 'TXT'),
      frame(3, 'nope.example.test'),
    ]);
    // Split at awkward places: inside a length prefix, inside a message.
    c.socket.write(all.subarray(0, 1));
    c.socket.write(all.subarray(1, 25));
    c.socket.write(all.subarray(25));
    await until(() => c.responses.length === 3, 'three responses');
    assert.deepEqual(
      c.responses.map((r) => r.id),
      [1, 2, 3],
    );
    assert.equal(c.responses[1]!.answers?.length, 10, 'no truncation over TCP');
    assert.equal((c.responses[2] as { rcode?: string }).rcode, 'NXDOMAIN');
    c.socket.end();
    await c.closed;
  });

  it('closes a connection after tcpMaxQueriesPerConnection answers', async () => {
    const port = await start({ tcpMaxQueriesPerConnection: 3 });
    const c = client(port);
    await c.connected;
    c.socket.write(Buffer.concat([1, 2, 3, 4, 5].map((id) => frame(id, 'www.example.test'))));
    await c.closed;
    assert.deepEqual(
      c.responses.map((r) => r.id),
      [1, 2, 3],
    );
  });

  it('refuses connections past tcpMaxConnections', async () => {
    const port = await start({ tcpMaxConnections: 2 });
    const a = client(port);
    const b = client(port);
    await Promise.all([a.connected, b.connected]);
    await until(() => server!.status().tcpConnections === 2, 'two connections');
    const c = client(port);
    await c.closed;
    assert.equal(server!.status().tcpRefused, 1);
    a.socket.write(frame(9, 'www.example.test'));
    await until(() => a.responses.length === 1, 'an answer on a kept connection');
    a.socket.destroy();
    b.socket.destroy();
  });

  it('closes idle connections after tcpIdleTimeoutMs on its clock, and dribblers too', async () => {
    const clock = new ManualClock();
    const port = await start({ clock, tcpIdleTimeoutMs: 5000 });
    const c = client(port);
    await c.connected;
    await until(() => server!.status().tcpConnections === 1, 'the connection');
    c.socket.write(frame(1, 'www.example.test'));
    await until(() => c.responses.length === 1, 'an answer');
    clock.advance(4000);
    // Half a frame does not count as activity: only whole queries do.
    c.socket.write(frame(2, 'www.example.test').subarray(0, 5));
    await systemClock.sleep(20);
    clock.advance(999);
    assert.equal(server!.status().tcpConnections, 1);
    clock.advance(1);
    await c.closed;
    await until(() => server!.status().tcpConnections === 0, 'the close to be seen');
  });

  it('reports a stale source in its status and through onStaleChange', async () => {
    const clock = new ManualClock({ startMs: 1_000 });
    await start({ clock });
    const events: StaleChangeEvent[] = [];
    server!.onStaleChange((e) => events.push(e));
    server!.markSourceUnreachable('store timed out');
    clock.advance(500);
    server!.markSourceUnreachable('store timed out');
    const s = server!.status();
    assert.equal(s.stale, true);
    assert.equal(s.staleReason, 'store timed out');
    assert.equal(s.staleSinceMs, 1_000);
    assert.equal(s.lastLoadAtMs, 1_000);
    server!.markSourceHealthy();
    assert.equal(server!.status().stale, false);
    assert.deepEqual(events, [
      { stale: true, reason: 'store timed out' },
      { stale: false, reason: undefined },
    ]);
  });

  it('rejects bad options, naming them', () => {
    assert.throws(
      () => new DnsServer({ address: 'localhost' }),
      /address must be an IP address, got 'localhost'/,
    );
    assert.throws(() => new DnsServer({ port: 70_000 }), /port must be in \[0, 65535\], got 70000/);
    assert.throws(() => new DnsServer({ tcpIdleTimeoutMs: 0 }), /tcpIdleTimeoutMs/);
    assert.throws(() => new DnsServer({ udp: false, tcp: false }), /cannot both be false/);
  });
});
