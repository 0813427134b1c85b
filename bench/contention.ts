/**
 * @module
 * `npm run bench -- contention [--json] [--reps N]`: wall-clock time of the `contention`
 * scenario at its full size — 100 clients × 100 trials × 5 backoff variants — against issue
 * 3's target of under 10 s, with the kernel's event rate on this workload. The median of
 * `--reps` runs (default 3), after one warm-up run. `--json` prints exactly one document,
 * `{"clients","trials","variants","seconds","events","eventsPerSecond","targetSeconds","ok"}`,
 * on stdout; progress goes to stderr.
 */
import { performance } from 'node:perf_hooks';
import { CONTENTION_BACKOFFS, runContention } from '../src/sim/scenarios/contention.js';

const CLIENTS = 100;
const TRIALS = 100;
const TARGET_SECONDS = 10;

function parse(argv: readonly string[]): { json: boolean; reps: number } {
  const args = { json: false, reps: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--reps') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) {
        console.error(`bench contention: --reps needs a positive integer, got ${String(argv[i])}`);
        process.exit(2);
      }
      args.reps = v;
    } else {
      console.error(
        `bench contention: unknown argument ${String(a)}\nusage: contention [--json] [--reps N]`,
      );
      process.exit(2);
    }
  }
  return args;
}

/** One full run; returns seconds and the number of messages (kernel events) it simulated. */
function once(): { seconds: number; events: number } {
  const t0 = performance.now();
  const result = runContention({ clients: CLIENTS, trials: TRIALS });
  const seconds = (performance.now() - t0) / 1000;
  // Each conditional write costs four messages: read, read response, write, write response.
  const events = result.results.reduce((sum, r) => sum + 4 * r.meanWriteCalls * TRIALS, 0);
  return { seconds, events };
}

function main(): void {
  const args = parse(process.argv.slice(2));
  console.error(
    `bench contention: warming up (${CLIENTS} clients × ${TRIALS} trials × 5 variants)`,
  );
  once();
  const runs: { seconds: number; events: number }[] = [];
  for (let r = 0; r < args.reps; r++) {
    const run = once();
    runs.push(run);
    console.error(`bench contention: rep ${r + 1}/${args.reps}: ${run.seconds.toFixed(3)} s`);
  }
  runs.sort((a, b) => a.seconds - b.seconds);
  const mid = runs[runs.length >> 1] as { seconds: number; events: number };
  const seconds = Math.round(mid.seconds * 1000) / 1000;
  const eventsPerSecond = Math.round(mid.events / mid.seconds);
  const ok = seconds < TARGET_SECONDS;
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({
        clients: CLIENTS,
        trials: TRIALS,
        variants: CONTENTION_BACKOFFS.length,
        seconds,
        events: Math.round(mid.events),
        eventsPerSecond,
        targetSeconds: TARGET_SECONDS,
        ok,
      })}\n`,
    );
    return;
  }
  console.log(
    `contention scenario, ${CLIENTS} clients × ${TRIALS} trials × ${CONTENTION_BACKOFFS.length} variants, median of ${args.reps}`,
  );
  console.log(
    `  wall clock: ${seconds.toFixed(3)} s (target < ${TARGET_SECONDS} s: ${ok ? 'met' : 'MISSED'})`,
  );
  console.log(
    `  messages simulated: ${Math.round(mid.events).toLocaleString('en-US')} (${eventsPerSecond.toLocaleString('en-US')} per second)`,
  );
}

main();
