import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileCatalogue } from './compiled-graph.js';
import { parseCatalogue } from './parse-catalogue.js';
import { findSharedFate } from './shared-fate.js';

const compile = (text: string) => compileCatalogue(parseCatalogue([{ path: 'c.yaml', text }]));

describe('findSharedFate', () => {
  it('reports branches that share a domain or a common dependency, however deep', () => {
    const g = compile(`
domains: [{ id: "control-plane:iam" }]
components:
  - { id: app, dependsOn: [{ anyOf: [usw2, use1] }, { anyOf: [p1, p2] }, { anyOf: [solo] }] }
  - { id: usw2, region: us-west-2, provider: aws, dependsOn: [auth-w] }
  - { id: use1, region: us-east-1, provider: aws, dependsOn: [auth-e] }
  - { id: auth-w, dependsOn: [iam] }
  - { id: auth-e, dependsOn: [iam] }
  - { id: iam, domains: ["control-plane:iam"] }
  - { id: p1, provider: aws }
  - { id: p2, provider: gcp }
  - { id: solo }
`);
    assert.deepEqual(findSharedFate(g), [
      {
        component: 'app',
        anyOf: ['usw2', 'use1'],
        sharedBy: ['control-plane:iam', 'iam', 'provider:aws'],
      },
    ]);
  });
});
