/**
 * @module
 * What the diagram formats (Mermaid, DOT, HTML) draw, decided once: nodes for components,
 * `anyOf` junctions and failure domains, edges by kind, and the marks that matter (target,
 * single point of failure, cycle, cold-start deadlock, shared fate). Large catalogues are cut
 * down to the target's dependencies so a drawing stays readable.
 */
import type { GraphAnalysis } from '../../analyze.js';

/** A mark on a node or edge. */
export type Mark = 'target' | 'spof' | 'cycle' | 'deadlock' | 'shared-fate';

/** A node of the drawing. */
export interface DrawNode {
  /** Unique within the drawing: `c:<id>`, `g:<n>`, `d:<id>`. */
  readonly key: string;
  readonly kind: 'component' | 'anyOf' | 'domain';
  /** Catalogue id (components and domains); for a junction, its owner's id. */
  readonly id: string;
  readonly label: string;
  readonly region?: string;
  readonly provider?: string;
  readonly marks: readonly Mark[];
}

/** An edge of the drawing. */
export interface DrawEdge {
  readonly from: number;
  readonly to: number;
  /** hard / soft dependency; group: owner → junction; branch: junction → branch; member: in a domain. */
  readonly kind: 'hard' | 'soft' | 'group' | 'branch' | 'member';
  readonly marks: readonly Mark[];
}

/** The whole drawing. */
export interface Drawing {
  readonly nodes: readonly DrawNode[];
  readonly edges: readonly DrawEdge[];
  /** Components left out to keep it readable (0 when everything is drawn). */
  readonly omitted: number;
}

/** Options of {@link drawing}. */
export interface DrawingOptions {
  /** Most components drawn; beyond it only the target's dependencies are. Default 300. */
  readonly maxComponents?: number;
}

/** Decides what to draw for an analysis. */
export function drawing(a: GraphAnalysis, options: DrawingOptions = {}): Drawing {
  const max = options.maxComponents ?? 300;
  const g = a.graph;
  const n = g.componentCount;
  const t = g.indexOf.get(a.target)!;
  // Which components: all, or the target and its dependencies nearest first.
  let include: number[];
  if (n <= max) include = Array.from({ length: n }, (_, i) => i);
  else {
    include = [t];
    for (const d of a.dependencies) {
      if (include.length >= max) break;
      if (d.kind === 'component') include.push(g.indexOf.get(d.id)!);
    }
  }
  const included = new Set(include);
  const spof = new Set(a.spofs);
  const inCycle = new Set(a.cycles.flat());
  const cycleOf = new Map<string, number>();
  a.cycles.forEach((cyc, i) => cyc.forEach((id) => cycleOf.set(id, i)));
  const deadlocked = new Set(a.coldStart.deadlocked);
  const sharedBy = new Set(a.sharedFate.flatMap((s) => s.sharedBy));
  const sharedGroups = new Set(
    a.sharedFate.map((s) => `${s.component}\u0000${s.anyOf.join('\u0000')}`),
  );
  const catalogue = new Map(a.catalogue.components.map((c) => [c.id, c]));

  const nodes: DrawNode[] = [];
  const edges: DrawEdge[] = [];
  const index = new Map<string, number>();
  const addNode = (node: DrawNode): number => {
    const existing = index.get(node.key);
    if (existing !== undefined) return existing;
    index.set(node.key, nodes.length);
    nodes.push(node);
    return nodes.length - 1;
  };
  const marksOf = (id: string): Mark[] => {
    const m: Mark[] = [];
    if (id === a.target) m.push('target');
    if (spof.has(id)) m.push('spof');
    if (inCycle.has(id)) m.push('cycle');
    if (deadlocked.has(id)) m.push('deadlock');
    if (sharedBy.has(id)) m.push('shared-fate');
    return m;
  };
  for (const c of include) {
    const id = g.ids[c]!;
    const spec = catalogue.get(id);
    addNode({
      key: `c:${id}`,
      kind: 'component',
      id,
      label: id,
      ...(spec?.region !== undefined && { region: spec.region }),
      ...(spec?.provider !== undefined && { provider: spec.provider }),
      marks: marksOf(id),
    });
  }
  for (const c of include) {
    const from = index.get(`c:${g.ids[c]!}`)!;
    for (let e = g.hard.start[c]!; e < g.hard.start[c + 1]!; e++) {
      const d = g.hard.to[e]!;
      if (!included.has(d)) continue;
      const sameCycle = cycleOf.has(g.ids[c]!) && cycleOf.get(g.ids[c]!) === cycleOf.get(g.ids[d]!);
      edges.push({
        from,
        to: index.get(`c:${g.ids[d]!}`)!,
        kind: 'hard',
        marks: sameCycle ? ['cycle'] : [],
      });
    }
    for (let e = g.soft.start[c]!; e < g.soft.start[c + 1]!; e++) {
      const d = g.soft.to[e]!;
      if (included.has(d))
        edges.push({ from, to: index.get(`c:${g.ids[d]!}`)!, kind: 'soft', marks: [] });
    }
    for (let e = g.groups.start[c]!; e < g.groups.start[c + 1]!; e++) {
      const grp = g.groups.to[e]!;
      const branchIds: string[] = [];
      for (let k = g.branches.start[grp]!; k < g.branches.start[grp + 1]!; k++) {
        branchIds.push(g.ids[g.branches.to[k]!]!);
      }
      const shared = sharedGroups.has(`${g.ids[c]!}\u0000${branchIds.join('\u0000')}`);
      const j = addNode({
        key: `g:${grp}`,
        kind: 'anyOf',
        id: g.ids[c]!,
        label: `any of ${branchIds.length}`,
        marks: shared ? ['shared-fate'] : [],
      });
      edges.push({ from, to: j, kind: 'group', marks: [] });
      for (const b of branchIds) {
        const bi = index.get(`c:${b}`);
        if (bi !== undefined)
          edges.push({ from: j, to: bi, kind: 'branch', marks: shared ? ['shared-fate'] : [] });
      }
    }
  }
  for (const c of include) {
    const from = index.get(`c:${g.ids[c]!}`)!;
    for (let e = g.domains.start[c]!; e < g.domains.start[c + 1]!; e++) {
      const id = g.ids[g.domains.to[e]!]!;
      const d = addNode({ key: `d:${id}`, kind: 'domain', id, label: id, marks: marksOf(id) });
      edges.push({ from, to: d, kind: 'member', marks: [] });
    }
  }
  return { nodes, edges, omitted: n - include.length };
}

/** True for domains drawn as nesting (provider, then region) rather than as nodes. */
export function isNestingDomain(id: string): boolean {
  return id.startsWith('region:') || id.startsWith('provider:');
}
