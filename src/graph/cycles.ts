/**
 * @module
 * Cycles among hard dependencies: the strongly connected components (Tarjan 1972, see
 * `internal/strongly-connected.ts`) of the hard-dependency graph that hold a cycle. A hard
 * cycle means none of its members can start first — DynamoDB needed DNS, and DNS's automation
 * needed DynamoDB.
 */
import type { CompiledGraph } from './compiled-graph.js';
import { compareIdLists, compareIds } from './internal/ids.js';
import { hardSccs } from './internal/memo.js';

/**
 * Every hard-dependency cycle as the list of its members, starting from the smallest id and
 * following hard edges depth-first inside the cycle (for a simple cycle, its order).
 */
export function hardCycles(graph: CompiledGraph): string[][] {
  const sccs = hardSccs(graph);
  const out: string[][] = [];
  for (let s = 0; s < sccs.count; s++) {
    if (sccs.cyclic[s] === 0) continue;
    const members: number[] = [];
    for (let k = sccs.members.start[s]!; k < sccs.members.start[s + 1]!; k++) {
      members.push(sccs.members.to[k]!);
    }
    members.sort((a, b) => compareIds(graph.ids[a]!, graph.ids[b]!));
    const seen = new Set<number>();
    const order: number[] = [];
    const stack = [members[0]!];
    while (stack.length > 0) {
      const c = stack.pop()!;
      if (seen.has(c)) continue;
      seen.add(c);
      order.push(c);
      const next: number[] = [];
      for (let e = graph.hard.start[c]!; e < graph.hard.start[c + 1]!; e++) {
        const d = graph.hard.to[e]!;
        if (sccs.of[d] === s && !seen.has(d)) next.push(d);
      }
      for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
    }
    out.push(order.map((c) => graph.ids[c]!));
  }
  return out.sort((a, b) => compareIdLists([a[0]!], [b[0]!]) || compareIdLists(a, b));
}
