/**
 * @module
 * Single points of failure of a target: every component or failure domain whose failure alone
 * takes the target down under the hard / soft / `anyOf` semantics. Read off the target's kill
 * set K(t) (see `internal/kill-sets.ts`): one bottom-up pass of bit-set unions and
 * intersections over the whole graph, instead of one failure propagation per candidate.
 */
import type { CompiledGraph } from './compiled-graph.js';
import { eventIndex } from './compiled-graph.js';
import { forEachBit } from './internal/bitset.js';
import { compareIds } from './internal/ids.js';
import { fullKillSets } from './internal/memo.js';

/**
 * The ids (components and domains) whose failure alone takes `target` down, sorted; the target
 * itself is left out (it trivially is one).
 */
export function singlePointsOfFailure(graph: CompiledGraph, target: string): string[] {
  const t = eventIndex(graph, target, 'component');
  if (t >= graph.componentCount) {
    throw new TypeError(`singlePointsOfFailure: '${target}' is a failure domain, not a component`);
  }
  const k = fullKillSets(graph);
  const out: string[] = [];
  forEachBit(k.rows, t * k.width, k.width, (e) => {
    if (e !== t) out.push(graph.ids[e]!);
  });
  return out.sort(compareIds);
}
