/**
 * @module
 * The transitive dependencies of a target, "3–4 levels deep" and beyond: every component and
 * failure domain it reaches, with its depth (fewest edges from the target) and one shortest
 * example path, by breadth-first search over every kind of edge.
 */
import type { CompiledGraph } from './compiled-graph.js';
import { eventIndex } from './compiled-graph.js';

/** How a dependency is reached on its example path. */
export type DependencyVia = 'hard' | 'soft' | 'anyOf' | 'domain';

/** One transitive dependency of the target. */
export interface TransitiveDependency {
  readonly id: string;
  readonly kind: 'component' | 'domain';
  /** Edges from the target along the shortest path (a direct dependency has depth 1). */
  readonly depth: number;
  /** Ids from the target to this dependency, both included. */
  readonly path: readonly string[];
  /** The kind of the last edge of {@link path}. */
  readonly via: DependencyVia;
  /**
   * True when some path to it uses only hard edges and domains — its failure can matter without
   * any other failure. False when every path crosses a soft edge or an `anyOf` branch.
   */
  readonly hardPath: boolean;
}

/** Every transitive dependency of `target`, by depth then id. */
export function transitiveDependencies(
  graph: CompiledGraph,
  target: string,
): TransitiveDependency[] {
  const g = graph;
  const t = eventIndex(g, target, 'component');
  if (t >= g.componentCount) {
    throw new TypeError(`transitiveDependencies: '${target}' is a failure domain, not a component`);
  }
  const parent = new Int32Array(g.eventCount).fill(-1);
  const via: DependencyVia[] = new Array<DependencyVia>(g.eventCount);
  const depth = new Int32Array(g.eventCount).fill(-1);
  depth[t] = 0;
  const order: number[] = [t];
  const visit = (from: number, to: number, how: DependencyVia): void => {
    if (depth[to] !== -1) return;
    depth[to] = depth[from]! + 1;
    parent[to] = from;
    via[to] = how;
    order.push(to);
  };
  for (let q = 0; q < order.length; q++) {
    const c = order[q]!;
    if (c >= g.componentCount) continue;
    for (let e = g.hard.start[c]!; e < g.hard.start[c + 1]!; e++) visit(c, g.hard.to[e]!, 'hard');
    for (let e = g.groups.start[c]!; e < g.groups.start[c + 1]!; e++) {
      const grp = g.groups.to[e]!;
      for (let k = g.branches.start[grp]!; k < g.branches.start[grp + 1]!; k++) {
        visit(c, g.branches.to[k]!, 'anyOf');
      }
    }
    for (let e = g.soft.start[c]!; e < g.soft.start[c + 1]!; e++) visit(c, g.soft.to[e]!, 'soft');
    for (let e = g.domains.start[c]!; e < g.domains.start[c + 1]!; e++) {
      visit(c, g.domains.to[e]!, 'domain');
    }
  }
  // Hard reach: along hard edges and domain membership only.
  const hard = new Uint8Array(g.eventCount);
  hard[t] = 1;
  const stack = [t];
  while (stack.length > 0) {
    const c = stack.pop()!;
    const push = (d: number): void => {
      if (hard[d] === 0) {
        hard[d] = 1;
        if (d < g.componentCount) stack.push(d);
      }
    };
    for (let e = g.hard.start[c]!; e < g.hard.start[c + 1]!; e++) push(g.hard.to[e]!);
    for (let e = g.domains.start[c]!; e < g.domains.start[c + 1]!; e++) push(g.domains.to[e]!);
  }
  const out: TransitiveDependency[] = [];
  for (const e of order) {
    if (e === t) continue;
    const path: string[] = [];
    for (let x = e; x !== -1; x = parent[x]!) path.push(g.ids[x]!);
    path.reverse();
    out.push({
      id: g.ids[e]!,
      kind: e < g.componentCount ? 'component' : 'domain',
      depth: depth[e]!,
      path,
      via: via[e]!,
      hardPath: hard[e] === 1,
    });
  }
  return out.sort((a, b) => a.depth - b.depth || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
