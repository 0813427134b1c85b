/**
 * @module
 * Fixed-width bit sets stored as rows of a `Uint32Array` matrix: row `r` of width `w` words is
 * `rows[r*w .. r*w+w)`. Set algebra on 32 members per machine word is what makes "which single
 * failures take down each of 10,000 components" a few million word operations instead of
 * 10,000 graph traversals.
 */

/** Words needed for `bits` bits. */
export function wordsFor(bits: number): number {
  return (bits + 31) >>> 5;
}

/** Number of set bits in a 32-bit word (Hacker's Delight, fig. 5-2). */
export function popcount32(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Sets bit `i` of the row starting at `off`. */
export function setBit(a: Uint32Array, off: number, i: number): void {
  a[off + (i >>> 5)]! |= 1 << (i & 31);
}

/** Tests bit `i` of the row starting at `off`. */
export function hasBit(a: Uint32Array, off: number, i: number): boolean {
  return (a[off + (i >>> 5)]! & (1 << (i & 31))) !== 0;
}

/** `dst[dOff..+w) |= src[sOff..+w)`. */
export function orInto(
  dst: Uint32Array,
  dOff: number,
  src: Uint32Array,
  sOff: number,
  w: number,
): void {
  for (let k = 0; k < w; k++) dst[dOff + k]! |= src[sOff + k]!;
}

/** `dst[dOff..+w) &= src[sOff..+w)`. */
export function andInto(
  dst: Uint32Array,
  dOff: number,
  src: Uint32Array,
  sOff: number,
  w: number,
): void {
  for (let k = 0; k < w; k++) dst[dOff + k]! &= src[sOff + k]!;
}

/** True when the two rows hold the same bits. */
export function equalRows(
  a: Uint32Array,
  aOff: number,
  b: Uint32Array,
  bOff: number,
  w: number,
): boolean {
  for (let k = 0; k < w; k++) if (a[aOff + k] !== b[bOff + k]) return false;
  return true;
}

/** True when the row has no bit set. */
export function isEmptyRow(a: Uint32Array, off: number, w: number): boolean {
  for (let k = 0; k < w; k++) if (a[off + k] !== 0) return false;
  return true;
}

/** Number of bits set in the row. */
export function countRow(a: Uint32Array, off: number, w: number): number {
  let n = 0;
  for (let k = 0; k < w; k++) {
    const x = a[off + k]!;
    if (x !== 0) n += popcount32(x);
  }
  return n;
}

/** Calls `fn(i)` for every set bit `i` of the row, in increasing order. */
export function forEachBit(a: Uint32Array, off: number, w: number, fn: (i: number) => void): void {
  for (let k = 0; k < w; k++) {
    let x = a[off + k]!;
    while (x !== 0) {
      const low = x & -x;
      fn((k << 5) + 31 - Math.clz32(low));
      x ^= low;
    }
  }
}

/**
 * Transposes a 32×32 bit block in place: afterwards bit r of word c is what bit c of word r
 * was. The recursive block-swap of Hacker's Delight (H. Warren, 2nd ed., §7-3), written for
 * least-significant-bit-first columns: five rounds of masked swaps instead of 1,024 bit moves.
 */
export function transpose32(a: Uint32Array): void {
  let m = 0x0000ffff;
  for (let j = 16; j !== 0; j >>>= 1, m = (m ^ (m << j)) >>> 0) {
    for (let k = 0; k < 32; k = (k + j + 1) & ~j) {
      const t = ((a[k]! >>> j) ^ a[k + j]!) & m;
      a[k + j]! ^= t;
      a[k]! ^= t << j;
    }
  }
}

/**
 * The transpose of a `rows × cols` bit matrix stored as rows of ⌈cols/32⌉ words: a
 * `cols × rows` matrix in rows of ⌈rows/32⌉ words. With `mask`, transposes `m & ~mask`
 * (both of the same shape) without materialising it. Works in 32×32 blocks (see
 * {@link transpose32}), so the cost is about (rows·cols/1024)·(32 + 5·32) word operations.
 */
export function transposeBits(
  m: Uint32Array,
  rows: number,
  cols: number,
  mask?: Uint32Array,
): Uint32Array {
  const w = wordsFor(cols);
  const wt = wordsFor(rows);
  const out = new Uint32Array(cols * wt);
  const block = new Uint32Array(32);
  for (let rb = 0; rb < wt; rb++) {
    const r0 = rb << 5;
    const rn = Math.min(32, rows - r0);
    for (let wc = 0; wc < w; wc++) {
      let any = 0;
      for (let i = 0; i < 32; i++) {
        let x = 0;
        if (i < rn) {
          const at = (r0 + i) * w + wc;
          x = mask === undefined ? m[at]! : m[at]! & ~mask[at]!;
        }
        block[i] = x;
        any |= x;
      }
      if (any === 0) continue;
      transpose32(block);
      const c0 = wc << 5;
      const cn = Math.min(32, cols - c0);
      for (let j = 0; j < cn; j++) out[(c0 + j) * wt + rb] = block[j]!;
    }
  }
  return out;
}
