/**
 * @module
 * Per-graph memos of the structures several analyses share (strongly connected components, the
 * full kill-set matrix), so `analyzeCatalogue` computes each once. Keyed weakly by the compiled
 * graph, so they go when it goes.
 */
import type { CompiledGraph } from '../compiled-graph.js';
import { identityBits, KillSets } from './kill-sets.js';
import { stronglyConnected } from './strongly-connected.js';
import type { Sccs } from './strongly-connected.js';

function memo<T>(compute: (g: CompiledGraph) => T): (g: CompiledGraph) => T {
  const cache = new WeakMap<CompiledGraph, T>();
  return (g) => {
    let v = cache.get(g);
    if (v === undefined) {
      v = compute(g);
      cache.set(g, v);
    }
    return v;
  };
}

/** SCCs over fail edges (hard dependencies and anyOf branches). */
export const failSccs = memo((g): Sccs => stronglyConnected(g.componentCount, g.fail));

/** SCCs over every dependency edge, soft ones included. */
export const allSccs = memo((g): Sccs => stronglyConnected(g.componentCount, g.all));

/** SCCs over hard dependencies only. */
export const hardSccs = memo((g): Sccs => stronglyConnected(g.componentCount, g.hard));

/** K(c) over the full event space for every component. */
export const fullKillSets = memo(
  (g): KillSets => new KillSets(g, failSccs(g), identityBits(g), g.eventCount),
);
