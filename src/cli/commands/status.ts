/**
 * @module
 * `breakwater status serve|probe|doctor|export`: the status page's commands. A thin shell over
 * `src/status`: flags are parsed strictly here; tokens come from the environment (or
 * `--token` for a prober) and are never printed.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../../core/clock.js';
import { Rng } from '../../core/rng.js';
import { loadStatusConfig } from '../../status/config.js';
import type { StatusConfig } from '../../status/config.js';
import { isStatusConfigError } from '../../status/errors.js';
import { ProbeAgent } from '../../status/probe-agent.js';
import { StaticExporter, renderStaticSite, writeStaticSite } from '../../status/static-export.js';
import { formatDoctorReport, statusDoctor } from '../../status/status-doctor.js';
import { StatusMonitor } from '../../status/status-monitor.js';
import { startStatusService } from '../../status/status-service.js';
import { takeSnapshot } from '../../status/status-snapshot.js';
import { StatusStore } from '../../status/status-store.js';
import type { Command, CommandIo } from '../command.js';
import { UsageError } from '../usage-error.js';

const HELP = `usage: breakwater status serve --config FILE [--port N] [--host H]
       breakwater status probe --report-to URL --vantage ID [--token T]
       breakwater status doctor --config FILE [--json]
       breakwater status export --config FILE [--to DIR] [--json]

serve    probes the config's monitors, stores history in SQLite, serves the page
         (/, /api/v2/summary.json, /api/v2/status.json, /badge/ID.svg, /admin) and
         publishes the static export on every change. Tokens come from the environment:
         BREAKWATER_STATUS_ADMIN_TOKEN (admin area; Authorization header, Basic or Bearer)
         and BREAKWATER_STATUS_PROBE_TOKEN (remote probers and heartbeats); the config's
         adminTokenEnv / probeTokenEnv rename them. Stops cleanly on Ctrl-C.
probe    a remote vantage point: fetches the monitors from the server, probes them here
         and reports. The token is --token or BREAKWATER_STATUS_PROBE_TOKEN.
doctor   runs the graph analysis over what the page and the monitored services run on;
         exit 0 when independent, 1 when the page shares fate with what it monitors.
export   renders the page from the stored history and publishes it once (to the
         config's export targets and --to DIR).

examples:
  BREAKWATER_STATUS_ADMIN_TOKEN=s3cret breakwater status serve --config examples/status.yaml
  breakwater status doctor --config examples/status.yaml
  breakwater status probe --report-to http://10.0.0.5:8080 --vantage eu-west --token T

exit codes: 0 done, 1 failure (or not independent), 2 bad flags or config (file:line: field: problem)
`;

function parse(
  argv: readonly string[],
  options: Record<string, { type: 'string' | 'boolean' }>,
): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }).values;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new UsageError(`${message.split('. ')[0] ?? message} (see breakwater status --help)`, {
      cause: err,
    });
  }
}

async function config(file: unknown): Promise<StatusConfig> {
  if (typeof file !== 'string') throw new UsageError('--config FILE is required');
  try {
    return await loadStatusConfig(file);
  } catch (e) {
    if (isStatusConfigError(e)) throw new UsageError(e.message, { cause: e });
    throw e;
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    // The probe engine's timers are unref'd (a library must not hold a process open); this
    // one keeps the command alive until it is told to stop.
    let keepAlive = systemClock.setTimer(2 ** 31 - 1, function again() {
      keepAlive = systemClock.setTimer(2 ** 31 - 1, again);
    });
    const done = (): void => {
      keepAlive.cancel();
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

function port(v: unknown): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v) || n > 65_535)
    throw new UsageError(`--port must be 0–65535, got '${typeof v === 'string' ? v : typeof v}'`);
  return n;
}

async function serve(argv: readonly string[], io: CommandIo): Promise<number> {
  const v = parse(argv, {
    config: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
  });
  const cfg = await config(v.config);
  const adminToken = process.env[cfg.adminTokenEnv];
  const probeToken = process.env[cfg.probeTokenEnv];
  const p = port(v.port);
  const { rng } = Rng.fromEntropy();
  const service = await startStatusService({
    config: cfg,
    clock: systemClock,
    rng,
    ...(adminToken === undefined ? {} : { adminToken }),
    ...(probeToken === undefined ? {} : { probeToken }),
    ...(p === undefined ? {} : { port: p }),
    ...(typeof v.host === 'string' ? { host: v.host } : {}),
    onLog: (line) => io.stderr.write(`${line}\n`),
  });
  io.stderr.write(
    `status page: ${service.url}/  (${cfg.monitors.length} monitors; admin ${adminToken === undefined ? `disabled: set ${cfg.adminTokenEnv}` : `at ${service.url}/admin`})\n`,
  );
  io.stdout.write(`${service.url}\n`);
  await untilSignal();
  io.stderr.write('stopping…\n');
  await service.stop();
  return 0;
}

async function probe(argv: readonly string[], io: CommandIo): Promise<number> {
  const v = parse(argv, {
    'report-to': { type: 'string' },
    token: { type: 'string' },
    vantage: { type: 'string' },
  });
  const token = typeof v.token === 'string' ? v.token : process.env.BREAKWATER_STATUS_PROBE_TOKEN;
  if (typeof v['report-to'] !== 'string') throw new UsageError('--report-to URL is required');
  if (typeof v.vantage !== 'string') throw new UsageError('--vantage ID is required');
  if (token === undefined || token === '')
    throw new UsageError('--token T (or BREAKWATER_STATUS_PROBE_TOKEN) is required');
  let agent: ProbeAgent;
  try {
    agent = new ProbeAgent({
      reportTo: v['report-to'],
      token,
      vantage: v.vantage,
      clock: systemClock,
      rng: Rng.fromEntropy().rng,
      onError: (m) => io.stderr.write(`${m}\n`),
    });
  } catch (e) {
    throw new UsageError((e as Error).message, { cause: e });
  }
  const n = await agent.start();
  io.stderr.write(
    `probing ${n} monitors as vantage point '${v.vantage}', reporting to ${v['report-to']}\n`,
  );
  await untilSignal();
  agent.stop();
  await agent.flush();
  return 0;
}

async function doctor(argv: readonly string[], io: CommandIo): Promise<number> {
  const v = parse(argv, { config: { type: 'string' }, json: { type: 'boolean' } });
  const report = statusDoctor(await config(v.config));
  if (v.json === true) {
    io.stdout.write(
      `${JSON.stringify({ independent: report.independent, findings: report.findings, warnings: report.warnings })}\n`,
    );
  } else io.stdout.write(formatDoctorReport(report));
  return report.independent ? 0 : 1;
}

async function exportOnce(argv: readonly string[], io: CommandIo): Promise<number> {
  const v = parse(argv, {
    config: { type: 'string' },
    to: { type: 'string' },
    json: { type: 'boolean' },
  });
  const cfg = await config(v.config);
  const clock = systemClock;
  const store = new StatusStore({
    clock,
    path: cfg.databasePath,
    retentionMs: cfg.retentionMs,
    rawRetentionMs: cfg.rawRetentionMs,
  });
  try {
    const monitor = new StatusMonitor({ config: cfg, store, clock });
    const snapshot = takeSnapshot(monitor, clock);
    const results: { target: string; ok: boolean; error?: string }[] = [];
    if (typeof v.to === 'string') {
      await writeStaticSite(v.to, renderStaticSite(snapshot));
      results.push({ target: v.to, ok: true });
    }
    const exporter = new StaticExporter({ targets: cfg.exports });
    exporter.onPublish((e) =>
      results.push({
        target:
          e.target.kind === 'dir'
            ? e.target.path
            : e.target.kind === 'git'
              ? e.target.remote
              : e.target.command,
        ok: e.ok,
        ...(e.error === undefined ? {} : { error: e.error }),
      }),
    );
    await exporter.publish(snapshot);
    if (v.json === true) io.stdout.write(`${JSON.stringify({ published: results })}\n`);
    else
      for (const r of results)
        io.stdout.write(
          `${r.ok ? 'published' : 'FAILED'} ${r.target}${r.error === undefined ? '' : `: ${r.error}`}\n`,
        );
    return results.every((r) => r.ok) ? 0 : 1;
  } finally {
    store.close();
  }
}

/** `breakwater status`. */
export const statusCommand: Command = {
  name: 'status',
  summary: 'a status page that does not share fate: serve, probe, doctor, export',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'serve':
        return serve(rest, io);
      case 'probe':
        return probe(rest, io);
      case 'doctor':
        return doctor(rest, io);
      case 'export':
        return exportOnce(rest, io);
      default:
        throw new UsageError(
          sub === undefined
            ? 'missing subcommand: serve, probe, doctor or export'
            : `unknown subcommand '${sub}': use serve, probe, doctor or export`,
        );
    }
  },
};
