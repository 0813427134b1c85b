/**
 * @module
 * Hidden shared fate: redundancy that is not. An `anyOf` is defeated by every event whose
 * failure alone takes *all* its branches down — a domain they share (the same region,
 * provider or control plane), a common hard dependency, or one further down their chains
 * (both regions' IAM leaning on us-east-1). That set is ⋂ K(branch) over the kill sets (see
 * `internal/kill-sets.ts`), so "3–4 levels deep" costs nothing extra.
 */
import type { CompiledGraph } from './compiled-graph.js';
import { andInto, forEachBit, isEmptyRow } from './internal/bitset.js';
import { compareIds } from './internal/ids.js';
import { fullKillSets } from './internal/memo.js';

/** One `anyOf` whose redundancy a single failure defeats. */
export interface SharedFate {
  /** The component that declares the `anyOf`. */
  readonly component: string;
  /** Its branches, as declared. */
  readonly anyOf: readonly string[];
  /** Every component or domain whose failure alone takes all branches down, sorted. */
  readonly sharedBy: readonly string[];
}

/** Every `anyOf` in the catalogue with hidden shared fate, in declaration order. */
export function findSharedFate(graph: CompiledGraph): SharedFate[] {
  const k = fullKillSets(graph);
  const w = k.width;
  const tmp = new Uint32Array(w);
  const out: SharedFate[] = [];
  for (let grp = 0; grp < graph.groupOwner.length; grp++) {
    const bs = graph.branches.start[grp]!;
    const be = graph.branches.start[grp + 1]!;
    const first = graph.branches.to[bs]!;
    tmp.set(k.rows.subarray(first * w, first * w + w));
    for (let i = bs + 1; i < be; i++) andInto(tmp, 0, k.rows, graph.branches.to[i]! * w, w);
    // A single-branch anyOf is plain redundancy-free dependency, not hidden shared fate.
    if (be - bs < 2 || isEmptyRow(tmp, 0, w)) continue;
    const sharedBy: string[] = [];
    forEachBit(tmp, 0, w, (e) => sharedBy.push(graph.ids[e]!));
    const anyOf: string[] = [];
    for (let i = bs; i < be; i++) anyOf.push(graph.ids[graph.branches.to[i]!]!);
    out.push({
      component: graph.ids[graph.groupOwner[grp]!]!,
      anyOf,
      sharedBy: sharedBy.sort(compareIds),
    });
  }
  return out;
}
