/**
 * @module
 * A small layered ("Sugiyama-style") layout for the HTML report, so the page needs no layout
 * library at view time (K. Sugiyama, S. Tagawa, M. Toda, "Methods for Visual Understanding of
 * Hierarchical System Structures", IEEE SMC 11(2), 1981):
 * 1. break cycles by reversing DFS back edges;
 * 2. layer by longest path from the sources (dependents above their dependencies);
 * 3. order each layer by the barycentre of its neighbours, sweeping down and up a few times;
 * 4. place nodes left to right with a minimum gap, pulled towards their neighbours' mean x.
 * No dummy nodes for long edges: the graphs drawn here are small, and curves cope.
 */

/** A box to place. */
export interface LayoutBox {
  readonly width: number;
  readonly height: number;
  /** Force into the last layer (failure domains sit at the bottom). */
  readonly bottom?: boolean;
}

/** The placement: centre coordinates and the canvas size. */
export interface Layout {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly layer: Int32Array;
  readonly width: number;
  readonly height: number;
}

/** Options of {@link layeredLayout}. */
export interface LayeredLayoutOptions {
  readonly layerGap?: number;
  readonly nodeGap?: number;
  readonly margin?: number;
  readonly sweeps?: number;
}

/** Lays out `boxes` with directed `edges` (from → to draws `from` above `to`). */
export function layeredLayout(
  boxes: readonly LayoutBox[],
  edges: readonly { readonly from: number; readonly to: number }[],
  options: LayeredLayoutOptions = {},
): Layout {
  const layerGap = options.layerGap ?? 90;
  const nodeGap = options.nodeGap ?? 28;
  const margin = options.margin ?? 30;
  const sweeps = options.sweeps ?? 8;
  const n = boxes.length;
  const out: number[][] = Array.from({ length: n }, () => []);
  for (const e of edges) if (e.from !== e.to) out[e.from]!.push(e.to);

  // 1. Acyclic orientation: DFS, dropping edges to nodes on the stack.
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const dag: number[][] = Array.from({ length: n }, () => []);
  for (let root = 0; root < n; root++) {
    if (state[root] !== 0) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [v, i] = top;
      if (i < out[v]!.length) {
        top[1]++;
        const w = out[v]![i]!;
        if (state[w] === 0) {
          state[w] = 1;
          dag[v]!.push(w);
          stack.push([w, 0]);
        } else if (state[w] === 2) dag[v]!.push(w);
      } else {
        state[v] = 2;
        stack.pop();
      }
    }
  }
  // 2. Longest-path layering (Kahn order).
  const indeg = new Int32Array(n);
  for (const l of dag) for (const w of l) indeg[w]!++;
  const layer = new Int32Array(n);
  const queue: number[] = [];
  for (let v = 0; v < n; v++) if (indeg[v] === 0) queue.push(v);
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (const w of dag[v]!) {
      layer[w] = Math.max(layer[w]!, layer[v]! + 1);
      if (--indeg[w]! === 0) queue.push(w);
    }
  }
  let maxLayer = 0;
  for (let v = 0; v < n; v++) if (!boxes[v]!.bottom) maxLayer = Math.max(maxLayer, layer[v]!);
  for (let v = 0; v < n; v++) if (boxes[v]!.bottom) layer[v] = maxLayer + 1;
  const layerCount = n === 0 ? 0 : Math.max(...Array.from(layer)) + 1;
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  for (let v = 0; v < n; v++) layers[layer[v]!]!.push(v);

  // 3. Barycentre ordering.
  const up: number[][] = Array.from({ length: n }, () => []);
  const down: number[][] = Array.from({ length: n }, () => []);
  for (const e of edges) {
    if (e.from === e.to) continue;
    down[e.from]!.push(e.to);
    up[e.to]!.push(e.from);
  }
  const pos = new Float64Array(n);
  const renumber = (l: number[]): void =>
    l.forEach((v, i) => (pos[v] = i / Math.max(1, l.length - 1)));
  layers.forEach(renumber);
  const sortBy = (l: number[], nbrs: number[][]): void => {
    const key = new Map<number, number>();
    for (const v of l) {
      const ns = nbrs[v]!;
      key.set(v, ns.length === 0 ? pos[v]! : ns.reduce((s, w) => s + pos[w]!, 0) / ns.length);
    }
    l.sort((a, b) => key.get(a)! - key.get(b)! || a - b);
    renumber(l);
  };
  for (let s = 0; s < sweeps; s++) {
    if (s % 2 === 0) for (let i = 1; i < layerCount; i++) sortBy(layers[i]!, up);
    else for (let i = layerCount - 2; i >= 0; i--) sortBy(layers[i]!, down);
  }

  // 4. Coordinates.
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const rowHeight = layers.map((l) => Math.max(0, ...l.map((v) => boxes[v]!.height)));
  let cy = margin;
  layers.forEach((l, i) => {
    for (const v of l) y[v] = cy + rowHeight[i]! / 2;
    cy += rowHeight[i]! + layerGap;
  });
  const pack = (l: number[]): void => {
    // Keep order, enforce gaps, then shift the row so its centre matches the desired centre.
    let desiredSum = 0;
    for (const v of l) desiredSum += x[v]!;
    for (let i = 1; i < l.length; i++) {
      const a = l[i - 1]!;
      const b = l[i]!;
      const min = x[a]! + (boxes[a]!.width + boxes[b]!.width) / 2 + nodeGap;
      if (x[b]! < min) x[b] = min;
    }
    let actualSum = 0;
    for (const v of l) actualSum += x[v]!;
    const shift = (desiredSum - actualSum) / Math.max(1, l.length);
    for (const v of l) x[v]! += shift;
  };
  for (const l of layers) {
    let cx = 0;
    for (const v of l) {
      x[v] = cx + boxes[v]!.width / 2;
      cx += boxes[v]!.width + nodeGap;
    }
  }
  for (let s = 0; s < 6; s++) {
    for (let i = 0; i < layerCount; i++) {
      const l = layers[i]!;
      for (const v of l) {
        const ns = [...up[v]!, ...down[v]!];
        if (ns.length > 0) x[v] = ns.reduce((sum, w) => sum + x[w]!, 0) / ns.length;
      }
      pack(l);
    }
  }
  let minX = Infinity;
  let maxX = -Infinity;
  for (let v = 0; v < n; v++) {
    minX = Math.min(minX, x[v]! - boxes[v]!.width / 2);
    maxX = Math.max(maxX, x[v]! + boxes[v]!.width / 2);
  }
  if (n === 0) minX = maxX = 0;
  for (let v = 0; v < n; v++) x[v]! += margin - minX;
  return { x, y, layer, width: maxX - minX + 2 * margin, height: cy - layerGap + margin };
}
