import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diffPlanContent, diffRecordSet, formatPlanDiff, isEmptyDiff } from './plan-diff.js';
import { createPlanContent } from './plan.js';

const before = createPlanContent([
  {
    name: 'api.example.com',
    type: 'A',
    ttl: 60,
    records: ['192.0.2.1', '192.0.2.2', { address: '192.0.2.3', weight: 2 }],
  },
  { name: 'old.example.com', type: 'TXT', records: ['bye'] },
  { name: 'same.example.com', type: 'TXT', records: ['same'] },
]);
const after = createPlanContent([
  {
    name: 'api.example.com',
    type: 'A',
    ttl: 30,
    records: ['192.0.2.1', { address: '192.0.2.3', weight: 5 }, '192.0.2.7'],
  },
  { name: 'new.example.com', type: 'CNAME', records: ['api.example.com'] },
  { name: 'same.example.com', type: 'TXT', records: ['same'] },
]);

describe('diffPlanContent', () => {
  it('lists added, removed and changed record sets, with record-level changes', () => {
    const d = diffPlanContent(before, after);
    assert.deepEqual(
      d.added.map((s) => s.name),
      ['new.example.com'],
    );
    assert.deepEqual(
      d.removed.map((s) => s.name),
      ['old.example.com'],
    );
    assert.equal(d.changed.length, 1);
    const c = d.changed[0]!;
    assert.equal(c.ttlChanged, true);
    assert.deepEqual(c.addedRecords, [{ address: '192.0.2.7', weight: 1 }]);
    assert.deepEqual(c.removedRecords, [{ address: '192.0.2.2', weight: 1 }]);
    assert.deepEqual(c.changedRecords, [
      { before: { address: '192.0.2.3', weight: 2 }, after: { address: '192.0.2.3', weight: 5 } },
    ]);
    assert.equal(isEmptyDiff(d), false);
  });

  it('treats no previous plan as everything added, and equal content as no change', () => {
    assert.equal(diffPlanContent(undefined, after).added.length, 3);
    assert.equal(isEmptyDiff(diffPlanContent(after, after)), true);
    assert.equal(diffRecordSet(after.recordSets[0]!, after.recordSets[0]!), undefined);
  });
});

describe('formatPlanDiff', () => {
  it('prints one line per record, + added, - removed, ~ changed, in name order', () => {
    assert.equal(
      formatPlanDiff(diffPlanContent(before, after)),
      [
        '~ api.example.com. A ttl 60 -> 30',
        '- api.example.com. 60 A 192.0.2.2',
        '+ api.example.com. 30 A 192.0.2.7',
        '~ api.example.com. A 192.0.2.3 ; weight=2 -> 192.0.2.3 ; weight=5',
        '+ new.example.com. 300 CNAME api.example.com.',
        '- old.example.com. 300 TXT "bye"',
      ].join('\n'),
    );
    assert.equal(formatPlanDiff(diffPlanContent(after, after)), '');
  });
});
