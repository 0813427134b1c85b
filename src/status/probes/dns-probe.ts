/**
 * @module
 * DNS probe: one query to a named server (or the system resolver) and a check that the answer
 * contains the expected value. Uses `node:dns`'s c-ares `Resolver` — a real stub resolver with
 * retries off, so a server that does not answer fails within the probe's timeout rather than
 * after c-ares' own back-off.
 */
import { Resolver } from 'node:dns/promises';
import type { Clock } from '../../core/clock.js';
import type { ProbeResult } from '../../dns/health/probe.js';

/** A DNS query to probe. */
export interface DnsProbeTarget {
  readonly kind: 'dns';
  readonly query: string;
  readonly recordType: 'A' | 'AAAA' | 'CNAME' | 'TXT' | 'MX' | 'NS';
  /** `host` or `host:port`; the system resolver when absent. */
  readonly server?: string;
  /** A value some answer must equal (case-insensitive); any answer when absent. */
  readonly expect?: string;
}

/** Flattens the answers of any record type to strings. */
function answerStrings(answers: unknown[]): string[] {
  return answers.map((a) => {
    if (typeof a === 'string') return a;
    if (Array.isArray(a)) return a.join('');
    if (typeof a === 'object' && a !== null && 'exchange' in a) return String(a.exchange);
    return JSON.stringify(a);
  });
}

/** Queries `target`. Resolves `ok: false` on a wrong, empty or missing answer. */
export async function probeDns(
  target: DnsProbeTarget,
  signal: AbortSignal,
  clock: Clock,
): Promise<ProbeResult> {
  const start = clock.monotonic();
  if (signal.aborted) throw signal.reason;
  const resolver = new Resolver({ tries: 1 });
  if (target.server !== undefined) {
    const [host, port] = target.server.split(':');
    resolver.setServers([port === undefined ? (host ?? '') : `${host ?? ''}:${port}`]);
  }
  const onAbort = (): void => resolver.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const answers = answerStrings(
      (await resolver.resolve(target.query, target.recordType)) as unknown[],
    );
    const latencyMs = clock.monotonic() - start;
    if (answers.length === 0) return { ok: false, latencyMs, error: 'empty answer' };
    const want = target.expect?.toLowerCase();
    if (want !== undefined && !answers.some((a) => a.toLowerCase() === want)) {
      return {
        ok: false,
        latencyMs,
        error: `answer ${answers.join(', ')} lacks ${target.expect ?? ''}`,
      };
    }
    return { ok: true, latencyMs };
  } catch (e) {
    if (signal.aborted) throw signal.reason;
    return { ok: false, latencyMs: clock.monotonic() - start, error: (e as Error).message };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
