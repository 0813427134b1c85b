/**
 * @module
 * `npm run bench -- graph [--json] [--sizes 1000,2000,5000,10000] [--reps N]`: the dependency
 * analyses on generated catalogues (`generateCatalogue`: layered product systems, 5 dependency
 * edges per component, 20 % of them in `anyOf` groups of 2–3 replicas, 20 % soft, regions,
 * providers and control planes). Issue 7's target: at 10,000 components / 50,000 dependencies,
 * SPOFs, order-2 cut sets and the blast radius of every component in under 10 s on 2 cores.
 *
 * Timed per size (median of the repetitions, each on a freshly compiled graph, in a child
 * process per size so sizes do not share JIT or heap state):
 * - compile: catalogue → integer arrays;
 * - spofs: kill sets of *every* component (one bit-matrix pass), read off for the target;
 * - cutSets2: minimal cut sets of order ≤ 2 of the target (conditional kill sets);
 * - blastRadius: reach matrix plus the per-event lists of what fails and what is degraded,
 *   for every component and domain.
 * The target is the entry point (top layer) with the largest dependency closure — the worst
 * case among the services a user would ask about.
 *
 * Peers: no library computes these, so the baseline is the direct method — one failure
 * propagation per event (SPOFs, blast radius) and per candidate pair (cut sets) — run where it
 * finishes in reasonable time, its answers checked against ours, and the speed-up printed.
 * Growth from 1k to 10k is reported as the ratio and the fitted exponent log(t₁₀ₖ/t₁ₖ)/log 10.
 * `--json` prints exactly one JSON document on stdout; the table goes to stderr.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.js';
import { blastRadius } from '../src/graph/blast-radius.js';
import { compileCatalogue } from '../src/graph/compiled-graph.js';
import type { CompiledGraph } from '../src/graph/compiled-graph.js';
import { minimalCutSets } from '../src/graph/cut-sets.js';
import { generateCatalogue } from '../src/graph/generate-catalogue.js';
import { degradedSet, downSet } from '../src/graph/internal/propagate.js';
import { singlePointsOfFailure } from '../src/graph/single-points-of-failure.js';
import { median, nowNs } from './_harness.js';

const EDGES_PER_COMPONENT = 5;
const BUDGET_MS = 10_000;

interface SizeResult {
  components: number;
  dependencies: number;
  anyOfGroups: number;
  domains: number;
  target: string;
  targetClosure: number;
  spofCount: number;
  cutSetCount: number;
  blastRadiusEntries: number;
  ms: { compile: number; spofs: number; cutSets2: number; blastRadius: number; total: number };
  naive?: { spofsAndBlastRadiusMs: number; cutSets2Ms?: number; agrees: boolean };
}

function catalogueFor(n: number) {
  return generateCatalogue({
    components: n,
    dependencies: n * EDGES_PER_COMPONENT,
    rng: new Rng(`bench-graph-${n}`),
  });
}

/** The top-layer component with the largest closure along hard and anyOf edges. */
function pickTarget(g: CompiledGraph): number {
  const top = Math.round(g.componentCount / 8);
  const mark = new Int32Array(g.componentCount).fill(-1);
  let best = 0;
  let bestSize = -1;
  for (let t = 0; t < top; t++) {
    const stack = [t];
    mark[t] = t;
    let size = 0;
    while (stack.length > 0) {
      const c = stack.pop()!;
      size++;
      for (let e = g.fail.start[c]!; e < g.fail.start[c + 1]!; e++) {
        const d = g.fail.to[e]!;
        if (mark[d] !== t) {
          mark[d] = t;
          stack.push(d);
        }
      }
    }
    if (size > bestSize) {
      bestSize = size;
      best = t;
    }
  }
  return best;
}

function closureSize(g: CompiledGraph, t: number): number {
  const seen = new Uint8Array(g.componentCount);
  const stack = [t];
  seen[t] = 1;
  let n = 0;
  while (stack.length > 0) {
    const c = stack.pop()!;
    n++;
    for (let e = g.fail.start[c]!; e < g.fail.start[c + 1]!; e++) {
      const d = g.fail.to[e]!;
      if (seen[d] === 0) {
        seen[d] = 1;
        stack.push(d);
      }
    }
  }
  return n;
}

/** One size, in this process: `reps` repetitions, medians. */
function runSize(n: number, reps: number, naiveCutSetsUpTo: number, naiveUpTo: number): SizeResult {
  const catalogue = catalogueFor(n);
  const probe = compileCatalogue(catalogue);
  const t = pickTarget(probe);
  const target = probe.ids[t]!;
  const samples = {
    compile: [] as number[],
    spofs: [] as number[],
    cutSets2: [] as number[],
    blastRadius: [] as number[],
    total: [] as number[],
  };
  let spofs: string[] = [];
  let cuts: string[][] = [];
  let entries = 0;
  let g = probe;
  for (let r = 0; r < reps + 1; r++) {
    const t0 = nowNs();
    g = compileCatalogue(catalogue);
    const t1 = nowNs();
    spofs = singlePointsOfFailure(g, target);
    const t2 = nowNs();
    cuts = minimalCutSets(g, target, { maxOrder: 2 });
    const t3 = nowNs();
    const br = blastRadius(g);
    const counts = br.counts();
    entries = 0;
    for (let e = 0; e < g.eventCount; e++) entries += counts.failed[e]! + counts.degraded[e]!;
    const t4 = nowNs();
    if (r === 0) continue; // warm-up
    samples.compile.push((t1 - t0) / 1e6);
    samples.spofs.push((t2 - t1) / 1e6);
    samples.cutSets2.push((t3 - t2) / 1e6);
    samples.blastRadius.push((t4 - t3) / 1e6);
    samples.total.push((t4 - t0) / 1e6);
  }
  const result: SizeResult = {
    components: g.componentCount,
    dependencies: g.hard.to.length + g.soft.to.length + g.branches.to.length,
    anyOfGroups: g.groupOwner.length,
    domains: g.domainCount,
    target,
    targetClosure: closureSize(g, t),
    spofCount: spofs.length,
    cutSetCount: cuts.length,
    blastRadiusEntries: entries,
    ms: {
      compile: median(samples.compile),
      spofs: median(samples.spofs),
      cutSets2: median(samples.cutSets2),
      blastRadius: median(samples.blastRadius),
      total: median(samples.total),
    },
  };
  if (n <= naiveUpTo) result.naive = naive(g, t, spofs, cuts, entries, n <= naiveCutSetsUpTo);
  return result;
}

/** The direct method, checked against our answers. */
function naive(
  g: CompiledGraph,
  t: number,
  spofs: readonly string[],
  cuts: readonly (readonly string[])[],
  entries: number,
  withCutSets: boolean,
): NonNullable<SizeResult['naive']> {
  const t0 = nowNs();
  const single: string[] = [];
  let naiveEntries = 0;
  const killsT: boolean[] = [];
  for (let e = 0; e < g.eventCount; e++) {
    const down = downSet(g, [e]);
    const degraded = degradedSet(g, down);
    for (let c = 0; c < g.componentCount; c++)
      if (c !== e && (down[c] === 1 || degraded[c] === 1)) naiveEntries++;
    killsT.push(down[t] === 1);
    if (down[t] === 1 && e !== t) single.push(g.ids[e]!);
  }
  const t1 = nowNs();
  let agrees = naiveEntries === entries && single.sort().join() === [...spofs].sort().join();
  let cutSets2Ms: number | undefined;
  if (withCutSets) {
    // Candidates: events that reach the target's closure and are not single points of failure.
    const inClosure = new Uint8Array(g.componentCount);
    const stack = [t];
    inClosure[t] = 1;
    while (stack.length > 0) {
      const c = stack.pop()!;
      for (let e = g.fail.start[c]!; e < g.fail.start[c + 1]!; e++) {
        const d = g.fail.to[e]!;
        if (inClosure[d] === 0) {
          inClosure[d] = 1;
          stack.push(d);
        }
      }
    }
    const cand: number[] = [];
    const relevant = new Uint8Array(g.eventCount);
    for (let c = 0; c < g.componentCount; c++) {
      if (inClosure[c] === 0) continue;
      relevant[c] = 1;
      for (let e = g.domains.start[c]!; e < g.domains.start[c + 1]!; e++)
        relevant[g.domains.to[e]!] = 1;
    }
    for (let e = 0; e < g.eventCount; e++) if (relevant[e] === 1 && !killsT[e]) cand.push(e);
    const t2 = nowNs();
    let pairs = 0;
    for (let i = 0; i < cand.length; i++) {
      for (let j = i + 1; j < cand.length; j++) {
        if (downSet(g, [cand[i]!, cand[j]!])[t] === 1) pairs++;
      }
    }
    cutSets2Ms = (nowNs() - t2) / 1e6;
    agrees = agrees && pairs + single.length === cuts.length;
  }
  return {
    spofsAndBlastRadiusMs: (t1 - t0) / 1e6,
    ...(cutSets2Ms !== undefined && { cutSets2Ms }),
    agrees,
  };
}

function parse(argv: readonly string[]) {
  const args = {
    json: false,
    sizes: [1000, 2000, 5000, 10000],
    reps: 3,
    caseSize: 0,
    naiveUpTo: 10000,
    naiveCutSetsUpTo: 1000,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--json') args.json = true;
    else if (a === '--sizes') args.sizes = next().split(',').map(Number);
    else if (a === '--reps') args.reps = Number(next());
    else if (a === '--case') args.caseSize = Number(next());
    else if (a === '--naive-up-to') args.naiveUpTo = Number(next());
    else if (a === '--naive-cut-sets-up-to') args.naiveCutSetsUpTo = Number(next());
    else {
      console.error(`bench graph: unknown argument '${a}'`);
      process.exit(2);
    }
  }
  return args;
}

function main(): void {
  const args = parse(process.argv.slice(2));
  if (args.caseSize > 0) {
    process.stdout.write(
      JSON.stringify(runSize(args.caseSize, args.reps, args.naiveCutSetsUpTo, args.naiveUpTo)) +
        '\n',
    );
    return;
  }
  const script = fileURLToPath(import.meta.url);
  const results: SizeResult[] = [];
  for (const n of args.sizes) {
    console.error(`bench graph: ${n} components …`);
    const res = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        script,
        '--case',
        String(n),
        '--reps',
        String(args.reps),
        '--naive-up-to',
        String(args.naiveUpTo),
        '--naive-cut-sets-up-to',
        String(args.naiveCutSetsUpTo),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 24 },
    );
    if (res.status !== 0) {
      console.error(res.stderr);
      process.exit(1);
    }
    const lines = res.stdout.trim().split('\n');
    results.push(JSON.parse(lines[lines.length - 1]!) as SizeResult);
  }
  const first = results[0]!;
  const last = results[results.length - 1]!;
  const growth = {
    from: first.components,
    to: last.components,
    timeRatio: last.ms.total / first.ms.total,
    exponent:
      Math.log(last.ms.total / first.ms.total) / Math.log(last.components / first.components),
  };
  const withinBudget = last.ms.total < BUDGET_MS;
  const speedups = results
    .filter((r) => r.naive !== undefined)
    .map((r) => ({
      components: r.components,
      spofsAndBlastRadius: r.naive!.spofsAndBlastRadiusMs / (r.ms.spofs + r.ms.blastRadius),
      ...(r.naive!.cutSets2Ms !== undefined && { cutSets2: r.naive!.cutSets2Ms / r.ms.cutSets2 }),
      agrees: r.naive!.agrees,
    }));
  if (args.json) {
    process.stdout.write(
      JSON.stringify({
        benchmark: 'graph',
        budgetMs: BUDGET_MS,
        withinBudget,
        growth,
        sizes: results,
        naiveSpeedups: speedups,
      }) + '\n',
    );
    return;
  }
  const fmt = (x: number): string => x.toFixed(x < 10 ? 1 : 0).padStart(8);
  console.error(
    '\ncomponents  deps    groups  closure  spofs  cuts≤2  compile   spofs  cuts≤2   blast   total (ms)',
  );
  for (const r of results) {
    console.error(
      `${String(r.components).padStart(10)}  ${String(r.dependencies).padStart(6)}  ${String(r.anyOfGroups).padStart(6)}  ${String(r.targetClosure).padStart(7)}  ${String(r.spofCount).padStart(5)}  ${String(r.cutSetCount).padStart(6)}` +
        `${fmt(r.ms.compile)}${fmt(r.ms.spofs)}${fmt(r.ms.cutSets2)}${fmt(r.ms.blastRadius)}${fmt(r.ms.total)}`,
    );
  }
  console.error(
    `\ngrowth ${growth.from} → ${growth.to} components: ×${growth.timeRatio.toFixed(1)} time (exponent ${growth.exponent.toFixed(2)})`,
  );
  for (const s of speedups) {
    console.error(
      `direct method at ${s.components}: ours is ×${s.spofsAndBlastRadius.toFixed(0)} faster for SPOFs + blast radius` +
        (s.cutSets2 !== undefined ? `, ×${s.cutSets2.toFixed(0)} for order-2 cut sets` : '') +
        ` (answers ${s.agrees ? 'agree' : 'DIFFER'})`,
    );
  }
  console.error(
    `${last.components} components in ${(last.ms.total / 1000).toFixed(2)} s — ${withinBudget ? 'within' : 'OVER'} the 10 s budget`,
  );
}

main();
