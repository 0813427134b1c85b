import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { layeredLayout } from './layered-layout.js';

describe('layeredLayout', () => {
  it('puts dependents above dependencies and boxes of a layer apart', () => {
    const boxes = Array.from({ length: 6 }, () => ({ width: 80, height: 40 }));
    boxes.push({ width: 60, height: 30, bottom: true } as never);
    const edges = [
      { from: 0, to: 1 },
      { from: 0, to: 2 },
      { from: 1, to: 3 },
      { from: 2, to: 3 },
      { from: 3, to: 4 },
      { from: 4, to: 1 }, // a cycle back up
      { from: 0, to: 5 },
    ];
    const l = layeredLayout(boxes, edges);
    assert.ok(l.y[0]! < l.y[1]! && l.y[1]! < l.y[3]! && l.y[3]! < l.y[4]!);
    assert.equal(l.layer[6], Math.max(...Array.from(l.layer)));
    for (let a = 0; a < boxes.length; a++) {
      for (let b = a + 1; b < boxes.length; b++) {
        if (l.layer[a] !== l.layer[b]) continue;
        assert.ok(
          Math.abs(l.x[a]! - l.x[b]!) >= (boxes[a]!.width + boxes[b]!.width) / 2,
          `${a} overlaps ${b}`,
        );
      }
      assert.ok(l.x[a]! - boxes[a]!.width / 2 >= 0 && l.x[a]! + boxes[a]!.width / 2 <= l.width);
    }
  });

  it('handles an empty graph', () => {
    const l = layeredLayout([], []);
    assert.equal(l.x.length, 0);
  });
});
