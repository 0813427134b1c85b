/**
 * @module
 * TSIG (RFC 8945) with HMAC-SHA256: signs a request and verifies the responses to it,
 * including the chained MACs of a multi-message zone transfer (RFC 8945 §5.3.1).
 *
 * Why by hand: `dns-packet` knows the TSIG type code (250) but has no codec for its RDATA,
 * and the MAC is computed over the exact bytes of the message *without* the TSIG record plus
 * the "TSIG variables" in canonical wire form — neither of which a packet library exposes.
 * The HMAC itself is node:crypto's.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type dnsPacket from 'dns-packet';
import { answerCodec, nameCodec } from './packet.js';

/** A shared TSIG key. Only HMAC-SHA256 is offered (RFC 8945 §6: mandatory to implement). */
export interface TsigKey {
  /** The key's name, as both sides configure it (`breakwater-key`). */
  readonly name: string;
  /** The secret (BIND's `secret "…"` is its base64). */
  readonly secret: Buffer;
}

/** The algorithm name on the wire. */
export const TSIG_ALGORITHM = 'hmac-sha256';
/** Seconds of clock skew allowed either way: 300, RFC 8945 §10's recommendation. */
export const TSIG_FUDGE_SECONDS = 300;
const TYPE_TSIG = 250;
const CLASS_ANY = 255;

/** The lower-case, uncompressed wire form of a name (RFC 8945 §4.3.3 "canonical"). */
function wireName(name: string): Buffer {
  const labels = name
    .toLowerCase()
    .replace(/\.$/, '')
    .split('.')
    .filter((l) => l !== '');
  const parts: Buffer[] = [];
  for (const l of labels) {
    const b = Buffer.from(l, 'ascii');
    parts.push(Buffer.from([b.length]), b);
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function u48(seconds: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(seconds, 0, 6);
  return b;
}

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v, 0);
  return b;
}

function macOf(key: TsigKey, parts: readonly Buffer[]): Buffer {
  const h = createHmac('sha256', key.secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** A signed message and the MAC its response's MAC will chain from. */
export interface SignedMessage {
  readonly message: Buffer;
  readonly mac: Buffer;
}

/**
 * Appends a TSIG record to `message` (whose ARCOUNT is bumped). `timeSigned` is seconds since
 * the epoch (from the caller's Clock). `requestMac` signs a response to that request.
 */
export function signMessage(
  message: Buffer,
  key: TsigKey,
  timeSigned: number,
  requestMac?: Buffer,
): SignedMessage {
  const keyName = wireName(key.name);
  const alg = wireName(TSIG_ALGORITHM);
  const time = u48(Math.floor(timeSigned));
  const fudge = u16(TSIG_FUDGE_SECONDS);
  const variables = [
    keyName,
    u16(CLASS_ANY),
    Buffer.alloc(4), // TTL 0
    alg,
    time,
    fudge,
    u16(0), // error
    u16(0), // other len
  ];
  // A response's MAC also covers the request's (RFC 8945 §4.3.1); used by tests and peers.
  const prefix = requestMac === undefined ? [] : [u16(requestMac.length), requestMac];
  const mac = macOf(key, [...prefix, message, ...variables]);
  const rdata = Buffer.concat([
    alg,
    time,
    fudge,
    u16(mac.length),
    mac,
    message.subarray(0, 2),
    u16(0),
    u16(0),
  ]);
  const rr = answerCodec.encode({
    name: key.name,
    type: 'TSIG' as dnsPacket.RecordType,
    class: 'ANY',
    ttl: 0,
    data: rdata,
  } as unknown as dnsPacket.Answer);
  const out = Buffer.concat([message, rr]);
  out.writeUInt16BE(message.readUInt16BE(10) + 1, 10);
  return { message: out, mac };
}

/** Skips a (possibly compressed) name; returns the offset after it. */
function skipName(buf: Buffer, at: number): number {
  for (;;) {
    if (at >= buf.length) throw new RangeError('truncated name');
    const len = buf[at]!;
    if (len === 0) return at + 1;
    if ((len & 0xc0) === 0xc0) return at + 2;
    at += 1 + len;
  }
}

/** Where the last additional record starts, if it is a TSIG record. */
function findTsig(msg: Buffer): number | undefined {
  if (msg.length < 12) return undefined;
  const counts = [
    msg.readUInt16BE(4),
    msg.readUInt16BE(6),
    msg.readUInt16BE(8),
    msg.readUInt16BE(10),
  ];
  let at = 12;
  for (let i = 0; i < counts[0]!; i++) at = skipName(msg, at) + 4;
  const rrs = counts[1]! + counts[2]! + counts[3]!;
  let last = -1;
  for (let i = 0; i < rrs; i++) {
    last = at;
    at = skipName(msg, at);
    at += 10 + msg.readUInt16BE(at + 8);
  }
  if (last < 0 || counts[3] === 0) return undefined;
  const t = skipName(msg, last);
  return msg.readUInt16BE(t) === TYPE_TSIG ? last : undefined;
}

interface ParsedTsig {
  readonly start: number;
  readonly keyName: Buffer;
  readonly alg: string;
  readonly time: Buffer;
  readonly fudge: number;
  readonly mac: Buffer;
  readonly originalId: number;
  readonly error: number;
  readonly other: Buffer;
}

function parseTsig(msg: Buffer, start: number): ParsedTsig {
  const nameEnd = skipName(msg, start);
  let at = nameEnd + 10;
  const algStart = at;
  at = skipName(msg, at);
  const alg = nameCodec.decode(msg, algStart).toLowerCase();
  const time = msg.subarray(at, at + 6);
  const fudge = msg.readUInt16BE(at + 6);
  const macLen = msg.readUInt16BE(at + 8);
  const mac = msg.subarray(at + 10, at + 10 + macLen);
  at += 10 + macLen;
  const originalId = msg.readUInt16BE(at);
  const error = msg.readUInt16BE(at + 2);
  const otherLen = msg.readUInt16BE(at + 4);
  const other = msg.subarray(at + 6, at + 6 + otherLen);
  return {
    start,
    keyName: wireName(nameCodec.decode(msg, start)),
    alg,
    time,
    fudge,
    mac,
    originalId,
    error,
    other,
  };
}

/** The message as it was before the TSIG record was added: ARCOUNT − 1, original ID. */
function unsignedPart(msg: Buffer, t: ParsedTsig): Buffer {
  const body = Buffer.from(msg.subarray(0, t.start));
  body.writeUInt16BE(t.originalId, 0);
  body.writeUInt16BE(msg.readUInt16BE(10) - 1, 10);
  return body;
}

/**
 * Verifies the responses to one signed request, in order: the first must be signed (its MAC
 * covers the request's MAC), and in a multi-message transfer each later signed message's MAC
 * covers the previous MAC, the unsigned messages since, and the timers (RFC 8945 §5.3.1).
 */
export class TsigResponseVerifier {
  readonly #key: TsigKey;
  readonly #nowSeconds: number;
  #prevMac: Buffer;
  #first = true;
  #unsigned: Buffer[] = [];

  constructor(key: TsigKey, requestMac: Buffer, nowSeconds: number) {
    this.#key = key;
    this.#prevMac = requestMac;
    this.#nowSeconds = nowSeconds;
  }

  /** Returns undefined when `msg` is acceptable, else why not. */
  verify(msg: Buffer): string | undefined {
    let start: number | undefined;
    try {
      start = findTsig(msg);
    } catch {
      return 'malformed message';
    }
    if (start === undefined) {
      if (this.#first) return 'the response is not signed';
      // RFC 8945 §5.3.1: at most 99 unsigned messages between two signed ones.
      if (this.#unsigned.length >= 99) return 'more than 99 unsigned messages in a row';
      this.#unsigned.push(Buffer.from(msg));
      return undefined;
    }
    const t = parseTsig(msg, start);
    if (!t.keyName.equals(wireName(this.#key.name))) return 'signed with another key';
    if (t.alg !== TSIG_ALGORITHM) return `signed with ${t.alg}`;
    if (t.error !== 0) return `TSIG error ${t.error}`;
    const body = unsignedPart(msg, t);
    const parts: Buffer[] = [u16(this.#prevMac.length), this.#prevMac, ...this.#unsigned, body];
    if (this.#first) {
      parts.push(t.keyName, u16(CLASS_ANY), Buffer.alloc(4), wireName(t.alg), t.time, u16(t.fudge));
      parts.push(u16(t.error), u16(t.other.length), t.other);
    } else {
      parts.push(t.time, u16(t.fudge));
    }
    const mac = macOf(this.#key, parts);
    if (mac.length !== t.mac.length || !timingSafeEqual(mac, t.mac)) return 'bad MAC';
    const signedAt = t.time.readUIntBE(0, 6);
    if (Math.abs(signedAt - this.#nowSeconds) > t.fudge) return 'signed outside the time window';
    this.#prevMac = Buffer.from(t.mac);
    this.#unsigned = [];
    this.#first = false;
    return undefined;
  }

  /** True once the last message seen was signed (a transfer must end on a signed one). */
  get settled(): boolean {
    return !this.#first && this.#unsigned.length === 0;
  }
}

/**
 * Parses a TSIG key as BIND writes one: `name:base64secret` (the form `dig -y` takes, with an
 * optional `hmac-sha256:` prefix). Throws a TypeError naming the problem.
 */
export function parseTsigKey(text: string, where: string): TsigKey {
  const parts = text.split(':');
  if (parts.length === 3 && parts[0]!.toLowerCase() === TSIG_ALGORITHM) parts.shift();
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new TypeError(
      `${where}: a TSIG key must be [hmac-sha256:]NAME:BASE64SECRET, got '${text}'`,
    );
  }
  const secret = Buffer.from(parts[1]!, 'base64');
  if (secret.length === 0)
    throw new TypeError(`${where}: the TSIG secret is not base64: '${parts[1]!}'`);
  return { name: parts[0]!, secret };
}
