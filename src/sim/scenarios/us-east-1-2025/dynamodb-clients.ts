/**
 * @module
 * DynamoDB's clients and their DNS caches. A client reaches DynamoDB while its resolver holds
 * an answer with addresses. Each resolver re-queries the endpoint when its cached answer
 * expires: a positive answer is kept for the records' TTL; an empty answer (NOERROR/NODATA) is
 * kept as a negative-cache entry for the resolver's own cap (RFC 2308 §5 lets resolvers cap
 * negative caching; implementations choose different caps). So when the endpoint empties,
 * each client fails once its positive answer expires (within a TTL), and when the endpoint is
 * repaired, each keeps failing until its negative entry expires — which is why AWS's clients
 * recovered between 02:25 and 02:40, not at 02:25.
 *
 * Caching is a pure function of the DNS timeline and the resolver's phase and caps, so every
 * client's outages are computed once, up front, as intervals; the models only look them up.
 */
import type { Rng } from '../../../core/rng.js';
import type { DnsTimeline, EmptyInterval } from './dns-timeline.js';

/** One resolver's caching behaviour. */
export interface ResolverOptions {
  /** TTL of a positive answer, s (> 0). */
  readonly positiveTtlSeconds: number;
  /** This resolver's negative-cache cap, s (> 0). */
  readonly negativeTtlSeconds: number;
  /** When its first positive answer (cached before the window) expires, s in [0, TTL). */
  readonly phaseSeconds: number;
}

/**
 * The intervals in `[0, end)` during which a resolver with these options has no addresses for
 * the endpoint (a negative-cache entry). The resolver re-queries as soon as an entry expires,
 * as a busy client's does.
 */
export function unreachableIntervals(
  timeline: DnsTimeline,
  end: number,
  options: ResolverOptions,
): EmptyInterval[] {
  const { positiveTtlSeconds: pos, negativeTtlSeconds: neg } = options;
  if (!(pos > 0) || !(neg > 0)) {
    throw new RangeError(
      `unreachableIntervals: TTLs must be > 0, got positive ${pos}, negative ${neg}`,
    );
  }
  const out: EmptyInterval[] = [];
  const empties = timeline.emptyIntervals(end);
  let query = options.phaseSeconds;
  for (const gap of empties) {
    if (gap.to <= query) continue;
    // Positive answers until the first query inside the gap.
    if (query < gap.from) query += Math.ceil((gap.from - query) / pos) * pos;
    if (query >= gap.to) continue;
    // Negative entries, each re-queried at expiry, until a query lands after the gap.
    const from = query;
    query += Math.ceil((gap.to - query) / neg) * neg;
    out.push({ from, to: Math.min(query, end) });
  }
  return out;
}

/** A population of DynamoDB clients, each with its own resolver. */
export class DynamoDbClients {
  /** Each client's outages, in time order. */
  readonly outages: readonly (readonly EmptyInterval[])[];
  readonly #cursor: Int32Array;

  /**
   * Draws `count` resolvers (phase uniform in [0, TTL), negative cap uniform in
   * [minNegative, maxNegative]) and computes their outages over `[0, end)`.
   */
  constructor(
    timeline: DnsTimeline,
    end: number,
    count: number,
    rng: Rng,
    ttl: {
      readonly positiveTtlSeconds: number;
      readonly minNegativeTtlSeconds: number;
      readonly maxNegativeTtlSeconds: number;
    },
  ) {
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`DynamoDbClients: count must be an integer >= 1, got ${count}`);
    }
    const outages: EmptyInterval[][] = [];
    for (let i = 0; i < count; i++) {
      outages.push(
        unreachableIntervals(timeline, end, {
          positiveTtlSeconds: ttl.positiveTtlSeconds,
          negativeTtlSeconds: rng.uniform(ttl.minNegativeTtlSeconds, ttl.maxNegativeTtlSeconds),
          phaseSeconds: rng.uniform(0, ttl.positiveTtlSeconds),
        }),
      );
    }
    this.outages = outages;
    this.#cursor = new Int32Array(count);
  }

  /** Number of clients. */
  get count(): number {
    return this.outages.length;
  }

  /**
   * Whether client `i` reaches DynamoDB at window second `t`. Calls for one client must come
   * with non-decreasing `t` (a cursor walks its outages), which the tick-driven models do.
   */
  reachable(i: number, t: number): boolean {
    const list = this.outages[i] as readonly EmptyInterval[];
    let c = this.#cursor[i] as number;
    while (c < list.length && (list[c] as EmptyInterval).to <= t) c++;
    this.#cursor[i] = c;
    return !(c < list.length && (list[c] as EmptyInterval).from <= t);
  }

  /**
   * Share of the clients that reach DynamoDB, averaged over each minute of `[0, minutes·60)`:
   * the success rate of requests spread evenly over clients and time.
   */
  successByMinute(minutes: number): Float64Array {
    const down = new Float64Array(minutes);
    for (const list of this.outages) {
      for (const o of list) {
        for (let m = Math.floor(o.from / 60); m < minutes && m * 60 < o.to; m++) {
          const overlap = Math.min(o.to, (m + 1) * 60) - Math.max(o.from, m * 60);
          if (overlap > 0) down[m] = (down[m] as number) + overlap / 60;
        }
      }
    }
    const n = this.outages.length;
    return down.map((d) => 1 - d / n);
  }
}
