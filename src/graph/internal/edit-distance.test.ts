import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { editDistance, nearest } from './edit-distance.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit', () => {
    assert.equal(editDistance('', ''), 0);
    assert.equal(editDistance('abc', ''), 3);
    assert.equal(editDistance('dependsOn', 'dependOn'), 1);
    assert.equal(editDistance('region', 'regoin'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('ca', 'abc'), 3);
  });
});

describe('nearest', () => {
  const keys = ['id', 'availability', 'dependsOn', 'outageCostPerHour'];
  it('finds a plausible typo, case differences included', () => {
    assert.equal(nearest('avialability', keys), 'availability');
    assert.equal(nearest('OutageCostPerHour', keys), 'outageCostPerHour');
    assert.equal(nearest('ID', keys), 'id');
  });
  it('returns nothing for a word that is not close to any candidate', () => {
    assert.equal(nearest('colour', keys), undefined);
    assert.equal(nearest('b', ['a']), undefined);
    assert.equal(nearest('x', []), undefined);
  });
});
