/**
 * @module
 * What the page shows, as plain data: one {@link StatusSnapshot} feeds the live HTML page, the
 * JSON API, the badges and the static export, so all of them tell the same story. It is
 * serialisable: the static export is rendered from it with no server and no database.
 */
import type { Clock } from '../core/clock.js';
import type { Incident, Maintenance } from './status-store.js';
import type { StatusMonitor } from './status-monitor.js';

/** A component's state, named as hosted status pages (Statuspage's API) name them. */
export type ComponentStatus =
  'operational' | 'degraded_performance' | 'partial_outage' | 'major_outage' | 'under_maintenance';

/** One monitor on the page. */
export interface MonitorView {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly up: boolean;
  readonly status: ComponentStatus;
  /** When the verdict last changed. */
  readonly sinceMs: number;
  readonly uptime: {
    readonly h24?: number;
    readonly d7?: number;
    readonly d30?: number;
    readonly d90?: number;
  };
  /** Last 90 UTC days, oldest first; undefined where there is no data. */
  readonly days: readonly (number | undefined)[];
  /** Recent successful probe latencies, oldest first, ms. */
  readonly latencyMs: readonly number[];
  /** Each vantage point's view. */
  readonly vantages: readonly {
    readonly id: string;
    readonly up: boolean;
    readonly stale: boolean;
    readonly lastLatencyMs?: number;
    readonly lastError?: string;
  }[];
}

/** The whole page. */
export interface StatusSnapshot {
  readonly title: string;
  readonly generatedMs: number;
  /** Statuspage's indicator: none, minor, major, critical; maintenance while one runs. */
  readonly indicator: 'none' | 'minor' | 'major' | 'critical' | 'maintenance';
  readonly description: string;
  readonly monitors: readonly MonitorView[];
  readonly incidents: readonly Incident[];
  readonly maintenance: readonly Maintenance[];
  /** Vantage points whose reports stopped, and since when. */
  readonly stale: readonly { readonly vantage: string; readonly sinceMs: number }[];
  /** A vantage point silent this long is stale (the export uses it too), ms. */
  readonly staleAfterMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Takes a snapshot of `monitor` at `clock.now()`. */
export function takeSnapshot(monitor: StatusMonitor, clock: Clock): StatusSnapshot {
  const now = clock.now();
  const store = monitor.store;
  const fresh = monitor.freshness();
  const staleIds = new Set(fresh.filter((f) => f.stale).map((f) => f.id));
  const maintenance = store.maintenance();
  const inMaintenance = (id: string): boolean =>
    maintenance.some(
      (m) => m.startsMs <= now && (m.monitors.length === 0 || m.monitors.includes(id)),
    );
  const monitors: MonitorView[] = monitor.monitors.map((m) => {
    const st = monitor.checker.status(m.id)!;
    const vantages = st.vantages
      .filter((v) => v.id !== 'heartbeat' || m.type === 'heartbeat')
      .map((v) => {
        const last = monitor.lastResult(m.id, v.id);
        return {
          id: v.id,
          up: v.state.healthy,
          stale: staleIds.has(v.id),
          ...(last?.ok === true ? { lastLatencyMs: Math.round(last.latencyMs * 10) / 10 } : {}),
          ...(last?.error === undefined ? {} : { lastError: last.error }),
        };
      });
    const someDown = vantages.some((v) => !v.up);
    const status: ComponentStatus = inMaintenance(m.id)
      ? 'under_maintenance'
      : !st.healthy
        ? 'major_outage'
        : someDown
          ? 'partial_outage'
          : 'operational';
    const uptime: { h24?: number; d7?: number; d30?: number; d90?: number } = {};
    for (const [k, ms] of [
      ['h24', DAY],
      ['d7', 7 * DAY],
      ['d30', 30 * DAY],
      ['d90', 90 * DAY],
    ] as const) {
      const u = store.uptime(m.id, ms);
      if (u !== undefined) uptime[k] = u;
    }
    return {
      id: m.id,
      name: m.name,
      type: m.type,
      up: st.healthy,
      status,
      sinceMs: st.sinceMs,
      uptime,
      days: store.daily(m.id, 90).map((d) => d.uptime),
      latencyMs: store
        .samples(m.id, now - DAY, 60)
        .filter((s) => s.ok && m.type !== 'heartbeat')
        .map((s) => Math.round(s.latencyMs * 10) / 10),
      vantages,
    };
  });
  const down = monitors.filter((m) => m.status === 'major_outage').length;
  const partial = monitors.filter((m) => m.status === 'partial_outage').length;
  const maint = monitors.some((m) => m.status === 'under_maintenance');
  const [indicator, description] =
    down > 0 && down >= monitors.length / 2
      ? (['critical', 'Major System Outage'] as const)
      : down > 0
        ? (['major', 'Partial System Outage'] as const)
        : partial > 0
          ? (['minor', 'Minor Service Outage'] as const)
          : maint
            ? (['maintenance', 'Service Under Maintenance'] as const)
            : (['none', 'All Systems Operational'] as const);
  return {
    title: monitor.config.title,
    generatedMs: now,
    indicator,
    description,
    monitors,
    incidents: store.incidents(),
    maintenance,
    stale: fresh
      .filter((f) => f.stale)
      .map((f) => ({ vantage: f.id, sinceMs: f.staleSinceMs ?? now })),
    staleAfterMs: monitor.config.staleAfterMs,
  };
}
