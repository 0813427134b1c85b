import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileCatalogue } from './compiled-graph.js';
import { parseCatalogue } from './parse-catalogue.js';
import { whatIf } from './what-if.js';

const compile = (text: string) => compileCatalogue(parseCatalogue([{ path: 'c.yaml', text }]));

describe('whatIf', () => {
  const g = compile(`
components:
  - { id: app, dependsOn: [{ anyOf: [usw2, use1] }, { id: analytics, mode: soft }] }
  - { id: usw2, region: us-west-2, dependsOn: [iam] }
  - { id: use1, region: us-east-1 }
  - { id: iam, region: us-east-1 }
  - { id: analytics, region: us-east-1 }
`);

  it('fails domains and components and reports every state', () => {
    assert.deepEqual(whatIf(g, ['region:us-east-1']).states, {
      app: 'failed',
      usw2: 'failed',
      use1: 'failed',
      iam: 'failed',
      analytics: 'failed',
    });
    assert.deepEqual(whatIf(g, ['use1', 'analytics']).states, {
      app: 'degraded',
      usw2: 'up',
      use1: 'failed',
      iam: 'up',
      analytics: 'failed',
    });
    assert.deepEqual(whatIf(g, []).failed, []);
  });

  it('rejects an unknown id', () => {
    assert.throws(() => whatIf(g, ['region:us-east-2']), /did you mean 'region:us-east-1'/);
  });
});
