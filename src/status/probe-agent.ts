/**
 * @module
 * A remote vantage point: `breakwater status probe --report-to URL --token T --vantage ID`.
 * It asks the status server which monitors to probe (`/api/v2/probe-config`), probes them on
 * its own schedule with the same probe engine ({@link HealthChecker} and the status probes),
 * and reports raw results in batches to `/api/v2/report`. Thresholds and the quorum are
 * applied by the server, per vantage point, so the page shows each one's view. The token
 * travels in the `Authorization` header only.
 */
import type { Clock, Timer } from '../core/clock.js';
import type { Rng } from '../core/rng.js';
import { HealthChecker } from '../dns/health/health-checker.js';
import { StatusProbeRegistry } from './probes/status-probe.js';
import type { StatusProbeTarget, runStatusProbe } from './probes/status-probe.js';
import type { RemoteResult } from './status-monitor.js';

/** Options of {@link ProbeAgent}. */
export interface ProbeAgentOptions {
  /** Base URL of the status server, such as `http://10.0.0.5:8080`. */
  readonly reportTo: string;
  readonly token: string;
  /** This vantage point's id, as declared in the server's config. */
  readonly vantage: string;
  readonly clock: Clock;
  readonly rng?: Rng;
  /** Results are sent at most this often, ms. Default 1000. */
  readonly flushMs?: number;
  /** Reports an error (failed report, bad config answer). */
  readonly onError?: (message: string) => void;
  /** Probe function (tests script it). Default: real probes. */
  readonly probe?: typeof runStatusProbe;
}

interface ProbeConfigMonitor {
  readonly id: string;
  readonly vantagePoints: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly target: StatusProbeTarget;
}

/** Probes from here and reports to the status server. */
export class ProbeAgent {
  readonly #o: ProbeAgentOptions;
  readonly #base: string;
  #checker: HealthChecker | undefined;
  #buffer: RemoteResult[] = [];
  #timer: Timer | undefined;
  #sent = 0;

  constructor(options: ProbeAgentOptions) {
    if (!/^https?:\/\//.test(String(options?.reportTo))) {
      throw new TypeError(
        `ProbeAgent: reportTo must be an http(s) URL, got ${String(options?.reportTo)}`,
      );
    }
    if (typeof options.token !== 'string' || options.token === '')
      throw new TypeError('ProbeAgent: token must be a non-empty string');
    if (typeof options.vantage !== 'string' || options.vantage === '')
      throw new TypeError('ProbeAgent: vantage must be a non-empty string');
    this.#o = options;
    this.#base = options.reportTo.replace(/\/+$/, '');
  }

  /** Results reported so far. */
  get sent(): number {
    return this.#sent;
  }

  /** Fetches the monitors and starts probing. Resolves with how many monitors it probes. */
  async start(): Promise<number> {
    const res = await fetch(`${this.#base}/api/v2/probe-config`, { headers: this.#headers() });
    if (!res.ok) throw new Error(`probe-config: the status server answered ${res.status}`);
    const body = (await res.json()) as { monitors?: ProbeConfigMonitor[] };
    const mine = (body.monitors ?? []).filter((m) => m.vantagePoints.includes(this.#o.vantage));
    const registry = new StatusProbeRegistry(this.#o.clock, this.#o.probe);
    const checker = new HealthChecker({
      clock: this.#o.clock,
      ...(this.#o.rng === undefined ? {} : { rng: this.#o.rng }),
      vantagePoints: [{ id: this.#o.vantage, probe: registry.runner }],
      checks: mine.map((m) => ({
        id: m.id,
        target: registry.engineTarget(m.target),
        intervalMs: m.intervalMs,
        timeoutMs: Math.min(m.timeoutMs, m.intervalMs),
        failureThreshold: 1,
      })),
    });
    checker.onProbe((e) => {
      this.#buffer.push({
        monitor: e.check,
        ok: e.result.ok,
        latencyMs: e.result.latencyMs,
        ...(e.result.error === undefined ? {} : { error: e.result.error }),
      });
      this.#timer ??= this.#o.clock.setTimer(this.#o.flushMs ?? 1000, () => {
        this.#timer = undefined;
        void this.flush();
      });
    });
    this.#checker = checker;
    checker.start();
    return mine.length;
  }

  /** Sends buffered results now. Never rejects; failures go to `onError` and are dropped. */
  async flush(): Promise<void> {
    if (this.#buffer.length === 0) return;
    const results = this.#buffer;
    this.#buffer = [];
    try {
      const res = await fetch(`${this.#base}/api/v2/report`, {
        method: 'POST',
        headers: { ...this.#headers(), 'content-type': 'application/json' },
        body: JSON.stringify({ vantage: this.#o.vantage, results }),
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`the status server answered ${res.status}`);
      this.#sent += results.length;
    } catch (e) {
      // Dropped, not retried: the next probe carries fresher news, and a server that is
      // down gains nothing from a backlog of old results.
      this.#o.onError?.(`report failed: ${(e as Error).message}`);
    }
  }

  /** Stops probing. */
  stop(): void {
    this.#checker?.stop();
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #headers(): Record<string, string> {
    return { authorization: `Bearer ${this.#o.token}` };
  }
}
