import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileCatalogue } from './compiled-graph.js';
import { parseCatalogue } from './parse-catalogue.js';
import { singlePointsOfFailure } from './single-points-of-failure.js';

const compile = (text: string) => compileCatalogue(parseCatalogue([{ path: 'c.yaml', text }]));

describe('singlePointsOfFailure', () => {
  it('follows hard dependencies and domains, not soft ones, and needs a whole anyOf', () => {
    const g = compile(`
components:
  - id: app
    provider: aws
    dependsOn: [api, { id: metrics, mode: soft }, { anyOf: [db1, db2] }]
  - { id: api, region: us-east-1, dependsOn: [auth] }
  - { id: auth }
  - { id: metrics }
  - { id: db1, region: us-east-1 }
  - { id: db2, region: us-west-2 }
`);
    assert.deepEqual(singlePointsOfFailure(g, 'app'), [
      'api',
      'auth',
      'provider:aws',
      'region:us-east-1',
    ]);
  });

  it('finds a failure four levels down that defeats redundancy', () => {
    const g = compile(`
components:
  - { id: app, dependsOn: [{ anyOf: [east, west] }] }
  - { id: east, dependsOn: [east-auth] }
  - { id: west, dependsOn: [west-auth] }
  - { id: east-auth, dependsOn: [iam] }
  - { id: west-auth, dependsOn: [iam] }
  - { id: iam, dependsOn: [iam-store] }
  - { id: iam-store }
`);
    assert.deepEqual(singlePointsOfFailure(g, 'app'), ['iam', 'iam-store']);
  });

  it('treats a hard cycle as one unit and a target domain as a domain', () => {
    const g = compile(`
components:
  - { id: a, dependsOn: [b] }
  - { id: b, dependsOn: [c] }
  - { id: c, dependsOn: [b] }
`);
    assert.deepEqual(singlePointsOfFailure(g, 'a'), ['b', 'c']);
    assert.throws(
      () => singlePointsOfFailure(compile('components: [{ id: a, region: r }]'), 'region:r'),
      TypeError,
    );
  });
});
