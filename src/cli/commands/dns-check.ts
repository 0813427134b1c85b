/**
 * @module
 * `breakwater dns check`: the deterministic checker of the phonebook's invariants. A sweep
 * runs seeds 1…N — each one the real planner, enactors, janitor and reconciler against the
 * fault-injecting store under simulated time (`src/sim/dns-checker/`) — and reports the seeds
 * that broke an invariant, with the timeline that led there; `--seed S` replays one seed
 * with its whole timeline. `--mode legacy` runs the 2025 algorithm instead, as the negative
 * control: the checker must find its race.
 *
 * A thin shell over `runCheckSweep` and `runSeed`. Flags are parsed strictly (an unknown
 * flag or a malformed number is a `UsageError`, exit 2). Exit code 1 when any seed broke an
 * invariant (or a run failed), else 0. The result goes to stdout (with `--json`, exactly one
 * JSON document); progress goes to stderr: a redrawn bar on a terminal, a plain line every
 * 10 % otherwise. `breakwater dns` dispatches `check` here.
 */
import { parseArgs } from 'node:util';
import { systemClock } from '../../core/clock.js';
import { defaultSweepWorkers, runCheckSweep } from '../../sim/dns-checker/run-check-sweep.js';
import { formatVirtualTime } from '../../sim/dns-checker/timeline.js';
import type { SeedResult } from '../../sim/dns-checker/seed-run.js';
import { runSeed } from '../../sim/dns-checker/sweep-seeds.js';
import {
  INVARIANT_IDS,
  addSeedResult,
  checkJson,
  emptySweepSummary,
} from '../../sim/dns-checker/sweep-summary.js';
import type { SweepSummary } from '../../sim/dns-checker/sweep-summary.js';
import type { DnsMode } from '../../dns/create-enactors.js';
import type { CommandIo } from '../command.js';
import { UsageError } from '../usage-error.js';

/** The most seeds one sweep takes. */
const MAX_SEEDS = 10_000_000;
/** The most worker threads. */
const MAX_WORKERS = 64;
/** Seeds a sweep runs when `--seeds` is not given. */
const DEFAULT_SEEDS = 1000;

/** `breakwater dns check --help`. */
export const DNS_CHECK_HELP = `usage: breakwater dns check [--mode safe|legacy] [--seeds N | --seed S] [--json]
                            [--workers N]

Deterministic simulation testing of the DNS control plane. Each seed runs the real
planner, three real enactors, the janitor and the reconciler against a fault-injecting
store under simulated time: plan changes, latency at every store call, store errors,
answers lost after the write took effect, crashes and restarts, and a stall of one
enactor for minutes to hours. The invariants I1–I4 are checked after every store step,
I5 (every target converges to the newest plan) once the faults stop. The same seed
always gives the same run.

options:
  --mode M       safe (default): the compare-and-set algorithm; legacy: the 2025
                 algorithm (check once, apply unconditionally, clean up relative to
                 its own plan) — the negative control, whose race the checker must find
  --seeds N      run seeds 1…N (default ${DEFAULT_SEEDS}, at most ${MAX_SEEDS})
  --seed S       replay seed S alone and print its whole timeline
  --workers N    worker threads for a sweep (default ${defaultSweepWorkers()}, one per core; 0 runs
                 in this thread)
  --json         print exactly one JSON document on stdout:
                 {"mode","seeds","violations","firstViolationSeed",
                  "invariants":{"I1","I2","I3","I4","I5"},"seedsPerSecond"}
  -h, --help     this help

invariants:
  I1 never empty         a name with records is never served with none
  I2 monotonic           a target's active generation never decreases
  I3 active plan kept    the active plan is never deleted
  I4 provenance          everything served comes from a plan the planner wrote
  I5 self-repair         once faults stop, every target converges to the newest plan

examples:
  breakwater dns check --mode legacy --seeds 2000
  breakwater dns check --mode legacy --seed 102
  breakwater dns check --mode safe --seeds 100000 --json

Progress goes to stderr. exit codes: 0 no violation, 1 a violation (or a failed run),
2 bad flags
`;

interface Parsed {
  readonly help: boolean;
  readonly mode: DnsMode;
  readonly seeds: number;
  readonly seed: number | undefined;
  readonly workers: number;
  readonly json: boolean;
}

function parseInteger(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got '${raw}'`);
  }
  return value;
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
        mode: { type: 'string' },
        seeds: { type: 'string' },
        seed: { type: 'string' },
        workers: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unknown flag '${flag}' (see breakwater dns check --help)`, {
        cause: err,
      });
    }
    throw new UsageError(message.split('. ')[0] ?? message, { cause: err });
  }
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument '${String(positionals[0])}'`);
  }
  const mode = values.mode ?? 'safe';
  if (mode !== 'safe' && mode !== 'legacy') {
    throw new UsageError(`--mode must be 'safe' or 'legacy', got '${mode}'`);
  }
  if (values.seeds !== undefined && values.seed !== undefined) {
    throw new UsageError('give --seeds N (a sweep) or --seed S (a replay), not both');
  }
  return {
    help: values.help === true,
    mode,
    seeds:
      values.seeds === undefined
        ? DEFAULT_SEEDS
        : parseInteger('seeds', values.seeds, 1, MAX_SEEDS),
    seed:
      values.seed === undefined
        ? undefined
        : parseInteger('seed', values.seed, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    workers:
      values.workers === undefined
        ? defaultSweepWorkers()
        : parseInteger('workers', values.workers, 0, MAX_WORKERS),
    json: values.json === true,
  };
}

/**
 * Progress on stderr: on a terminal one line redrawn in place (when the percentage
 * changes); otherwise a plain line at every 10 %.
 */
class Progress {
  readonly #io: CommandIo;
  readonly #label: string;
  readonly #tty: boolean;
  readonly #startMs = systemClock.monotonic();
  #shown = -1;

  constructor(io: CommandIo, label: string) {
    this.#io = io;
    this.#label = label;
    this.#tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  }

  update(done: number, total: number, violations: number): void {
    const f = total === 0 ? 1 : done / total;
    const seconds = (systemClock.monotonic() - this.#startMs) / 1000;
    const rate = seconds > 0 ? ` ${Math.round(done / seconds)} seeds/s` : '';
    const counts = `${done}/${total} seeds, ${violations} violating,${rate}`;
    if (this.#tty) {
      const percent = Math.floor(f * 100);
      if (percent === this.#shown) return;
      this.#shown = percent;
      const width = 30;
      const filled = Math.round(f * width);
      const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
      this.#io.stderr.write(`\r${this.#label} [${bar}] ${String(percent).padStart(3)}% ${counts}`);
    } else {
      const tenth = Math.floor(f * 10);
      if (tenth === this.#shown || tenth === 0) return;
      this.#shown = tenth;
      this.#io.stderr.write(`${this.#label}: ${tenth * 10}% — ${counts}\n`);
    }
  }

  done(): void {
    if (this.#tty && this.#shown >= 0) this.#io.stderr.write('\n');
  }
}

function indent(lines: readonly string[], by = '  '): string {
  return lines.map((l) => `${by}${l}\n`).join('');
}

function invariantCounts(summary: SweepSummary): string {
  return INVARIANT_IDS.map((id) => `${id} ${summary.invariants[id]}`).join(', ');
}

/** The report of one seed: schedule, first violations, timeline. */
function seedReport(r: SeedResult, replayHint: boolean): string {
  const broke = r.violated.length === 0 ? 'held every invariant' : `broke ${r.violated.join(', ')}`;
  let out = `seed ${r.seed} (${r.mode}) ${broke}${r.error === undefined ? '' : ', and its run FAILED'}`;
  out += replayHint ? ` — replay: breakwater dns check --mode ${r.mode} --seed ${r.seed}\n` : '\n';
  out += `  schedule:\n${indent(r.schedule, '    ')}`;
  if (r.firsts.length > 0) {
    out += `  first violation of each invariant:\n`;
    out += indent(
      r.firsts.map((v) => `${formatVirtualTime(v.atUs)}  ${v.message}`),
      '    ',
    );
  }
  if (r.error !== undefined) out += `  error: ${r.error}\n`;
  if (r.timeline.length > 0) {
    out += replayHint
      ? `  timeline (the last ${r.timeline.length} steps up to the first violation):\n`
      : `  timeline (${r.timeline.length} entries):\n`;
    out += indent(r.timeline, '    ');
  }
  return out;
}

/** The human report of a sweep. */
function sweepReport(
  summary: SweepSummary,
  seconds: number,
  seedsPerSecond: number,
  threads: string,
): string {
  let out = `breakwater dns check: mode ${summary.mode}, seeds 1–${summary.seeds}, ${threads}\n`;
  out +=
    summary.violations === 0
      ? `no violation: every invariant held in every seed\n`
      : `violations: ${summary.violations} of ${summary.seeds} seeds (${invariantCounts(summary)}); first at seed ${String(summary.firstViolationSeed)}\n`;
  if (summary.errors > 0) out += `FAILED runs: ${summary.errors} seeds (see below)\n`;
  out += `${seedsPerSecond.toFixed(1)} seeds per second (${seconds.toFixed(2)} s wall clock)\n`;
  // One timeline per distinct seed among the first breakers of each invariant, by seed.
  const shown = new Map<number, SeedResult>();
  for (const id of INVARIANT_IDS) {
    const r = summary.firstByInvariant[id];
    if (r !== undefined) shown.set(r.seed, r);
  }
  if (summary.firstError !== undefined) shown.set(summary.firstError.seed, summary.firstError);
  for (const r of [...shown.values()].sort((a, b) => a.seed - b.seed)) {
    out += `\n${seedReport(r, true)}`;
  }
  if (summary.violating.length > shown.size) {
    const listed = [...summary.violating].sort((a, b) => a.seed - b.seed).slice(0, 30);
    out += `\nviolating seeds${summary.violating.length > 30 ? ' (the first 30)' : ''}: `;
    out += listed.map((v) => `${v.seed} (${v.violated.join(' ')})`).join(', ');
    out += '\n';
  }
  return out;
}

/**
 * Runs `breakwater dns check` with the arguments after `check`. Resolves to the exit code;
 * throws {@link UsageError} for bad flags (exit 2). See the module comment.
 */
export async function runDnsCheck(argv: readonly string[], io: CommandIo): Promise<number> {
  const p = parse(argv);
  if (p.help) {
    io.stdout.write(DNS_CHECK_HELP);
    return 0;
  }
  if (p.seed !== undefined) {
    const startMs = systemClock.monotonic();
    const r = await runSeed(p.seed, p.mode, { timelineCapacity: Infinity });
    const seconds = Math.max(1e-9, (systemClock.monotonic() - startMs) / 1000);
    const summary = emptySweepSummary(p.mode);
    addSeedResult(summary, r);
    const report = `breakwater dns check: mode ${p.mode}, replaying seed ${r.seed}\n\n${seedReport(r, false)}`;
    if (p.json) {
      io.stderr.write(report);
      io.stdout.write(`${JSON.stringify(checkJson(summary, 1 / seconds))}\n`);
    } else {
      io.stdout.write(report);
    }
    return r.violated.length > 0 || r.error !== undefined ? 1 : 0;
  }
  const progress = new Progress(io, `dns check ${p.mode}`);
  const result = await runCheckSweep({
    mode: p.mode,
    count: p.seeds,
    workers: p.workers,
    onProgress: (done, total, violations) => progress.update(done, total, violations),
  });
  progress.done();
  if (result.fallback !== undefined) {
    io.stderr.write(`dns check: ran in this thread instead of workers: ${result.fallback}\n`);
  }
  const { summary } = result;
  if (p.json) {
    io.stdout.write(`${JSON.stringify(checkJson(summary, result.seedsPerSecond))}\n`);
  } else {
    const threads =
      result.workersUsed === 0
        ? 'in one thread'
        : `${result.workersUsed} worker thread${result.workersUsed === 1 ? '' : 's'}`;
    io.stdout.write(sweepReport(summary, result.seconds, result.seedsPerSecond, threads));
  }
  return summary.violations > 0 || summary.errors > 0 ? 1 : 0;
}
