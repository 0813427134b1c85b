import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPlanContent } from '../plan.js';
import { snapshotFromRecords } from './snapshot-from-records.js';

const content = createPlanContent([
  {
    name: 'www.example.test',
    type: 'A',
    records: [
      { address: '192.0.2.1', region: 'eu' },
      { address: '192.0.2.2', region: 'us' },
    ],
  },
  { name: 'api.example.test', type: 'A', records: ['192.0.2.9'] },
  { name: 'www.other.test', type: 'A', records: ['198.51.100.1'] },
]);

describe('snapshotFromRecords', () => {
  it('takes the record sets of the zone only, and the generation as serial', () => {
    const z = snapshotFromRecords('example.test.', 2 ** 32 + 9, content.recordSets);
    assert.equal(z.zone, 'example.test');
    assert.equal(z.serial, 9);
    assert.deepEqual([...z.nodes.keys()].sort(), [
      'api.example.test',
      'example.test',
      'www.example.test',
    ]);
    assert.equal(z.hasVariants, false);
  });

  it('splits address records by region for latency-routed names', () => {
    const z = snapshotFromRecords('example.test', 3, content.recordSets, {
      latencyRouted: new Set(['www.example.test']),
      nameServers: ['ns.example.test'],
      soa: { minimumSeconds: 5 },
    });
    const set = z.nodes.get('www.example.test')!.sets.get('A')!;
    assert.ok('variants' in set && set.variants !== undefined);
    assert.deepEqual(
      [...set.variants].map(([r, recs]) => [
        r,
        recs.map((x) => (x as { address: string }).address),
      ]),
      [
        ['eu', ['192.0.2.1']],
        ['us', ['192.0.2.2']],
      ],
    );
    assert.equal(set.records.length, 2, 'the default answer keeps every record');
    assert.equal(z.soa.records[0].minimum, 5);
    const byPredicate = snapshotFromRecords('example.test', 3, content.recordSets, {
      latencyRouted: (name) => name.startsWith('www.'),
    });
    assert.equal(byPredicate.hasVariants, true);
  });

  it('marks the address sets of weight-routed names weighted, with the plan weights', () => {
    const plan = createPlanContent([
      {
        name: 'api.example.test',
        type: 'A',
        records: [
          { address: '192.0.2.1', weight: 3 },
          { address: '192.0.2.2', weight: 1 },
        ],
      },
      { name: 'one.example.test', type: 'A', records: [{ address: '192.0.2.5', weight: 2 }] },
    ]);
    const z = snapshotFromRecords('example.test', 1, plan.recordSets, {
      weightRouted: new Set(['api.example.test', 'one.example.test']),
    });
    const set = z.nodes.get('api.example.test')!.sets.get('A')!;
    assert.ok('weighted' in set && set.weighted !== undefined);
    assert.deepEqual(set.weighted.cumulative, [3, 4]);
    assert.equal(set.records.length, 2, 'every candidate stays in the snapshot');
    const one = z.nodes.get('one.example.test')!.sets.get('A')!;
    assert.ok(!('weighted' in one), 'a single record needs no draw');
    const plain = snapshotFromRecords('example.test', 1, plan.recordSets);
    assert.ok(!('weighted' in plain.nodes.get('api.example.test')!.sets.get('A')!));
  });
});
