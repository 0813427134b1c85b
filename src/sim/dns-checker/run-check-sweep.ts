/**
 * @module
 * A sweep of many seeds across worker threads, with a fallback to this thread. Seeds are
 * independent, so the range is cut into small ranges handed out one at a time to whichever
 * worker is free (a slow seed — an hours-long stall — never holds up the rest), and each
 * worker sends back one {@link SweepSummary} per range.
 *
 * Workers must be able to load TypeScript when the CLI runs from source: a worker of
 * `sweep-worker.ts` is started with the `tsx` loader (`--import tsx`), one of
 * `sweep-worker.js` (the built `dist/`) without. If no worker can be started — no loader, a
 * sandbox without threads — or one dies, its ranges run here instead, so a sweep always
 * completes; the result says how many workers actually ran.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { systemClock } from '../../core/clock.js';
import type { Clock } from '../../core/clock.js';
import type { DnsMode } from '../../dns/create-enactors.js';
import { sweepSeeds } from './sweep-seeds.js';
import { addSeedResult, emptySweepSummary, mergeSweepSummary } from './sweep-summary.js';
import type { SweepSummary } from './sweep-summary.js';
import type { SweepWorkerData, SweepWorkerReply, SweepWorkerRequest } from './sweep-worker.js';

/** Options for {@link runCheckSweep}. */
export interface CheckSweepOptions {
  readonly mode: DnsMode;
  /** The first seed. Default 1. */
  readonly from?: number;
  /** How many seeds (≥ 1). */
  readonly count: number;
  /**
   * Worker threads. 0 runs every seed in this thread. Default {@link defaultSweepWorkers}:
   * one per core, at most 8.
   */
  readonly workers?: number;
  /** Runs interleaved per thread (see `sweep-seeds.ts`). Default `sweepSeeds`'s. */
  readonly concurrency?: number;
  /** Progress: seeds done so far, of `total`, and violating seeds so far. */
  readonly onProgress?: (done: number, total: number, violations: number) => void;
  /** Wall clock for the seeds-per-second figure. Default the system clock. */
  readonly clock?: Clock;
  /**
   * The worker's entry module. Default `sweep-worker` next to this module (`.ts` from source,
   * `.js` built). Tests point it elsewhere to exercise the fallback.
   */
  readonly workerEntry?: URL;
}

/** What {@link runCheckSweep} returns. */
export interface CheckSweepResult {
  readonly summary: SweepSummary;
  /** Wall-clock seconds the sweep took. */
  readonly seconds: number;
  readonly seedsPerSecond: number;
  /** Worker threads that ran ranges (0: all ran in this thread). */
  readonly workersUsed: number;
  /** Why some or all ranges ran in this thread instead of a worker, if they did. */
  readonly fallback?: string;
}

/** One worker thread per core, at most 8 (past that, memory bandwidth is the limit). */
export function defaultSweepWorkers(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

interface Range {
  readonly from: number;
  readonly count: number;
}

function rangesOf(from: number, count: number, threads: number): Range[] {
  // Small enough that every thread gets many (balance, progress), large enough that the
  // messages cost nothing: 1/16 of a thread's share, between 5 and 250 seeds.
  const size = Math.max(5, Math.min(250, Math.ceil(count / (threads * 16))));
  const out: Range[] = [];
  for (let s = from; s < from + count; s += size) {
    out.push({ from: s, count: Math.min(size, from + count - s) });
  }
  return out;
}

/**
 * How to start a worker of `entry`. A built `.js` entry is the worker's file. From source
 * (`tsx`), Node 20 does not run a worker's TypeScript entry through the loader the main
 * thread was started with, so the worker is a one-line bootstrap that loads the entry with
 * tsx's own API (`tsImport`), resolved from here.
 */
function workerEntry(entry: URL | undefined): {
  readonly filename: string | URL;
  readonly eval: boolean;
  readonly extra: { readonly entry?: string; readonly tsxApi?: string };
} {
  const here = import.meta.url;
  const url =
    entry ?? new URL(here.endsWith('.ts') ? './sweep-worker.ts' : './sweep-worker.js', here);
  if (!url.pathname.endsWith('.ts')) return { filename: url, eval: false, extra: {} };
  // Dynamic imports only, so it runs as a script or, when the process was started with
  // `--input-type=module` (which workers inherit), as a module.
  const bootstrap =
    "import('node:worker_threads').then(async ({ workerData }) => {" +
    ' const api = await import(workerData.tsxApi);' +
    ' await api.tsImport(workerData.entry, workerData.entry);' +
    ' }).catch((e) => setImmediate(() => { throw e; }));';
  return {
    filename: bootstrap,
    eval: true,
    extra: { entry: url.href, tsxApi: import.meta.resolve('tsx/esm/api') },
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs seeds `from … from + count − 1`. See the module comment. */
export async function runCheckSweep(options: CheckSweepOptions): Promise<CheckSweepResult> {
  const { mode } = options;
  const from = options.from ?? 1;
  const count = options.count;
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`runCheckSweep: count must be an integer >= 1, got ${String(count)}`);
  }
  const workers = options.workers ?? defaultSweepWorkers();
  if (!Number.isInteger(workers) || workers < 0) {
    throw new RangeError(`runCheckSweep: workers must be an integer >= 0, got ${String(workers)}`);
  }
  const clock = options.clock ?? systemClock;
  const summary = emptySweepSummary(mode);
  const progress = (): void => options.onProgress?.(summary.seeds, count, summary.violations);
  const startMs = clock.monotonic();
  const threads = Math.max(1, Math.min(workers, count));
  const pending = rangesOf(from, count, threads);

  let used = 0;
  let fallback: string | undefined;
  if (workers > 0) {
    const r = await runInWorkers(pending, threads, {
      mode,
      entry: options.workerEntry,
      concurrency: options.concurrency,
      onRange: (part) => {
        mergeSweepSummary(summary, part);
        progress();
      },
    });
    used = r.used;
    fallback = r.fallback;
  }
  // Whatever no worker ran (none could start, or one died) runs here.
  for (const range of pending) {
    await sweepSeeds({
      mode,
      from: range.from,
      count: range.count,
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      onResult: (r) => {
        addSeedResult(summary, r);
        progress();
      },
    });
  }
  pending.length = 0;
  const seconds = Math.max(1e-9, (clock.monotonic() - startMs) / 1000);
  return {
    summary,
    seconds,
    seedsPerSecond: count / seconds,
    workersUsed: used,
    ...(fallback === undefined ? {} : { fallback }),
  };
}

interface WorkerRun {
  readonly mode: DnsMode;
  readonly entry: URL | undefined;
  readonly concurrency: number | undefined;
  readonly onRange: (summary: SweepSummary) => void;
}

/**
 * Hands `pending` ranges to up to `threads` workers until none is left or no worker is
 * alive. Ranges a dead worker held go back to `pending`. Resolves with how many workers ran
 * a range and, if any range is left, why.
 */
function runInWorkers(
  pending: Range[],
  threads: number,
  run: WorkerRun,
): Promise<{ used: number; fallback?: string }> {
  return new Promise((resolve) => {
    let entry: ReturnType<typeof workerEntry>;
    try {
      entry = workerEntry(run.entry);
    } catch (error) {
      resolve({ used: 0, fallback: `no worker entry point: ${errorText(error)}` });
      return;
    }
    const data: SweepWorkerData & { readonly entry?: string; readonly tsxApi?: string } = {
      mode: run.mode,
      concurrency: run.concurrency ?? 0,
      ...entry.extra,
    };
    let alive = 0;
    let used = 0;
    let fallback: string | undefined;
    let settled = false;
    const finish = (): void => {
      if (settled || alive > 0) return;
      settled = true;
      resolve(fallback === undefined ? { used } : { used, fallback });
    };
    for (let i = 0; i < threads && i < pending.length; i++) {
      let worker: Worker;
      try {
        worker = new Worker(entry.filename, { eval: entry.eval, workerData: data });
      } catch (error) {
        fallback ??= `could not start a worker thread: ${errorText(error)}`;
        continue;
      }
      alive++;
      let current: Range | undefined;
      let ran = false;
      let gone = false;
      const next = (): void => {
        current = pending.shift();
        const request: SweepWorkerRequest =
          current === undefined ? { type: 'exit' } : { type: 'range', ...current };
        worker.postMessage(request);
      };
      const die = (why: string): void => {
        if (gone) return;
        gone = true;
        alive--;
        if (current !== undefined) pending.unshift(current);
        current = undefined;
        fallback ??= why;
        void worker.terminate();
        finish();
      };
      worker.on('message', (reply: SweepWorkerReply) => {
        if (reply.type === 'ready') next();
        else if (reply.type === 'range-done') {
          current = undefined;
          if (!ran) {
            ran = true;
            used++;
          }
          run.onRange(reply.summary);
          next();
        } else die(`a worker failed: ${reply.message}`);
      });
      worker.on('error', (error) => die(`a worker thread stopped: ${errorText(error)}`));
      worker.on('exit', () => {
        if (gone) return;
        gone = true;
        alive--;
        if (current !== undefined) {
          pending.unshift(current);
          fallback ??= 'a worker thread exited early';
        }
        finish();
      });
    }
    finish();
  });
}
