import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileCatalogue } from './compiled-graph.js';
import { hardCycles } from './cycles.js';
import { parseCatalogue } from './parse-catalogue.js';

const compile = (text: string) => compileCatalogue(parseCatalogue([{ path: 'c.yaml', text }]));

describe('hardCycles', () => {
  it('lists each hard cycle in its order from the smallest id; soft and anyOf edges do not count', () => {
    const g = compile(`
components:
  - { id: dynamodb, dependsOn: [dns] }
  - { id: dns, dependsOn: [enactor] }
  - { id: enactor, dependsOn: [dynamodb] }
  - { id: self, dependsOn: [self] }
  - { id: a, dependsOn: [{ id: b, mode: soft }] }
  - { id: b, dependsOn: [{ anyOf: [a] }] }
`);
    assert.deepEqual(hardCycles(g), [['dns', 'enactor', 'dynamodb'], ['self']]);
  });
});
