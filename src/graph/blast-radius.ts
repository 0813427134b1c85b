/**
 * @module
 * Blast radius of every component and domain: what fails with it and what is degraded.
 *
 * Two bit matrices answer it for all events at once. K(c) (kill sets) holds the events whose
 * failure alone takes c down, so "what fails with e" is the column of e in K. R(c) holds the
 * events whose failure c *feels* — reach c through any edge: R(c) = K(c) ∪ ⋃_{any dep d} R(d),
 * one reverse-propagation pass with the members of each strongly connected component sharing a
 * row (they reach each other). "Degraded by e" is then the column of e in R minus that in K.
 * Both passes are O((n + edges) · ⌈events/32⌉) word operations, memoised per graph. The two
 * matrices are then transposed in 32×32 bit blocks (Hacker's Delight §7-3), so each event's
 * row lists what fails and what is degraded: sizes are popcounts, and one event's lists cost
 * ⌈n/32⌉ words plus the answer — the whole answer is never built unless asked for.
 */
import type { CompiledGraph } from './compiled-graph.js';
import { eventIndex } from './compiled-graph.js';
import { countRow, forEachBit, orInto, transposeBits, wordsFor } from './internal/bitset.js';
import { compareIds } from './internal/ids.js';
import type { KillSets } from './internal/kill-sets.js';
import { allSccs, fullKillSets } from './internal/memo.js';

/** What one failure does. */
export interface BlastRadiusEntry {
  /** Components that go down with it (itself left out), sorted by id. */
  readonly failed: readonly string[];
  /** Components still up but degraded (they lost a soft dependency or a redundant branch). */
  readonly degraded: readonly string[];
}

/** The blast radius of every event of a graph; build it with {@link blastRadius}. */
export class BlastRadius {
  private readonly g: CompiledGraph;
  /** Row e (⌈n/32⌉ words): the components that fail when event e fails (e itself included). */
  private readonly failedBy: Uint32Array;
  /** Row e: the components degraded when event e fails. */
  private readonly degradedBy: Uint32Array;
  private readonly wn: number;

  constructor(graph: CompiledGraph) {
    this.g = graph;
    const k: KillSets = fullKillSets(graph);
    const w = k.width;
    const n = graph.componentCount;
    const reach = new Uint32Array(n * w);
    const sccs = allSccs(graph);
    const { start, to } = sccs.members;
    const row = new Uint32Array(w);
    for (let s = 0; s < sccs.count; s++) {
      row.fill(0);
      for (let m = start[s]!; m < start[s + 1]!; m++) {
        const c = to[m]!;
        orInto(row, 0, k.rows, c * w, w);
        for (let e = graph.all.start[c]!; e < graph.all.start[c + 1]!; e++) {
          const d = graph.all.to[e]!;
          if (sccs.of[d] !== s) orInto(row, 0, reach, d * w, w);
        }
      }
      for (let m = start[s]!; m < start[s + 1]!; m++) reach.set(row, to[m]! * w);
    }
    this.wn = wordsFor(n);
    this.failedBy = transposeBits(k.rows, n, graph.eventCount);
    this.degradedBy = transposeBits(reach, n, graph.eventCount, k.rows);
  }

  /** Per event: how many components fail with it (itself left out) and how many it degrades. */
  counts(): { failed: Int32Array; degraded: Int32Array } {
    const E = this.g.eventCount;
    const failed = new Int32Array(E);
    const degraded = new Int32Array(E);
    for (let e = 0; e < E; e++) {
      failed[e] =
        countRow(this.failedBy, e * this.wn, this.wn) - (e < this.g.componentCount ? 1 : 0);
      degraded[e] = countRow(this.degradedBy, e * this.wn, this.wn);
    }
    return { failed, degraded };
  }

  /** The blast radius of the component or domain `id`. */
  of(id: string): BlastRadiusEntry {
    return this.ofEvent(eventIndex(this.g, id));
  }

  /** Every event's blast radius, keyed by id, components first then domains. */
  toJSON(): Record<string, BlastRadiusEntry> {
    const out: Record<string, BlastRadiusEntry> = {};
    for (let e = 0; e < this.g.eventCount; e++) out[this.g.ids[e]!] = this.ofEvent(e);
    return out;
  }

  private ofEvent(e: number): BlastRadiusEntry {
    const ids = this.g.ids;
    const failed: string[] = [];
    const degraded: string[] = [];
    forEachBit(this.failedBy, e * this.wn, this.wn, (c) => {
      if (c !== e) failed.push(ids[c]!);
    });
    forEachBit(this.degradedBy, e * this.wn, this.wn, (c) => degraded.push(ids[c]!));
    return { failed: failed.sort(compareIds), degraded: degraded.sort(compareIds) };
  }
}

/** The blast radius of every component and domain of `graph`. */
export function blastRadius(graph: CompiledGraph): BlastRadius {
  return new BlastRadius(graph);
}
