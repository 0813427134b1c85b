/**
 * @module
 * `breakwater status serve` as a library call: the monitor, the SQLite store, the HTTP server,
 * the static export on every change and the webhooks, wired together from one config. The CLI
 * and `breakwater up` choose the concrete clock and tokens; everything else is here.
 */
import type { Clock } from '../core/clock.js';
import type { Rng } from '../core/rng.js';
import type { StatusConfig } from './config.js';
import type { runStatusProbe } from './probes/status-probe.js';
import { StaticExporter } from './static-export.js';
import type { PublishEvent } from './static-export.js';
import { StatusMonitor } from './status-monitor.js';
import { StatusServer } from './status-server.js';
import { takeSnapshot } from './status-snapshot.js';
import { StatusStore } from './status-store.js';
import { WebhookNotifier } from './webhook-notifier.js';

/** Options of {@link startStatusService}. */
export interface StatusServiceOptions {
  readonly config: StatusConfig;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly adminToken?: string;
  readonly probeToken?: string;
  /** Overrides the config's port (0: any free port). */
  readonly port?: number;
  readonly host?: string;
  /** Scripted probes for tests. */
  readonly probe?: typeof runStatusProbe;
  /** Log lines (requests, exports, notifications). */
  readonly onLog?: (line: string) => void;
  /** Page re-render interval, ms (see StatusServer). */
  readonly renderCacheMs?: number;
}

/** A running status service. */
export interface StatusService {
  readonly url: string;
  readonly monitor: StatusMonitor;
  readonly server: StatusServer;
  readonly exporter: StaticExporter;
  readonly notifier: WebhookNotifier;
  /** Publishes the static export now; resolves when it is out. */
  exportNow(): Promise<void>;
  /** Stops probing, serving and closes the database (after a last export). */
  stop(): Promise<void>;
}

/** Starts everything a config describes. */
export async function startStatusService(o: StatusServiceOptions): Promise<StatusService> {
  const { config, clock } = o;
  const log = o.onLog ?? (() => undefined);
  const store = new StatusStore({
    clock,
    path: config.databasePath,
    retentionMs: config.retentionMs,
    rawRetentionMs: config.rawRetentionMs,
  });
  const monitor = new StatusMonitor({
    config,
    store,
    clock,
    rng: o.rng,
    ...(o.probe === undefined ? {} : { probe: o.probe }),
  });
  const server = new StatusServer({
    monitor,
    clock,
    ...(o.adminToken === undefined ? {} : { adminToken: o.adminToken }),
    ...(o.probeToken === undefined ? {} : { probeToken: o.probeToken }),
    ...(o.renderCacheMs === undefined ? {} : { renderCacheMs: o.renderCacheMs }),
    onLog: log,
  });
  const exporter = new StaticExporter({ targets: config.exports });
  exporter.onPublish((e: PublishEvent) => {
    const where =
      e.target.kind === 'dir'
        ? e.target.path
        : e.target.kind === 'git'
          ? e.target.remote
          : 'command';
    log(
      e.ok
        ? `export ${e.target.kind} ${where}: published`
        : `export ${e.target.kind} ${where}: FAILED ${e.error ?? ''}`,
    );
  });
  const notifier = new WebhookNotifier({
    webhooks: config.webhooks,
    clock,
    rng: o.rng.fork('webhooks'),
    title: config.title,
  });
  const exportNow = (): Promise<void> =>
    config.exports.length === 0
      ? Promise.resolve()
      : exporter.publish(takeSnapshot(monitor, clock));
  monitor.onUpdate(() => void exportNow());
  monitor.onChange((e) => {
    log(
      `${e.monitor} ${e.up ? 'UP' : 'DOWN'} (${e.downVantages}/${e.vantages} vantage points see it down)`,
    );
    void notifier.notify(e).then((rs) => {
      for (const r of rs) if (!r.ok) log(`webhook ${r.url}: FAILED ${r.error ?? ''}`);
    });
  });
  const addr = await server.listen(o.port ?? config.port, o.host ?? config.host);
  monitor.start();
  await exportNow();
  return {
    url: addr.url,
    monitor,
    server,
    exporter,
    notifier,
    exportNow,
    async stop() {
      monitor.stop();
      await server.close();
      await exportNow();
      await exporter.idle();
      store.close();
    },
  };
}
