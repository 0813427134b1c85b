/**
 * @module
 * The monitor behind the status page: the one probe engine ({@link HealthChecker}) configured
 * from a {@link StatusConfig}, plus what a status page needs around it.
 *
 * - **Vantage points.** `local` probes from this process; a remote vantage point is a passive
 *   slot that a `breakwater status probe` process fills through {@link StatusMonitor.ingest}.
 *   Thresholds apply per vantage point and a monitor is down only when a quorum of them sees
 *   it down — the engine's rules, unchanged.
 * - **Heartbeats.** A passive `heartbeat` vantage point: {@link StatusMonitor.heartbeat}
 *   reports ok; a timer on the clock reports a failure for every interval (plus grace) that
 *   passed without one — a dead-man's switch.
 * - **The prober watches itself.** Every vantage point's last report time is kept; one silent
 *   for longer than `staleAfterMs` is *stale*, and the page says "data stale since …" rather
 *   than keep showing the last green it saw.
 * - Everything is recorded in the {@link StatusStore}; verdict changes are emitted as
 *   `onChange` (notifications) and every change of what the page shows as `onUpdate` (static
 *   export).
 */
import type { Clock, Timer } from '../core/clock.js';
import { EventEmitter } from '../core/events.js';
import type { Event } from '../core/events.js';
import type { Rng } from '../core/rng.js';
import { HealthChecker } from '../dns/health/health-checker.js';
import type { ProbeResult } from '../dns/health/probe.js';
import type { MonitorConfig, StatusConfig } from './config.js';
import type { runStatusProbe } from './probes/status-probe.js';
import { StatusProbeRegistry, monitorProbeTarget } from './probes/status-probe.js';
import type { StatusStore } from './status-store.js';

/** Options of {@link StatusMonitor}. */
export interface StatusMonitorOptions {
  readonly config: StatusConfig;
  readonly store: StatusStore;
  readonly clock: Clock;
  /** Spreads the first probes over their interval. */
  readonly rng?: Rng;
  /** How `local` probes (tests inject a scripted one). Default: real probes. */
  readonly probe?: typeof runStatusProbe;
}

/** One probe result sent by a remote vantage point. */
export interface RemoteResult {
  readonly monitor: string;
  readonly ok: boolean;
  readonly latencyMs: number;
  readonly error?: string;
}

/** Payload of {@link StatusMonitor.onChange}. */
export interface MonitorChangeEvent {
  readonly monitor: string;
  readonly name: string;
  readonly up: boolean;
  readonly atMs: number;
  /** Vantage points that see it down, of how many. */
  readonly downVantages: number;
  readonly vantages: number;
  /** The last error seen, for people. */
  readonly detail: string;
}

/** A vantage point's freshness. */
export interface VantageFreshness {
  readonly id: string;
  /** Last report (or local probe), `clock.now()`; undefined when none yet. */
  readonly lastReportMs: number | undefined;
  readonly stale: boolean;
  /** When it went quiet: its last report, or when the monitor started if it never did. */
  readonly staleSinceMs: number | undefined;
}

const HEARTBEAT = 'heartbeat';

/** Watches the configured monitors and records what it sees. */
export class StatusMonitor {
  readonly config: StatusConfig;
  readonly store: StatusStore;
  readonly checker: HealthChecker;
  readonly #clock: Clock;
  readonly #startedMs: number;
  readonly #monitors = new Map<string, MonitorConfig>();
  readonly #lastReport = new Map<string, number>();
  readonly #lastHeartbeat = new Map<string, number>();
  readonly #lastError = new Map<string, string>();
  readonly #timers: Timer[] = [];
  readonly #changes = new EventEmitter<MonitorChangeEvent>();
  readonly #updates = new EventEmitter<void>();
  #staleNotified = new Set<string>();

  /** A monitor's verdict flipped. */
  readonly onChange: Event<MonitorChangeEvent> = this.#changes.event;
  /** Something the page shows changed (a verdict, an incident, maintenance, staleness). */
  readonly onUpdate: Event<void> = this.#updates.event;

  constructor(options: StatusMonitorOptions) {
    this.config = options.config;
    this.store = options.store;
    this.#clock = options.clock;
    this.#startedMs = options.clock.now();
    const registry = new StatusProbeRegistry(options.clock, options.probe);
    const vantagePoints = [
      ...options.config.vantagePoints.map((v) =>
        v.remote ? { id: v.id } : { id: v.id, probe: registry.runner },
      ),
      { id: HEARTBEAT },
    ];
    this.checker = new HealthChecker({
      clock: options.clock,
      ...(options.rng === undefined ? {} : { rng: options.rng }),
      vantagePoints,
    });
    for (const m of options.config.monitors) {
      this.#monitors.set(m.id, m);
      this.checker.addCheck({
        id: m.id,
        target: registry.engineTarget(monitorProbeTarget(m)),
        intervalMs: m.intervalMs,
        timeoutMs: Math.min(m.timeoutMs, m.intervalMs),
        failureThreshold: m.failuresBeforeDown,
        successThreshold: m.successesBeforeUp,
        vantagePoints: m.vantagePoints,
        // A restart resumes from the last recorded verdict, not from a blind "up".
        initiallyHealthy: this.store.history(m.id, 1)[0]?.up ?? true,
        ...(m.quorum === undefined ? {} : { quorum: m.quorum }),
      });
    }
    this.checker.onProbe((e) => this.#record(e.check, e.vantage, e.result));
    this.checker.onChange((e) => {
      const m = this.#monitors.get(e.check);
      if (m === undefined) return;
      const detail = this.#lastError.get(e.check) ?? '';
      this.store.recordChange(e.check, e.healthy, e.healthy ? 'recovered' : detail);
      this.#changes.emit({
        monitor: e.check,
        name: m.name,
        up: e.healthy,
        atMs: e.atMs,
        downVantages: e.unhealthyVantages,
        vantages: e.vantages,
        detail,
      });
      this.#updates.emit();
    });
  }

  /** The monitors, in config order. */
  get monitors(): readonly MonitorConfig[] {
    return this.config.monitors;
  }

  /** Starts probing, heartbeat deadlines, staleness watching and pruning. */
  start(): void {
    this.checker.start();
    for (const m of this.config.monitors) {
      if (m.type === 'heartbeat') this.#armHeartbeat(m);
    }
    const watch = (): void => {
      this.#checkStaleness();
      this.#timers.push(
        this.#clock.setTimer(Math.min(this.config.staleAfterMs / 4, 15_000), watch, {
          unref: true,
        }),
      );
    };
    watch();
    const prune = (): void => {
      this.store.prune();
      this.#timers.push(this.#clock.setTimer(3_600_000, prune, { unref: true }));
    };
    this.#timers.push(this.#clock.setTimer(60_000, prune, { unref: true }));
  }

  /** Stops every timer and probe. */
  stop(): void {
    this.checker.stop();
    for (const t of this.#timers.splice(0)) t.cancel();
  }

  /** A job checked in: the heartbeat monitor `id` is alive. Throws RangeError for others. */
  heartbeat(id: string): void {
    const m = this.#monitors.get(id);
    if (m?.type !== 'heartbeat')
      throw new RangeError(`StatusMonitor: '${id}' is not a heartbeat monitor`);
    this.#lastHeartbeat.set(id, this.#clock.now());
    this.#record(id, HEARTBEAT, { ok: true, latencyMs: 0 });
    this.checker.report(id, HEARTBEAT, true);
  }

  #armHeartbeat(m: MonitorConfig & { type: 'heartbeat' }): void {
    const due = m.intervalMs + m.graceMs;
    const check = (): void => {
      const last = this.#lastHeartbeat.get(m.id) ?? this.#startedMs;
      const now = this.#clock.now();
      if (now - last >= due) {
        const error = `no check-in for ${Math.round((now - last) / 1000)} s`;
        this.#record(m.id, HEARTBEAT, { ok: false, latencyMs: 0, error });
        this.checker.report(m.id, HEARTBEAT, false);
      }
      this.#timers.push(this.#clock.setTimer(m.intervalMs, check, { unref: true }));
    };
    this.#timers.push(this.#clock.setTimer(due, check, { unref: true }));
  }

  /**
   * Results from a remote vantage point. Unknown monitors and monitors that vantage point does
   * not probe are skipped; returns how many were taken. Throws RangeError for an unknown or
   * local vantage point.
   */
  ingest(vantage: string, results: readonly RemoteResult[]): number {
    const vp = this.config.vantagePoints.find((v) => v.id === vantage);
    if (vp === undefined || !vp.remote)
      throw new RangeError(`StatusMonitor: '${vantage}' is not a remote vantage point`);
    this.#lastReport.set(vantage, this.#clock.now());
    let n = 0;
    for (const r of results) {
      const m = this.#monitors.get(r.monitor);
      if (m === undefined || !m.vantagePoints.includes(vantage) || typeof r.ok !== 'boolean')
        continue;
      const latency =
        typeof r.latencyMs === 'number' && Number.isFinite(r.latencyMs) ? r.latencyMs : 0;
      const result: ProbeResult =
        r.error === undefined
          ? { ok: r.ok, latencyMs: latency }
          : { ok: r.ok, latencyMs: latency, error: String(r.error) };
      this.checker.report(m.id, vantage, r.ok);
      this.#record(m.id, vantage, result, true);
      n++;
    }
    this.#checkStaleness();
    return n;
  }

  #record(monitor: string, vantage: string, result: ProbeResult, remote = false): void {
    if (!remote) this.#lastReport.set(vantage, this.#clock.now());
    if (!result.ok && result.error !== undefined)
      this.#lastError.set(monitor, `${vantage}: ${result.error}`);
    const remoteLast = this.#remoteResults.get(monitor) ?? new Map<string, ProbeResult>();
    remoteLast.set(vantage, result);
    this.#remoteResults.set(monitor, remoteLast);
    this.store.recordSample(
      monitor,
      vantage,
      result.ok,
      result.latencyMs,
      this.checker.isHealthy(monitor),
    );
  }

  readonly #remoteResults = new Map<string, Map<string, ProbeResult>>();

  /** The last result of `monitor` from `vantage`. */
  lastResult(monitor: string, vantage: string): ProbeResult | undefined {
    return this.#remoteResults.get(monitor)?.get(vantage);
  }

  /** Whether each vantage point (heartbeat excluded) still reports. */
  freshness(): VantageFreshness[] {
    const now = this.#clock.now();
    // Only vantage points that probe something are expected to report.
    const used = this.config.vantagePoints.filter((v) =>
      this.config.monitors.some((m) => m.vantagePoints.includes(v.id)),
    );
    return used.map((v) => {
      const last = this.#lastReport.get(v.id);
      const since = last ?? this.#startedMs;
      const stale = now - since > this.config.staleAfterMs;
      return { id: v.id, lastReportMs: last, stale, staleSinceMs: stale ? since : undefined };
    });
  }

  #checkStaleness(): void {
    const stale = new Set(
      this.freshness()
        .filter((f) => f.stale)
        .map((f) => f.id),
    );
    const same =
      stale.size === this.#staleNotified.size &&
      [...stale].every((s) => this.#staleNotified.has(s));
    this.#staleNotified = stale;
    if (!same) this.#updates.emit();
  }

  /** Tells `onUpdate` listeners that incidents or maintenance changed. */
  touch(): void {
    this.#updates.emit();
  }
}
