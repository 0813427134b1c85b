import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AuditEntry } from '../../dns/audit-log.js';
import { Timeline, formatDuration, formatTimelineEntry, formatVirtualTime } from './timeline.js';

const EPOCH = Date.UTC(2025, 9, 20, 6, 48);

describe('formatVirtualTime', () => {
  it('prints hours, minutes, seconds and milliseconds since the start', () => {
    assert.equal(formatVirtualTime(0), '+00:00:00.000');
    assert.equal(formatVirtualTime(1_700_973_902), '+00:28:20.973');
    assert.equal(formatVirtualTime(3 * 3_600_000_000 + 1000), '+03:00:00.001');
  });
});

describe('formatDuration', () => {
  it('picks a unit a person reads at a glance', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(12_500), '12.5 s');
    assert.equal(formatDuration(450_000), '7 min 30 s');
    assert.equal(formatDuration(600_000), '10 min');
    assert.equal(formatDuration(4_320_000), '1 h 12 min');
    assert.equal(formatDuration(7_200_000), '2 h');
  });
});

describe('formatTimelineEntry', () => {
  it('tells what an audit entry did, and when a late write was issued', () => {
    const entry: AuditEntry = {
      seq: 31,
      atMs: EPOCH + 117_785,
      actor: 'enactor-a',
      kind: 'activation-forced',
      reason: 'legacy apply',
      target: 'dns-1',
      generation: 3,
      previousGeneration: 9,
    };
    assert.equal(
      formatTimelineEntry({ atUs: 1_700_973_902, kind: 'audit', entry }, EPOCH),
      "+00:28:20.973  enactor-a APPLIES plan 3 on 'dns-1' unconditionally (was 9): legacy apply [audit #31, issued +00:01:57.785]",
    );
    const deletion: AuditEntry = {
      seq: 5,
      atMs: EPOCH + 1000,
      actor: 'janitor',
      kind: 'deletion',
      reason: '',
      generations: [1, 2],
      activeGenerations: { 'dns-1': 5 },
    };
    assert.equal(
      formatTimelineEntry({ atUs: 1_200_000, kind: 'audit', entry: deletion }, EPOCH),
      '+00:00:01.200  janitor deletes plans [1, 2] (active then: dns-1=5) [audit #5]',
    );
  });

  it('marks violations and prints notes as they are', () => {
    assert.equal(
      formatTimelineEntry(
        {
          atUs: 0,
          kind: 'violation',
          violation: { invariant: 'I3', target: 'dns-1', generation: 2, message: 'gone' },
        },
        EPOCH,
      ),
      "+00:00:00.000  !! I3 target 'dns-1' gen 2: gone",
    );
    assert.equal(
      formatTimelineEntry({ atUs: 0, kind: 'note', text: 'hi' }, EPOCH),
      '+00:00:00.000  hi',
    );
  });
});

describe('Timeline', () => {
  it('keeps the most recent entries and says how many it dropped', () => {
    const t = new Timeline(3);
    for (let i = 1; i <= 5; i++) t.push({ atUs: i * 1000, kind: 'note', text: `n${i}` });
    assert.equal(t.total, 5);
    assert.deepEqual(
      t.entries().map((e) => (e.kind === 'note' ? e.text : '')),
      ['n3', 'n4', 'n5'],
    );
    assert.deepEqual(t.format(EPOCH), [
      '… 2 earlier entries not kept (replay the seed for all)',
      '+00:00:00.003  n3',
      '+00:00:00.004  n4',
      '+00:00:00.005  n5',
    ]);
  });

  it('keeps everything with capacity Infinity', () => {
    const t = new Timeline(Infinity);
    for (let i = 0; i < 500; i++) t.push({ atUs: i, kind: 'note', text: String(i) });
    assert.equal(t.format(EPOCH).length, 500);
  });

  it('rejects a capacity that is not an integer >= 1 or Infinity', () => {
    for (const bad of [0, -1, 2.5, Number.NaN]) {
      assert.throws(() => new Timeline(bad), /capacity must be an integer >= 1 or Infinity, got/);
    }
  });
});
