/**
 * @module
 * The status page's probes on top of the one probe engine (`src/dns/health`). The engine's
 * {@link HealthChecker} knows HTTP and TCP targets; the status page adds DNS queries, TLS
 * expiry and a latency limit. They plug in through the engine's own seam, the vantage point's
 * {@link ProbeRunner}: each monitor is registered with an engine-valid stand-in target (a TCP
 * target for the server it talks to) whose identity maps to the full {@link StatusProbeTarget},
 * and the runner dispatches on that. The engine's thresholds, quorum and timeouts apply
 * unchanged.
 */
import type { Clock } from '../../core/clock.js';
import { probeHttp } from '../../dns/health/http-probe.js';
import type { HttpProbeTarget } from '../../dns/health/http-probe.js';
import type { ProbeResult, ProbeRunner, ProbeTarget } from '../../dns/health/probe.js';
import { probeTcp } from '../../dns/health/tcp-probe.js';
import type { TcpProbeTarget } from '../../dns/health/tcp-probe.js';
import type { MonitorConfig } from '../config.js';
import { probeDns } from './dns-probe.js';
import type { DnsProbeTarget } from './dns-probe.js';
import { probeTlsExpiry } from './tls-expiry-probe.js';
import type { TlsExpiryProbeTarget } from './tls-expiry-probe.js';

/** An HTTP target with an optional latency limit. */
export interface HttpStatusProbeTarget extends HttpProbeTarget {
  /** A response slower than this fails. */
  readonly maxLatencyMs?: number;
}

/** Anything the status page probes. */
export type StatusProbeTarget =
  HttpStatusProbeTarget | TcpProbeTarget | DnsProbeTarget | TlsExpiryProbeTarget;

/** Probes any {@link StatusProbeTarget} from this host. */
export async function runStatusProbe(
  target: StatusProbeTarget,
  signal: AbortSignal,
  clock: Clock,
): Promise<ProbeResult> {
  switch (target.kind) {
    case 'http': {
      const r = await probeHttp(target, signal, clock);
      if (r.ok && target.maxLatencyMs !== undefined && r.latencyMs > target.maxLatencyMs) {
        return {
          ...r,
          ok: false,
          error: `slow: ${Math.round(r.latencyMs)} ms > ${target.maxLatencyMs} ms`,
        };
      }
      return r;
    }
    case 'tcp':
      return probeTcp(target, signal, clock);
    case 'dns':
      return probeDns(target, signal, clock);
    case 'tls':
      return probeTlsExpiry(target, signal, clock);
  }
}

/** The probe target of a monitor; undefined for a heartbeat (nothing to probe). */
export function monitorProbeTarget(m: MonitorConfig): StatusProbeTarget | undefined {
  switch (m.type) {
    case 'http':
      return {
        kind: 'http',
        url: m.url,
        expectStatus: m.expectStatus,
        ...(m.keyword === undefined ? {} : { bodyMatch: m.keyword }),
        ...(m.json === undefined ? {} : { jsonMatch: m.json }),
        ...(m.maxLatencyMs === undefined ? {} : { maxLatencyMs: m.maxLatencyMs }),
      };
    case 'tcp':
      return { kind: 'tcp', host: m.host, port: m.port };
    case 'dns':
      return {
        kind: 'dns',
        query: m.query,
        recordType: m.recordType,
        ...(m.server === undefined ? {} : { server: m.server }),
        ...(m.expect === undefined ? {} : { expect: m.expect }),
      };
    case 'tls':
      return {
        kind: 'tls',
        host: m.host,
        port: m.port,
        minDaysLeft: m.minDaysLeft,
        rejectUnauthorized: m.rejectUnauthorized,
      };
    case 'heartbeat':
      return undefined;
  }
}

/**
 * Maps status targets onto engine targets. `engineTarget(t)` returns the object to register
 * with the {@link HealthChecker}; `runner` is the vantage point's probe function.
 */
export class StatusProbeRegistry {
  readonly #byEngineTarget = new WeakMap<object, StatusProbeTarget>();
  /** The vantage point's probe function: looks the stand-in up and probes the real target. */
  readonly runner: ProbeRunner;

  constructor(clock: Clock, probe: typeof runStatusProbe = runStatusProbe) {
    this.runner = (target: ProbeTarget, signal: AbortSignal) =>
      probe(this.#byEngineTarget.get(target) ?? target, signal, clock);
  }

  /** The engine target standing in for `target` (a fresh object per call). */
  engineTarget(target: StatusProbeTarget | undefined): ProbeTarget {
    let stand: ProbeTarget;
    if (target === undefined) stand = { kind: 'tcp', host: 'heartbeat.invalid', port: 1 };
    else if (target.kind === 'http') stand = { ...target };
    else if (target.kind === 'tcp') stand = { ...target };
    else if (target.kind === 'tls') stand = { kind: 'tcp', host: target.host, port: target.port };
    else {
      const [host, port] = (target.server ?? 'system-resolver:53').split(':');
      stand = { kind: 'tcp', host: host ?? '', port: Number(port ?? 53) };
    }
    if (target !== undefined) this.#byEngineTarget.set(stand, target);
    return stand;
  }
}
