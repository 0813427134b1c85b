/**
 * @module
 * "Given that these events have failed, which single further failure takes the target down?"
 * — the step that turns single points of failure into minimal cut sets of higher order.
 *
 * Setup, once per target t: the target's *closure* (everything it reaches along fail edges),
 * the *candidates* U (events of the closure — its components and their domains — that are not
 * single points of failure of t; only they can be members of a minimal cut set of order ≥ 2),
 * and K_U(c), the kill sets restricted to U.
 *
 * Query with failed set F: first propagate F's failures (down set D). Then only components
 * above a *half-dead* `anyOf` (a group with some but not all branches in D) can change, and
 * their new kill sets only grow. They are re-evaluated dependencies-first from a heap of SCC
 * ranks, starting from K_U (the unconditioned least fixpoint is below the conditioned one, so
 * Kleene iteration from it still reaches the least fixpoint), and a component whose set does
 * not grow stops the wave. The answer is t's conditioned set: every b with F ∪ {b} a cut.
 *
 * For order 2 this is one query per candidate — "test candidate pairs only among relevant nodes
 * with incremental evaluation": the work is proportional to the region between each
 * candidate's half-dead groups and the target, times ⌈|U|/32⌉ words, not to |U|² pair tests.
 */
import type { CompiledGraph } from '../compiled-graph.js';
import { equalRows, orInto } from './bitset.js';
import { KillSets } from './kill-sets.js';
import type { Sccs } from './strongly-connected.js';

/** Incremental conditioned kill sets for one target; see the module comment. */
export class ConditionalKillSets {
  /** The target component. */
  readonly target: number;
  /** Events whose failure alone takes the target down (the target itself included). */
  readonly singles: readonly number[];
  /** Candidate events by bit: `candidates[bit]` is an event index. */
  readonly candidates: Int32Array;
  /** Event → candidate bit, or -1. */
  readonly bitOf: Int32Array;
  /** 1 for components in the target's closure. */
  readonly inClosure: Uint8Array;
  private readonly g: CompiledGraph;
  private readonly sccs: Sccs;
  private readonly base: KillSets;
  private readonly w: number;
  // Per-query state, reset by bumping `stamp` instead of clearing arrays.
  private stamp = 0;
  private readonly downStamp: Int32Array;
  private readonly groupStamp: Int32Array;
  private readonly groupDead: Int32Array;
  private readonly modStamp: Int32Array;
  private readonly modSlot: Int32Array;
  private readonly queuedStamp: Int32Array;
  private arena: Uint32Array;
  private slots = 0;
  private readonly heap: number[] = [];
  private readonly scratch: Uint32Array;
  private readonly groupTmp: Uint32Array;

  constructor(g: CompiledGraph, sccs: Sccs, fullKill: KillSets, target: number) {
    this.g = g;
    this.sccs = sccs;
    this.target = target;
    const n = g.componentCount;
    const inClosure = new Uint8Array(n);
    const stack = [target];
    inClosure[target] = 1;
    while (stack.length > 0) {
      const c = stack.pop()!;
      for (let e = g.fail.start[c]!; e < g.fail.start[c + 1]!; e++) {
        const d = g.fail.to[e]!;
        if (inClosure[d] === 0) {
          inClosure[d] = 1;
          stack.push(d);
        }
      }
    }
    this.inClosure = inClosure;
    const fw = fullKill.width;
    const isSingle = (e: number): boolean =>
      (fullKill.rows[target * fw + (e >>> 5)]! & (1 << (e & 31))) !== 0;
    const singles: number[] = [];
    const relevant = new Uint8Array(g.eventCount);
    for (let c = 0; c < n; c++) {
      if (inClosure[c] === 0) continue;
      relevant[c] = 1;
      for (let e = g.domains.start[c]!; e < g.domains.start[c + 1]!; e++)
        relevant[g.domains.to[e]!] = 1;
    }
    const bitOf = new Int32Array(g.eventCount).fill(-1);
    const candidates: number[] = [];
    for (let e = 0; e < g.eventCount; e++) {
      if (relevant[e] === 0) continue;
      if (isSingle(e)) singles.push(e);
      else {
        bitOf[e] = candidates.length;
        candidates.push(e);
      }
    }
    this.singles = singles;
    this.candidates = Int32Array.from(candidates);
    this.bitOf = bitOf;
    this.base = new KillSets(g, sccs, bitOf, candidates.length, inClosure);
    this.w = this.base.width;
    this.downStamp = new Int32Array(n);
    this.groupStamp = new Int32Array(g.groupOwner.length);
    this.groupDead = new Int32Array(g.groupOwner.length);
    this.modStamp = new Int32Array(n);
    this.modSlot = new Int32Array(n);
    this.queuedStamp = new Int32Array(sccs.count);
    this.arena = new Uint32Array(Math.max(1, 64 * this.w));
    this.scratch = new Uint32Array(this.w);
    this.groupTmp = new Uint32Array(this.w);
  }

  /** Width of the candidate bit rows, in words. */
  get width(): number {
    return this.w;
  }

  /**
   * Whether the target is down when exactly `failed` fail (no further failure needed), by direct
   * propagation over the closure.
   */
  isCut(failed: readonly number[]): boolean {
    return this.propagate(failed);
  }

  /**
   * The candidate bits b such that `failed` ∪ {b} takes the target down, or null when `failed`
   * alone already does. The returned row is valid until the next call.
   */
  killersGiven(failed: readonly number[]): Uint32Array | null {
    const dirty = this.dirtyAfter(failed);
    if (dirty === null) return null;
    const { of, members, cyclic } = this.sccs;
    const stamp = this.stamp;
    const heap = this.heap;
    heap.length = 0;
    for (const c of dirty) this.enqueue(of[c]!);
    while (heap.length > 0) {
      const r = this.pop();
      const ms = members.start[r]!;
      const me = members.start[r + 1]!;
      if (cyclic[r] === 0) {
        const c = members.to[ms]!;
        if (this.downStamp[c] !== stamp && this.recompute(c)) this.enqueueParents(c, r);
        continue;
      }
      let grew = true;
      let any = false;
      while (grew) {
        grew = false;
        for (let k = ms; k < me; k++) {
          const c = members.to[k]!;
          if (this.downStamp[c] !== stamp && this.recompute(c)) grew = any = true;
        }
      }
      if (any) {
        for (let k = ms; k < me; k++) {
          const c = members.to[k]!;
          if (this.modStamp[c] === stamp) this.enqueueParents(c, r);
        }
      }
    }
    const t = this.target;
    if (this.modStamp[t] === stamp) {
      const off = this.modSlot[t]! * this.w;
      return this.arena.subarray(off, off + this.w);
    }
    return this.base.rows.subarray(t * this.w, t * this.w + this.w);
  }

  /** Propagates `failed`; returns true when the target went down. */
  private propagate(failed: readonly number[]): boolean {
    this.dirtyList = [];
    const stamp = ++this.stamp;
    this.slots = 0;
    const g = this.g;
    const n = g.componentCount;
    const queue: number[] = [];
    const mark = (c: number): void => {
      if (this.inClosure[c] === 1 && this.downStamp[c] !== stamp) {
        this.downStamp[c] = stamp;
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
        const owner = g.groupOwner[grp]!;
        if (this.inClosure[owner] === 0) continue;
        if (this.groupStamp[grp] !== stamp) {
          this.groupStamp[grp] = stamp;
          this.groupDead[grp] = 0;
        }
        const size = g.branches.start[grp + 1]! - g.branches.start[grp]!;
        if (++this.groupDead[grp]! === size) mark(owner);
        else this.dirtyList.push(owner);
      }
    }
    return this.downStamp[this.target] === stamp;
  }

  private dirtyList: number[] = [];

  /** Propagates and returns the components above half-dead groups, or null if t is down. */
  private dirtyAfter(failed: readonly number[]): number[] | null {
    if (this.propagate(failed)) return null;
    const stamp = this.stamp;
    return this.dirtyList.filter((c) => this.downStamp[c] !== stamp);
  }

  private enqueue(r: number): void {
    if (this.queuedStamp[r] === this.stamp) return;
    this.queuedStamp[r] = this.stamp;
    const heap = this.heap;
    let i = heap.length;
    heap.push(r);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p]! <= r) break;
      heap[i] = heap[p]!;
      i = p;
    }
    heap[i] = r;
  }

  private pop(): number {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1 < n && heap[l + 1]! < heap[l]! ? l + 1 : l;
        if (heap[r]! >= last) break;
        heap[i] = heap[r]!;
        i = r;
      }
      heap[i] = last;
    }
    return top;
  }

  private enqueueParents(c: number, rank: number): void {
    const g = this.g;
    const stamp = this.stamp;
    for (let k = g.failParents.start[c]!; k < g.failParents.start[c + 1]!; k++) {
      const p = g.failParents.to[k]!;
      if (this.inClosure[p] === 0 || this.downStamp[p] === stamp) continue;
      const r = this.sccs.of[p]!;
      if (r !== rank) this.enqueue(r);
    }
  }

  /** Current value of component d's row: ALL (null) when down, else modified or base row. */
  private rowOf(d: number): { a: Uint32Array; off: number } | null {
    if (this.downStamp[d] === this.stamp) return null;
    if (this.modStamp[d] === this.stamp) return { a: this.arena, off: this.modSlot[d]! * this.w };
    return { a: this.base.rows, off: d * this.w };
  }

  private changed(d: number): boolean {
    return this.downStamp[d] === this.stamp || this.modStamp[d] === this.stamp;
  }

  /** Re-evaluates c under the current failures; stores and returns true if its set grew. */
  private recompute(c: number): boolean {
    const g = this.g;
    const w = this.w;
    const out = this.scratch;
    const cur = this.rowOf(c)!;
    out.set(cur.a.subarray(cur.off, cur.off + w));
    for (let e = g.hard.start[c]!; e < g.hard.start[c + 1]!; e++) {
      const d = g.hard.to[e]!;
      if (this.modStamp[d] === this.stamp) orInto(out, 0, this.arena, this.modSlot[d]! * w, w);
    }
    for (let e = g.groups.start[c]!; e < g.groups.start[c + 1]!; e++) {
      const grp = g.groups.to[e]!;
      const bs = g.branches.start[grp]!;
      const be = g.branches.start[grp + 1]!;
      let touched = false;
      for (let k = bs; k < be && !touched; k++) touched = this.changed(g.branches.to[k]!);
      if (!touched) continue;
      let first = true;
      const tmp = this.groupTmp;
      for (let k = bs; k < be; k++) {
        const row = this.rowOf(g.branches.to[k]!);
        if (row === null) continue; // a down branch is ALL: neutral for intersection
        if (first) {
          tmp.set(row.a.subarray(row.off, row.off + w));
          first = false;
        } else {
          for (let i = 0; i < w; i++) tmp[i]! &= row.a[row.off + i]!;
        }
      }
      if (!first) orInto(out, 0, tmp, 0, w);
    }
    if (equalRows(out, 0, cur.a, cur.off, w)) return false;
    let slot: number;
    if (this.modStamp[c] === this.stamp) slot = this.modSlot[c]!;
    else {
      slot = this.slots++;
      if ((slot + 1) * w > this.arena.length) {
        const bigger = new Uint32Array(Math.max(this.arena.length * 2, (slot + 1) * w));
        bigger.set(this.arena);
        this.arena = bigger;
      }
      this.modStamp[c] = this.stamp;
      this.modSlot[c] = slot;
    }
    this.arena.set(out, slot * w);
    return true;
  }
}
