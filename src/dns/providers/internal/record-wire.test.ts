import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { createPlanContent } from '../../plan.js';
import { canonicalRecordSet } from '../../record-set.js';
import { fromWireRecords, toWireRecords, txtChunks } from './record-wire.js';
import type { WireRecord } from './record-wire.js';

const seed = process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : 20251020;
console.log(`record-wire: FC_SEED=${seed}`);

function roundTrip(sets: ReturnType<typeof createPlanContent>['recordSets']): string[] {
  const answers = sets.flatMap(toWireRecords);
  const decoded = dnsPacket.decode(dnsPacket.encode({ type: 'response', answers }));
  return fromWireRecords((decoded.answers ?? []) as unknown as WireRecord[], new Set()).map(
    canonicalRecordSet,
  );
}

describe('toWireRecords / fromWireRecords', () => {
  it('round-trips every record type through the wire', () => {
    const content = createPlanContent([
      { name: 'a.test', type: 'A', records: ['192.0.2.1', '192.0.2.2'] },
      { name: 'a.test', type: 'AAAA', records: ['2001:db8::1'] },
      { name: 'c.test', type: 'CNAME', records: ['a.test'] },
      { name: 'a.test', type: 'MX', records: [{ preference: 0, exchange: '.' }] },
      {
        name: '_x._tcp.test',
        type: 'SRV',
        records: [{ priority: 1, weight: 2, port: 3, target: 'a.test' }],
      },
      { name: 't.test', type: 'TXT', ttl: 5, records: ['', 'é'.repeat(200)] },
    ]);
    assert.deepEqual(roundTrip(content.recordSets), content.recordSets.map(canonicalRecordSet));
  });

  it('drops weights and regions (they never go on the wire)', () => {
    const content = createPlanContent([
      { name: 'a.test', type: 'A', records: [{ address: '192.0.2.1', weight: 5, region: 'r1' }] },
    ]);
    const [back] = roundTrip(content.recordSets);
    assert.match(back!, /"weight":1}/);
  });

  it('splits TXT into 255-byte strings and joins them back, for any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 700, unit: 'grapheme' }), (text) => {
        for (const c of txtChunks(text)) assert.ok(c.length <= 255);
        const content = createPlanContent([{ name: 't.test', type: 'TXT', records: [text] }]);
        assert.deepEqual(roundTrip(content.recordSets), content.recordSets.map(canonicalRecordSet));
      }),
      { seed, numRuns: 200 },
    );
  });

  it('skips names, other classes and types plans do not hold', () => {
    const recs: WireRecord[] = [
      { name: 'a.test', type: 'A', class: 'IN', ttl: 1, data: '192.0.2.1' },
      { name: 'skip.test', type: 'A', class: 'IN', ttl: 1, data: '192.0.2.2' },
      { name: 'a.test', type: 'NS', class: 'IN', ttl: 1, data: 'ns.test' },
      { name: 'a.test', type: 'A', class: 'CH', ttl: 1, data: '192.0.2.3' },
    ];
    const sets = fromWireRecords(recs, new Set(['skip.test']));
    assert.equal(sets.length, 1);
    assert.equal(sets[0]!.records.length, 1);
  });
});
