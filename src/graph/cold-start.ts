/**
 * @module
 * Cold start: with everything down, bring a component up once all its hard dependencies are up
 * and at least one branch of each of its `anyOf` groups is (soft dependencies are not needed to
 * start). Repeat until nothing changes — Kahn's topological sort (A. B. Kahn, "Topological
 * sorting of large networks", CACM 5(11), 1962) in waves. What never comes up is deadlocked:
 * it waits, directly or through others, on a cycle, and needs an operator — as the phonebook and
 * DynamoDB did on 2025-10-20. Failure domains are taken to be up.
 */
import type { CompiledGraph } from './compiled-graph.js';
import { compareIds } from './internal/ids.js';

/** The result of a cold start. */
export interface ColdStart {
  /** Components in the order they come up, wave by wave (each wave sorted by id). */
  readonly waves: readonly (readonly string[])[];
  /** Components that never come up, sorted by id. */
  readonly deadlocked: readonly string[];
}

/** Simulates a cold start of the whole catalogue; see the module comment. */
export function coldStart(graph: CompiledGraph): ColdStart {
  const g = graph;
  const n = g.componentCount;
  const pending = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    pending[c] =
      g.hard.start[c + 1]! - g.hard.start[c]! + (g.groups.start[c + 1]! - g.groups.start[c]!);
  }
  const groupUp = new Uint8Array(g.groupOwner.length);
  const up = new Uint8Array(n);
  let wave: number[] = [];
  for (let c = 0; c < n; c++) if (pending[c] === 0) wave.push(c);
  const waves: string[][] = [];
  while (wave.length > 0) {
    for (const c of wave) up[c] = 1;
    waves.push(wave.map((c) => g.ids[c]!).sort(compareIds));
    const next: number[] = [];
    const release = (p: number): void => {
      if (--pending[p]! === 0 && up[p] === 0) next.push(p);
    };
    for (const c of wave) {
      for (let k = g.hardParents.start[c]!; k < g.hardParents.start[c + 1]!; k++) {
        release(g.hardParents.to[k]!);
      }
      for (let k = g.branchOf.start[c]!; k < g.branchOf.start[c + 1]!; k++) {
        const grp = g.branchOf.to[k]!;
        if (groupUp[grp] === 0) {
          groupUp[grp] = 1;
          release(g.groupOwner[grp]!);
        }
      }
    }
    wave = next;
  }
  const deadlocked: string[] = [];
  for (let c = 0; c < n; c++) if (up[c] === 0) deadlocked.push(g.ids[c]!);
  return { waves, deadlocked: deadlocked.sort(compareIds) };
}
