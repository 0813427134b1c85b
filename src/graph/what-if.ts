/**
 * @module
 * What-if: the state of every component when given components and domains have failed — down
 * (least fixpoint of the failure rules, see `catalogue.ts`), degraded, or up. One linear
 * propagation (`internal/propagate.ts`).
 */
import type { CompiledGraph } from './compiled-graph.js';
import { eventIndex } from './compiled-graph.js';
import { degradedSet, downSet } from './internal/propagate.js';

/** State of a component in a what-if. */
export type ComponentState = 'up' | 'degraded' | 'failed';

/** The outcome of failing some components and domains. */
export interface WhatIf {
  /** The ids that were failed, as given. */
  readonly failed: readonly string[];
  /** State of every component, in catalogue order. */
  readonly states: Readonly<Record<string, ComponentState>>;
}

/** Fails `ids` (components or domains) and reports every component's state. */
export function whatIf(graph: CompiledGraph, ids: readonly string[]): WhatIf {
  const events = ids.map((id) => eventIndex(graph, id));
  const down = downSet(graph, events);
  const degraded = degradedSet(graph, down);
  const states: Record<string, ComponentState> = {};
  for (let c = 0; c < graph.componentCount; c++) {
    states[graph.ids[c]!] = down[c] === 1 ? 'failed' : degraded[c] === 1 ? 'degraded' : 'up';
  }
  return { failed: [...ids], states };
}
