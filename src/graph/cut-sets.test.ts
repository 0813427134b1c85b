import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileCatalogue } from './compiled-graph.js';
import { minimalCutSets } from './cut-sets.js';
import { parseCatalogue } from './parse-catalogue.js';

const compile = (text: string) => compileCatalogue(parseCatalogue([{ path: 'c.yaml', text }]));

describe('minimalCutSets', () => {
  const g = compile(`
components:
  - { id: app, dependsOn: [lb, { anyOf: [a, b] }] }
  - { id: lb }
  - { id: a, region: r1 }
  - { id: b, region: r2 }
`);

  it('lists single points of failure, then minimal pairs, sorted', () => {
    assert.deepEqual(minimalCutSets(g, 'app'), [
      ['lb'],
      ['a', 'b'],
      ['a', 'region:r2'],
      ['b', 'region:r1'],
      ['region:r1', 'region:r2'],
    ]);
    assert.deepEqual(minimalCutSets(g, 'app', { maxOrder: 1 }), [['lb']]);
  });

  it('finds order-3 sets only when asked, and keeps them minimal', () => {
    const three = compile(`
components:
  - { id: app, dependsOn: [{ anyOf: [x, y, z] }] }
  - { id: x }
  - { id: y }
  - { id: z, dependsOn: [{ anyOf: [x, w] }] }
  - { id: w }
`);
    assert.deepEqual(minimalCutSets(three, 'app'), []);
    // {x, y, z} and {w, x, y} are minimal; {w, x, y, z} is not asked for (order 4).
    assert.deepEqual(minimalCutSets(three, 'app', { maxOrder: 3 }), [
      ['w', 'x', 'y'],
      ['x', 'y', 'z'],
    ]);
    assert.deepEqual(minimalCutSets(three, 'app', { maxOrder: 4 }), [
      ['w', 'x', 'y'],
      ['x', 'y', 'z'],
    ]);
  });

  it('rejects a bad order', () => {
    assert.throws(
      () => minimalCutSets(g, 'app', { maxOrder: 0 }),
      /maxOrder must be an integer ≥ 1, got 0/,
    );
    assert.throws(() => minimalCutSets(g, 'app', { maxOrder: 1.5 }), RangeError);
  });
});
