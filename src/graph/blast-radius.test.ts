import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { blastRadius } from './blast-radius.js';
import { compileCatalogue } from './compiled-graph.js';
import { parseCatalogue } from './parse-catalogue.js';

const compile = (text: string) => compileCatalogue(parseCatalogue([{ path: 'c.yaml', text }]));

describe('BlastRadius', () => {
  const g = compile(`
components:
  - { id: app, dependsOn: [api, { id: recs, mode: soft }] }
  - { id: api, dependsOn: [{ anyOf: [db1, db2] }] }
  - { id: recs, dependsOn: [db1] }
  - { id: db1, region: r1 }
  - { id: db2, region: r2 }
  - { id: batch, dependsOn: [db1] }
`);
  const br = blastRadius(g);

  it('separates what fails from what is degraded', () => {
    assert.deepEqual(br.of('db1'), { failed: ['batch', 'recs'], degraded: ['api', 'app'] });
    assert.deepEqual(br.of('region:r1'), {
      failed: ['batch', 'db1', 'recs'],
      degraded: ['api', 'app'],
    });
    assert.deepEqual(br.of('api'), { failed: ['app'], degraded: [] });
    assert.deepEqual(br.of('app'), { failed: [], degraded: [] });
  });

  it('covers every component and domain, with counts', () => {
    assert.deepEqual(Object.keys(br.toJSON()), [...g.ids]);
    const counts = br.counts();
    assert.equal(counts.failed[g.indexOf.get('db1')!], 2);
    assert.equal(counts.degraded[g.indexOf.get('db1')!], 2);
  });

  it('throws for an unknown id', () => {
    assert.throws(() => br.of('db3'), /unknown component or domain 'db3'; did you mean 'db1'\?/);
  });
});
