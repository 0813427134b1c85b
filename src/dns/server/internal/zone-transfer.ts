/**
 * @module
 * Outgoing zone transfers for standard secondaries: AXFR (RFC 5936) over TCP, and IXFR
 * (RFC 1995) answered with the whole zone — RFC 1995 §4 allows that when the server keeps no
 * history ("the entire zone is returned", AXFR-style, first and last record the SOA), which
 * is our case: a snapshot is replaced, never patched. An IXFR from a secondary that already
 * has our serial gets the single SOA that says "up to date" (RFC 1995 §2).
 *
 * Only addresses on the allow-list get a zone; anyone else is REFUSED (RFC 5936 §2.2.1
 * leaves access control to the server; BIND's allow-transfer does the same), and a zone we do
 * not serve is NOTAUTH. Transfers over UDP never reach this module: the responder refuses
 * them (RFC 5936 §4.2: AXFR is TCP-only).
 *
 * Encoded with `dns-packet` (no name compression: a transfer is one or more TCP messages of
 * up to {@link MAX_TRANSFER_MESSAGE_BYTES}, so size does not matter as it does for UDP
 * answers). Latency-routing variants are not transferred: a secondary serves the default
 * records, as BIND would.
 */
import type { Socket } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Clock, Timer } from '../../../core/clock.js';
import type { DnsResponder } from '../dns-responder.js';
import type { ServedRecordSet, ZoneSnapshot } from '../zone-snapshot.js';
import { TYPE } from './wire.js';
import { TcpFrameReader } from './tcp-framing.js';

/**
 * Bytes per transfer message before a new one is started. 16 KiB, well below the 64 KiB TCP
 * message limit, as BIND's and Knot's transfers chunk their messages.
 */
export const MAX_TRANSFER_MESSAGE_BYTES = 16_384;

/**
 * True when `msg` is a standard query (QR=0, opcode 0) whose single question asks for AXFR
 * or IXFR. Cheap: looks at the header and the bytes after the first name only.
 */
export function isZoneTransferQuery(msg: Buffer): boolean {
  if (msg.length < 17 || (msg[2]! & 0xf8) !== 0 || msg.readUInt16BE(4) !== 1) return false;
  let at = 12;
  while (at < msg.length) {
    const len = msg[at]!;
    if (len === 0) break;
    if ((len & 0xc0) !== 0) return false;
    at += 1 + len;
  }
  if (at + 3 > msg.length) return false;
  const qtype = msg.readUInt16BE(at + 1);
  return qtype === TYPE.AXFR || qtype === TYPE.IXFR;
}

/** Strips the IPv4-mapped prefix so `::ffff:127.0.0.1` matches `127.0.0.1`. */
export function normaliseAddress(address: string): string {
  return address.toLowerCase().startsWith('::ffff:') && address.includes('.')
    ? address.slice(7)
    : address.toLowerCase();
}

/** `dns-packet` exports its RR codec, but its type declarations leave it out. */
const answerLength = (
  dnsPacket as unknown as {
    answer: { encodingLength: (this: void, a: dnsPacket.Answer) => number };
  }
).answer.encodingLength;

function abs(name: string): string {
  return name === '.' ? '' : name;
}

function answersOf(zone: ZoneSnapshot, set: ServedRecordSet): dnsPacket.Answer[] {
  const out: dnsPacket.Answer[] = [];
  for (const r of set.records as unknown as readonly Record<string, unknown>[]) {
    let data: unknown;
    switch (set.type) {
      case 'A':
      case 'AAAA':
        data = r['address'];
        break;
      case 'CNAME':
        data = r['target'];
        break;
      case 'NS':
        data = r['host'];
        break;
      case 'TXT': {
        const bytes = Buffer.from(String(r['text']), 'utf8');
        const chunks: Buffer[] = [];
        for (let at = 0; at < bytes.length; at += 255) chunks.push(bytes.subarray(at, at + 255));
        data = chunks.length === 0 ? [Buffer.alloc(0)] : chunks;
        break;
      }
      case 'MX':
        data = { preference: r['preference'], exchange: abs(String(r['exchange'])) };
        break;
      case 'SRV':
        data = {
          priority: r['priority'],
          weight: r['weight'],
          port: r['port'],
          target: abs(String(r['target'])),
        };
        break;
      case 'SOA':
        data = { ...r };
        break;
    }
    out.push({
      name: set.name === '' ? zone.zone : set.name,
      type: set.type,
      class: 'IN',
      ttl: set.ttl,
      data,
    } as unknown as dnsPacket.Answer);
  }
  return out;
}

function response(
  query: dnsPacket.DecodedPacket,
  rcode: number,
  withQuestion: boolean,
  answers: dnsPacket.Answer[],
): Buffer {
  // QR is set by type 'response'; AA (bit 10); opcode 0; the RCODE in the low 4 bits.
  return dnsPacket.encode({
    id: query.id ?? 0,
    type: 'response',
    flags: dnsPacket.AUTHORITATIVE_ANSWER | rcode,
    questions: withQuestion ? (query.questions ?? []) : [],
    answers,
  });
}

/**
 * Answers one AXFR/IXFR query (already known to be one, see {@link isZoneTransferQuery}):
 * the messages to send, in order.
 *
 * @param source the client's address (checked against `allowFrom`)
 */
export function answerZoneTransfer(
  msg: Buffer,
  source: string,
  zones: readonly ZoneSnapshot[],
  allowFrom: ReadonlySet<string>,
): Buffer[] {
  let query: dnsPacket.DecodedPacket;
  try {
    query = dnsPacket.decode(msg);
  } catch {
    const out = Buffer.alloc(12);
    msg.copy(out, 0, 0, 2);
    out[2] = 0x80;
    out[3] = 1; // FORMERR
    return [out];
  }
  if (!allowFrom.has(normaliseAddress(source))) return [response(query, 5, true, [])];
  const q = query.questions?.[0];
  const apex = (q?.name ?? '').toLowerCase().replace(/\.$/, '');
  const zone = zones.find((z) => z.zone === apex);
  if (zone === undefined) return [response(query, 9, true, [])]; // NOTAUTH
  const soa = answersOf(zone, zone.soa);
  if (q?.type === 'IXFR') {
    const theirs = (query.authorities ?? []).find((a) => a.type === 'SOA');
    const serial = (theirs?.data as { serial?: number } | undefined)?.serial;
    if (serial === zone.serial) return [response(query, 0, true, soa)];
  }
  const all: dnsPacket.Answer[] = [...soa, ...answersOf(zone, zone.ns)];
  for (const node of zone.nodes.values()) {
    for (const set of node.sets.values()) {
      if (set.type === 'SOA' || set.type === 'NS') continue;
      all.push(...answersOf(zone, set));
    }
  }
  all.push(...soa);
  const out: Buffer[] = [];
  let batch: dnsPacket.Answer[] = [];
  let bytes = 0;
  for (const a of all) {
    const size = answerLength(a);
    if (batch.length > 0 && bytes + size > MAX_TRANSFER_MESSAGE_BYTES) {
      out.push(response(query, 0, out.length === 0, batch));
      batch = [];
      bytes = 0;
    }
    batch.push(a);
    bytes += size;
  }
  out.push(response(query, 0, out.length === 0, batch));
  return out;
}

/** What a {@link ZoneTransferConnection} needs from its server. */
export interface ZoneTransferConnectionContext {
  readonly responder: DnsResponder;
  readonly clock: Clock;
  readonly idleTimeoutMs: number;
  readonly maxQueries: number;
  readonly allowFrom: ReadonlySet<string>;
  readonly onClose: (conn: ZoneTransferConnection) => void;
}

/**
 * A TCP connection from an address on the transfer allow-list: the same RFC 7766 framing,
 * idle timeout and query limit as `TcpConnection`, but an AXFR/IXFR is answered with as many
 * messages as the zone needs. Every other query goes to the responder. Only allow-listed
 * peers (a handful of secondaries) ever get one, so the hot path of ordinary clients is the
 * untouched `TcpConnection`.
 */
export class ZoneTransferConnection {
  readonly #socket: Socket;
  readonly #ctx: ZoneTransferConnectionContext;
  readonly #source: string;
  readonly #frames = new TcpFrameReader();
  #queries = 0;
  #lastActivity: number;
  #timer: Timer | undefined;
  #closed = false;
  #ending = false;

  constructor(socket: Socket, ctx: ZoneTransferConnectionContext) {
    this.#socket = socket;
    this.#ctx = ctx;
    this.#source = socket.remoteAddress ?? '';
    this.#lastActivity = ctx.clock.monotonic();
    this.#timer = ctx.clock.setTimer(ctx.idleTimeoutMs, this.#onTimer, { unref: true });
    socket.setNoDelay(true);
    socket.on('data', this.#onData);
    socket.on('error', () => {
      // 'close' follows.
    });
    socket.on('close', this.#onClose);
  }

  /** Closes the connection now. */
  destroy(): void {
    this.#socket.destroy();
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    if (this.#closed) return;
    const idle = this.#ctx.clock.monotonic() - this.#lastActivity;
    if (idle >= this.#ctx.idleTimeoutMs) {
      this.#socket.destroy();
      return;
    }
    this.#timer = this.#ctx.clock.setTimer(this.#ctx.idleTimeoutMs - idle, this.#onTimer, {
      unref: true,
    });
  };

  readonly #onData = (chunk: Buffer): void => {
    if (!this.#frames.push(chunk, this.#answerFrame, this.#isEnding)) this.#socket.destroy();
  };

  readonly #answerFrame = (message: Buffer): void => {
    this.#answer(message);
  };

  readonly #isEnding = (): boolean => this.#ending;

  #answer(msg: Buffer): void {
    const replies = isZoneTransferQuery(msg)
      ? answerZoneTransfer(msg, this.#source, this.#ctx.responder.zones, this.#ctx.allowFrom)
      : [this.#ctx.responder.respond(msg, 'tcp', this.#source)];
    this.#queries++;
    this.#lastActivity = this.#ctx.clock.monotonic();
    for (const out of replies) {
      if (out === undefined) continue;
      const framed = Buffer.allocUnsafe(out.length + 2);
      framed.writeUInt16BE(out.length, 0);
      out.copy(framed, 2);
      this.#socket.write(framed);
    }
    if (this.#queries >= this.#ctx.maxQueries) {
      this.#ending = true;
      this.#socket.end();
    }
  }

  readonly #onClose = (): void => {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#frames.clear();
    this.#ctx.onClose(this);
  };
}
