import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coldStart } from './cold-start.js';
import { compileCatalogue } from './compiled-graph.js';
import { parseCatalogue } from './parse-catalogue.js';

const compile = (text: string) => compileCatalogue(parseCatalogue([{ path: 'c.yaml', text }]));

describe('coldStart', () => {
  it('brings components up in waves and finds what waits on a cycle', () => {
    const g = compile(`
components:
  - { id: app, dependsOn: [lambda, { id: metrics, mode: soft }] }
  - { id: lambda, dependsOn: [dynamodb] }
  - { id: dynamodb, dependsOn: [dns] }
  - { id: dns, dependsOn: [automation] }
  - { id: automation, dependsOn: [dynamodb] }
  - { id: metrics, dependsOn: [app] }
  - { id: web, dependsOn: [{ anyOf: [cache, app] }] }
  - { id: cache }
`);
    const r = coldStart(g);
    assert.deepEqual(r.waves, [['cache'], ['web']]);
    assert.deepEqual(r.deadlocked, ['app', 'automation', 'dns', 'dynamodb', 'lambda', 'metrics']);
  });
});
