/**
 * @module
 * Compressed sparse rows: the adjacency of `n` nodes as one offsets array and one targets array
 * (`to[start[v] .. start[v+1])` are the neighbours of `v`). Flat typed arrays keep the 10,000-node
 * analyses cache-friendly and free of per-node objects.
 */

/** An adjacency in compressed sparse row form. */
export interface Csr {
  readonly start: Int32Array;
  readonly to: Int32Array;
}

/** Builds a CSR from `lists[v]` (neighbours of `v`, kept in order). */
export function csrFromLists(lists: readonly (readonly number[])[]): Csr {
  const start = new Int32Array(lists.length + 1);
  for (let v = 0; v < lists.length; v++) start[v + 1] = start[v]! + lists[v]!.length;
  const to = new Int32Array(start[lists.length]!);
  for (let v = 0; v < lists.length; v++) to.set(lists[v]!, start[v]);
  return { start, to };
}

/** The reverse of `csr` over `n` targets (edge u→v becomes v→u), sources in increasing order. */
export function reverseCsr(csr: Csr, n: number): Csr {
  const start = new Int32Array(n + 1);
  const sources = csr.start.length - 1;
  for (let e = 0; e < csr.to.length; e++) start[csr.to[e]! + 1]!++;
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, n);
  const to = new Int32Array(csr.to.length);
  for (let u = 0; u < sources; u++) {
    for (let e = csr.start[u]!; e < csr.start[u + 1]!; e++) to[fill[csr.to[e]!]!++] = u;
  }
  return { start, to };
}
