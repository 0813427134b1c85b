/**
 * @module
 * What a probe checks and what it reports: the targets (HTTP(S), TCP connect), the result,
 * and {@link runProbe}, the local prober that dispatches on the target's kind. A
 * {@link ProbeRunner} is the seam for other vantage points: a remote agent, a prober in
 * another region, or a scripted one in the simulator.
 */
import type { Clock } from '../../core/clock.js';
import { probeHttp } from './http-probe.js';
import type { HttpProbeTarget } from './http-probe.js';
import { probeTcp } from './tcp-probe.js';
import type { TcpProbeTarget } from './tcp-probe.js';

/** Anything a probe can check. */
export type ProbeTarget = HttpProbeTarget | TcpProbeTarget;

/** The outcome of one probe. */
export interface ProbeResult {
  readonly ok: boolean;
  /** Time from start to verdict, ms (on the probe's clock). */
  readonly latencyMs: number;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  /** Why it failed, for people. */
  readonly error?: string;
}

/**
 * Runs one probe. Must settle (never hang) once `signal` aborts, and should resolve with
 * `ok: false` rather than reject for an unreachable or unhealthy endpoint.
 */
export type ProbeRunner = (target: ProbeTarget, signal: AbortSignal) => Promise<ProbeResult>;

/** Probes `target` from this host. */
export function runProbe(
  target: ProbeTarget,
  signal: AbortSignal,
  clock: Clock,
): Promise<ProbeResult> {
  return target.kind === 'http'
    ? probeHttp(target, signal, clock)
    : probeTcp(target, signal, clock);
}
