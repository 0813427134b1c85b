import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileCatalogue } from './compiled-graph.js';
import { transitiveDependencies } from './dependencies.js';
import { parseCatalogue } from './parse-catalogue.js';

const compile = (text: string) => compileCatalogue(parseCatalogue([{ path: 'c.yaml', text }]));

describe('transitiveDependencies', () => {
  it('gives depth, a shortest example path and whether a hard path exists', () => {
    const g = compile(`
components:
  - { id: app, dependsOn: [lambda, { id: logs, mode: soft }] }
  - { id: lambda, dependsOn: [dynamodb] }
  - { id: dynamodb, region: us-east-1, dependsOn: [dns] }
  - { id: dns, dependsOn: [{ anyOf: [automation] }] }
  - { id: automation }
  - { id: logs, dependsOn: [dns] }
`);
    const deps = transitiveDependencies(g, 'app');
    const by = new Map(deps.map((d) => [d.id, d]));
    assert.deepEqual(
      deps.map((d) => `${d.depth} ${d.id}`),
      ['1 lambda', '1 logs', '2 dns', '2 dynamodb', '3 automation', '3 region:us-east-1'],
    );
    assert.deepEqual(by.get('dns')!.path, ['app', 'logs', 'dns']);
    assert.equal(by.get('dns')!.via, 'hard');
    assert.equal(by.get('dns')!.hardPath, true);
    assert.equal(by.get('logs')!.hardPath, false);
    assert.equal(by.get('automation')!.via, 'anyOf');
    assert.equal(by.get('automation')!.hardPath, false);
    assert.equal(by.get('region:us-east-1')!.kind, 'domain');
    assert.equal(by.get('region:us-east-1')!.hardPath, true);
  });
});
