/**
 * @module
 * What a sweep found, summed over its seeds: how many seeds broke any invariant, how many
 * broke each one, the lowest such seed, and for each broken invariant the full result
 * (timeline) of the lowest seed that broke it — the one a person reads first. Summaries of disjoint seed ranges merge, so worker threads
 * each keep one and the main thread adds them up; the merged figures do not depend on the
 * order the seeds finished in.
 */
import type { DnsMode } from '../../dns/create-enactors.js';
import type { InvariantId } from '../../dns/invariants.js';
import type { SeedResult } from './seed-run.js';

/** Every invariant, in order. */
export const INVARIANT_IDS: readonly InvariantId[] = Object.freeze(['I1', 'I2', 'I3', 'I4', 'I5']);

/** Per invariant, the number of seeds that broke it. */
export type InvariantCounts = Record<InvariantId, number>;

/** A sweep's findings. Plain data (it crosses worker threads). */
export interface SweepSummary {
  readonly mode: DnsMode;
  /** Seeds run. */
  seeds: number;
  /** Seeds that broke at least one invariant. */
  violations: number;
  /** Per invariant, the seeds that broke it. */
  readonly invariants: InvariantCounts;
  /** The lowest seed that broke an invariant, or null. */
  firstViolationSeed: number | null;
  /** Seeds whose run itself failed (a checker or component error, not a violation). */
  errors: number;
  /** Violating seeds and what each broke, unordered (at most {@link MAX_LISTED_SEEDS}). */
  readonly violating: { readonly seed: number; readonly violated: readonly InvariantId[] }[];
  /** Per broken invariant, the full result (timeline) of the lowest seed that broke it. */
  readonly firstByInvariant: Partial<Record<InvariantId, SeedResult>>;
  /** The full result of the lowest seed whose run failed, if any. */
  firstError: SeedResult | undefined;
}

/** How many violating seeds a summary lists (the counts stay exact beyond it). */
export const MAX_LISTED_SEEDS = 10_000;

/** An empty summary. */
export function emptySweepSummary(mode: DnsMode): SweepSummary {
  return {
    mode,
    seeds: 0,
    violations: 0,
    invariants: { I1: 0, I2: 0, I3: 0, I4: 0, I5: 0 },
    firstViolationSeed: null,
    errors: 0,
    violating: [],
    firstByInvariant: {},
    firstError: undefined,
  };
}

function keepFirst(summary: SweepSummary, r: SeedResult): void {
  for (const id of r.violated) {
    const had = summary.firstByInvariant[id];
    if (had === undefined || r.seed < had.seed) summary.firstByInvariant[id] = r;
  }
  if (
    r.error !== undefined &&
    (summary.firstError === undefined || r.seed < summary.firstError.seed)
  ) {
    summary.firstError = r;
  }
}

/** Adds one seed's result to `summary` (in place). */
export function addSeedResult(summary: SweepSummary, r: SeedResult): void {
  summary.seeds++;
  if (r.error !== undefined) summary.errors++;
  if (r.violated.length > 0) {
    summary.violations++;
    for (const id of r.violated) summary.invariants[id]++;
    if (summary.firstViolationSeed === null || r.seed < summary.firstViolationSeed) {
      summary.firstViolationSeed = r.seed;
    }
    if (summary.violating.length < MAX_LISTED_SEEDS) {
      summary.violating.push({ seed: r.seed, violated: r.violated });
    }
  }
  keepFirst(summary, r);
}

/** Adds `part` (a summary of other seeds) into `into` (in place). */
export function mergeSweepSummary(into: SweepSummary, part: SweepSummary): void {
  into.seeds += part.seeds;
  into.violations += part.violations;
  into.errors += part.errors;
  for (const id of INVARIANT_IDS) into.invariants[id] += part.invariants[id];
  if (
    part.firstViolationSeed !== null &&
    (into.firstViolationSeed === null || part.firstViolationSeed < into.firstViolationSeed)
  ) {
    into.firstViolationSeed = part.firstViolationSeed;
  }
  for (const v of part.violating) {
    if (into.violating.length >= MAX_LISTED_SEEDS) break;
    into.violating.push(v);
  }
  for (const r of Object.values(part.firstByInvariant)) keepFirst(into, r);
  if (part.firstError !== undefined) keepFirst(into, part.firstError);
}

/** The `--json` document of `breakwater dns check`. */
export interface CheckJson {
  readonly mode: DnsMode;
  readonly seeds: number;
  readonly violations: number;
  readonly firstViolationSeed: number | null;
  readonly invariants: InvariantCounts;
  readonly seedsPerSecond: number;
}

/** The `--json` document, with the keys in the documented order. */
export function checkJson(summary: SweepSummary, seedsPerSecond: number): CheckJson {
  const i = summary.invariants;
  return {
    mode: summary.mode,
    seeds: summary.seeds,
    violations: summary.violations,
    firstViolationSeed: summary.firstViolationSeed,
    invariants: { I1: i.I1, I2: i.I2, I3: i.I3, I4: i.I4, I5: i.I5 },
    seedsPerSecond: Math.round(seedsPerSecond * 10) / 10,
  };
}
