/**
 * @module
 * `npm run bench -- sim [--json] [--events N] [--reps N]`: how fast the simulator kernel
 * fires events, next to a bare typed-array heap loop that does the same work with nothing
 * around it, and the ratio of the two (issue 3's target: at least 0.8).
 *
 * The workload is the classic *hold model* (Vaucher & Duval 1975; Jones, "An empirical
 * comparison of priority-queue and event-set implementations", CACM 1986): a fixed number of
 * pending events (10 000); each fired event schedules one more at now + Exp(1), here with the
 * mean set to one virtual second = 1 000 000 µs so that the integer-microsecond times rarely
 * tie. Both sides draw the same numbers from the same seeded `Rng` and round them the same
 * way, and both break ties by sequence number, so the only difference is the kernel itself:
 * handler dispatch, payload slots and cancellation bookkeeping.
 *
 * The runs alternate (kernel, bare, kernel, ...) after a warm-up. Each side's figure is the
 * median over the repetitions, and the ratio is the median of the per-repetition ratios — a
 * kernel run and the bare run right after it see much the same load from other processes, so
 * their ratio is steadier than either figure alone.
 * `--json` prints exactly one document on stdout; progress goes to stderr.
 */
import { performance } from 'node:perf_hooks';
import { Simulation } from '../src/sim/kernel/simulation.js';

const PENDING = 10_000;
const MEAN_US = 1_000_000;
const SEED = 20251020;

interface Args {
  json: boolean;
  events: number;
  reps: number;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { json: false, events: 2_000_000, reps: 7 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (a === '--events' || a === '--reps') {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1) {
        console.error(`bench sim: ${a} needs a positive integer, got ${String(argv[i])}`);
        process.exit(2);
      }
      if (a === '--events') args.events = v;
      else args.reps = v;
    } else {
      console.error(
        `bench sim: unknown argument ${String(a)}\nusage: sim [--json] [--events N] [--reps N]`,
      );
      process.exit(2);
    }
  }
  return args;
}

/** The kernel: one registered handler that reschedules itself. Returns seconds taken. */
function runKernel(events: number): number {
  const sim = new Simulation({ seed: SEED, initialCapacity: PENDING * 2 });
  const rng = sim.rng('hold');
  let left = events;
  const hold = sim.register((s) => {
    s.schedule(rng.exponential(MEAN_US), hold);
    if (--left === 0) s.stop();
  });
  for (let i = 0; i < PENDING; i++) sim.schedule(rng.exponential(MEAN_US), hold);
  const t0 = performance.now();
  sim.run();
  const seconds = (performance.now() - t0) / 1000;
  if (left !== 0 || sim.pending !== PENDING) throw new Error('kernel hold model went wrong');
  return seconds;
}

/** The same hold model on a bare (time, seq) binary heap in two Float64Arrays. */
function runBare(events: number): number {
  const rng = new Simulation({ seed: SEED }).rng('hold');
  const T = new Float64Array(PENDING * 2);
  const S = new Float64Array(PENDING * 2);
  let size = 0;
  let nextSeq = 0;
  let now = 0;
  const push = (time: number): void => {
    let i = size++;
    const seq = nextSeq++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = T[p] as number;
      if (pt <= time) break;
      T[i] = pt;
      S[i] = S[p] as number;
      i = p;
    }
    T[i] = time;
    S[i] = seq;
  };
  const popInto = (): number => {
    const top = T[0] as number;
    const n = --size;
    const time = T[n] as number;
    const seq = S[n] as number;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ct = T[c] as number;
      let cs = S[c] as number;
      const r = c + 1;
      if (r < n) {
        const rt = T[r] as number;
        if (rt < ct || (rt === ct && (S[r] as number) < cs)) {
          c = r;
          ct = rt;
          cs = S[r] as number;
        }
      }
      if (time < ct || (time === ct && seq < cs)) break;
      T[i] = ct;
      S[i] = cs;
      i = c;
    }
    T[i] = time;
    S[i] = seq;
    return top;
  };
  for (let i = 0; i < PENDING; i++) push(now + Math.round(rng.exponential(MEAN_US)));
  const t0 = performance.now();
  for (let k = 0; k < events; k++) {
    now = popInto();
    push(now + Math.round(rng.exponential(MEAN_US)));
  }
  const seconds = (performance.now() - t0) / 1000;
  if (size !== PENDING) throw new Error('bare hold model went wrong');
  return seconds;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const warm = Math.min(args.events, 500_000);
  console.error(`bench sim: warming up (${warm} events each)`);
  runKernel(warm);
  runBare(warm);
  const kernel: number[] = [];
  const bare: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < args.reps; r++) {
    const k = args.events / runKernel(args.events);
    const b = args.events / runBare(args.events);
    kernel.push(k);
    bare.push(b);
    ratios.push(k / b);
    console.error(`bench sim: rep ${r + 1}/${args.reps}: ratio ${(k / b).toFixed(3)}`);
  }
  const k = Math.round(median(kernel));
  const b = Math.round(median(bare));
  const ratio = Math.round(median(ratios) * 1000) / 1000;
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ kernel: { eventsPerSecond: k }, bare: { eventsPerSecond: b }, ratio })}\n`,
    );
    return;
  }
  const fmt = (x: number): string => x.toLocaleString('en-US').padStart(14);
  console.log(
    `hold model, ${PENDING} pending events, ${args.events} events per run, median of ${args.reps}`,
  );
  console.log(`  ${'side'.padEnd(26)}${'events/s'.padStart(14)}`);
  console.log(`  ${'kernel (Simulation)'.padEnd(26)}${fmt(k)}`);
  console.log(`  ${'bare typed-array heap'.padEnd(26)}${fmt(b)}`);
  console.log(`  ratio kernel / bare: ${ratio.toFixed(3)} (target >= 0.8)`);
}

main();
