/**
 * @module
 * `npm run bench -- resilience [--json]`: the cost of an `async` no-op through each policy,
 * ours beside cockatiel's and opossum's, and the load a 100 %-failing dependency sees per
 * first try with plain versus budgeted retries.
 *
 * Method: every case runs in its own Node process (so one library's JIT state, timers and
 * garbage cannot slow another's); inside it, a warm-up and then REPS repetitions of
 * about 150 ms of sequential awaited calls; the case's figure is the median ns per call.
 * Peers: cockatiel 3.2.1 (4.x needs Node 22) and opossum 9.0.0 (10.x needs Node 22).
 * opossum has no retry and no standalone timeout or bulkhead: its `timeout` case is its
 * breaker with a timeout, its `bulkhead` case the breaker's `capacity` semaphore.
 */
import {
  bulkhead as ckBulkhead,
  circuitBreaker as ckBreaker,
  ConsecutiveBreaker as CkConsecutiveBreaker,
  ExponentialBackoff as CkExponentialBackoff,
  handleAll,
  retry as ckRetry,
  timeout as ckTimeout,
  TimeoutStrategy,
  wrap as ckWrap,
} from 'cockatiel';
import OpossumBreaker from 'opossum';
import { systemClock } from '../src/core/clock.js';
import { ManualClock } from '../src/core/testing/manual-clock.js';
import { Rng } from '../src/core/rng.js';
import { exponentialBackoff } from '../src/resilience/backoff/index.js';
import { Bulkhead } from '../src/resilience/bulkhead.js';
import { CircuitBreaker } from '../src/resilience/circuit-breaker.js';
import { ConsecutiveBreaker } from '../src/resilience/breaker/index.js';
import { pipeline } from '../src/resilience/pipeline.js';
import { Retry } from '../src/resilience/retry.js';
import { LocalRetryBudget } from '../src/resilience/retry-budget.js';
import { Timeout } from '../src/resilience/timeout.js';
import { progress, progressDone, runCaseInChild, table, timeAsync } from './_harness.js';

const REPS = 7;
const CASES = ['bare', 'retry', 'breaker', 'timeout', 'bulkhead', 'retry+breaker+timeout'] as const;
type CaseName = (typeof CASES)[number];
const LIBRARIES = ['breakwater', 'cockatiel', 'opossum'] as const;
type Library = (typeof LIBRARIES)[number];

const noop = async (): Promise<void> => {};

/** Builds the operation to time for one (library, case), or undefined if the library has none. */
function build(library: Library, name: CaseName): (() => Promise<unknown>) | undefined {
  if (name === 'bare') return noop;
  if (library === 'breakwater') {
    const clock = systemClock;
    const retry = () =>
      new Retry({
        clock,
        rng: new Rng(1),
        maxAttempts: 4,
        backoff: exponentialBackoff({ baseMs: 100, capMs: 10_000 }),
        budget: new LocalRetryBudget({ clock }),
      });
    const breaker = () =>
      new CircuitBreaker({
        clock,
        breaker: new ConsecutiveBreaker({ threshold: 5 }),
        halfOpenAfterMs: 10_000,
      });
    const timeout = () => new Timeout({ clock, timeoutMs: 1_000 });
    const policy =
      name === 'retry'
        ? retry()
        : name === 'breaker'
          ? breaker()
          : name === 'timeout'
            ? timeout()
            : name === 'bulkhead'
              ? new Bulkhead({ maxConcurrent: 10, maxQueued: 100 })
              : pipeline(retry(), breaker(), timeout());
    return () => policy.execute(noop);
  }
  if (library === 'cockatiel') {
    const retry = () => ckRetry(handleAll, { maxAttempts: 3, backoff: new CkExponentialBackoff() });
    const breaker = () =>
      ckBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new CkConsecutiveBreaker(5) });
    const timeout = () => ckTimeout(1_000, TimeoutStrategy.Aggressive);
    const policy =
      name === 'retry'
        ? retry()
        : name === 'breaker'
          ? breaker()
          : name === 'timeout'
            ? timeout()
            : name === 'bulkhead'
              ? ckBulkhead(10, 100)
              : ckWrap(retry(), breaker(), timeout());
    return () => policy.execute(noop);
  }
  // opossum: a breaker with optional timeout and capacity; no retry.
  if (name === 'retry' || name === 'retry+breaker+timeout') return undefined;
  const options: OpossumBreaker.Options = {
    timeout: name === 'timeout' ? 1_000 : false,
    resetTimeout: 10_000,
    ...(name === 'bulkhead' ? { capacity: 10 } : {}),
  };
  const b = new OpossumBreaker(noop, options);
  return () => b.fire();
}

async function runOne(caseId: string): Promise<void> {
  const [library, name] = caseId.split(':') as [Library, CaseName];
  const op = build(library, name);
  if (op === undefined) throw new Error(`no such case ${caseId}`);
  const ns = await timeAsync(op, REPS);
  process.stdout.write(`${ns}\n`);
  process.exit(0); // opossum keeps interval timers alive
}

/** Calls a 100 %-failing dependency receives per first try, with and without a budget. */
function amplification(): { plain: number; budgeted: number; budgetedFirstTryDeposits: number } {
  const run = (budgetMode: 'none' | 'success' | 'first-try'): number => {
    const clock = new ManualClock();
    const retry = new Retry({
      clock,
      rng: new Rng(7),
      maxAttempts: 4, // 3 retries, as the "plain retry (3 retries)"
      backoff: exponentialBackoff({ baseMs: 50, capMs: 2_000 }),
      ...(budgetMode === 'none'
        ? {}
        : { budget: new LocalRetryBudget({ clock, ratio: 0.1, depositOn: budgetMode }) }),
    });
    const failure = new Error('dependency down');
    let calls = 0;
    const firstTries = 60_000; // 1,000 first tries a second for a minute
    const attempt = (n: number, prevDelay: number): void => {
      calls++;
      if (n === 0) retry.recordFirstTry(false);
      const d = retry.decide(n, failure, prevDelay);
      if (d.retry) clock.setTimer(d.delayMs, () => attempt(n + 1, d.delayMs));
    };
    for (let i = 0; i < firstTries; i++) clock.setTimer(i, () => attempt(0, 0));
    clock.advance(120_000);
    return calls / firstTries;
  };
  return {
    plain: run('none'),
    budgeted: run('success'),
    budgetedFirstTryDeposits: run('first-try'),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const caseIdx = args.indexOf('--case');
  if (caseIdx >= 0) return runOne(args[caseIdx + 1] ?? '');
  const unknown = args.filter((a) => a !== '--json');
  if (unknown.length > 0) {
    process.stderr.write(`bench resilience: unknown argument ${unknown[0]}\n`);
    process.exit(2);
  }
  const json = args.includes('--json');
  const cases: { name: string; nsPerOp: number }[] = [];
  const ids = LIBRARIES.flatMap((lib) =>
    CASES.filter((c) => build(lib, c) !== undefined).map((c) => `${lib}:${c}`),
  );
  for (const [i, id] of ids.entries()) {
    progress(`[${i + 1}/${ids.length}] ${id}`);
    cases.push({ name: id, nsPerOp: Math.round(runCaseInChild(import.meta.url, id) * 10) / 10 });
  }
  progressDone();
  const amp = amplification();
  const ns = (id: string): number | undefined => cases.find((c) => c.name === id)?.nsPerOp;
  const overhead = (lib: Library, c: CaseName): number | undefined => {
    const v = ns(`${lib}:${c}`);
    const bare = ns(`${lib}:bare`);
    return v === undefined || bare === undefined ? undefined : Math.max(0, v - bare);
  };
  const ratios: Record<string, number> = {};
  for (const c of CASES.filter((x) => x !== 'bare')) {
    const ours = ns(`breakwater:${c}`)!;
    for (const peer of ['cockatiel', 'opossum'] as const) {
      const theirs = ns(`${peer}:${c}`);
      if (theirs !== undefined)
        ratios[`${c} vs ${peer}`] = Math.round((ours / theirs) * 1000) / 1000;
    }
  }
  const ourStack = overhead('breakwater', 'retry+breaker+timeout')!;
  const theirStack = overhead('cockatiel', 'retry+breaker+timeout')!;
  const stackOverheadRatio = Math.round((ourStack / theirStack) * 1000) / 1000;
  if (json) {
    process.stdout.write(
      `${JSON.stringify({
        repetitions: REPS,
        peers: { cockatiel: '3.2.1', opossum: '9.0.0' },
        cases,
        ratios,
        stackOverheadRatio,
        amplification: amp,
      })}\n`,
    );
    return;
  }
  const rows = CASES.map((c) => [
    c,
    ...LIBRARIES.map((lib) => {
      const v = ns(`${lib}:${c}`);
      return v === undefined ? '—' : v.toFixed(0);
    }),
  ]);
  process.stdout.write(
    `ns per call, async no-op, median of ${REPS} repetitions of ~150 ms (each case in its own process)\n\n` +
      table(['case', ...LIBRARIES], rows) +
      '\n\nours / theirs (lower is better):\n' +
      Object.entries(ratios)
        .map(([k, v]) => `  ${k.padEnd(36)} ${v.toFixed(3)}`)
        .join('\n') +
      `\n\nretry+breaker+timeout overhead over a bare call: ours ${ourStack.toFixed(0)} ns, cockatiel ${theirStack.toFixed(0)} ns → ratio ${stackOverheadRatio} (target ≤ 0.1)\n` +
      `\namplification (calls per first try, dependency failing 100 %, 1,000 first tries/s for 60 s):\n` +
      `  plain retry, 3 retries            ${amp.plain.toFixed(3)}\n` +
      `  budgeted (ratio 0.1, floor 10/s)  ${amp.budgeted.toFixed(3)}   (target ≤ 1.2)\n` +
      `  budgeted, deposit per first try   ${amp.budgetedFirstTryDeposits.toFixed(3)}\n`,
  );
}

await main();
