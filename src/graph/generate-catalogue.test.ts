import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../core/rng.js';
import { compileCatalogue } from './compiled-graph.js';
import { generateCatalogue } from './generate-catalogue.js';

describe('generateCatalogue', () => {
  it('makes the requested numbers of components and dependency edges, with groups and domains', () => {
    const c = generateCatalogue({ components: 500, dependencies: 2500, rng: new Rng(7) });
    assert.equal(c.components.length, 500);
    let edges = 0;
    let groups = 0;
    let soft = 0;
    for (const x of c.components) {
      for (const d of x.dependsOn) {
        if (d.kind === 'anyOf') {
          groups++;
          edges += d.ids.length;
        } else {
          edges++;
          if (d.kind === 'soft') soft++;
        }
      }
    }
    assert.equal(edges, 2500);
    assert.ok(groups > 50 && soft > 200, `${groups} groups, ${soft} soft`);
    assert.ok(c.domains.some((d) => d.id.startsWith('control-plane:')));
    const g = compileCatalogue(c);
    assert.equal(g.componentCount, 500);
  });

  it('is deterministic for a seed', () => {
    const a = generateCatalogue({ components: 100, dependencies: 400, rng: new Rng('s') });
    const b = generateCatalogue({ components: 100, dependencies: 400, rng: new Rng('s') });
    assert.deepEqual(a.components, b.components);
  });

  it('rejects bad options, naming them', () => {
    const rng = new Rng(1);
    assert.throws(
      () => generateCatalogue({ components: 1, dependencies: 0, rng }),
      /components must be an integer in \[2, Infinity\], got 1/,
    );
    assert.throws(
      () => generateCatalogue({ components: 10, dependencies: -1, rng }),
      /dependencies/,
    );
    assert.throws(
      () => generateCatalogue({ components: 10, dependencies: 1, rng, anyOfShare: 2 }),
      /anyOfShare/,
    );
    assert.throws(
      () => generateCatalogue({ components: 10, dependencies: 1, rng, layers: 1 }),
      /layers/,
    );
  });
});
