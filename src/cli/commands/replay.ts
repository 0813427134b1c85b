/**
 * @module
 * `breakwater replay SCENARIO`: runs one of the simulator's scenarios and prints its result —
 * a table on stdout, or with `--json` exactly one JSON document — and with `--out FILE.html`
 * writes a self-contained HTML report with charts. A thin shell: the scenarios live in
 * `src/sim/scenarios/`, the report in `src/sim/report/`.
 *
 * Scenarios are rows of one table ({@link SCENARIOS}): a name, the flags it takes beyond the
 * common ones, and a `run` that returns its JSON document, its text table and its report. A
 * new scenario (the us-east-1 replay) is one more row. Flags are parsed strictly: an unknown
 * flag, a malformed number or a flag the scenario does not take is a usage error naming it
 * (exit 2). Progress goes to stderr only: a redrawn bar when stderr is a terminal, a few
 * plain lines otherwise.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../core/clock.js';
import { renderReport } from '../../sim/report/render-report.js';
import type { ReportOptions } from '../../sim/report/render-report.js';
import { contentionReport } from '../../sim/scenarios/contention-report.js';
import { contentionJson, runContention } from '../../sim/scenarios/contention.js';
import { DEFAULT_SCENARIO_SEED } from '../../sim/scenarios/default-seed.js';
import { SPIKE_TAIL_SECONDS, spikeReport } from '../../sim/scenarios/spike-report.js';
import { runSpike, spikeJson, summarizeSpikeWindow } from '../../sim/scenarios/spike.js';
import { usEast1Report } from '../../sim/scenarios/us-east-1-2025/replay-report.js';
import { usEast1Text } from '../../sim/scenarios/us-east-1-2025/replay-text.js';
import {
  DEFAULT_DROPLETS,
  MAX_DROPLETS,
  runUsEast1Replay,
  usEast1Json,
} from '../../sim/scenarios/us-east-1-2025/replay.js';
import type { Command, CommandIo } from '../command.js';
import { UsageError } from '../usage-error.js';

/** Flags beyond `--seed`, `--json` and `--out` that a scenario may take. */
type ScenarioFlag = 'clients' | 'trials' | 'droplets';

/** The parsed flags a scenario runs with. */
interface ReplayFlags {
  readonly seed: number;
  readonly clients?: number;
  readonly trials?: number;
  readonly droplets?: number;
}

/** What a scenario run produces. */
interface ScenarioOutput {
  /** The `--json` document. */
  readonly json: unknown;
  /** The human-readable result for stdout. */
  readonly text: string;
  /** The HTML report's content. */
  readonly report: ReportOptions;
}

/** One row of the scenario table. */
interface Scenario {
  readonly name: string;
  readonly summary: string;
  readonly flags: readonly ScenarioFlag[];
  /** The report written when `--out` is not given; none by default. */
  readonly defaultOut?: string;
  run(
    flags: ReplayFlags,
    onProgress: (fraction: number) => void,
  ): ScenarioOutput | Promise<ScenarioOutput>;
}

const MAX_CLIENTS = 10_000;
const MAX_TRIALS = 100_000;

function formatNumber(x: number, decimals: number): string {
  return x.toFixed(decimals);
}

/** Left-aligned first column, right-aligned others. */
function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

const contention: Scenario = {
  name: 'contention',
  summary: 'N clients update one row with optimistic concurrency; five backoff variants',
  flags: ['clients', 'trials'],
  run(flags, onProgress) {
    const result = runContention({
      seed: flags.seed,
      ...(flags.clients !== undefined && { clients: flags.clients }),
      ...(flags.trials !== undefined && { trials: flags.trials }),
      onProgress: (done, total) => onProgress(done / total),
    });
    const rows = result.results.map((r) => [
      r.backoff,
      formatNumber(r.meanCompletionMs, 1),
      formatNumber(r.meanWriteCalls, 1),
      formatNumber(r.meanWriteCalls / result.clients, 2),
    ]);
    const text =
      `contention: ${result.clients} clients, ${result.trials} trials, seed ${String(result.seed)} ` +
      `(backoff base ${result.baseMs} ms, cap ${result.capMs} ms; network |N(10 ms, 2 ms)|)\n\n` +
      formatTable(
        ['backoff', 'mean completion (ms)', 'mean conditional writes', 'writes per client'],
        rows,
      );
    return { json: contentionJson(result), text, report: contentionReport(result) };
  },
};

const spike: Scenario = {
  name: 'spike',
  summary: 'a 5 s load spike tips a retrying system into metastable collapse; 3 variants',
  flags: [],
  run(flags, onProgress) {
    const result = runSpike({
      seed: flags.seed,
      onProgress: (doneUs, totalUs) => onProgress(doneUs / totalUs),
    });
    const end = result.durationSeconds;
    const from = Math.max(0, end - SPIKE_TAIL_SECONDS);
    const rows = result.results.map((r) => {
      const w = summarizeSpikeWindow(r, from, end);
      const t = r.totals;
      return [
        r.variant,
        String(t.created),
        String(t.succeeded),
        String(t.timedOut),
        String(t.dropped),
        String(t.inFlight),
        String(t.retries),
        formatNumber(w.offeredPerSecond, 1),
        formatNumber(w.goodputPerSecond, 1),
        `${formatNumber(w.ratio * 100, 0)} %`,
      ];
    });
    const text =
      `spike: Poisson 40 req/s, 80 req/s for t in [${result.spikeFromSeconds} s, ${result.spikeUntilSeconds} s), ` +
      `${end} s in all; seed ${String(result.seed)}\n\n` +
      formatTable(
        [
          'variant',
          'requests',
          'succeeded',
          'timed out',
          'dropped',
          `in flight`,
          'retries',
          `offered/s (last ${end - from} s)`,
          `goodput/s (last ${end - from} s)`,
          'ratio',
        ],
        rows,
      );
    return { json: spikeJson(result), text, report: spikeReport(result) };
  },
};

const usEast1: Scenario = {
  name: 'us-east-1-2025',
  summary: 'the 2025-10-20 outage: as it happened, with breakwater, and a forced DNS outage',
  flags: ['droplets'],
  defaultOut: 'replay-report.html',
  async run(flags, onProgress) {
    const result = await runUsEast1Replay({
      seed: flags.seed,
      ...(flags.droplets !== undefined && { droplets: flags.droplets }),
      onProgress,
    });
    return { json: usEast1Json(result), text: usEast1Text(result), report: usEast1Report(result) };
  },
};

/** Every scenario `replay` can run; add a row to add one. */
const SCENARIOS: readonly Scenario[] = [contention, spike, usEast1];

const HELP = `usage: breakwater replay SCENARIO [options]

Runs a deterministic simulation and prints its result. The same seed gives the same output.

scenarios:
${SCENARIOS.map((s) => `  ${s.name.padEnd(16)}${s.summary}`).join('\n')}

options:
  --seed N         root seed of the run, an integer (default ${DEFAULT_SCENARIO_SEED})
  --clients N      contention: clients contending for the row, 1–${MAX_CLIENTS} (default 100)
  --trials N       contention: trials averaged per variant, 1–${MAX_TRIALS} (default 100)
  --droplets N     us-east-1-2025: droplets in the fleet, 1000–${MAX_DROPLETS} (default ${DEFAULT_DROPLETS})
  --json           print exactly one JSON document on stdout
  --out FILE.html  also write a self-contained HTML report with charts
                   (us-east-1-2025 always writes one: default replay-report.html)
  -h, --help       this help

JSON:
  contention  {"scenario":"contention","clients":N,"trials":T,"results":[{"backoff",
              "meanCompletionMs","meanWriteCalls"}, ...]}
  spike       {"scenario":"spike","results":[{"variant","series":[{"t","offered","goodput",
              "retries","timeouts"}, ...]}, ...]}
  us-east-1-2025
              {"scenario":"us-east-1-2025","droplets":N,"events":E,"wallMs":W,"runs":[{"name",
              "dnsEmptyMinutes","leasesRestoredAt","launchesRecoveredAt","allNormalAt",
              "operatorActions","recoveryMinutesAfterDnsFix"}, ...]} (times HH:MM PDT or null)

examples:
  breakwater replay contention
  breakwater replay contention --clients 50 --trials 20 --json
  breakwater replay spike --out spike.html
  breakwater replay us-east-1-2025 --droplets 10000 --json

Progress goes to stderr. exit codes: 0 done, 1 failure, 2 bad flags
`;

function parseInteger(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

interface Parsed {
  readonly scenario: Scenario;
  readonly flags: ReplayFlags;
  readonly json: boolean;
  readonly out?: string;
}

function parse(argv: readonly string[]): Parsed {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        seed: { type: 'string' },
        clients: { type: 'string' },
        trials: { type: 'string' },
        droplets: { type: 'string' },
        json: { type: 'boolean' },
        out: { type: 'string' },
      },
    }));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unknown flag '${flag}' (see breakwater replay --help)`, { cause: err });
    }
    throw new UsageError(message.split('. ')[0] ?? message, { cause: err });
  }
  const names = SCENARIOS.map((s) => s.name).join(', ');
  const [name, ...extra] = positionals;
  if (name === undefined) throw new UsageError(`missing scenario: choose one of ${names}`);
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (scenario === undefined) {
    throw new UsageError(`unknown scenario '${name}': choose one of ${names}`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument '${String(extra[0])}'`);
  for (const flag of ['clients', 'trials', 'droplets'] as const) {
    if (values[flag] !== undefined && !scenario.flags.includes(flag)) {
      const takers = SCENARIOS.filter((s) => s.flags.includes(flag)).map((s) => s.name);
      throw new UsageError(`--${flag} does not apply to ${name} (only to ${takers.join(', ')})`);
    }
  }
  if (values.out !== undefined && values.out.trim() === '') {
    throw new UsageError('--out needs a file name, such as report.html');
  }
  const seed =
    values.seed === undefined
      ? DEFAULT_SCENARIO_SEED
      : parseInteger('seed', values.seed, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  return {
    scenario,
    flags: {
      seed,
      ...(values.clients !== undefined && {
        clients: parseInteger('clients', values.clients, 1, MAX_CLIENTS),
      }),
      ...(values.trials !== undefined && {
        trials: parseInteger('trials', values.trials, 1, MAX_TRIALS),
      }),
      ...(values.droplets !== undefined && {
        droplets: parseInteger('droplets', values.droplets, 1000, MAX_DROPLETS),
      }),
    },
    json: values.json === true,
    ...(values.out !== undefined && { out: values.out }),
  };
}

/**
 * Progress on stderr: on a terminal, one line redrawn in place (only when the shown
 * percentage changes); otherwise a plain line at every 25 %, so logs stay short.
 */
class Progress {
  readonly #io: CommandIo;
  readonly #label: string;
  readonly #tty: boolean;
  #shown = -1;

  constructor(io: CommandIo, label: string) {
    this.#io = io;
    this.#label = label;
    this.#tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  }

  update(fraction: number): void {
    const f = Math.min(1, Math.max(0, fraction));
    if (this.#tty) {
      const percent = Math.floor(f * 100);
      if (percent === this.#shown) return;
      this.#shown = percent;
      const width = 30;
      const filled = Math.round(f * width);
      const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
      this.#io.stderr.write(`\r${this.#label} [${bar}] ${String(percent).padStart(3)}%`);
    } else {
      const quarter = Math.floor(f * 4);
      if (quarter === this.#shown || quarter === 0) return;
      this.#shown = quarter;
      this.#io.stderr.write(`${this.#label}: ${quarter * 25}%\n`);
    }
  }

  done(seconds: number): void {
    if (this.#tty) this.#io.stderr.write('\n');
    this.#io.stderr.write(`${this.#label}: done in ${seconds.toFixed(2)} s (wall clock)\n`);
  }
}

/** Writes `html` to `path` through a temporary file, so a failure leaves no half-written file. */
function writeAtomically(path: string, html: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, html);
    renameSync(temporary, path);
  } catch (err) {
    rmSync(temporary, { force: true });
    throw new Error(`could not write the report to ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** The `breakwater replay` command. */
export const replayCommand: Command = {
  name: 'replay',
  summary:
    'run a simulation scenario (contention, spike, us-east-1-2025): table, --json, --out report.html',
  help: HELP,
  async run(argv, io) {
    const p = parse(argv);
    const progress = new Progress(io, `replay ${p.scenario.name}`);
    const startMs = systemClock.monotonic();
    const output = await p.scenario.run(p.flags, (f) => progress.update(f));
    progress.done((systemClock.monotonic() - startMs) / 1000);
    const out = p.out ?? p.scenario.defaultOut;
    if (out !== undefined) {
      const path = resolve(io.cwd, out);
      writeAtomically(path, renderReport(output.report));
      io.stderr.write(`replay ${p.scenario.name}: wrote ${path}\n`);
    }
    io.stdout.write(p.json ? `${JSON.stringify(output.json)}\n` : output.text);
    return 0;
  },
};
