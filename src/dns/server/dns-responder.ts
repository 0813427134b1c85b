/**
 * @module
 * The authoritative server without sockets: bytes of a query in, bytes of a response (or
 * nothing) out. {@link DnsServer} puts it on UDP and TCP; tests, the fuzzer and the simulator
 * call it directly.
 *
 * The zones live in one immutable state object — the zone index and the response cache that
 * belongs to it — replaced by a single reference assignment, so a query sees either the old
 * zones with the old cache or the new zones with an empty cache, never a mix.
 *
 * The hot path (see `internal/query-parser.ts`) answers an ordinary query from the cache with
 * one `Map.get`, a copy of the cached bytes and four patches: the ID, the RD and CD bits, and
 * the question bytes as the client sent them, so 0x20 case randomisation is echoed (names in
 * the answer point back at the question). The key is the question lower-cased plus the
 * transport/EDNS class (UDP payload bucket of 512, 1024 or our maximum; TCP; EDNS present;
 * DO bit) and the raw ECS option when there is one. A response is encoded for the smallest
 * payload of its bucket, so it fits every query the bucket holds.
 *
 * Weighted routing (Route 53's: one record per query, drawn by weight) keeps that path: the
 * cache entry of a weighted name holds the weights and one encoded response per record (its
 * variant index), so a hit costs one draw from the injected {@link Rng} and a short scan.
 */
import type {
  ClientSubnet,
  RegionLatencyTable,
  RegionLatencyTableOptions,
} from './latency-routing.js';
import {
  chooseRegion,
  clientSubnetOfAddress,
  compileRegionLatencyTable,
  matchClientSubnet,
} from './latency-routing.js';
import type { ZoneSnapshot } from './zone-snapshot.js';
import { Rng } from '../../core/rng.js';
import { pickWeightedIndex } from '../routing/weighted-choice.js';
import type { WeightedChoice } from '../routing/weighted-choice.js';
import { showValue } from '../internal/options.js';
import { ResponseCache, WeightedResponses } from './internal/response-cache.js';
import { newFastQuery, parseFast, parseFull, subnetOfEcs } from './internal/query-parser.js';
import type { ParsedQuery } from './internal/query-parser.js';
import { resolveQuestion } from './internal/resolve.js';
import type { RegionPicker, Resolution, WeightedPicker, ZoneIndex } from './internal/resolve.js';
import { encodeResponse } from './internal/response-writer.js';
import type { EdnsSpec, ResponseSpec } from './internal/response-writer.js';
import { CLASS_ANY, CLASS_IN, OPTION_ECS, RCODE, TYPE } from './internal/wire.js';

/** How a query arrived: over UDP (size limits, TC) or TCP (up to 65 535 bytes). */
export type DnsTransport = 'udp' | 'tcp';

/** Options of {@link DnsResponder}. */
export interface DnsResponderOptions {
  /** Zones to serve from the start. More can be loaded with `load`/`swapZone`. */
  readonly zones?: readonly ZoneSnapshot[];
  /**
   * Largest UDP response we send and advertise, bytes (512 … 4096). Default 1232, the DNS
   * Flag Day 2020 value: it avoids IP fragmentation on practically every path.
   */
  readonly maxUdpPayloadSize?: number;
  /** Cached responses per cache generation (two generations). Default 20 000. */
  readonly cacheMaxEntries?: number;
  /** Bytes of cached responses per generation. Default 16 MiB. */
  readonly cacheMaxBytes?: number;
  /** Region latencies for latency-based routing; without it variants are never chosen. */
  readonly latencyTable?: RegionLatencyTable | RegionLatencyTableOptions;
  /**
   * Draws the record of weighted record sets, one draw per query. Default
   * `Rng.fromEntropy().rng`; pass a seeded one to replay a run.
   */
  readonly rng?: Rng;
}

/** Counters since the responder was made. */
export interface DnsResponderStats {
  /** Messages handed to `respond`. */
  queries: number;
  /** Answered from the response cache. */
  cacheHits: number;
  /** Messages not answered (too short for a header, or a response). */
  dropped: number;
  /** Responses sent with TC=1. */
  truncated: number;
  noError: number;
  nxDomain: number;
  refused: number;
  formErr: number;
  notImp: number;
  servFail: number;
  /** Cached responses held now. */
  cacheEntries: number;
}

interface State {
  readonly zones: ZoneIndex;
  readonly list: readonly ZoneSnapshot[];
  readonly cache: ResponseCache;
}

/** Default largest UDP response (DNS Flag Day 2020). */
export const DEFAULT_MAX_UDP_PAYLOAD = 1232;

const NO_OPTIONS: EdnsSpec['options'] = Object.freeze([]);

/** Bytes-in, bytes-out authoritative DNS. */
export class DnsResponder {
  #state: State;
  readonly #maxUdp: number;
  readonly #cacheMaxEntries: number;
  readonly #cacheMaxBytes: number;
  readonly #table: RegionLatencyTable | undefined;
  readonly #rng: Rng;
  readonly #pickWeighted: WeightedPicker;
  readonly #fq = newFastQuery();
  /** Source address → latency-table entry, for tailored answers without ECS. Bounded. */
  #entryBySource = new Map<string, number>();
  readonly #stats: DnsResponderStats = {
    queries: 0,
    cacheHits: 0,
    dropped: 0,
    truncated: 0,
    noError: 0,
    nxDomain: 0,
    refused: 0,
    formErr: 0,
    notImp: 0,
    servFail: 0,
    cacheEntries: 0,
  };

  constructor(options: DnsResponderOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`DnsResponder: options must be an object, got ${showValue(options)}`);
    }
    this.#maxUdp = intOption(
      'maxUdpPayloadSize',
      options.maxUdpPayloadSize,
      DEFAULT_MAX_UDP_PAYLOAD,
      512,
      4096,
    );
    this.#cacheMaxEntries = intOption(
      'cacheMaxEntries',
      options.cacheMaxEntries,
      20_000,
      1,
      10_000_000,
    );
    this.#cacheMaxBytes = intOption(
      'cacheMaxBytes',
      options.cacheMaxBytes,
      16 << 20,
      65_536,
      2 ** 40,
    );
    const t = options.latencyTable;
    this.#table =
      t === undefined ? undefined : 'defaultRanking' in t ? t : compileRegionLatencyTable(t);
    if (options.rng !== undefined && !(options.rng instanceof Rng)) {
      throw new TypeError(`DnsResponder: rng must be an Rng, got ${showValue(options.rng)}`);
    }
    const rng = options.rng ?? Rng.fromEntropy().rng;
    this.#rng = rng;
    this.#pickWeighted = (choice: WeightedChoice): number => pickWeightedIndex(choice, rng.float());
    this.#state = this.#makeState(options.zones ?? []);
  }

  /** The zones served now, by apex. */
  get zones(): readonly ZoneSnapshot[] {
    return this.#state.list;
  }

  /** Replaces every zone at once (one reference assignment) and drops the cache. */
  load(zones: ZoneSnapshot | readonly ZoneSnapshot[]): void {
    this.#state = this.#makeState(Array.isArray(zones) ? zones : [zones as ZoneSnapshot]);
  }

  /** Adds or replaces one zone (by apex), leaving the others as they are. */
  swapZone(zone: ZoneSnapshot): void {
    const rest = this.#state.list.filter((z) => z.zone !== zone.zone);
    this.#state = this.#makeState([...rest, zone]);
  }

  /** Stops serving a zone; true if it was served. */
  removeZone(apex: string): boolean {
    const key = apex.toLowerCase().replace(/\.$/, '');
    const rest = this.#state.list.filter((z) => z.zone !== key);
    if (rest.length === this.#state.list.length) return false;
    this.#state = this.#makeState(rest);
    return true;
  }

  /** A copy of the counters. */
  stats(): DnsResponderStats {
    return { ...this.#stats, cacheEntries: this.#state.cache.size };
  }

  #makeState(list: readonly ZoneSnapshot[]): State {
    const zones = new Map<string, ZoneSnapshot>();
    for (const z of list) {
      if (zones.has(z.zone)) throw new RangeError(`DnsResponder: zone '${z.zone}' given twice`);
      zones.set(z.zone, z);
    }
    return Object.freeze({
      zones,
      list: Object.freeze([...list]),
      cache: new ResponseCache(this.#cacheMaxEntries, this.#cacheMaxBytes),
    });
  }

  /**
   * Answers one message. Returns the response bytes, or undefined when the message must not
   * be answered (shorter than a header, or itself a response). Never throws on any input.
   *
   * @param source the client's address (the resolver's), for latency routing without ECS
   */
  respond(msg: Buffer, transport: DnsTransport, source: string): Buffer | undefined {
    this.#stats.queries++;
    const state = this.#state;
    const q = this.#fq;
    let key: string | undefined;
    let sizeClass = 0;
    if (parseFast(msg, q)) {
      sizeClass =
        transport === 'tcp'
          ? 3
          : !q.edns || q.udpSize < 1024
            ? 0
            : q.udpSize < this.#maxUdp
              ? 1
              : 2;
      let name = msg.toString('latin1', 12, q.nameEnd);
      if (q.hasUpper) name = name.toLowerCase();
      key =
        name +
        String.fromCharCode(q.qtype, (sizeClass << 2) | (q.edns ? 2 : 0) | (q.dnssecOk ? 1 : 0));
      if (q.ecsStart !== -1) key += msg.toString('latin1', q.ecsStart, q.ecsEnd);
      const hit = state.cache.get(key);
      if (hit !== undefined) {
        const cached =
          hit instanceof Map
            ? hit.get(this.#entryOfSource(source))
            : hit instanceof WeightedResponses
              ? hit.byVariant[pickWeightedIndex(hit.choice, this.#rng.float())]
              : hit;
        if (cached !== undefined) {
          this.#stats.cacheHits++;
          this.#count(cached);
          return patch(cached, msg, q.qEnd);
        }
      }
    }
    let out: Buffer | undefined;
    try {
      out = this.#answerSlow(msg, transport, source, state, key, sizeClass);
    } catch {
      // A bug must cost one answer, never the server: SERVFAIL if we can still say it.
      out = this.#servFail(msg);
    }
    if (out !== undefined) this.#count(out);
    return out;
  }

  #count(out: Buffer): void {
    const s = this.#stats;
    if ((out[2]! & 0x02) !== 0) s.truncated++;
    switch (out[3]! & 0xf) {
      case RCODE.NOERROR:
        // An OPT extended RCODE (BADVERS) rides on NOERROR's low bits; close enough here.
        s.noError++;
        break;
      case RCODE.NXDOMAIN:
        s.nxDomain++;
        break;
      case RCODE.REFUSED:
        s.refused++;
        break;
      case RCODE.FORMERR:
        s.formErr++;
        break;
      case RCODE.NOTIMP:
        s.notImp++;
        break;
      default:
        s.servFail++;
    }
  }

  #servFail(msg: Buffer): Buffer | undefined {
    if (msg.length < 12 || (msg[2]! & 0x80) !== 0) return undefined;
    const out = Buffer.alloc(12);
    msg.copy(out, 0, 0, 2);
    out[2] = 0x80 | (msg[2]! & 0x79);
    out[3] = RCODE.SERVFAIL;
    return out;
  }

  #entryOfSource(source: string): number {
    const table = this.#table;
    if (table === undefined) return -1;
    let entry = this.#entryBySource.get(source);
    if (entry === undefined) {
      const subnet = clientSubnetOfAddress(source);
      entry = subnet === undefined ? -1 : matchClientSubnet(table, subnet).entry;
      if (this.#entryBySource.size >= 65_536) this.#entryBySource = new Map();
      this.#entryBySource.set(source, entry);
    }
    return entry;
  }

  #answerSlow(
    msg: Buffer,
    transport: DnsTransport,
    source: string,
    state: State,
    key: string | undefined,
    sizeClass: number,
  ): Buffer | undefined {
    const parsed = parseFull(msg);
    if (parsed.kind === 'drop') {
      this.#stats.dropped++;
      return undefined;
    }
    const edns = parsed.edns;
    const ednsOut = (options: EdnsSpec['options']): EdnsSpec | undefined =>
      edns === undefined
        ? undefined
        : { udpPayloadSize: this.#maxUdp, dnssecOk: edns.dnssecOk, options };
    if (parsed.kind === 'error') {
      return encodeResponse(
        {
          id: parsed.id,
          opcode: parsed.opcode,
          aa: false,
          rd: parsed.rd,
          cd: parsed.cd,
          rcode: parsed.rcode,
          question: parsed.question,
          answer: [],
          authority: [],
          additional: [],
          edns: ednsOut(NO_OPTIONS),
        },
        512,
      );
    }
    const limit =
      transport === 'tcp'
        ? 65_535
        : key !== undefined
          ? [512, 1024, this.#maxUdp][sizeClass]!
          : parsed.edns === undefined
            ? 512
            : Math.min(this.#maxUdp, Math.max(512, parsed.edns.udpSize));
    const ecs = parsed.edns?.ecs;
    const client: ClientSubnet | undefined =
      ecs !== undefined
        ? subnetOfEcs(ecs)
        : this.#table === undefined
          ? undefined
          : clientSubnetOfAddress(source);
    let match: { entry: number; scopePrefixLength: number } | undefined;
    const table = this.#table;
    const pick: RegionPicker = (available) => {
      if (table === undefined || client === undefined) return undefined;
      match ??= matchClientSubnet(table, client);
      return chooseRegion(table, match.entry, available);
    };
    const resolution = this.#resolve(parsed, state, pick);
    const tailored = resolution.tailored && table !== undefined && client !== undefined;
    let options = NO_OPTIONS;
    if (ecs !== undefined) {
      // Echo FAMILY, SOURCE PREFIX-LENGTH and ADDRESS; SCOPE says how widely the answer
      // applies: 0 when it does not depend on the client (RFC 7871 §7.2.1).
      const data = Buffer.from(ecs);
      data[3] = tailored ? (match ?? matchClientSubnet(table, client)).scopePrefixLength : 0;
      options = [{ code: OPTION_ECS, data }];
    }
    const spec: ResponseSpec = {
      id: parsed.id,
      opcode: 0,
      aa: resolution.aa,
      rd: parsed.rd,
      cd: parsed.cd,
      rcode: resolution.rcode,
      question: parsed.question,
      answer: resolution.answer,
      authority: resolution.authority,
      additional: resolution.additional,
      edns: ednsOut(options),
    };
    let out = encodeResponse(spec, limit);
    if (out === undefined) {
      out = encodeResponse(
        { ...spec, rcode: RCODE.SERVFAIL, aa: false, answer: [], authority: [], additional: [] },
        limit,
      );
      return out;
    }
    if (key !== undefined) {
      const draws = resolution.weightedDraws ?? 0;
      if (draws > 0) {
        // One draw decided it: cache per variant (a miss on another variant draws afresh on
        // the slow path, still by weight). Several draws, or a draw and a region: no cache.
        if (draws === 1 && resolution.choice !== undefined && !resolution.tailored) {
          state.cache.setWeighted(key, resolution.choice, resolution.variant ?? 0, out);
        }
      } else if (!(resolution.tailored && table !== undefined) || ecs !== undefined) {
        // The same for every client, or the ECS option (part of the key) decided it.
        state.cache.set(key, out);
      } else if (tailored) {
        state.cache.setTailored(key, match?.entry ?? this.#entryOfSource(source), out);
      }
      // Else tailored, but the client's address was unusable: answer, do not cache.
    }
    return out;
  }

  #resolve(parsed: ParsedQuery, state: State, pick: RegionPicker): Resolution {
    const { qtype, qclass, name, keys } = parsed.question;
    const fail = (rcode: number): Resolution => ({
      rcode,
      aa: false,
      answer: [],
      authority: [],
      additional: [],
      tailored: false,
    });
    if (qclass !== CLASS_IN && qclass !== CLASS_ANY) return fail(RCODE.REFUSED);
    switch (qtype) {
      case TYPE.OPT:
      case TYPE.TKEY:
      case TYPE.TSIG:
        return fail(RCODE.FORMERR);
      case TYPE.AXFR:
      case TYPE.IXFR:
        // Transfers reach the responder only over UDP or from a client off the allow-list
        // (DnsServer's allowTransferFrom hands allowed TCP peers to a ZoneTransferConnection):
        // refuse, as a server whose allow-transfer list does not name the client does.
        return fail(RCODE.REFUSED);
      case TYPE.MAILA:
      case TYPE.MAILB:
        return fail(RCODE.NOTIMP);
    }
    return resolveQuestion(state.zones, name, keys, qtype, pick, this.#pickWeighted);
  }
}

/** Copies a cached response and patches ID, RD, CD and the question's case. */
function patch(cached: Buffer, msg: Buffer, qEnd: number): Buffer {
  const out = Buffer.allocUnsafe(cached.length);
  cached.copy(out, 0, 0, cached.length);
  out[0] = msg[0]!;
  out[1] = msg[1]!;
  out[2] = (cached[2]! & 0xfe) | (msg[2]! & 0x01);
  out[3] = (cached[3]! & 0xef) | (msg[3]! & 0x10);
  msg.copy(out, 12, 12, qEnd);
  return out;
}

function intOption(
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`DnsResponder: ${name} must be an integer, got ${showValue(value)}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`DnsResponder: ${name} must be in [${min}, ${max}], got ${value}`);
  }
  return value;
}
