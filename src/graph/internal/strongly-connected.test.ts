import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csrFromLists } from './csr.js';
import { stronglyConnected } from './strongly-connected.js';

describe('stronglyConnected', () => {
  it('emits components dependencies first and marks cycles', () => {
    // 0 → 1 → 2 → 1, 3 → 3, 4 alone
    const s = stronglyConnected(5, csrFromLists([[1], [2], [1], [3], []]));
    assert.equal(s.count, 4);
    assert.equal(s.of[1], s.of[2]);
    assert.ok(s.of[1]! < s.of[0]!);
    assert.equal(s.cyclic[s.of[1]!], 1);
    assert.equal(s.cyclic[s.of[3]!], 1);
    assert.equal(s.cyclic[s.of[0]!], 0);
    assert.equal(s.cyclic[s.of[4]!], 0);
  });

  it('survives a 100,000-deep chain without recursion', () => {
    const n = 100_000;
    const lists = Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : []));
    const s = stronglyConnected(n, csrFromLists(lists));
    assert.equal(s.count, n);
    assert.equal(s.of[n - 1], 0);
  });
});
