/**
 * @module
 * DNS wire-format constants and the few name routines the server needs that `dns-packet`
 * does not offer: reading a name as raw labels (so the answer can echo the question byte
 * for byte — case included, for 0x20 randomisation) and spelling it in presentation form
 * with RFC 4343 escapes, so that a label holding a `.` byte can never be mistaken for two
 * labels and match a name it is not.
 */

/** RR type codes (IANA "Resource Record (RR) TYPEs"). */
export const TYPE = Object.freeze({
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  HINFO: 13,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
  OPT: 41,
  TKEY: 249,
  TSIG: 250,
  IXFR: 251,
  AXFR: 252,
  MAILB: 253,
  MAILA: 254,
  ANY: 255,
});

/** The record types a zone snapshot can hold, by their code. */
export const TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [TYPE.A, 'A'],
  [TYPE.NS, 'NS'],
  [TYPE.CNAME, 'CNAME'],
  [TYPE.SOA, 'SOA'],
  [TYPE.HINFO, 'HINFO'],
  [TYPE.MX, 'MX'],
  [TYPE.TXT, 'TXT'],
  [TYPE.AAAA, 'AAAA'],
  [TYPE.SRV, 'SRV'],
]);

/** Class IN (RFC 1035 §3.2.4). */
export const CLASS_IN = 1;
/** QCLASS ANY (RFC 1035 §3.2.5). */
export const CLASS_ANY = 255;

/** Response codes (RFC 1035 §4.1.1, RFC 6891 §9 for BADVERS). */
export const RCODE = Object.freeze({
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  /** Extended RCODE 16: needs the OPT record's upper 8 bits (16 >> 4 = 1). */
  BADVERS: 16,
});

/** Opcodes (RFC 1035 §4.1.1, RFC 1996, RFC 2136). */
export const OPCODE = Object.freeze({ QUERY: 0, NOTIFY: 4, UPDATE: 5 });

/** EDNS option code of EDNS Client Subnet (RFC 7871 §6). */
export const OPTION_ECS = 8;

/** Byte 2 of the header. */
export const FLAG_QR = 0x80;
export const FLAG_AA = 0x04;
export const FLAG_TC = 0x02;
export const FLAG_RD = 0x01;
/** Byte 3 of the header. */
export const FLAG_CD = 0x10;

/** The DO bit in the OPT record's flags (RFC 3225). */
export const EDNS_DO = 0x8000;

/** A wire name: raw label bytes (case kept), the end offset of the name in its message. */
export interface WireName {
  /** The labels as sent, without length bytes; empty for the root. */
  readonly labels: readonly Uint8Array[];
  /** Presentation form, lower case, no trailing dot (`''` for the root), RFC 4343 escapes. */
  readonly key: string;
  /** Each label's presentation form, lower case; `keys.join('.') === key`. */
  readonly keys: readonly string[];
  /** Offset just past the name where it was read (after the first pointer, if any). */
  readonly end: number;
  /** Length of the name on the wire, uncompressed (≤ 255). */
  readonly wireLength: number;
}

/**
 * Reads a (possibly compressed) name at `offset`. Returns undefined for anything malformed:
 * overruns, reserved label types, pointers that do not go strictly backwards (which also
 * rules out loops), or names longer than 255 bytes (RFC 1035 §3.1).
 */
export function readWireName(buf: Uint8Array, offset: number): WireName | undefined {
  const labels: Uint8Array[] = [];
  let pos = offset;
  let end = -1;
  let wireLength = 1;
  let lowestJump = offset;
  for (;;) {
    if (pos >= buf.length) return undefined;
    const len = buf[pos]!;
    if (len === 0) {
      if (end === -1) end = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= buf.length) return undefined;
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (target >= lowestJump) return undefined;
      if (end === -1) end = pos + 2;
      lowestJump = target;
      pos = target;
      continue;
    }
    if (kind !== 0) return undefined;
    if (pos + 1 + len > buf.length) return undefined;
    wireLength += len + 1;
    if (wireLength > 255) return undefined;
    labels.push(buf.subarray(pos + 1, pos + 1 + len));
    pos += 1 + len;
  }
  const keys = labels.map(labelKey);
  return { labels, key: keys.join('.'), keys, end, wireLength };
}

/**
 * Lower-case presentation form of one raw label: letters folded (ASCII only, RFC 4343 §3),
 * `.` and `\` escaped with a backslash, bytes outside printable ASCII as `\DDD`. Zone
 * names never need escapes, so an escaped query label can only ever miss.
 */
export function labelKey(label: Uint8Array): string {
  let out = '';
  for (let j = 0; j < label.length; j++) {
    let b = label[j]!;
    if (b >= 0x41 && b <= 0x5a) b |= 0x20;
    if (b === 0x2e || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b <= 0x20 || b >= 0x7f) out += `\\${String(b).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

/** The labels of a plain, already validated name (`www.example.test`; `''` is the root). */
export function splitName(name: string): string[] {
  return name === '' ? [] : name.split('.');
}

/** True when `name` is `zone` or below it (both lower case, no trailing dot). */
export function isAtOrBelow(name: string, zone: string): boolean {
  if (zone === '') return true;
  if (name.length === zone.length) return name === zone;
  return (
    name.length > zone.length &&
    name.endsWith(zone) &&
    name.charCodeAt(name.length - zone.length - 1) === 0x2e
  );
}

/** The name one label up (`a.b.c` → `b.c`, `c` → `''`). */
export function parentName(name: string): string {
  const dot = name.indexOf('.');
  return dot === -1 ? '' : name.slice(dot + 1);
}
