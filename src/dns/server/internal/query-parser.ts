/**
 * @module
 * Reading queries, in two passes of different cost.
 *
 * {@link parseFast} is the hot path: it accepts only the exact shape ordinary stub and
 * recursive resolvers send — one question, class IN, no compression, nothing but an OPT
 * record — and checks that the message ends where that shape ends. It allocates nothing and
 * fills a reused {@link FastQuery}; a message it accepts is well-formed by construction, so a
 * cached response can answer it. Anything else returns false and goes to {@link parseFull}.
 *
 * {@link parseFull} decodes the whole message with `dns-packet` (inside try/catch: a decoding
 * error is FORMERR when the header is readable, a drop otherwise) and applies the protocol
 * rules: one question (RFC 9619), nothing after the last record, at most one OPT, owned by
 * the root (RFC 6891 §6.1.1), EDNS version 0 (else BADVERS, §6.1.3), a well-formed Client
 * Subnet option (RFC 7871 §6).
 */
import dnsPacket from 'dns-packet';
import type { ClientSubnet } from '../latency-routing.js';
import type { QuestionSpec } from './response-writer.js';
import { FLAG_QR, OPCODE, OPTION_ECS, RCODE, TYPE, readWireName } from './wire.js';

/** What the fast parser found; one instance is reused for every query. */
export interface FastQuery {
  /** Offset just past the question name. */
  nameEnd: number;
  /** Offset just past QCLASS. */
  qEnd: number;
  qtype: number;
  /** True when the name has an ASCII capital (the cache key must be folded). */
  hasUpper: boolean;
  edns: boolean;
  /** The client's UDP payload size (as sent; 0 without EDNS). */
  udpSize: number;
  dnssecOk: boolean;
  /** Offsets of the ECS option's data (family … address), or -1. */
  ecsStart: number;
  ecsEnd: number;
}

/** A fresh {@link FastQuery} to reuse. */
export function newFastQuery(): FastQuery {
  return {
    nameEnd: 0,
    qEnd: 0,
    qtype: 0,
    hasUpper: false,
    edns: false,
    udpSize: 0,
    dnssecOk: false,
    ecsStart: -1,
    ecsEnd: -1,
  };
}

/**
 * Parses the common shape of a query into `q`; false means "use {@link parseFull}". Rejects
 * here (so the full path can judge): responses, opcodes other than QUERY, counts other than
 * 1/0/0/≤1, compression or non-ASCII bytes in the name, a class other than IN, meta types
 * (OPT, TKEY … ANY except ANY itself), an additional record that is not a version-0 OPT,
 * a malformed ECS option, and trailing bytes.
 */
export function parseFast(msg: Uint8Array, q: FastQuery): boolean {
  const len = msg.length;
  if (len < 17) return false;
  // QR=0, OPCODE=0 (bits 1–4 of byte 2); QDCOUNT=1, ANCOUNT=0, NSCOUNT=0, ARCOUNT≤1.
  if ((msg[2]! & 0xf8) !== 0) return false;
  if (
    msg[4] !== 0 ||
    msg[5] !== 1 ||
    msg[6] !== 0 ||
    msg[7] !== 0 ||
    msg[8] !== 0 ||
    msg[9] !== 0
  ) {
    return false;
  }
  if (msg[10] !== 0) return false;
  const arcount = msg[11]!;
  if (arcount > 1) return false;
  let pos = 12;
  let upper = false;
  for (;;) {
    const l = msg[pos]!;
    if (l === 0) break;
    if (l > 63) return false;
    const end = pos + 1 + l;
    if (end >= len) return false;
    for (let i = pos + 1; i < end; i++) {
      const b = msg[i]!;
      if (b >= 0x80) return false;
      if (b >= 0x41 && b <= 0x5a) upper = true;
    }
    pos = end;
  }
  pos++;
  if (pos - 12 > 255 || pos + 4 > len) return false;
  const qtype = (msg[pos]! << 8) | msg[pos + 1]!;
  if (msg[pos + 2] !== 0 || msg[pos + 3] !== 1) return false;
  if (qtype === 0 || qtype === TYPE.OPT || (qtype >= 128 && qtype !== TYPE.ANY)) return false;
  q.nameEnd = pos;
  q.qtype = qtype;
  q.hasUpper = upper;
  pos += 4;
  q.qEnd = pos;
  q.ecsStart = -1;
  q.ecsEnd = -1;
  if (arcount === 0) {
    q.edns = false;
    q.udpSize = 0;
    q.dnssecOk = false;
    return pos === len;
  }
  // OPT: root owner, TYPE 41, CLASS = payload size, TTL = ext-rcode, version, flags.
  if (pos + 11 > len || msg[pos] !== 0 || msg[pos + 1] !== 0 || msg[pos + 2] !== TYPE.OPT) {
    return false;
  }
  if (msg[pos + 6] !== 0) return false; // version 0 only; the full path answers BADVERS
  q.edns = true;
  q.udpSize = (msg[pos + 3]! << 8) | msg[pos + 4]!;
  q.dnssecOk = (msg[pos + 7]! & 0x80) !== 0;
  const rdlen = (msg[pos + 9]! << 8) | msg[pos + 10]!;
  pos += 11;
  const end = pos + rdlen;
  if (end !== len) return false;
  while (pos < end) {
    if (pos + 4 > end) return false;
    const code = (msg[pos]! << 8) | msg[pos + 1]!;
    const olen = (msg[pos + 2]! << 8) | msg[pos + 3]!;
    pos += 4;
    if (pos + olen > end) return false;
    if (code === OPTION_ECS) {
      if (q.ecsStart !== -1 || !ecsWellFormed(msg, pos, olen)) return false;
      q.ecsStart = pos;
      q.ecsEnd = pos + olen;
    }
    pos += olen;
  }
  return true;
}

/** RFC 7871 §6: family 1/2, prefix in range, exact address length, scope 0, no stray bits. */
function ecsWellFormed(msg: Uint8Array, at: number, olen: number): boolean {
  if (olen < 4) return false;
  const family = (msg[at]! << 8) | msg[at + 1]!;
  const source = msg[at + 2]!;
  const scope = msg[at + 3]!;
  const max = family === 1 ? 32 : family === 2 ? 128 : -1;
  if (max === -1 || source > max || scope !== 0) return false;
  const bytes = (source + 7) >> 3;
  if (olen !== 4 + bytes) return false;
  if (bytes > 0 && source % 8 !== 0) {
    const mask = 0xff >> (source % 8);
    if ((msg[at + 4 + bytes - 1]! & mask) !== 0) return false;
  }
  return true;
}

/** The client subnet in a well-formed ECS option's data (family … address). */
export function subnetOfEcs(data: Uint8Array): ClientSubnet {
  const family = data[1] === 1 ? 1 : 2;
  const address = new Uint8Array(family === 1 ? 4 : 16);
  address.set(data.subarray(4));
  return { family, address, sourcePrefixLength: data[2]! };
}

/** A query the server should answer (opcode QUERY, one question). */
export interface ParsedQuery {
  readonly kind: 'query';
  readonly id: number;
  readonly rd: boolean;
  readonly cd: boolean;
  readonly question: QuestionSpec & { readonly name: string };
  /** Present when the query had an OPT record. */
  readonly edns:
    | {
        readonly udpSize: number;
        readonly dnssecOk: boolean;
        /** The ECS option data as received, when there was one. */
        readonly ecs: Uint8Array | undefined;
      }
    | undefined;
}

/** A query to answer with an error RCODE. */
export interface RejectedQuery {
  readonly kind: 'error';
  readonly rcode: number;
  readonly id: number;
  readonly opcode: number;
  readonly rd: boolean;
  readonly cd: boolean;
  readonly question: QuestionSpec | undefined;
  /** Whether to include an OPT record (the query had a usable one). */
  readonly edns: { readonly dnssecOk: boolean } | undefined;
}

/** Messages not to answer at all: too short for a header, or a response. */
export interface DroppedQuery {
  readonly kind: 'drop';
  readonly reason: 'short' | 'response';
}

/** Result of {@link parseFull}. */
export type FullParse = ParsedQuery | RejectedQuery | DroppedQuery;

const SHORT: DroppedQuery = Object.freeze({ kind: 'drop', reason: 'short' });
const RESPONSE: DroppedQuery = Object.freeze({ kind: 'drop', reason: 'response' });

interface OptLike {
  readonly type: string;
  readonly name: string;
  readonly ednsVersion?: number;
  readonly udpPayloadSize?: number;
  readonly flags?: number;
  readonly options?: readonly { readonly code: number; readonly data?: Uint8Array }[];
}

/** Decodes and judges any message. Never throws. */
export function parseFull(msg: Buffer): FullParse {
  if (msg.length < 12) return SHORT;
  // Never answer a response: that is how two servers are made to ping-pong forever.
  if ((msg[2]! & FLAG_QR) !== 0) return RESPONSE;
  const id = (msg[0]! << 8) | msg[1]!;
  const opcode = (msg[2]! >> 3) & 0xf;
  const rd = (msg[2]! & 1) !== 0;
  const cd = (msg[3]! & 0x10) !== 0;
  const reject = (
    rcode: number,
    question: QuestionSpec | undefined,
    edns: { dnssecOk: boolean } | undefined,
  ): RejectedQuery => ({ kind: 'error', rcode, id, opcode, rd, cd, question, edns });

  let decoded: ReturnType<typeof dnsPacket.decode>;
  try {
    decoded = dnsPacket.decode(msg);
  } catch {
    return reject(RCODE.FORMERR, undefined, undefined);
  }
  // Bytes after the last record: not a message we understand (BIND says FORMERR too).
  const trailing = dnsPacket.decode.bytes !== msg.length;
  const qdcount = (msg[4]! << 8) | msg[5]!;
  let question: (QuestionSpec & { name: string }) | undefined;
  if (qdcount === 1) {
    const name = readWireName(msg, 12);
    if (name !== undefined && name.end + 4 <= msg.length) {
      question = {
        labels: name.labels,
        keys: name.keys,
        name: name.key,
        qtype: msg.readUInt16BE(name.end),
        qclass: msg.readUInt16BE(name.end + 2),
      };
    }
  }
  const opts = (decoded.additionals as unknown as OptLike[]).filter((a) => a.type === 'OPT');
  const opt = opts[0];
  const usableOpt = opts.length === 1 && opt!.name === '.';
  const ednsReply = usableOpt ? { dnssecOk: ((opt!.flags ?? 0) & 0x8000) !== 0 } : undefined;
  if (opcode !== OPCODE.QUERY) return reject(RCODE.NOTIMP, question, ednsReply);
  if (qdcount !== 1 || question === undefined || trailing) {
    return reject(RCODE.FORMERR, question, ednsReply);
  }
  if (opts.length > 1 || (opt !== undefined && opt.name !== '.')) {
    return reject(RCODE.FORMERR, question, undefined);
  }
  if (opt !== undefined && (opt.ednsVersion ?? 0) !== 0) {
    return reject(RCODE.BADVERS, undefined, ednsReply);
  }
  let ecs: Uint8Array | undefined;
  if (opt !== undefined) {
    for (const o of opt.options ?? []) {
      if (o.code !== OPTION_ECS) continue;
      const data = o.data ?? new Uint8Array(0);
      if (ecs !== undefined || !ecsWellFormed(data, 0, data.length)) {
        return reject(RCODE.FORMERR, question, ednsReply);
      }
      ecs = data;
    }
  }
  return {
    kind: 'query',
    id,
    rd,
    cd,
    question,
    edns:
      opt === undefined
        ? undefined
        : { udpSize: opt.udpPayloadSize ?? 512, dnssecOk: ednsReply!.dnssecOk, ecs },
  };
}
