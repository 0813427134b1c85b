/**
 * @module
 * `npm run bench -- dns-check [--json] [--seeds N] [--rounds N]`: seeds per second of the
 * DNS checker (`breakwater dns check`), and what the checker-local ways of driving the
 * simulation buy over the stock one, measured side by side in one run.
 *
 * Cases, each on the same seeds (1…N) of each mode:
 * - **stock runAsync** — each seed alone, driven by `Simulation.runAsync` (a macrotask turn
 *   after every kernel event, so promise continuations run before time moves on);
 * - **interleaved ×K** — `sweepSeeds` with K independent runs in flight in one thread,
 *   sharing each turn of the event loop (one drain per round of K events);
 * - **workers** — `runCheckSweep` with one worker thread per core, each interleaving, on 4N
 *   seeds: each worker first loads the code (through tsx, from source) and warms its JIT,
 *   a fixed cost a short sweep does not amortise.
 *
 * Seeds per second is wall-clock; seeds per CPU-second divides by the process's CPU time
 * (all threads), which is steadier on a shared machine. Cases alternate within a round and
 * the figure is the median over rounds; the load average is printed alongside, since other
 * work on the machine slows every case alike. The target (DESIGN.md, issue 4) is 200 seeds/s.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/core/clock.js';
import { drainMicrotasks } from '../src/core/microtasks.js';
import type { DnsMode } from '../src/dns/create-enactors.js';
import { defaultSweepWorkers, runCheckSweep } from '../src/sim/dns-checker/run-check-sweep.js';
import { SeedRun } from '../src/sim/dns-checker/seed-run.js';
import { sweepSeeds } from '../src/sim/dns-checker/sweep-seeds.js';
import { median, progress, progressDone, table } from './_harness.js';

interface Case {
  readonly name: string;
  /** Runs seeds 1…(scale × N): worker threads need a longer sweep to pay for their start. */
  readonly scale?: number;
  run(mode: DnsMode, seeds: number): Promise<void>;
}

async function stock(mode: DnsMode, seeds: number): Promise<void> {
  for (let seed = 1; seed <= seeds; seed++) {
    const run = new SeedRun({ seed, mode });
    const s = run.schedule;
    // The run's last event (the I5 check) is at heal + settle + convergeWithinMs.
    await run.sim.runAsync((s.healAtMs + s.settleMs + s.convergeWithinMs) * 1000);
  }
}

const workers = defaultSweepWorkers();
const CASES: readonly Case[] = [
  { name: 'stock runAsync', run: stock },
  ...[1, 4, 16, 64].map((k): Case => ({
    name: `interleaved ×${k}`,
    run: (mode, seeds) =>
      sweepSeeds({ mode, from: 1, count: seeds, concurrency: k, onResult: () => {} }),
  })),
  {
    name: `${workers} worker thread${workers === 1 ? '' : 's'} (4N seeds)`,
    scale: 4,
    run: async (mode, seeds) => {
      await runCheckSweep({ mode, count: seeds, workers });
    },
  },
];

interface Sample {
  readonly perSecond: number;
  readonly perCpuSecond: number;
}

async function measure(c: Case, mode: DnsMode, seeds: number): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const t0 = systemClock.monotonic();
  await c.run(mode, seeds);
  const seconds = (systemClock.monotonic() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: seeds / seconds, perCpuSecond: seeds / ((cpu.user + cpu.system) / 1e6) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      json: { type: 'boolean' },
      seeds: { type: 'string' },
      rounds: { type: 'string' },
    },
  });
  const seeds = Number(values.seeds ?? 300);
  const rounds = Number(values.rounds ?? 3);
  if (!Number.isInteger(seeds) || seeds < 1 || !Number.isInteger(rounds) || rounds < 1) {
    process.stderr.write('usage: npm run bench -- dns-check [--json] [--seeds N] [--rounds N]\n');
    process.exit(2);
  }
  // Warm up the JIT on every path once.
  await sweepSeeds({ mode: 'safe', from: 1, count: 20, onResult: () => {} });
  await drainMicrotasks();
  const results: {
    mode: DnsMode;
    name: string;
    seedsPerSecond: number;
    seedsPerCpuSecond: number;
    ratio: number;
  }[] = [];
  const load0 = loadavg()[0] ?? 0;
  for (const mode of ['safe', 'legacy'] as const) {
    const samples = new Map<string, Sample[]>(CASES.map((c) => [c.name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const c of CASES) {
        progress(`dns-check bench: ${mode}, round ${r + 1}/${rounds}, ${c.name}`);
        samples.get(c.name)!.push(await measure(c, mode, seeds * (c.scale ?? 1)));
      }
    }
    const base = median(samples.get(CASES[0]!.name)!.map((s) => s.perCpuSecond));
    for (const c of CASES) {
      const s = samples.get(c.name)!;
      const perCpu = median(s.map((x) => x.perCpuSecond));
      results.push({
        mode,
        name: c.name,
        seedsPerSecond: median(s.map((x) => x.perSecond)),
        seedsPerCpuSecond: perCpu,
        ratio: perCpu / base,
      });
    }
  }
  progressDone();
  const load1 = loadavg()[0] ?? 0;
  if (values.json === true) {
    process.stdout.write(
      `${JSON.stringify({ benchmark: 'dns-check', seeds, rounds, workers, loadAverage: [load0, load1], results })}\n`,
    );
    return;
  }
  process.stderr.write(
    `dns-check: seeds 1–${seeds} per case, median of ${rounds} rounds; load average ${load0.toFixed(1)} → ${load1.toFixed(1)} on this machine\n\n`,
  );
  process.stderr.write(
    table(
      ['mode', 'case', 'seeds/s (wall)', 'seeds per CPU-s', 'vs stock (CPU)'],
      results.map((r) => [
        r.mode,
        r.name,
        r.seedsPerSecond.toFixed(1),
        r.seedsPerCpuSecond.toFixed(1),
        `${r.ratio.toFixed(2)}×`,
      ]),
    ) + '\n',
  );
}

await main();
