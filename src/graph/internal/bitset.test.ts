import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hasBit, setBit, transposeBits, wordsFor } from './bitset.js';

describe('transposeBits', () => {
  it('matches a bit-by-bit transpose, with and without a mask', () => {
    const seed = Number(process.env.FC_SEED ?? 20251020);
    console.log(`transposeBits: FC_SEED=${seed}`);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 80 }),
        fc.infiniteStream(fc.boolean()),
        (rows, cols, bits) => {
          const w = wordsFor(cols);
          const m = new Uint32Array(rows * w);
          const mask = new Uint32Array(rows * w);
          const it = bits[Symbol.iterator]();
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < cols; c++) {
              if (it.next().value === true) setBit(m, r * w, c);
              if (it.next().value === true) setBit(mask, r * w, c);
            }
          }
          const t = transposeBits(m, rows, cols);
          const tm = transposeBits(m, rows, cols, mask);
          const wt = wordsFor(rows);
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < cols; c++) {
              assert.equal(hasBit(t, c * wt, r), hasBit(m, r * w, c));
              assert.equal(hasBit(tm, c * wt, r), hasBit(m, r * w, c) && !hasBit(mask, r * w, c));
            }
          }
        },
      ),
      { seed, numRuns: 200 },
    );
  });
});
