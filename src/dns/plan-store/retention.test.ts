import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkRetain, deletableGenerations, nextGeneration } from './retention.js';

describe('deletableGenerations', () => {
  it('deletes below min(active) - retain only', () => {
    assert.deepEqual(deletableGenerations([1, 2, 3, 4, 5, 6], [6, 5], 2), {
      deletable: [1, 2],
      floor: 3,
    });
  });

  it('deletes nothing when no target has an active generation', () => {
    assert.deepEqual(deletableGenerations([1, 2, 3], [undefined, undefined], 2), {
      deletable: [],
      floor: undefined,
    });
  });

  it('never deletes the newest plan, even if every active generation is far above it', () => {
    assert.deepEqual(deletableGenerations([3, 1, 2], [40], 2).deletable, [1, 2]);
  });

  it('ignores targets never activated', () => {
    assert.deepEqual(
      deletableGenerations([1, 2, 3, 4, 5, 6, 7], [undefined, 7], 3).deletable,
      [1, 2, 3],
    );
  });
});

describe('checkRetain', () => {
  it('accepts integers >= 2 and names the option otherwise', () => {
    assert.equal(checkRetain('j', 2), 2);
    assert.throws(() => checkRetain('j', 1), /j: retain must be an integer >= 2, got 1/);
    assert.throws(() => checkRetain('j', 2.5), RangeError);
    assert.throws(() => checkRetain('j', '3'), TypeError);
  });
});

describe('nextGeneration', () => {
  it('is above the counter, the newest plan and every active generation', () => {
    assert.equal(nextGeneration(1, undefined, undefined), 1);
    assert.equal(nextGeneration(8, 5, 5), 8);
    assert.equal(nextGeneration(3, 9, 4), 10);
    assert.equal(nextGeneration(3, 2, 40), 41);
  });
});
