/**
 * @module
 * Asks every provider — the built-in server, RFC 2136 servers, secondaries — what it answers
 * for every (name, type) of a plan, and reports where the answer differs from the plan. This
 * is the outside view of invariant I5: whatever the enactors believe, a provider is converged
 * only when its answers say so.
 *
 * Each question goes over UDP without recursion, then over TCP when the answer is truncated.
 * Only what DNS carries is compared — the records' data and the TTL — so an address record's
 * weight or region (planner data) never makes a diff. Latency-routed names are compared with
 * the plan's default records: ask from where no region applies.
 */
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { PlanContent } from '../plan.js';
import { recordKey } from '../record-set.js';
import type { RecordSet, RecordType } from '../record-set.js';
import { exchangeTcp, exchangeUdp } from './internal/dns-client.js';
import type { DnsEndpoint } from './internal/dns-client.js';
import { rcodeOf } from './internal/packet.js';
import { fromWireRecords } from './internal/record-wire.js';
import type { WireRecord } from './internal/record-wire.js';

/** A provider to ask: a display name and where it listens. */
export interface ProviderEndpoint extends DnsEndpoint {
  readonly name: string;
}

/** One (name, type) whose answer differs from the plan. */
export interface ProviderDiff {
  readonly name: string;
  readonly type: RecordType;
  /**
   * `'missing'`: no records answered; `'records'`: other records; `'ttl'`: same records,
   * other TTL; `'error'`: no usable answer (timeout, REFUSED, SERVFAIL…).
   */
  readonly kind: 'missing' | 'records' | 'ttl' | 'error';
  /** The plan's records, in presentation form, sorted. */
  readonly expected: readonly string[];
  /** The provider's records, likewise (empty when missing or on error). */
  readonly actual: readonly string[];
  readonly expectedTtl: number;
  readonly actualTtl?: number;
  /** The RCODE or transport error, for `'error'` and `'missing'`. */
  readonly detail?: string;
}

/** The verdict on one provider. */
export interface ProviderVerification {
  readonly name: string;
  readonly address: string;
  /** True when every (name, type) of the plan was answered as planned. */
  readonly ok: boolean;
  /** Number of (name, type) questions asked. */
  readonly checked: number;
  readonly diffs: readonly ProviderDiff[];
}

/** Options of {@link verifyProviders}. */
export interface VerifyProvidersOptions {
  /** The plan's content (the active plan's). */
  readonly content: PlanContent;
  readonly providers: readonly ProviderEndpoint[];
  /** Only names at or below these zones are checked. Default: every name. */
  readonly zones?: readonly string[];
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Per question, ms. Default 2000. */
  readonly timeoutMs?: number;
}

function keysOf(set: RecordSet): string[] {
  return (set.records as readonly RecordSet['records'][number][])
    .map((r) => recordKey(set.type, r))
    .sort();
}

async function ask(
  endpoint: DnsEndpoint,
  name: string,
  type: RecordType,
  clock: Clock,
  timeoutMs: number,
): Promise<{ rcode: string; records: WireRecord[] }> {
  const query = dnsPacket.encode({
    id: randomInt(0, 65_536),
    type: 'query',
    questions: [{ name, type, class: 'IN' }],
  });
  let reply = await exchangeUdp(endpoint, query, { clock, timeoutMs });
  if ((reply[2]! & 0x02) !== 0) {
    // TC=1: ask again over TCP (RFC 7766 §5).
    [reply] = (await exchangeTcp(endpoint, query, { clock, timeoutMs }, () => true)) as [Buffer];
  }
  const decoded = dnsPacket.decode(reply);
  return {
    rcode: rcodeOf(decoded),
    records: (decoded.answers ?? []) as unknown as WireRecord[],
  };
}

/** Checks one provider against the plan. Never throws for a provider's failure. */
export async function verifyProvider(
  provider: ProviderEndpoint,
  sets: readonly RecordSet[],
  clock: Clock,
  timeoutMs: number,
): Promise<ProviderVerification> {
  const diffs: ProviderDiff[] = [];
  for (const set of sets) {
    const expected = keysOf(set);
    const base = { name: set.name, type: set.type, expected, expectedTtl: set.ttl };
    let answer: { rcode: string; records: WireRecord[] };
    try {
      answer = await ask(provider, set.name, set.type, clock, timeoutMs);
    } catch (e) {
      diffs.push({ ...base, kind: 'error', actual: [], detail: (e as Error).message });
      continue;
    }
    if (answer.rcode !== 'NOERROR' && answer.rcode !== 'NXDOMAIN') {
      diffs.push({ ...base, kind: 'error', actual: [], detail: answer.rcode });
      continue;
    }
    const own = answer.records.filter(
      (r) => r.type === set.type && r.name.toLowerCase().replace(/\.$/, '') === set.name,
    );
    const [got] = fromWireRecords(own, new Set());
    if (got === undefined) {
      diffs.push({ ...base, kind: 'missing', actual: [], detail: answer.rcode });
      continue;
    }
    const actual = keysOf(got);
    if (actual.join('\u0000') !== expected.join('\u0000')) {
      diffs.push({ ...base, kind: 'records', actual, actualTtl: got.ttl });
    } else if (got.ttl !== set.ttl) {
      diffs.push({ ...base, kind: 'ttl', actual, actualTtl: got.ttl });
    }
  }
  return {
    name: provider.name,
    address: `${provider.host}:${provider.port}`,
    ok: diffs.length === 0,
    checked: sets.length,
    diffs,
  };
}

/** Checks every provider (in parallel) against the plan; one verdict per provider, in order. */
export async function verifyProviders(
  options: VerifyProvidersOptions,
): Promise<ProviderVerification[]> {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 2000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new RangeError(`verifyProviders: timeoutMs must be an integer ≥ 1, got ${timeoutMs}`);
  }
  const zones = options.zones?.map((z) => z.toLowerCase().replace(/\.$/, ''));
  const sets = options.content.recordSets.filter(
    (s) => zones === undefined || zones.some((z) => s.name === z || s.name.endsWith(`.${z}`)),
  );
  return Promise.all(options.providers.map((p) => verifyProvider(p, sets, clock, timeoutMs)));
}
