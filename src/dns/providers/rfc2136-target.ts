/**
 * @module
 * A {@link Target} on any standard DNS server that takes RFC 2136 dynamic updates signed with
 * TSIG (HMAC-SHA256, RFC 8945): BIND 9, Knot, PowerDNS.
 *
 * The fence lives at the server, so that the server itself refuses a stale plan (invariant
 * I2): the zone holds a generation sentinel, `_breakwater-generation.<zone> TXT "g=<N> h=<hash>"`,
 * and every UPDATE carries the prerequisite that the sentinel still holds exactly the value
 * the enactor read (RFC 2136 §2.4.2, "RRset exists (value dependent)"; §2.4.3 "RRset does
 * not exist" for the very first plan), and replaces it with the new generation in the same
 * update. RFC 2136 §3.2/§3.4 make prerequisites and updates one atomic step, so two
 * enactors that both read generation 7 cannot both win: the second is answered NXRRSET and
 * re-reads. The read only tells the enactor what to expect; the decision is the server's.
 *
 * An update changes only what differs: the zone is read by a TSIG-signed AXFR (the server
 * must allow transfers to the key), and record sets the plan drops are deleted, changed ones
 * replaced (delete RRset, then add — RFC 2136 §3.4.2 applies updates in order), unchanged ones
 * left alone. SOA, NS, the address records of the zone's own name servers (unless the plan
 * sets them) and record types plans do not hold are never touched; every other record set of
 * a plan type in the zone is the plan's, so give breakwater a zone of its own. A target serves
 * one zone: record sets of the plan outside it are not this target's and are left out.
 *
 * One UPDATE is one DNS message, at most 64 KiB over TCP: a change larger than that is
 * refused with a RangeError before anything is sent (split the zone).
 *
 * The message is assembled from `dns-packet` pieces (the zone section, RRs with data); by
 * hand only what it cannot say: class NONE (254, the "RRset does not exist" prerequisite),
 * the empty RDATA of a "delete RRset", and TSIG (see `internal/tsig.ts`).
 */
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import { checkDnsName } from '../internal/dns-name.js';
import { showValue } from '../internal/options.js';
import type { Plan } from '../plan.js';
import { recordKey } from '../record-set.js';
import type { RecordSet, RecordType } from '../record-set.js';
import type { ApplyContext, ApplyResult, Target, TargetState } from '../target.js';
import { ProviderRefusedError, ProviderUnreachableError } from './errors.js';
import { DnsTransportError, exchangeTcp } from './internal/dns-client.js';
import type { DnsEndpoint } from './internal/dns-client.js';
import { answerCodec, encodeQuestion, nameCodec, rcodeOf } from './internal/packet.js';
import { fromWireRecords, toWireRecords } from './internal/record-wire.js';
import type { WireRecord } from './internal/record-wire.js';
import { signMessage, TsigResponseVerifier } from './internal/tsig.js';
import type { TsigKey } from './internal/tsig.js';

export type { TsigKey } from './internal/tsig.js';
export { parseTsigKey } from './internal/tsig.js';

/** The label of the generation sentinel under the zone apex. */
export const GENERATION_SENTINEL_LABEL = '_breakwater-generation';

/** Options of {@link Rfc2136Target}. */
export interface Rfc2136TargetOptions {
  /** Target id (the store keys active generations by it). */
  readonly id: string;
  /** The zone apex the server is primary for (`example.test`). */
  readonly zone: string;
  /** The server's address and port. */
  readonly server: DnsEndpoint;
  /** The TSIG key the server's `allow-update` and `allow-transfer` name. */
  readonly key: TsigKey;
  /** Timeouts and TSIG time. Default: the system clock. */
  readonly clock?: Clock;
  /** Per exchange (an UPDATE, a transfer), ms. Default 5000. */
  readonly timeoutMs?: number;
  /**
   * How often to re-read and retry when another writer moved the sentinel between our read
   * and our update (NXRRSET/YXRRSET) while it is still below our generation. Default 5.
   */
  readonly maxAttempts?: number;
}

/** The sentinel as read: absent, or the generation and content hash it holds. */
export type SentinelState =
  | { readonly present: false }
  | {
      readonly present: true;
      readonly generation: number;
      readonly contentHash: string | undefined;
      /** Its exact text, for the value-dependent prerequisite. */
      readonly text: string;
    };

const TYPE_CODE: Readonly<Record<RecordType, number>> = {
  A: 1,
  CNAME: 5,
  MX: 15,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
};
const CLASS_NONE = 254;
const CLASS_ANY = 255;
const OPCODE_UPDATE = 5;

/** An RR with empty RDATA: "delete an RRset" (class ANY) or "RRset does not exist" (NONE). */
function emptyRr(name: string, type: number, klass: number): Buffer {
  const n = nameCodec.encode(name);
  const tail = Buffer.alloc(10);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(klass, 2);
  // TTL 0 and RDLENGTH 0 (RFC 2136 §2.4.3, §2.5.2).
  return Buffer.concat([n, tail]);
}

function header(id: number, opcode: number, counts: readonly number[]): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(opcode << 11, 2);
  counts.forEach((c, i) => h.writeUInt16BE(c, 4 + 2 * i));
  return h;
}

/** The zone section: the zone's name, type SOA (RFC 2136 §2.3). */
function zoneSection(zone: string): Buffer {
  return encodeQuestion({ name: zone, type: 'SOA', class: 'IN' });
}

function txtAnswer(name: string, text: string, ttl: number): Buffer {
  return answerCodec.encode({
    name,
    type: 'TXT',
    class: 'IN',
    ttl,
    data: [Buffer.from(text, 'utf8')],
  });
}

/** Parses the sentinel text `g=<N> h=<hash>`; undefined when it is not one. */
export function parseSentinel(
  text: string,
): { generation: number; contentHash?: string } | undefined {
  const m = /^g=(\d{1,15})(?: h=([0-9a-f]{64}))?$/.exec(text);
  if (m === null) return undefined;
  return m[2] === undefined
    ? { generation: Number(m[1]) }
    : { generation: Number(m[1]), contentHash: m[2] };
}

function setSignature(set: RecordSet): string {
  const records = (set.records as readonly RecordSet['records'][number][]).map((r) =>
    recordKey(set.type, r),
  );
  return `${set.ttl}|${records.join('|')}`;
}

/** The RFC 2136 provider: see the module comment. */
export class Rfc2136Target implements Target {
  readonly id: string;
  readonly #zone: string;
  readonly #sentinel: string;
  readonly #server: DnsEndpoint;
  readonly #key: TsigKey;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #maxAttempts: number;

  constructor(options: Rfc2136TargetOptions) {
    const where = 'Rfc2136Target';
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${where}: options must be an object, got ${showValue(options)}`);
    }
    if (typeof options.id !== 'string' || options.id === '') {
      throw new TypeError(`${where}: id must be a non-empty string, got ${showValue(options.id)}`);
    }
    this.id = options.id;
    const zone = checkDnsName(options.zone, false);
    if (!zone.ok) throw new TypeError(`${where}: zone ${zone.message}`);
    this.#zone = zone.name;
    this.#sentinel = `${GENERATION_SENTINEL_LABEL}.${zone.name}`;
    const s = options.server as DnsEndpoint | undefined;
    if (
      typeof s !== 'object' ||
      s === null ||
      typeof s.host !== 'string' ||
      !Number.isInteger(s.port) ||
      s.port < 1 ||
      s.port > 65_535
    ) {
      throw new TypeError(`${where}: server must be { host, port (1–65535) }, got ${showValue(s)}`);
    }
    this.#server = { host: s.host, port: s.port };
    const k = options.key as TsigKey | undefined;
    if (
      typeof k !== 'object' ||
      k === null ||
      typeof k.name !== 'string' ||
      !Buffer.isBuffer(k.secret) ||
      k.secret.length === 0
    ) {
      throw new TypeError(
        `${where}: key must be { name, secret: Buffer } (non-empty), got ${showValue(k)}`,
      );
    }
    this.#key = k;
    this.#clock = options.clock ?? systemClock;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    if (!Number.isInteger(this.#timeoutMs) || this.#timeoutMs < 1) {
      throw new RangeError(
        `${where}: timeoutMs must be an integer ≥ 1, got ${showValue(options.timeoutMs)}`,
      );
    }
    this.#maxAttempts = options.maxAttempts ?? 5;
    if (!Number.isInteger(this.#maxAttempts) || this.#maxAttempts < 1) {
      throw new RangeError(
        `${where}: maxAttempts must be an integer ≥ 1, got ${showValue(options.maxAttempts)}`,
      );
    }
  }

  /** The zone apex. */
  get zone(): string {
    return this.#zone;
  }

  /** The owner name of the generation sentinel. */
  get sentinelName(): string {
    return this.#sentinel;
  }

  #inZone(name: string): boolean {
    return name === this.#zone || name.endsWith(`.${this.#zone}`);
  }

  async apply(plan: Plan, context: ApplyContext): Promise<ApplyResult> {
    const mode = context.mode ?? 'advance';
    const wanted = plan.content.recordSets.filter(
      (s) => this.#inZone(s.name) && s.name !== this.#sentinel,
    );
    if (wanted.length === 0) {
      // Applying it would empty the zone (invariant I1): a plan for another zone, surely.
      throw new RangeError(
        `Rfc2136Target '${this.id}': plan ${plan.generation} has no record set in zone '${this.#zone}'; refusing to empty the zone`,
      );
    }
    for (let attempt = 1; ; attempt++) {
      const served = await this.#transfer();
      const cur = served.sentinel;
      if (cur.present) {
        if (cur.generation > plan.generation) {
          return { outcome: 'lost', reason: 'not-newer', currentGeneration: cur.generation };
        }
        if (cur.generation === plan.generation && mode !== 'repair') {
          return { outcome: 'already-active' };
        }
      }
      const rcode = await this.#sendUpdate(cur, plan, wanted, served.recordSets, served.nsHosts);
      if (rcode === 'NOERROR') {
        return { outcome: 'won', previousGeneration: cur.present ? cur.generation : undefined };
      }
      // The prerequisite failed: someone moved the sentinel after our read. Re-read and
      // decide again — unless that has happened too often.
      if ((rcode === 'NXRRSET' || rcode === 'YXRRSET') && attempt < this.#maxAttempts) continue;
      throw new ProviderRefusedError(
        this.id,
        rcode,
        rcode === 'NXRRSET' || rcode === 'YXRRSET'
          ? `the generation sentinel kept moving (${attempt} attempts)`
          : `the update of zone '${this.#zone}' for generation ${plan.generation} was refused`,
      );
    }
  }

  /**
   * Sends one UPDATE fenced on `expected` and returns the server's RCODE name. Exposed for
   * tests and tools that need to send a deliberately stale update; `apply` is the safe way.
   */
  async sendFencedUpdate(expected: SentinelState, plan: Plan): Promise<string> {
    const served = await this.#transfer();
    const wanted = plan.content.recordSets.filter(
      (s) => this.#inZone(s.name) && s.name !== this.#sentinel,
    );
    return this.#sendUpdate(expected, plan, wanted, served.recordSets, served.nsHosts);
  }

  async #sendUpdate(
    expected: SentinelState,
    plan: Plan,
    wanted: readonly RecordSet[],
    served: readonly RecordSet[],
    nsHosts: ReadonlySet<string>,
  ): Promise<string> {
    const prereq = expected.present
      ? // Value dependent: class IN, TTL 0, the exact RDATA (RFC 2136 §2.4.2).
        txtAnswer(this.#sentinel, expected.text, 0)
      : emptyRr(this.#sentinel, TYPE_CODE.TXT, CLASS_NONE);
    const wantedBy = new Map(wanted.map((s) => [`${s.name} ${s.type}`, s]));
    const servedBy = new Map(served.map((s) => [`${s.name} ${s.type}`, s]));
    const deletes: Buffer[] = [];
    const adds: Buffer[] = [];
    for (const [k, s] of servedBy) {
      const w = wantedBy.get(k);
      if (w === undefined && (s.type === 'A' || s.type === 'AAAA') && nsHosts.has(s.name)) {
        // Glue of the zone's own name servers: deleting it fails BIND's post-update NS
        // sanity check (and would break delegation), so it stays unless the plan sets it.
        continue;
      }
      if (w === undefined || setSignature(w) !== setSignature(s)) {
        deletes.push(emptyRr(s.name, TYPE_CODE[s.type], CLASS_ANY));
      }
    }
    for (const [k, w] of wantedBy) {
      const s = servedBy.get(k);
      if (s !== undefined && setSignature(w) === setSignature(s)) continue;
      for (const rr of toWireRecords(w)) adds.push(answerCodec.encode(rr));
    }
    deletes.push(emptyRr(this.#sentinel, TYPE_CODE.TXT, CLASS_ANY));
    adds.push(txtAnswer(this.#sentinel, `g=${plan.generation} h=${plan.contentHash}`, 0));
    const updates = [...deletes, ...adds];
    const id = randomInt(0, 65_536);
    const msg = Buffer.concat([
      header(id, OPCODE_UPDATE, [1, 1, updates.length, 0]),
      zoneSection(this.#zone),
      prereq,
      ...updates,
    ]);
    const [response] = await this.#exchange(msg, () => true);
    return rcodeOf(dnsPacket.decode(response!));
  }

  async activeGeneration(): Promise<number | undefined> {
    const s = await this.readSentinel();
    return s.present ? s.generation : undefined;
  }

  /** Reads the sentinel with a TSIG-signed TXT query. */
  async readSentinel(): Promise<SentinelState> {
    const id = randomInt(0, 65_536);
    const msg = dnsPacket.encode({
      id,
      type: 'query',
      questions: [{ name: this.#sentinel, type: 'TXT', class: 'IN' }],
    });
    const [response] = await this.#exchange(msg, () => true);
    const decoded = dnsPacket.decode(response!);
    const rcode = rcodeOf(decoded);
    if (rcode !== 'NOERROR' && rcode !== 'NXDOMAIN') {
      throw new ProviderRefusedError(this.id, rcode, `reading ${this.#sentinel} TXT`);
    }
    return this.#sentinelOf((decoded.answers ?? []) as unknown as WireRecord[]);
  }

  #sentinelOf(records: readonly WireRecord[]): SentinelState {
    const texts = records
      .filter((r) => r.type === 'TXT' && r.name.toLowerCase().replace(/\.$/, '') === this.#sentinel)
      .map((r) => Buffer.concat((r.data as Buffer[]).map((b) => Buffer.from(b))).toString('utf8'));
    if (texts.length === 0) return { present: false };
    const parsed = texts.length === 1 ? parseSentinel(texts[0]!) : undefined;
    if (parsed === undefined) {
      // Never overwrite a fence we cannot read: an operator (or another tool) owns it.
      throw new ProviderRefusedError(
        this.id,
        'BADSENTINEL',
        `${this.#sentinel} TXT holds ${JSON.stringify(texts)}, not one "g=<generation> h=<hash>"`,
      );
    }
    return {
      present: true,
      generation: parsed.generation,
      contentHash: parsed.contentHash,
      text: texts[0]!,
    };
  }

  async read(): Promise<TargetState> {
    const served = await this.#transfer();
    return {
      id: this.id,
      activeGeneration: served.sentinel.present ? served.sentinel.generation : undefined,
      // The update that wrote the sentinel wrote the records in the same atomic step.
      contentHash: served.sentinel.present ? served.sentinel.contentHash : undefined,
      recordSets: served.recordSets,
    };
  }

  /** The zone by TSIG-signed AXFR: its plan record sets and its sentinel. */
  async #transfer(): Promise<{
    sentinel: SentinelState;
    recordSets: RecordSet[];
    nsHosts: Set<string>;
  }> {
    const msg = dnsPacket.encode({
      id: randomInt(0, 65_536),
      type: 'query',
      questions: [{ name: this.#zone, type: 'AXFR', class: 'IN' }],
    });
    let soas = 0;
    const messages = await this.#exchange(msg, (m) => {
      const d = dnsPacket.decode(m);
      if (rcodeOf(d) !== 'NOERROR') return true;
      for (const a of d.answers ?? []) if (a.type === 'SOA') soas++;
      return soas >= 2;
    });
    const records: WireRecord[] = [];
    for (const m of messages) {
      const d = dnsPacket.decode(m);
      if (rcodeOf(d) !== 'NOERROR') {
        throw new ProviderRefusedError(this.id, rcodeOf(d), `zone transfer of '${this.#zone}'`);
      }
      records.push(...((d.answers ?? []) as unknown as WireRecord[]));
    }
    const nsHosts = new Set<string>();
    for (const r of records) {
      if (r.type === 'NS' && typeof r.data === 'string') {
        nsHosts.add(r.data.toLowerCase().replace(/\.$/, ''));
      }
    }
    return {
      sentinel: this.#sentinelOf(records),
      nsHosts,
      recordSets: fromWireRecords(records, new Set([this.#sentinel])).filter((s) =>
        this.#inZone(s.name),
      ),
    };
  }

  /** Signs `msg`, sends it over TCP, verifies every response's TSIG. */
  async #exchange(msg: Buffer, done: (m: Buffer) => boolean): Promise<Buffer[]> {
    const nowSeconds = Math.floor(this.#clock.now() / 1000);
    const signed = signMessage(msg, this.#key, nowSeconds);
    const verifier = new TsigResponseVerifier(this.#key, signed.mac, nowSeconds);
    let messages: Buffer[];
    try {
      messages = await exchangeTcp(
        this.#server,
        signed.message,
        { clock: this.#clock, timeoutMs: this.#timeoutMs },
        (m) => {
          const rcode = m.length >= 4 ? m[3]! & 0xf : 0;
          // An error answer to a bad signature is itself unsigned (RFC 8945 §5.3.2): report
          // the RCODE rather than "unsigned".
          if (rcode === 0) {
            const why = verifier.verify(m);
            if (why !== undefined) {
              throw new ProviderRefusedError(
                this.id,
                'BADSIG',
                `response failed TSIG verification: ${why}`,
              );
            }
          }
          return rcode !== 0 || done(m);
        },
      );
    } catch (e) {
      if (e instanceof DnsTransportError) {
        throw new ProviderUnreachableError(this.id, e.message, { cause: e });
      }
      throw e;
    }
    return messages;
  }
}
