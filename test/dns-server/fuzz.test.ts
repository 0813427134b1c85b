/**
 * Fuzzing the server over real sockets: at least 100,000 random and mutated packets over
 * UDP, plus mutated frames and raw garbage over TCP, against a server in its own process.
 * Each UDP packet must be answered with a well-formed response carrying its ID, or dropped;
 * the server must stay up and its memory and cache must stay bounded. The seed is printed;
 * `FUZZ_SEED=<seed>` replays a run exactly (`FUZZ_PACKETS` changes the count).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import dnsPacket from 'dns-packet';
import { systemClock } from '../../src/core/clock.js';
import { Rng } from '../../src/core/rng.js';
import type { DnsServerStatus } from '../../src/dns/server/dns-server.js';

const seed =
  process.env['FUZZ_SEED'] !== undefined
    ? Number(process.env['FUZZ_SEED'])
    : Rng.fromEntropy().seed;
const PACKETS = Number(process.env['FUZZ_PACKETS'] ?? 100_000);
console.log(`fuzz.test.ts seed: ${seed} (FUZZ_SEED=${seed} reproduces), ${PACKETS} UDP packets`);

interface ChildReport {
  status: DnsServerStatus;
  memory: NodeJS.MemoryUsage;
}

let child: ChildProcess;
let port = 0;

function request(): Promise<ChildReport> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown): void => {
      if (typeof m === 'object' && m !== null && 'status' in m) {
        child.off('message', onMessage);
        resolve(m as ChildReport);
      }
    };
    child.on('message', onMessage);
    child.send('status');
  });
}

before(async () => {
  child = fork(fileURLToPath(new URL('./fuzz-server.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`fuzz server exited with ${String(code)}`)));
  });
});

after(() => {
  child.send('stop');
});

const NAMES = [
  'example.test',
  'www.example.test',
  'docs.example.test',
  'help.example.test',
  'geo.example.test',
  'big.example.test',
  'x.wild.example.test',
  'b.c.example.test',
  'nope.example.test',
  '_sip._tcp.example.test',
  'www.example.com',
];
const TYPES = [
  'A',
  'AAAA',
  'CNAME',
  'TXT',
  'MX',
  'SRV',
  'SOA',
  'NS',
  'ANY',
  'AXFR',
  'OPT',
  'CAA',
] as const;

/** A valid query, sometimes with EDNS, DO, ECS, odd case or a random name. */
function validQuery(rng: Rng): Buffer {
  let name = NAMES[rng.int(0, NAMES.length - 1)]!;
  if (rng.bool(0.3)) name = `${rng.int(0, 1e9).toString(36)}.${name}`;
  if (rng.bool(0.3)) name = [...name].map((c) => (rng.bool() ? c.toUpperCase() : c)).join('');
  const packet: dnsPacket.Packet = {
    type: 'query',
    id: 0,
    flags: rng.bool() ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ name, type: TYPES[rng.int(0, TYPES.length - 1)] as 'A' }],
  };
  if (rng.bool(0.6)) {
    const ecs = rng.bool(0.3)
      ? [
          {
            code: 8,
            family: 1,
            sourcePrefixLength: 24,
            scopePrefixLength: 0,
            ip: `10.${rng.int(1, 2)}.${rng.int(0, 255)}.0`,
          },
        ]
      : [];
    const opt = {
      type: 'OPT',
      name: '.',
      udpPayloadSize: rng.int(0, 4096),
      flags: rng.bool() ? dnsPacket.DNSSEC_OK : 0,
      options: ecs,
    };
    packet.additionals = [opt as unknown as dnsPacket.Answer];
  }
  return dnsPacket.encode(packet);
}

/** One of several mutations of a valid query, or random bytes. */
function fuzzPacket(rng: Rng): Buffer {
  const kind = rng.int(0, 9);
  if (kind === 0) {
    const b = Buffer.alloc(rng.int(0, 600));
    for (let i = 0; i < b.length; i++) b[i] = rng.int(0, 255);
    return b;
  }
  const q = validQuery(rng);
  if (kind === 1) return q;
  let b = Buffer.from(q);
  const flips = rng.int(1, 8);
  for (let i = 0; i < flips; i++) {
    const at = rng.int(0, b.length - 1);
    switch (rng.int(0, 6)) {
      case 0: // flip a bit
        b[at] = b[at]! ^ (1 << rng.int(0, 7));
        break;
      case 1: // set a byte
        b[at] = rng.int(0, 255);
        break;
      case 2: // truncate
        b = b.subarray(0, at);
        break;
      case 3: // append garbage
        b = Buffer.concat([
          b,
          Buffer.from(Array.from({ length: rng.int(1, 40) }, () => rng.int(0, 255))),
        ]);
        break;
      case 4: // a count field
        if (b.length >= 12)
          b.writeUInt16BE(rng.bool() ? rng.int(0, 3) : rng.int(0, 0xffff), 4 + 2 * rng.int(0, 3));
        break;
      case 5: // a compression pointer, often a loop or forward
        if (b.length >= 14) {
          const p = rng.int(12, b.length - 2);
          b[p] = 0xc0 | rng.int(0, 0x3f);
          b[p + 1] = rng.int(0, 255);
        }
        break;
      default: // opcode, QR, rcode and flag bits
        if (b.length >= 4) {
          b[2] = rng.int(0, 255);
          b[3] = rng.int(0, 255);
        }
    }
    if (b.length === 0) break;
  }
  return b;
}

describe('DnsServer under fuzzing', () => {
  it(`answers or drops each of ${PACKETS} random and mutated UDP packets, with bounded memory`, async () => {
    const rng = new Rng(seed);
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
    const received = new Map<number, Buffer[]>();
    let sentinel: (() => void) | undefined;
    const SENTINEL_ID = 0xffff;
    sock.on('message', (m: Buffer) => {
      if (m.length >= 2 && m.readUInt16BE(0) === SENTINEL_ID && m.length > 12 && m[12] === 8) {
        sentinel?.();
        return;
      }
      const id = m.length >= 2 ? m.readUInt16BE(0) : -1;
      const list = received.get(id);
      if (list === undefined) received.set(id, [m]);
      else list.push(m);
    });
    const sentinelQuery = dnsPacket.encode({
      type: 'query',
      id: SENTINEL_ID,
      questions: [{ name: 'sentinel.example.test', type: 'A' }],
    });
    const send = (b: Buffer): Promise<void> =>
      new Promise((resolve, reject) =>
        sock.send(b, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())),
      );

    const BATCH = 100;
    let answered = 0;
    let dropped = 0;
    let warm: ChildReport | undefined;
    const problems: string[] = [];
    for (let start = 0; start < PACKETS; start += BATCH) {
      if (start === 10_000) warm = await request();
      received.clear();
      const sent = new Map<number, Buffer>();
      for (let i = 0; i < BATCH && start + i < PACKETS; i++) {
        const id = (start + i) % 0xff00;
        const p = fuzzPacket(rng);
        if (p.length >= 2) p.writeUInt16BE(id, 0);
        sent.set(id, p);
        await send(p);
      }
      const done = new Promise<void>((resolve) => (sentinel = resolve));
      // The server answers in arrival order, so its answer to the sentinel comes after
      // every answer to this batch. Resend it if it was lost.
      for (;;) {
        await send(sentinelQuery);
        const ok = await Promise.race([
          done.then(() => true),
          systemClock.sleep(2000).then(() => false),
        ]);
        if (ok) break;
        assert.equal(child.exitCode, null, 'the server process died');
      }
      for (const [id, query] of sent) {
        const answers = received.get(id) ?? [];
        if (answers.length === 0) {
          dropped++;
          continue;
        }
        answered++;
        const r = answers[0]!;
        const hex = query.toString('hex');
        if (answers.length > 1) problems.push(`two answers to ${hex}`);
        if (r.length < 12 || (r[2]! & 0x80) === 0) problems.push(`not a response to ${hex}`);
        if (r.length > 1232) problems.push(`${r.length}-byte UDP answer to ${hex}`);
        try {
          dnsPacket.decode(r);
        } catch (e) {
          problems.push(`undecodable answer to ${hex}: ${(e as Error).message}`);
        }
      }
      for (const id of received.keys())
        if (!sent.has(id)) problems.push(`answer with unknown id ${id}`);
      if (problems.length > 0) break;
    }
    sock.close();
    assert.deepEqual(problems.slice(0, 5), [], `seed ${seed}`);
    const end = await request();
    console.log(
      `fuzz: ${answered} answered, ${dropped} dropped; server: ${JSON.stringify({
        queries: end.status.queries,
        formErr: end.status.responder.formErr,
        cacheEntries: end.status.responder.cacheEntries,
        heapMB: +(end.memory.heapUsed / 2 ** 20).toFixed(1),
        rssMB: +(end.memory.rss / 2 ** 20).toFixed(1),
      })}`,
    );
    assert.ok(answered > PACKETS / 2, 'most packets get an answer (FORMERR at least)');
    // Every packet we saw no answer to was dropped on purpose (shorter than a header, or a
    // response): the server's own count says so, give or take a datagram lost on loopback.
    const deliberate = end.status.responder.dropped + end.status.udpSendDropped;
    assert.ok(
      dropped - deliberate <= PACKETS / 1000,
      `${dropped} unanswered, ${deliberate} dropped on purpose`,
    );
    assert.ok(end.status.responder.formErr > 0);
    assert.ok(
      end.status.responder.cacheEntries <= 4000,
      `${end.status.responder.cacheEntries} cached`,
    );
    if (warm !== undefined) {
      const growth = (end.memory.heapUsed - warm.memory.heapUsed) / 2 ** 20;
      assert.ok(growth < 24, `heap grew ${growth.toFixed(1)} MiB after warm-up`);
    }
  });

  it('survives mutated frames and raw garbage over TCP', async () => {
    const rng = new Rng(seed).fork('tcp');
    let answers = 0;
    for (let c = 0; c < 40; c++) {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('data', (d: Buffer) => (answers += d.length > 0 ? 1 : 0));
      socket.on('error', () => undefined);
      await new Promise<void>((r) => socket.once('connect', () => r()));
      const chunks: Buffer[] = [];
      if (c % 4 === 0) {
        const b = Buffer.alloc(rng.int(1, 3000));
        for (let i = 0; i < b.length; i++) b[i] = rng.int(0, 255);
        chunks.push(b);
      } else {
        for (let i = 0; i < 150; i++) {
          const p = fuzzPacket(rng);
          const framed = Buffer.alloc(p.length + 2);
          framed.writeUInt16BE(p.length, 0);
          p.copy(framed, 2);
          chunks.push(framed);
        }
      }
      socket.end(Buffer.concat(chunks));
      await new Promise<void>((r) => socket.once('close', () => r()));
    }
    const s = await request();
    assert.equal(child.exitCode, null);
    assert.ok(answers > 0);
    assert.ok(s.status.tcpConnections <= 20);
    // Still serving.
    const check = dgram.createSocket('udp4');
    const reply = await new Promise<Buffer>((resolve) => {
      check.once('message', (m: Buffer) => resolve(m));
      check.send(
        dnsPacket.encode({
          type: 'query',
          id: 7,
          questions: [{ name: 'www.example.test', type: 'A' }],
        }),
        port,
        '127.0.0.1',
      );
    });
    check.close();
    assert.equal(dnsPacket.decode(reply).answers?.length, 2);
  });
});
