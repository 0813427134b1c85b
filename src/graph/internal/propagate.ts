/**
 * @module
 * Direct propagation of a given set of failures: which components are down (least fixpoint,
 * by counting dead branches per `anyOf` group, as in linear-time Horn-clause propagation —
 * Dowling & Gallier 1984) and which are degraded (reverse reachability over every edge).
 * O(n + edges) per call; the what-if analysis and the slow paths use it.
 */
import type { CompiledGraph } from '../compiled-graph.js';

/** Components down when `failed` events fail: 1 = down. */
export function downSet(g: CompiledGraph, failed: Iterable<number>): Uint8Array {
  const n = g.componentCount;
  const down = new Uint8Array(n);
  const dead = new Int32Array(g.groupOwner.length);
  const queue: number[] = [];
  const mark = (c: number): void => {
    if (down[c] === 0) {
      down[c] = 1;
      queue.push(c);
    }
  };
  for (const e of failed) {
    if (e < n) mark(e);
    else {
      const j = e - n;
      for (let k = g.members.start[j]!; k < g.members.start[j + 1]!; k++) mark(g.members.to[k]!);
    }
  }
  for (let q = 0; q < queue.length; q++) {
    const x = queue[q]!;
    for (let k = g.hardParents.start[x]!; k < g.hardParents.start[x + 1]!; k++) {
      mark(g.hardParents.to[k]!);
    }
    for (let k = g.branchOf.start[x]!; k < g.branchOf.start[x + 1]!; k++) {
      const grp = g.branchOf.to[k]!;
      const size = g.branches.start[grp + 1]! - g.branches.start[grp]!;
      if (++dead[grp]! === size) mark(g.groupOwner[grp]!);
    }
  }
  return down;
}

/** Components not down that depend, through any chain of edges, on a down one: 1 = degraded. */
export function degradedSet(g: CompiledGraph, down: Uint8Array): Uint8Array {
  const n = g.componentCount;
  const degraded = new Uint8Array(n);
  const queue: number[] = [];
  for (let c = 0; c < n; c++) if (down[c] === 1) queue.push(c);
  for (let q = 0; q < queue.length; q++) {
    const x = queue[q]!;
    for (let k = g.allParents.start[x]!; k < g.allParents.start[x + 1]!; k++) {
      const p = g.allParents.to[k]!;
      if (down[p] === 0 && degraded[p] === 0) {
        degraded[p] = 1;
        queue.push(p);
      }
    }
  }
  return degraded;
}
