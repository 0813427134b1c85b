/**
 * @module
 * A reduced ordered binary decision diagram (R. E. Bryant, "Graph-Based Algorithms for Boolean
 * Function Manipulation", IEEE Trans. Computers C-35(8), 1986) with just what availability
 * needs: variables, AND, OR and the probability of a function under independent variables.
 *
 * Why a BDD: "the target is down" is a monotone Boolean function of the events, and shared
 * dependencies make its terms overlap, so summing cut-set probabilities (or inclusion–exclusion)
 * is either wrong or exponential. A BDD's paths are disjoint, so P(f) is one bottom-up pass
 * (Rauzy, "New algorithms for fault trees analysis", Reliability Eng. & System Safety 40, 1993):
 * P(node) = p(v)·P(high) + (1 − p(v))·P(low). Exact up to floating-point rounding.
 *
 * Nodes live in typed arrays; a unique table (open addressing) makes them canonical, and a
 * lossy direct-mapped operation cache (as in CUDD) keeps AND/OR near-linear in practice.
 * Children are always created before their parents, so node index order is a topological order.
 */

/** Thrown when a diagram would exceed its node or work budget. */
export class BddTooLargeError extends Error {
  constructor(what: string) {
    super(`the decision diagram needs more than ${what}`);
    this.name = 'BddTooLargeError';
  }
}

/** Node 0 is the constant false, node 1 the constant true. */
export const FALSE = 0;
/** The constant true. */
export const TRUE = 1;

const TERMINAL_VAR = 0x7fffffff;
const OP_AND = 1;
const OP_OR = 2;

/** A BDD manager; see the module comment. */
export class Bdd {
  private vars: Int32Array;
  private lows: Int32Array;
  private highs: Int32Array;
  private count = 2;
  private table: Int32Array;
  private mask: number;
  private readonly cache: Int32Array;
  private readonly cacheMask: number;
  private readonly maxNodes: number;
  private readonly maxSteps: number;
  private steps = 0;

  /**
   * `maxNodes` bounds memory; the work budget (`stepsPerNode` × `maxNodes` recursive apply
   * steps) bounds time, because a bad case can thrash the operation cache long before it
   * creates many nodes. Both throw {@link BddTooLargeError}.
   */
  constructor(maxNodes = 1_000_000, stepsPerNode = 16) {
    this.maxNodes = maxNodes;
    this.maxSteps = maxNodes * stepsPerNode;
    const cap = 1024;
    this.vars = new Int32Array(cap);
    this.lows = new Int32Array(cap);
    this.highs = new Int32Array(cap);
    this.vars[0] = this.vars[1] = TERMINAL_VAR;
    this.table = new Int32Array(2048).fill(-1);
    this.mask = 2047;
    const cacheSize = 1 << 18;
    this.cache = new Int32Array(cacheSize * 4).fill(-1);
    this.cacheMask = cacheSize - 1;
  }

  /** Number of nodes created so far (terminals included). */
  get size(): number {
    return this.count;
  }

  /** The function "variable `v` is true" (v ≥ 0; smaller v sits nearer the root). */
  variable(v: number): number {
    return this.node(v, FALSE, TRUE);
  }

  /** Conjunction. */
  and(f: number, g: number): number {
    return this.apply(OP_AND, f, g);
  }

  /** Disjunction. */
  or(f: number, g: number): number {
    return this.apply(OP_OR, f, g);
  }

  /**
   * P(f = true) when variable v is true with probability `p[v]`, independently. One pass over
   * the nodes in creation order.
   */
  probability(f: number, p: Float64Array): number {
    if (f <= TRUE) return f;
    const prob = new Float64Array(f + 1);
    prob[TRUE] = 1;
    for (let i = 2; i <= f; i++) {
      const q = p[this.vars[i]!]!;
      prob[i] = q * prob[this.highs[i]!]! + (1 - q) * prob[this.lows[i]!]!;
    }
    return prob[f]!;
  }

  private hash(v: number, lo: number, hi: number): number {
    let h = Math.imul(v, 0x9e3779b1) ^ Math.imul(lo, 0x85ebca6b) ^ Math.imul(hi, 0xc2b2ae35);
    h ^= h >>> 15;
    return h;
  }

  private node(v: number, lo: number, hi: number): number {
    if (lo === hi) return lo;
    let i = this.hash(v, lo, hi) & this.mask;
    for (;;) {
      const k = this.table[i]!;
      if (k === -1) break;
      if (this.vars[k] === v && this.lows[k] === lo && this.highs[k] === hi) return k;
      i = (i + 1) & this.mask;
    }
    if (this.count >= this.maxNodes) throw new BddTooLargeError(`${this.maxNodes} nodes`);
    if (this.count === this.vars.length) this.grow();
    const id = this.count++;
    this.vars[id] = v;
    this.lows[id] = lo;
    this.highs[id] = hi;
    this.table[i] = id;
    if (this.count * 2 > this.table.length) this.rehash();
    return id;
  }

  private grow(): void {
    const cap = this.vars.length * 2;
    const grow = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.vars = grow(this.vars);
    this.lows = grow(this.lows);
    this.highs = grow(this.highs);
  }

  private rehash(): void {
    const size = this.table.length * 2;
    this.table = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    for (let k = 2; k < this.count; k++) {
      let i = this.hash(this.vars[k]!, this.lows[k]!, this.highs[k]!) & this.mask;
      while (this.table[i] !== -1) i = (i + 1) & this.mask;
      this.table[i] = k;
    }
  }

  private apply(op: number, f: number, g: number): number {
    if (op === OP_AND) {
      if (f === FALSE || g === FALSE) return FALSE;
      if (f === TRUE) return g;
      if (g === TRUE) return f;
    } else {
      if (f === TRUE || g === TRUE) return TRUE;
      if (f === FALSE) return g;
      if (g === FALSE) return f;
    }
    if (f === g) return f;
    if (f > g) {
      const t = f;
      f = g;
      g = t;
    }
    const slot = ((Math.imul(f, 0x9e3779b1) ^ Math.imul(g, 0x85ebca6b) ^ op) & this.cacheMask) * 4;
    const c = this.cache;
    if (c[slot] === op && c[slot + 1] === f && c[slot + 2] === g) return c[slot + 3]!;
    if (++this.steps > this.maxSteps) throw new BddTooLargeError(`${this.maxSteps} steps`);
    const vf = this.vars[f]!;
    const vg = this.vars[g]!;
    const v = vf < vg ? vf : vg;
    const f0 = vf === v ? this.lows[f]! : f;
    const f1 = vf === v ? this.highs[f]! : f;
    const g0 = vg === v ? this.lows[g]! : g;
    const g1 = vg === v ? this.highs[g]! : g;
    const lo = this.apply(op, f0, g0);
    const hi = this.apply(op, f1, g1);
    const r = this.node(v, lo, hi);
    c[slot] = op;
    c[slot + 1] = f;
    c[slot + 2] = g;
    c[slot + 3] = r;
    return r;
  }
}
