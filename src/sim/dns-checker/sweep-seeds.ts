/**
 * @module
 * Runs many seeds in one thread. Real `async` code under a `VirtualClock` must let its
 * promise continuations run after every kernel event before virtual time moves on; the only
 * way to be sure they all ran is a trip through the event loop (`drainMicrotasks`, one
 * `setImmediate`). `Simulation.runAsync` pays one trip per event.
 *
 * Independent runs share no state, so their events can share trips: each round fires ONE
 * event of every active run, then drains once. Every run still sees all of its own
 * continuations run before its next event, in the same order as if it ran alone — the
 * microtask queue is FIFO, and a run's continuations only ever queue more of its own — so a
 * seed's result does not depend on which other seeds ran beside it (a test checks this).
 *
 * Measured (`npm run bench -- dns-check`, CPU time against `runAsync`): a trip through the
 * event loop is cheap next to what the real components do per event, so interleaving buys
 * little — nothing for safe-mode seeds and 10–20 % for the lighter legacy ones with 4 runs
 * in flight — and many runs in flight lose more to cache misses than they save (×16:
 * −10–15 %, ×64: about −30 % for safe mode). Hence the small default. What made the checker
 * fast enough was a smaller schedule per seed (`check-schedule.ts`) and one worker thread
 * per core (`run-check-sweep.ts`).
 */
import { drainMicrotasks } from '../../core/microtasks.js';
import type { DnsMode } from '../../dns/create-enactors.js';
import { SeedRun } from './seed-run.js';
import type { SeedResult } from './seed-run.js';

/** Options for {@link sweepSeeds}. */
export interface SweepSeedsOptions {
  readonly mode: DnsMode;
  /** The first seed. */
  readonly from: number;
  /** How many seeds: `from`, `from + 1`, … */
  readonly count: number;
  /** Runs in flight at once. Default {@link DEFAULT_SWEEP_CONCURRENCY}. */
  readonly concurrency?: number;
  /** Timeline entries kept per seed. Default `SeedRun`'s. */
  readonly timelineCapacity?: number;
  /** Called with each seed's result as it finishes (not in seed order). */
  readonly onResult: (result: SeedResult) => void;
}

/**
 * Default {@link SweepSeedsOptions.concurrency}: the best of 1, 4, 16 and 64 in the
 * benchmark (see the module comment).
 */
export const DEFAULT_SWEEP_CONCURRENCY = 4;

/** Runs the seeds `from … from + count − 1`; resolves when all have finished. */
export async function sweepSeeds(options: SweepSeedsOptions): Promise<void> {
  const { mode, from, count, onResult } = options;
  const concurrency = options.concurrency ?? DEFAULT_SWEEP_CONCURRENCY;
  if (!Number.isSafeInteger(from)) {
    throw new RangeError(`sweepSeeds: from must be a safe integer, got ${String(from)}`);
  }
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`sweepSeeds: count must be an integer >= 0, got ${String(count)}`);
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `sweepSeeds: concurrency must be an integer >= 1, got ${String(concurrency)}`,
    );
  }
  const runOptions =
    options.timelineCapacity === undefined ? {} : { timelineCapacity: options.timelineCapacity };
  let next = from;
  const end = from + count;
  const active: SeedRun[] = [];
  for (;;) {
    while (active.length < concurrency && next < end) {
      active.push(new SeedRun({ seed: next++, mode, ...runOptions }));
    }
    if (active.length === 0) return;
    await drainMicrotasks();
    let kept = 0;
    for (let i = 0; i < active.length; i++) {
      const run = active[i]!;
      if (run.step()) active[kept++] = run;
      else onResult(run.result);
    }
    active.length = kept;
  }
}

/** Runs one seed alone and returns its result. */
export async function runSeed(
  seed: number,
  mode: DnsMode,
  options: { readonly timelineCapacity?: number } = {},
): Promise<SeedResult> {
  const run = new SeedRun({ seed, mode, ...options });
  do await drainMicrotasks();
  while (run.step());
  return run.result;
}
