/**
 * @module
 * Encodes responses, with name compression (RFC 1035 §4.1.4) and truncation.
 *
 * Why by hand, when `dns-packet` decodes our queries: its encoder never compresses names,
 * and compression is what lets a realistic answer fit in 512 bytes. The writer knows only
 * the types a snapshot holds (A, AAAA, CNAME, TXT, MX, SRV, SOA, NS) and OPT. Names are
 * compressed only where RFC 3597 §4 allows it (CNAME, NS, SOA, MX RDATA, owner names), never
 * in SRV RDATA (RFC 2782). The question is written from the query's raw labels, so its case
 * is echoed (0x20 randomisation); answer owners point back at it.
 *
 * Truncation (RFC 2181 §9, RFC 6891 §7): when the message exceeds the limit, the additional
 * records are dropped first (they are optional); if it still does not fit, the answer goes
 * out with TC=1 and empty sections (OPT kept), and the client retries over TCP.
 */
import { parseIpAddress } from '../latency-routing.js';
import type { NsRecord, SoaRecord } from '../zone-snapshot.js';
import type {
  AddressRecord,
  CnameRecord,
  MxRecord,
  SrvRecord,
  TxtRecord,
} from '../../record-set.js';
import type { Rr } from './resolve.js';
import { CLASS_IN, FLAG_AA, FLAG_QR, FLAG_TC, TYPE } from './wire.js';

/** The question as it will be echoed. */
export interface QuestionSpec {
  /** Raw labels as sent (case kept). */
  readonly labels: readonly Uint8Array[];
  /** Lower-case presentation labels (for compression matching). */
  readonly keys: readonly string[];
  readonly qtype: number;
  readonly qclass: number;
}

/** One EDNS option to send: code and raw data. */
export interface EdnsOption {
  readonly code: number;
  readonly data: Uint8Array;
}

/** The OPT record of a response (RFC 6891 §6.1.3). */
export interface EdnsSpec {
  /** Our UDP payload size. */
  readonly udpPayloadSize: number;
  /** Copy of the query's DO bit (RFC 3225 §3). */
  readonly dnssecOk: boolean;
  readonly options: readonly EdnsOption[];
}

/** Everything a response says. */
export interface ResponseSpec {
  readonly id: number;
  readonly opcode: number;
  readonly aa: boolean;
  readonly rd: boolean;
  readonly cd: boolean;
  /** Full RCODE (values > 15 need `edns`: their upper bits go in the OPT TTL). */
  readonly rcode: number;
  readonly question: QuestionSpec | undefined;
  readonly answer: readonly Rr[];
  readonly authority: readonly Rr[];
  readonly additional: readonly Rr[];
  readonly edns: EdnsSpec | undefined;
}

/** Thrown internally when a message would exceed 65 535 bytes. */
class MessageTooBig extends Error {}

/** Largest DNS message (the TCP length prefix is 16 bits). */
const MAX_MESSAGE = 65_535;

class Writer {
  readonly buf = Buffer.allocUnsafe(MAX_MESSAGE);
  pos = 0;
  readonly names = new Map<string, number>();

  reset(): void {
    this.pos = 0;
    this.names.clear();
  }

  room(n: number): void {
    if (this.pos + n > MAX_MESSAGE) throw new MessageTooBig();
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.pos++] = v;
  }

  u16(v: number): void {
    this.room(2);
    this.buf.writeUInt16BE(v & 0xffff, this.pos);
    this.pos += 2;
  }

  u32(v: number): void {
    this.room(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Writes raw labels, remembering each suffix for compression. */
  rawName(labels: readonly Uint8Array[], keys: readonly string[]): void {
    for (let i = 0; i < labels.length; i++) {
      if (this.pos < 0x4000) {
        const suffix = i === 0 ? keys.join('.') : keys.slice(i).join('.');
        if (!this.names.has(suffix)) this.names.set(suffix, this.pos);
      }
      const label = labels[i]!;
      this.u8(label.length);
      this.bytes(label);
    }
    this.u8(0);
  }

  /** Writes a plain lower-case name (no escapes: zone data), compressed if allowed. */
  name(name: string, compress: boolean): void {
    if (name === '' || name === '.') {
      this.u8(0);
      return;
    }
    const labels = name.split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = i === 0 ? name : labels.slice(i).join('.');
      if (compress) {
        const at = this.names.get(suffix);
        if (at !== undefined) {
          this.u16(0xc000 | at);
          return;
        }
        if (this.pos < 0x4000) this.names.set(suffix, this.pos);
      }
      const label = labels[i]!;
      this.room(1 + label.length);
      this.buf[this.pos] = label.length;
      this.buf.write(label, this.pos + 1, 'latin1');
      this.pos += 1 + label.length;
    }
    this.u8(0);
  }

  rr(rr: Rr): void {
    this.name(rr.name, true);
    this.u16(rr.type);
    this.u16(CLASS_IN);
    this.u32(rr.ttl);
    const lengthAt = this.pos;
    this.u16(0);
    this.rdata(rr);
    this.buf.writeUInt16BE(this.pos - lengthAt - 2, lengthAt);
  }

  rdata(rr: Rr): void {
    switch (rr.type) {
      case TYPE.A:
      case TYPE.AAAA: {
        const ip = parseIpAddress((rr.data as AddressRecord).address);
        if (ip === undefined) throw new TypeError(`bad address in ${rr.name}`);
        this.bytes(ip.bytes);
        return;
      }
      case TYPE.CNAME:
        this.name((rr.data as CnameRecord).target, true);
        return;
      case TYPE.NS:
        this.name((rr.data as NsRecord).host, true);
        return;
      case TYPE.MX: {
        const d = rr.data as MxRecord;
        this.u16(d.preference);
        this.name(d.exchange, true);
        return;
      }
      case TYPE.SRV: {
        const d = rr.data as SrvRecord;
        this.u16(d.priority);
        this.u16(d.weight);
        this.u16(d.port);
        this.name(d.target, false);
        return;
      }
      case TYPE.TXT: {
        // One or more <character-string>s of at most 255 bytes (RFC 1035 §3.3.14).
        const text = Buffer.from((rr.data as TxtRecord).text, 'utf8');
        if (text.length === 0) this.u8(0);
        for (let at = 0; at < text.length; at += 255) {
          const chunk = text.subarray(at, Math.min(text.length, at + 255));
          this.u8(chunk.length);
          this.bytes(chunk);
        }
        return;
      }
      case TYPE.SOA: {
        const d = rr.data as SoaRecord;
        this.name(d.mname, true);
        this.name(d.rname, true);
        this.u32(d.serial);
        this.u32(d.refresh);
        this.u32(d.retry);
        this.u32(d.expire);
        this.u32(d.minimum);
        return;
      }
      default:
        throw new TypeError(`cannot encode RR type ${rr.type}`);
    }
  }

  opt(edns: EdnsSpec, rcode: number): void {
    this.u8(0);
    this.u16(TYPE.OPT);
    this.u16(edns.udpPayloadSize);
    // TTL: EXTENDED-RCODE (upper 8 of 12 bits), VERSION 0, DO, Z (RFC 6891 §6.1.3).
    this.u8((rcode >> 4) & 0xff);
    this.u8(0);
    this.u16(edns.dnssecOk ? 0x8000 : 0);
    let len = 0;
    for (const o of edns.options) len += 4 + o.data.length;
    this.u16(len);
    for (const o of edns.options) {
      this.u16(o.code);
      this.u16(o.data.length);
      this.bytes(o.data);
    }
  }
}

const writer = new Writer();

function write(spec: ResponseSpec, sections: 0 | 1 | 2): number {
  const w = writer;
  w.reset();
  const tc = sections === 0;
  const b2 =
    FLAG_QR |
    ((spec.opcode & 0xf) << 3) |
    (spec.aa ? FLAG_AA : 0) |
    (tc ? FLAG_TC : 0) |
    (spec.rd ? 1 : 0);
  const b3 = (spec.cd ? 0x10 : 0) | (spec.rcode & 0xf);
  const answer = sections === 0 ? [] : spec.answer;
  const authority = sections === 0 ? [] : spec.authority;
  const additional = sections === 2 ? spec.additional : [];
  w.u16(spec.id);
  w.u8(b2);
  w.u8(b3);
  w.u16(spec.question === undefined ? 0 : 1);
  w.u16(answer.length);
  w.u16(authority.length);
  w.u16(additional.length + (spec.edns === undefined ? 0 : 1));
  if (spec.question !== undefined) {
    w.rawName(spec.question.labels, spec.question.keys);
    w.u16(spec.question.qtype);
    w.u16(spec.question.qclass);
  }
  for (const rr of answer) w.rr(rr);
  for (const rr of authority) w.rr(rr);
  for (const rr of additional) w.rr(rr);
  if (spec.edns !== undefined) w.opt(spec.edns, spec.rcode);
  return w.pos;
}

/**
 * Encodes `spec` into a fresh buffer of at most `limit` bytes (512 … 65 535), truncating as
 * described in the module comment. Returns undefined only if even the truncated form does
 * not fit, which a question of at most 255 bytes never causes.
 */
export function encodeResponse(spec: ResponseSpec, limit: number): Buffer | undefined {
  for (const sections of [2, 1, 0] as const) {
    if (sections === 1 && spec.additional.length === 0) continue;
    let len: number;
    try {
      len = write(spec, sections);
    } catch (e) {
      if (e instanceof MessageTooBig) continue;
      throw e;
    }
    if (len <= limit) return Buffer.from(writer.buf.subarray(0, len));
  }
  return undefined;
}
