import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileCatalogue, eventIndex } from './compiled-graph.js';
import { isGraphInputError } from './errors.js';
import { parseCatalogue } from './parse-catalogue.js';
import type { Catalogue } from './catalogue.js';

const compile = (text: string) => compileCatalogue(parseCatalogue([{ path: 'c.yaml', text }]));

describe('compileCatalogue', () => {
  it('numbers components first, then domains, with edges in both directions', () => {
    const g = compile(`
components:
  - id: a
    region: r1
    dependsOn: [b, { id: c, mode: soft }, { anyOf: [b, c] }]
  - id: b
  - id: c
`);
    assert.deepEqual(g.ids, ['a', 'b', 'c', 'region:r1']);
    assert.equal(g.componentCount, 3);
    assert.equal(g.eventCount, 4);
    assert.deepEqual([...g.hard.to], [1]);
    assert.deepEqual([...g.soft.to], [2]);
    assert.deepEqual([...g.branches.to], [1, 2]);
    assert.deepEqual([...g.fail.to], [1, 2]);
    assert.deepEqual(
      [...g.hardParents.to.subarray(g.hardParents.start[1], g.hardParents.start[2])],
      [0],
    );
    assert.deepEqual([...g.members.to], [0]);
    assert.ok(Number.isNaN(g.outageCostPerHour[0]!));
  });

  it('rejects dangling references in a catalogue built in code', () => {
    const bad: Catalogue = {
      domains: [],
      components: [
        { id: 'a', availability: 1, dependsOn: [{ kind: 'hard', id: 'zz' }], domains: [] },
      ],
      sources: [],
      aliases: new Map(),
    };
    assert.throws(() => compileCatalogue(bad), /unknown component 'zz'/);
  });
});

describe('eventIndex', () => {
  it('finds ids and Backstage aliases, and names the nearest id when it cannot', () => {
    const g = compileCatalogue(
      parseCatalogue([
        {
          path: 'c.yaml',
          text: 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: checkout }\n',
        },
      ]),
    );
    assert.equal(eventIndex(g, 'checkout'), 0);
    assert.equal(eventIndex(g, 'component:default/checkout'), 0);
    assert.throws(
      () => eventIndex(g, 'chekout'),
      (e: unknown) => isGraphInputError(e) && /did you mean 'checkout'/.test(e.message),
    );
  });
});
