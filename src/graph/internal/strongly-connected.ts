/**
 * @module
 * Strongly connected components by Tarjan's algorithm (R. Tarjan, "Depth-first search and
 * linear graph algorithms", SIAM J. Comput. 1(2), 1972), written iteratively so a 10,000-deep
 * dependency chain cannot overflow the call stack. Linear in nodes plus edges.
 *
 * Tarjan emits a component only after every component reachable from it, so with edges pointing
 * from a dependent to its dependencies the emission order is *dependencies first*: exactly the
 * order in which bottom-up analyses must visit them.
 */
import type { Csr } from './csr.js';

/** The strongly connected components of a graph. */
export interface Sccs {
  /** Number of components. */
  readonly count: number;
  /** Node → component index; indices follow emission order (dependencies first). */
  readonly of: Int32Array;
  /** Members of each component, in CSR form (`start` has `count + 1` entries). */
  readonly members: Csr;
  /** Per component: 1 when it holds a cycle (several nodes, or one node with a self-edge). */
  readonly cyclic: Uint8Array;
}

/**
 * Tarjan over nodes `0 … n-1` and `edges`. When `only` is given, nodes where it is 0 are left
 * out (their component index is -1), which restricts the search to a subgraph.
 */
export function stronglyConnected(n: number, edges: Csr, only?: Uint8Array): Sccs {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const of = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  let sp = 0;
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  let cp = 0;
  let next = 0;
  let count = 0;
  const order: number[] = [];
  const sizes: number[] = [];
  const { start, to } = edges;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1 || (only !== undefined && only[root] === 0)) continue;
    callNode[0] = root;
    callEdge[0] = start[root]!;
    cp = 1;
    index[root] = low[root] = next++;
    stack[sp++] = root;
    onStack[root] = 1;
    while (cp > 0) {
      const v = callNode[cp - 1]!;
      const e = callEdge[cp - 1]!;
      if (e < start[v + 1]!) {
        callEdge[cp - 1] = e + 1;
        const w = to[e]!;
        if (only !== undefined && only[w] === 0) continue;
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack[sp++] = w;
          onStack[w] = 1;
          callNode[cp] = w;
          callEdge[cp] = start[w]!;
          cp++;
        } else if (onStack[w] === 1 && index[w]! < low[v]!) {
          low[v] = index[w]!;
        }
        continue;
      }
      cp--;
      if (cp > 0) {
        const parent = callNode[cp - 1]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
      if (low[v] === index[v]) {
        let size = 0;
        let w: number;
        do {
          w = stack[--sp]!;
          onStack[w] = 0;
          of[w] = count;
          order.push(w);
          size++;
        } while (w !== v);
        sizes.push(size);
        count++;
      }
    }
  }
  const mStart = new Int32Array(count + 1);
  for (let c = 0; c < count; c++) mStart[c + 1] = mStart[c]! + sizes[c]!;
  const cyclic = new Uint8Array(count);
  for (let c = 0; c < count; c++) {
    if (sizes[c]! > 1) cyclic[c] = 1;
    else {
      const v = order[mStart[c]!]!;
      for (let e = start[v]!; e < start[v + 1]!; e++) if (to[e] === v) cyclic[c] = 1;
    }
  }
  return { count, of, members: { start: mStart, to: Int32Array.from(order) }, cyclic };
}
