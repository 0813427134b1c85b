/**
 * @module
 * The catalogue compiled for analysis. Every component and every failure domain becomes an
 * *event* (a thing that can fail) with a dense index: components are `0 … n-1`, domains
 * `n … n+d-1`. Edges are flat typed arrays (compressed sparse rows) in both directions, so the
 * analyses run on integers and never build per-node objects.
 *
 * Edge families: *hard* (c needs d), *soft* (c is degraded without d), *groups* (an `anyOf`:
 * c needs one of its branches), *fail* (hard ∪ branches: the edges along which failure can
 * travel) and *all* (fail ∪ soft: the edges along which degradation travels).
 */
import type { Catalogue } from './catalogue.js';
import { GraphInputError } from './errors.js';
import { nearest } from './internal/edit-distance.js';
import { csrFromLists, reverseCsr } from './internal/csr.js';
import type { Csr } from './internal/csr.js';

/** A catalogue as integer-indexed arrays; build it with {@link compileCatalogue}. */
export interface CompiledGraph {
  readonly catalogue: Catalogue;
  /** Components are events `0 … componentCount-1`. */
  readonly componentCount: number;
  /** Domains are events `componentCount … eventCount-1`. */
  readonly domainCount: number;
  readonly eventCount: number;
  /** Event index → id. */
  readonly ids: readonly string[];
  /** Id (and Backstage alias) → event index. */
  readonly indexOf: ReadonlyMap<string, number>;
  /** Per event: probability of failing on its own, `1 - availability`. */
  readonly failureProbability: Float64Array;
  /** Per component: outage cost per hour, `NaN` when not given. */
  readonly outageCostPerHour: Float64Array;
  /** Hard dependencies of each component. */
  readonly hard: Csr;
  /** Soft dependencies of each component. */
  readonly soft: Csr;
  /** `anyOf` groups of each component (group indices). */
  readonly groups: Csr;
  /** Branches of each group (component indices). */
  readonly branches: Csr;
  /** The component each group belongs to. */
  readonly groupOwner: Int32Array;
  /** Failure domains of each component (event indices ≥ componentCount). */
  readonly domains: Csr;
  /** Hard dependencies and group branches, without repeats. */
  readonly fail: Csr;
  /** Fail edges and soft dependencies, without repeats. */
  readonly all: Csr;
  /** Reverse of {@link hard}: who hard-depends on each component. */
  readonly hardParents: Csr;
  /** For each component, the groups it is a branch of. */
  readonly branchOf: Csr;
  /** Reverse of {@link fail}. */
  readonly failParents: Csr;
  /** Reverse of {@link all}. */
  readonly allParents: Csr;
  /** Members of each domain, indexed by `event - componentCount`. */
  readonly members: Csr;
}

/** Builds the integer form of a checked catalogue. Throws TypeError on a dangling reference. */
export function compileCatalogue(catalogue: Catalogue): CompiledGraph {
  const n = catalogue.components.length;
  const d = catalogue.domains.length;
  const ids: string[] = [];
  const indexOf = new Map<string, number>();
  const add = (id: string): void => {
    if (indexOf.has(id)) throw new TypeError(`compileCatalogue: duplicate id '${id}'`);
    indexOf.set(id, ids.length);
    ids.push(id);
  };
  for (const c of catalogue.components) add(c.id);
  for (const dom of catalogue.domains) add(dom.id);
  for (const [alias, id] of catalogue.aliases) {
    if (!indexOf.has(alias)) indexOf.set(alias, indexOf.get(id) ?? -1);
  }
  const component = (id: string, from: string): number => {
    const i = indexOf.get(id);
    if (i === undefined || i >= n) {
      throw new TypeError(`compileCatalogue: '${from}' depends on unknown component '${id}'`);
    }
    return i;
  };
  const failureProbability = new Float64Array(n + d);
  const outageCostPerHour = new Float64Array(n).fill(NaN);
  const hard: number[][] = [];
  const soft: number[][] = [];
  const groupLists: number[][] = [];
  const branchLists: number[][] = [];
  const owners: number[] = [];
  const domainLists: number[][] = [];
  const failLists: number[][] = [];
  const allLists: number[][] = [];
  catalogue.components.forEach((c, i) => {
    failureProbability[i] = 1 - c.availability;
    if (c.outageCostPerHour !== undefined) outageCostPerHour[i] = c.outageCostPerHour;
    const h: number[] = [];
    const s: number[] = [];
    const g: number[] = [];
    const failSet = new Set<number>();
    for (const dep of c.dependsOn) {
      if (dep.kind === 'anyOf') {
        g.push(branchLists.length);
        owners.push(i);
        const b = [...new Set(dep.ids.map((id) => component(id, c.id)))];
        branchLists.push(b);
        for (const x of b) failSet.add(x);
      } else if (dep.kind === 'hard') {
        const x = component(dep.id, c.id);
        if (!h.includes(x)) h.push(x);
        failSet.add(x);
      } else {
        const x = component(dep.id, c.id);
        if (!s.includes(x)) s.push(x);
      }
    }
    hard.push(h);
    soft.push(s);
    groupLists.push(g);
    const doms: number[] = [];
    for (const dom of c.domains) {
      const j = indexOf.get(dom);
      if (j === undefined || j < n) {
        throw new TypeError(`compileCatalogue: '${c.id}' is in unknown domain '${dom}'`);
      }
      if (!doms.includes(j)) doms.push(j);
    }
    domainLists.push(doms);
    const fail = [...failSet];
    failLists.push(fail);
    allLists.push([...new Set([...fail, ...s])]);
  });
  catalogue.domains.forEach((dom, j) => {
    failureProbability[n + j] = 1 - dom.availability;
  });
  const hardCsr = csrFromLists(hard);
  const branchCsr = csrFromLists(branchLists);
  const failCsr = csrFromLists(failLists);
  const allCsr = csrFromLists(allLists);
  const domainCsr = csrFromLists(domainLists);
  // Members: reverse the domain edges, shifting domain events down to 0-based domain indices.
  const shifted = csrFromLists(domainLists.map((l) => l.map((j) => j - n)));
  return {
    catalogue,
    componentCount: n,
    domainCount: d,
    eventCount: n + d,
    ids,
    indexOf,
    failureProbability,
    outageCostPerHour,
    hard: hardCsr,
    soft: csrFromLists(soft),
    groups: csrFromLists(groupLists),
    branches: branchCsr,
    groupOwner: Int32Array.from(owners),
    domains: domainCsr,
    fail: failCsr,
    all: allCsr,
    hardParents: reverseCsr(hardCsr, n),
    branchOf: reverseCsr(branchCsr, n),
    failParents: reverseCsr(failCsr, n),
    allParents: reverseCsr(allCsr, n),
    members: reverseCsr(shifted, d),
  };
}

/**
 * The event index of `id` (a component or domain id, or a Backstage entity ref). Throws
 * {@link GraphInputError} naming the nearest id when there is none.
 */
export function eventIndex(graph: CompiledGraph, id: string, what = 'component or domain'): number {
  const i = graph.indexOf.get(id) ?? graph.indexOf.get(id.toLowerCase());
  if (i !== undefined && i >= 0) return i;
  const guess = nearest(id, graph.ids);
  throw new GraphInputError(
    `unknown ${what} '${id}'` + (guess !== undefined ? `; did you mean '${guess}'?` : ''),
  );
}
