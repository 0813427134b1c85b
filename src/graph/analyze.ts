/**
 * @module
 * Runs every analysis of a catalogue for one target: the entry point of `breakwater graph
 * analyze` and of library users who want the whole picture. The individual analyses are also
 * exported on their own; they share memoised intermediate results (strongly connected
 * components, kill sets) through the compiled graph, so running them all costs little more than
 * the most expensive one.
 */
import { availability } from './availability.js';
import type { AvailabilityResult } from './availability.js';
import { blastRadius } from './blast-radius.js';
import type { BlastRadius } from './blast-radius.js';
import type { Catalogue } from './catalogue.js';
import { coldStart } from './cold-start.js';
import type { ColdStart } from './cold-start.js';
import { compileCatalogue, eventIndex } from './compiled-graph.js';
import type { CompiledGraph } from './compiled-graph.js';
import { minimalCutSets } from './cut-sets.js';
import { hardCycles } from './cycles.js';
import { transitiveDependencies } from './dependencies.js';
import type { TransitiveDependency } from './dependencies.js';
import { GraphInputError } from './errors.js';
import { compareIds } from './internal/ids.js';
import { findSharedFate } from './shared-fate.js';
import type { SharedFate } from './shared-fate.js';
import { singlePointsOfFailure } from './single-points-of-failure.js';
import { whatIf } from './what-if.js';
import type { WhatIf } from './what-if.js';

/** Options of {@link analyzeCatalogue}. */
export interface AnalyzeOptions {
  /** The component to analyse; by default the one component nothing depends on. */
  readonly target?: string;
  /** Largest minimal cut set to look for, an integer in [1, 6]. Default 2. */
  readonly maxOrder?: number;
  /** Components and domains to fail for a what-if. */
  readonly fail?: readonly string[];
  /** Node budget of the availability computation (see `availability`). */
  readonly maxBddNodes?: number;
}

/** Everything the analyses found about one target. */
export interface GraphAnalysis {
  readonly catalogue: Catalogue;
  readonly graph: CompiledGraph;
  /** The target's id. */
  readonly target: string;
  /** The cut-set order searched. */
  readonly maxOrder: number;
  readonly dependencies: readonly TransitiveDependency[];
  /** Hard-dependency cycles in the whole catalogue. */
  readonly cycles: readonly (readonly string[])[];
  /** Cold start of the whole catalogue. */
  readonly coldStart: ColdStart;
  /** Single points of failure of the target. */
  readonly spofs: readonly string[];
  /** Minimal cut sets of the target up to {@link maxOrder}, single points of failure included. */
  readonly cutSets: readonly (readonly string[])[];
  /** Every `anyOf` in the catalogue whose redundancy one failure defeats. */
  readonly sharedFate: readonly SharedFate[];
  /** Blast radius of every component and domain. */
  readonly blastRadius: BlastRadius;
  /** Exact availability of the target; undefined when it was too large to compute. */
  readonly availability: AvailabilityResult | undefined;
  /** Why {@link availability} is undefined. */
  readonly availabilityError?: string;
  /** The what-if, when failures were given. */
  readonly whatIf?: WhatIf;
}

/**
 * The component to analyse when none is named: the only one nothing depends on. Throws
 * {@link GraphInputError} listing the candidates when there are several (or none).
 */
export function defaultTarget(graph: CompiledGraph): string {
  const roots: string[] = [];
  for (let c = 0; c < graph.componentCount; c++) {
    if (graph.allParents.start[c + 1] === graph.allParents.start[c]) roots.push(graph.ids[c]!);
  }
  if (roots.length === 1) return roots[0]!;
  if (roots.length === 0) {
    throw new GraphInputError(
      'every component is depended on by another (a cycle); name the target to analyse',
    );
  }
  roots.sort(compareIds);
  const shown = roots.slice(0, 10).join(', ') + (roots.length > 10 ? ', …' : '');
  throw new GraphInputError(
    `${roots.length} components have nothing depending on them (${shown}); name the target to analyse`,
  );
}

/** Runs every analysis; accepts a catalogue or an already compiled graph. */
export function analyzeCatalogue(
  input: Catalogue | CompiledGraph,
  options: AnalyzeOptions = {},
): GraphAnalysis {
  const maxOrder = options.maxOrder ?? 2;
  if (!Number.isInteger(maxOrder) || maxOrder < 1 || maxOrder > 6) {
    throw new RangeError(
      `analyzeCatalogue: maxOrder must be an integer in [1, 6], got ${maxOrder}`,
    );
  }
  const graph = 'eventCount' in input ? input : compileCatalogue(input);
  let target: string;
  if (options.target !== undefined) {
    const t = eventIndex(graph, options.target, 'component');
    if (t >= graph.componentCount) {
      throw new GraphInputError(
        `'${options.target}' is a failure domain; the target must be a component`,
      );
    }
    target = graph.ids[t]!;
  } else {
    target = defaultTarget(graph);
  }
  const fail = options.fail ?? [];
  for (const id of fail) eventIndex(graph, id);
  let avail: AvailabilityResult | undefined;
  let availabilityError: string | undefined;
  try {
    avail = availability(
      graph,
      target,
      options.maxBddNodes !== undefined ? { maxBddNodes: options.maxBddNodes } : {},
    );
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    availabilityError = err.message;
  }
  return {
    catalogue: graph.catalogue,
    graph,
    target,
    maxOrder,
    dependencies: transitiveDependencies(graph, target),
    cycles: hardCycles(graph),
    coldStart: coldStart(graph),
    spofs: singlePointsOfFailure(graph, target),
    cutSets: minimalCutSets(graph, target, { maxOrder }),
    sharedFate: findSharedFate(graph),
    blastRadius: blastRadius(graph),
    availability: avail,
    ...(availabilityError !== undefined && { availabilityError }),
    ...(fail.length > 0 && { whatIf: whatIf(graph, fail) }),
  };
}
