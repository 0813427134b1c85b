/**
 * @module
 * Minimal cut sets of a target up to order K: the minimal sets of components and domains whose
 * joint failure takes the target down (fault-tree analysis' classic question; Vesely et al.,
 * *Fault Tree Handbook*, NUREG-0492, 1981, ch. VII).
 *
 * Order 1 is the single points of failure. Higher orders extend a failed set F one candidate at
 * a time and ask which single further failure now kills the target ("conditional kill sets",
 * `internal/conditional-kill-sets.ts`), so a pair {a, b} is never tested by brute force: for
 * each candidate a, one incremental pass yields every partner b at once. Only events in the
 * target's closure that are not single points of failure are candidates (a set containing a
 * single point of failure is not minimal). Order ≥ 3 costs one pass per (K−1)-set and is meant
 * for small catalogues; the default is 2.
 */
import type { CompiledGraph } from './compiled-graph.js';
import { eventIndex } from './compiled-graph.js';
import { ConditionalKillSets } from './internal/conditional-kill-sets.js';
import { forEachBit } from './internal/bitset.js';
import { compareIdLists, compareIds } from './internal/ids.js';
import { failSccs, fullKillSets } from './internal/memo.js';

/** Options of {@link minimalCutSets}. */
export interface MinimalCutSetsOptions {
  /** Largest set size to look for; an integer ≥ 1. Default 2. */
  readonly maxOrder?: number;
}

/**
 * The minimal cut sets of `target` with at most `maxOrder` members, each sorted by id, the list
 * sorted by size then members. The trivial set {target} is left out.
 */
export function minimalCutSets(
  graph: CompiledGraph,
  target: string,
  options: MinimalCutSetsOptions = {},
): string[][] {
  const maxOrder = options.maxOrder ?? 2;
  if (!Number.isInteger(maxOrder) || maxOrder < 1) {
    throw new RangeError(`minimalCutSets: maxOrder must be an integer ≥ 1, got ${maxOrder}`);
  }
  const t = eventIndex(graph, target, 'component');
  if (t >= graph.componentCount) {
    throw new TypeError(`minimalCutSets: '${target}' is a failure domain, not a component`);
  }
  const ck = new ConditionalKillSets(graph, failSccs(graph), fullKillSets(graph), t);
  const found: number[][] = [];
  for (const e of ck.singles) if (e !== t) found.push([e]);
  const cand = ck.candidates;
  const w = ck.width;

  const extend = (prefix: number[], fromBit: number): void => {
    for (let a = fromBit; a < cand.length; a++) {
      const failed = [...prefix, cand[a]!];
      const row = ck.killersGiven(failed);
      if (row === null) continue; // `failed` is itself a cut (found at its own order)
      const partners: number[] = [];
      forEachBit(row, 0, w, (b) => {
        if (b > a) partners.push(b);
      });
      for (const b of partners) {
        const set = [...failed, cand[b]!];
        if (failed.length === 1 || isMinimal(set)) found.push(set);
      }
      if (failed.length + 1 < maxOrder) extend(failed, a + 1);
    }
  };
  // F ∪ {b} with F not a cut is minimal iff no (|F|)-subset containing b is a cut.
  const isMinimal = (set: readonly number[]): boolean => {
    const last = set.length - 1;
    for (let skip = 0; skip < last; skip++) {
      if (ck.isCut(set.filter((_, i) => i !== skip))) return false;
    }
    return true;
  };
  if (maxOrder >= 2) extend([], 0);
  return found.map((s) => s.map((e) => graph.ids[e]!).sort(compareIds)).sort(compareIdLists);
}
