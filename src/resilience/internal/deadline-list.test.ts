import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { DeadlineList } from './deadline-list.js';
import type { DeadlineEntry } from './deadline-list.js';

const seed =
  process.env['FC_SEED'] !== undefined
    ? Number(process.env['FC_SEED'])
    : Rng.fromEntropy().seed % 0x7fffffff;
console.log(`deadline-list.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

class Entry implements DeadlineEntry<Entry> {
  dlPrev: Entry | undefined = undefined;
  dlNext: Entry | undefined = undefined;
  dlLinked = false;
  constructor(
    readonly id: number,
    public deadlineMs: number,
  ) {}
}

function order(list: DeadlineList<Entry>): number[] {
  const ids: number[] = [];
  for (let e = list.head; e !== undefined; e = e.dlNext) ids.push(e.id);
  return ids;
}

describe('DeadlineList', () => {
  it('keeps entries in deadline order, ties in insertion order, with O(1) removal', () => {
    const clock = new ManualClock();
    const list = new DeadlineList<Entry>({ clock, onExpire: () => {} });
    const a = new Entry(1, 10);
    const b = new Entry(2, 20);
    const c = new Entry(3, 15);
    const d = new Entry(4, 10);
    for (const e of [a, b, c, d]) list.insert(e);
    assert.deepEqual(order(list), [1, 4, 3, 2]);
    assert.equal(list.remove(c), true);
    assert.equal(list.remove(c), false);
    assert.deepEqual(order(list), [1, 4, 2]);
    assert.equal(list.size, 3);
    assert.throws(() => list.insert(a), /already in a list/);
  });

  it('re-arms earlier when an entry with an earlier deadline becomes the head', () => {
    const clock = new ManualClock();
    const expired: number[] = [];
    const list = new DeadlineList<Entry>({ clock, onExpire: (e) => expired.push(e.id) });
    list.insert(new Entry(1, 50));
    list.insert(new Entry(2, 20));
    assert.equal(clock.pendingTimers, 1);
    assert.equal(clock.nextDue(), 20);
    clock.advance(20);
    assert.deepEqual(expired, [2]);
    clock.advance(30);
    assert.deepEqual(expired, [2, 1]);
  });

  it('expires every entry exactly at its deadline, in order, with at most one timer', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({
              op: fc.constant('insert' as const),
              delay: fc.integer({ min: 1, max: 50 }),
            }),
            fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
            fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 30 }) }),
          ),
          { maxLength: 80 },
        ),
        fc.boolean(),
        (ops, unref) => {
          const clock = new ManualClock();
          const expired: { id: number; at: number; deadline: number }[] = [];
          const list = new DeadlineList<Entry>({
            clock,
            unref,
            onExpire: (e, now) => expired.push({ id: e.id, at: now, deadline: e.deadlineMs }),
          });
          const live = new Set<Entry>();
          let next = 0;
          for (const o of ops) {
            if (o.op === 'insert') {
              const e = new Entry(next++, clock.monotonic() + o.delay);
              list.insert(e);
              live.add(e);
            } else if (o.op === 'remove') {
              const arr = [...live];
              const e = arr[o.pick % Math.max(1, arr.length)];
              if (e !== undefined) {
                assert.equal(list.remove(e), true);
                live.delete(e);
              }
            } else {
              const before = expired.length;
              clock.advance(o.ms);
              for (const x of expired.slice(before)) {
                live.forEach((e) => {
                  if (e.id === x.id) live.delete(e);
                });
              }
            }
            assert.ok(clock.pendingTimers <= 1);
            assert.equal(list.size, live.size);
            // Nothing overdue is left behind.
            for (const e of live) assert.ok(e.deadlineMs > clock.monotonic());
            if (!unref && live.size === 0) assert.equal(clock.pendingTimers, 0);
          }
          for (const x of expired) assert.equal(x.at, x.deadline);
          for (let i = 1; i < expired.length; i++) {
            assert.ok(expired[i - 1]!.deadline <= expired[i]!.deadline);
          }
          const ids = order(list);
          const sorted = [...live].sort((x, y) => x.deadlineMs - y.deadlineMs || x.id - y.id);
          assert.deepEqual(
            ids,
            sorted.map((e) => e.id),
          );
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
