/**
 * @module
 * The JSON document of `breakwater graph analyze --json`, exactly in the shape issue 7 fixes:
 *
 * `{"target","spofs","cutSets","cycles","coldStartDeadlocks","sharedFate":[{"anyOf","sharedBy"}],
 * "blastRadius":{"id":{"failed","degraded"}},"availability","downtimeMinutesPerYear",
 * "expectedYearlyCost"}` — plus `"whatIf"` only when failures were given. Domain ids appear as
 * written in the catalogue. Numbers are `null` only when availability was too large to compute.
 */
import type { GraphAnalysis } from './analyze.js';
import type { BlastRadiusEntry } from './blast-radius.js';
import type { ComponentState } from './what-if.js';

/** The `--json` document of one analysis. */
export interface GraphReport {
  readonly target: string;
  readonly spofs: readonly string[];
  readonly cutSets: readonly (readonly string[])[];
  readonly cycles: readonly (readonly string[])[];
  readonly coldStartDeadlocks: readonly string[];
  readonly sharedFate: readonly {
    readonly anyOf: readonly string[];
    readonly sharedBy: readonly string[];
  }[];
  readonly blastRadius: Readonly<Record<string, BlastRadiusEntry>>;
  readonly availability: number | null;
  readonly downtimeMinutesPerYear: number | null;
  readonly expectedYearlyCost: number | null;
  readonly whatIf?: {
    readonly failed: readonly string[];
    readonly states: Readonly<Record<string, ComponentState>>;
  };
}

/** Builds the `--json` document of an analysis. */
export function graphReport(analysis: GraphAnalysis): GraphReport {
  const a = analysis.availability;
  return {
    target: analysis.target,
    spofs: analysis.spofs,
    cutSets: analysis.cutSets,
    cycles: analysis.cycles,
    coldStartDeadlocks: analysis.coldStart.deadlocked,
    sharedFate: analysis.sharedFate.map((s) => ({ anyOf: s.anyOf, sharedBy: s.sharedBy })),
    blastRadius: analysis.blastRadius.toJSON(),
    availability: a?.availability ?? null,
    downtimeMinutesPerYear: a?.downtimeMinutesPerYear ?? null,
    expectedYearlyCost: a?.expectedYearlyCost ?? null,
    ...(analysis.whatIf !== undefined && {
      whatIf: { failed: analysis.whatIf.failed, states: analysis.whatIf.states },
    }),
  };
}
