/**
 * @module
 * Kill sets: for every component c, the set K(c) of events (components and domains) whose
 * failure *alone* takes c down. They obey
 *
 *     K(c) = {c} ∪ domains(c) ∪ ⋃_{hard d} K(d) ∪ ⋃_{anyOf g} ⋂_{b ∈ g} K(b)
 *
 * which is the "dominator" equation of an AND/OR graph: like dominators in a flow graph
 * (Lengauer & Tarjan 1979; Cooper, Harvey & Kennedy, "A Simple, Fast Dominance Algorithm",
 * 2001), an event kills c if it kills *some* hard dependency or *every* branch of a group. For
 * each event e separately, this is exactly the down-propagation of "e failed", and bitwise
 * union and intersection run all events' propagations at once, 32 per machine word.
 *
 * Evaluation visits strongly connected components dependencies-first. Inside a cycle the
 * equations are solved by Kleene iteration from the base sets upwards, which reaches the
 * *least* fixpoint — the semantics of "down" (failure needs a cause; see `catalogue.ts`).
 *
 * Cost: O((n + edges) · w) word operations for width w = ⌈bits/32⌉ (10,000 components,
 * 50,000 edges: ≈ 20 M word operations), plus extra rounds only inside cycles.
 */
import type { CompiledGraph } from '../compiled-graph.js';
import { andInto, equalRows, orInto, setBit } from './bitset.js';
import type { Sccs } from './strongly-connected.js';

/** K(c) for components, as bit rows; see the module comment. */
export class KillSets {
  /** Words per row. */
  readonly width: number;
  /** Row of component c at `c * width`. Components outside the evaluated set keep zero rows. */
  readonly rows: Uint32Array;
  private readonly graph: CompiledGraph;
  private readonly bitOf: Int32Array;
  private readonly tmp: Uint32Array;
  private readonly tmp2: Uint32Array;

  /**
   * Evaluates K for every component where `include` is 1 (all when omitted; `include` must be
   * closed under dependencies). `bitOf[event]` is the event's bit, or -1 to leave it out.
   */
  constructor(
    graph: CompiledGraph,
    sccs: Sccs,
    bitOf: Int32Array,
    bits: number,
    include?: Uint8Array,
  ) {
    this.graph = graph;
    this.bitOf = bitOf;
    const w = (this.width = (bits + 31) >>> 5);
    this.rows = new Uint32Array(graph.componentCount * w);
    this.tmp = new Uint32Array(w);
    this.tmp2 = new Uint32Array(w);
    const { start, to } = sccs.members;
    for (let s = 0; s < sccs.count; s++) {
      const first = to[start[s]!]!;
      if (include !== undefined && include[first] === 0) continue;
      if (sccs.cyclic[s] === 0) {
        this.evaluate(first, this.rows, first * w);
        continue;
      }
      for (let k = start[s]!; k < start[s + 1]!; k++) this.base(to[k]!, this.rows, to[k]! * w);
      let changed = true;
      while (changed) {
        changed = false;
        for (let k = start[s]!; k < start[s + 1]!; k++) {
          const c = to[k]!;
          this.evaluate(c, this.tmp2, 0);
          if (!equalRows(this.tmp2, 0, this.rows, c * w, w)) {
            this.rows.set(this.tmp2, c * w);
            changed = true;
          }
        }
      }
    }
  }

  /** Writes {c} ∪ domains(c) (as far as they have bits) into `out` at `off`. */
  base(c: number, out: Uint32Array, off: number): void {
    out.fill(0, off, off + this.width);
    const b = this.bitOf[c]!;
    if (b >= 0) setBit(out, off, b);
    const { start, to } = this.graph.domains;
    for (let e = start[c]!; e < start[c + 1]!; e++) {
      const db = this.bitOf[to[e]!]!;
      if (db >= 0) setBit(out, off, db);
    }
  }

  /** Writes the right-hand side of the kill-set equation for c into `out` at `off`. */
  evaluate(c: number, out: Uint32Array, off: number): void {
    const g = this.graph;
    const w = this.width;
    const rows = this.rows;
    this.base(c, out, off);
    for (let e = g.hard.start[c]!; e < g.hard.start[c + 1]!; e++) {
      orInto(out, off, rows, g.hard.to[e]! * w, w);
    }
    for (let e = g.groups.start[c]!; e < g.groups.start[c + 1]!; e++) {
      const grp = g.groups.to[e]!;
      const bs = g.branches.start[grp]!;
      const be = g.branches.start[grp + 1]!;
      this.tmp.set(rows.subarray(g.branches.to[bs]! * w, g.branches.to[bs]! * w + w));
      for (let k = bs + 1; k < be; k++) andInto(this.tmp, 0, rows, g.branches.to[k]! * w, w);
      orInto(out, off, this.tmp, 0, w);
    }
  }
}

/** Maps every event to its own bit (the full event space). */
export function identityBits(graph: CompiledGraph): Int32Array {
  const bitOf = new Int32Array(graph.eventCount);
  for (let i = 0; i < bitOf.length; i++) bitOf[i] = i;
  return bitOf;
}
