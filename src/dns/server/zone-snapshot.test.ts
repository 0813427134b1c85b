import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isZoneSnapshotError } from './errors.js';
import { buildZoneSnapshot, DEFAULT_SOA, serialOfGeneration } from './zone-snapshot.js';
import type { ZoneSnapshotInput } from './zone-snapshot.js';

function issuesOf(input: ZoneSnapshotInput): string[] {
  try {
    buildZoneSnapshot(input);
  } catch (e) {
    assert.ok(isZoneSnapshotError(e), String(e));
    return e.issues.map((i) => `${i.field}: ${i.message}`);
  }
  assert.fail('expected a ZoneSnapshotError');
}

describe('buildZoneSnapshot', () => {
  it('builds SOA and NS at the apex with defaults, serial = the given serial', () => {
    const z = buildZoneSnapshot({ zone: 'Example.Test.', serial: 7, recordSets: [] });
    assert.equal(z.zone, 'example.test');
    assert.equal(z.serial, 7);
    assert.deepEqual(z.soa.records[0], {
      mname: 'ns1.example.test',
      rname: 'hostmaster.example.test',
      serial: 7,
      refresh: DEFAULT_SOA.refreshSeconds,
      retry: DEFAULT_SOA.retrySeconds,
      expire: DEFAULT_SOA.expireSeconds,
      minimum: DEFAULT_SOA.minimumSeconds,
    });
    assert.deepEqual(z.ns.records, [{ host: 'ns1.example.test' }]);
    assert.deepEqual([...z.nodes.get('example.test')!.sets.keys()].sort(), ['NS', 'SOA']);
    assert.equal(z.recordSetCount, 2);
    assert.ok(Object.isFrozen(z) && Object.isFrozen(z.soa.records[0]));
  });

  it('normalises record sets as plans do and finds empty non-terminals', () => {
    const z = buildZoneSnapshot({
      zone: 'example.test',
      serial: 1,
      soa: { rname: 'ops.example.test', minimumSeconds: 30 },
      nameServers: ['ns-a.example.net', 'ns-b.example.org'],
      recordSets: [
        { name: 'A.B.C.Example.Test', type: 'A', records: ['192.0.2.1'] },
        { name: '*.w.example.test', type: 'TXT', records: ['hi'] },
        { name: 'x.example.test', type: 'AAAA', records: ['2001:DB8:0:0::1'] },
      ],
    });
    assert.deepEqual([...z.emptyNonTerminals].sort(), [
      'b.c.example.test',
      'c.example.test',
      'w.example.test',
    ]);
    assert.equal(z.soa.records[0].mname, 'ns-a.example.net');
    assert.equal(z.soa.records[0].minimum, 30);
    const aaaa = z.nodes.get('x.example.test')!.sets.get('AAAA')!;
    assert.deepEqual(aaaa.records, [{ address: '2001:db8::1', weight: 1 }]);
    assert.equal(z.hasVariants, false);
  });

  it('keeps region variants and marks the snapshot as routed', () => {
    const z = buildZoneSnapshot({
      zone: 'example.test',
      serial: 1,
      recordSets: [
        {
          name: 'geo.example.test',
          type: 'A',
          records: ['192.0.2.1', '192.0.2.2'],
          variants: { 'eu-west-1': ['192.0.2.1'], 'us-east-1': ['192.0.2.2'] },
        },
      ],
    });
    const set = z.nodes.get('geo.example.test')!.sets.get('A')!;
    assert.ok('variants' in set && set.variants !== undefined);
    assert.deepEqual([...set.variants.keys()], ['eu-west-1', 'us-east-1']);
    assert.equal(z.hasVariants, true);
  });

  it('reports every problem with its field', () => {
    const issues = issuesOf({
      zone: 'example.test',
      serial: 2 ** 32,
      recordSets: [
        { name: 'example.test', type: 'CNAME', records: ['www.example.test'] },
        { name: 'www.example.com', type: 'A', records: ['192.0.2.1'] },
        { name: 'x.example.test', type: 'A', records: ['192.0.2.1'] },
        { name: 'x.example.test', type: 'A', records: ['192.0.2.2'] },
        { name: 'y.example.test', type: 'CNAME', records: ['www.example.test'] },
        { name: 'y.example.test', type: 'TXT', records: ['t'] },
        { name: 'z.example.test', type: 'A', records: ['not an address'] },
        {
          name: 'v.example.test',
          type: 'A',
          records: ['192.0.2.1'],
          variants: { 'bad region!': [] },
        },
      ],
    });
    const text = issues.join('\n');
    assert.match(text, /^serial: must be an integer 0–4294967295/m);
    assert.match(text, /recordSets\[0\]: a CNAME cannot be at the zone apex/);
    assert.match(text, /recordSets\[1\]\.name: 'www\.example\.com' is outside the zone/);
    assert.match(text, /recordSets\[3\]: a second A record set/);
    assert.match(text, /recordSets\[4\]: 'y\.example\.test' has a CNAME and also TXT/);
    assert.match(text, /recordSets\[6\]\.records\[0\]\.address/);
    assert.match(text, /recordSets\[7\]\.variants\.bad region!: region id/);
    assert.throws(
      () => buildZoneSnapshot({ zone: 'bad..zone', serial: 1, recordSets: [] }),
      /zone:/,
    );
    assert.throws(() => buildZoneSnapshot(undefined as never), TypeError);
    assert.match(
      issuesOf({ zone: 'e.test', serial: 1, nameServers: [], recordSets: [] }).join(),
      /nameServers/,
    );
  });
});

describe('buildZoneSnapshot weighted sets', () => {
  it('accepts weighted A/AAAA sets and rejects other weighted sets', () => {
    const ok = buildZoneSnapshot({
      zone: 'e.test',
      serial: 1,
      recordSets: [
        { name: 'a.e.test', type: 'AAAA', weighted: true, records: ['2001:db8::1', '2001:db8::2'] },
      ],
    });
    const set = ok.nodes.get('a.e.test')!.sets.get('AAAA')!;
    assert.ok('weighted' in set && set.weighted !== undefined);
    assert.deepEqual(set.weighted.cumulative, [1, 2]);
    const bad = (recordSets: ZoneSnapshotInput['recordSets']): string =>
      (() => {
        try {
          buildZoneSnapshot({ zone: 'e.test', serial: 1, recordSets });
          return '';
        } catch (e) {
          assert.ok(isZoneSnapshotError(e));
          return e.issues.map((i) => `${i.field}: ${i.message}`).join('\n');
        }
      })();
    assert.match(
      bad([{ name: 't.e.test', type: 'TXT', weighted: true, records: ['x'] }]),
      /recordSets\[0\]\.weighted: only an A or AAAA record set/,
    );
    assert.match(
      bad([{ name: 'a.e.test', type: 'A', weighted: 'yes' as never, records: ['192.0.2.1'] }]),
      /recordSets\[0\]\.weighted: must be true or false/,
    );
  });
});

describe('serialOfGeneration', () => {
  it('is the generation modulo 2^32', () => {
    assert.equal(serialOfGeneration(5), 5);
    assert.equal(serialOfGeneration(2 ** 32 + 3), 3);
  });
});
