import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { ManualClock } from '../core/testing/manual-clock.js';
import type { DropReason } from './errors.js';
import { WorkQueue } from './work-queue.js';
import type {
  QueueDropEvent,
  QueueFullPolicy,
  QueueOrder,
  QueueShedEvent,
  WorkQueueOptions,
} from './work-queue.js';

const seed = Number(process.env.FC_SEED ?? 20251020);
console.log(`work-queue property tests: FC_SEED=${seed}`);

function setup<T = string>(options: Omit<WorkQueueOptions, 'clock'>) {
  const clock = new ManualClock();
  const queue = new WorkQueue<T>({ clock, ...options });
  const drops: QueueDropEvent<T>[] = [];
  const sheds: QueueShedEvent<T>[] = [];
  queue.onDrop((e) => drops.push(e));
  queue.onShed((e) => sheds.push(e));
  return { clock, queue, drops, sheds };
}

function drain<T>(queue: WorkQueue<T>): T[] {
  const out: T[] = [];
  for (let x = queue.take(); x !== undefined; x = queue.take()) out.push(x);
  return out;
}

describe('WorkQueue', () => {
  describe('options', () => {
    const clock = new ManualClock();
    const bad: [Record<string, unknown>, RegExp][] = [
      [{}, /capacity must be an integer in \[1, \d+\], got undefined/],
      [{ capacity: 0 }, /capacity .* got 0/],
      [{ capacity: 1.5 }, /capacity .* got 1.5/],
      [{ capacity: 1, priorities: 0 }, /priorities must be an integer in \[1, 256\], got 0/],
      [{ capacity: 1, priorities: 257 }, /priorities .* got 257/],
      [{ capacity: 1, priorities: 2, defaultPriority: 2 }, /defaultPriority .* got 2/],
      [{ capacity: 1, defaultTtlMs: 0 }, /defaultTtlMs must be a number > 0 .* got 0/],
      [{ capacity: 1, defaultTtlMs: Number.NaN }, /defaultTtlMs .* got NaN/],
      [
        { capacity: 1, order: 'random' },
        /order must be one of 'fifo', 'lifo', 'adaptive', got "random"/,
      ],
      [{ capacity: 1, lifoAtDepth: 0 }, /lifoAtDepth .* got 0/],
      [{ capacity: 1, lifoAtAgeMs: -1 }, /lifoAtAgeMs .* got -1/],
      [
        { capacity: 1, whenFull: 'drop' },
        /whenFull must be one of 'shed-oldest', 'refuse', got "drop"/,
      ],
      [{ capacity: 1, controlledDelay: { targetMs: 0 } }, /controlledDelay.targetMs .* got 0/],
      [
        { capacity: 1, controlledDelay: { intervalMs: Infinity } },
        /controlledDelay.intervalMs must be a finite number > 0, got Infinity/,
      ],
    ];
    for (const [options, message] of bad) {
      it(`throws RangeError for ${inspect(options)}`, () => {
        assert.throws(
          () => new WorkQueue({ clock, ...options } as unknown as WorkQueueOptions),
          (e: unknown) => e instanceof RangeError && message.test(e.message),
        );
      });
    }

    it('throws TypeError for a missing clock or a malformed controlledDelay', () => {
      assert.throws(
        () => new WorkQueue({ capacity: 1 } as unknown as WorkQueueOptions),
        (e: unknown) => e instanceof TypeError && /clock must be a Clock/.test(e.message),
      );
      assert.throws(
        () =>
          new WorkQueue({
            clock,
            capacity: 1,
            controlledDelay: 'yes',
          } as unknown as WorkQueueOptions),
        (e: unknown) => e instanceof TypeError && /controlledDelay must be/.test(e.message),
      );
    });

    it('throws RangeError naming priority or ttlMs for a bad offer', () => {
      const q = new WorkQueue<string>({ clock, capacity: 4, priorities: 3 });
      for (const priority of [3, -1, 1.5, Number.NaN]) {
        assert.throws(() => q.offer('x', { priority }), /priority must be an integer in \[0, 2\]/);
      }
      for (const ttlMs of [0, -5, Number.NaN]) {
        assert.throws(() => q.offer('x', { ttlMs }), /ttlMs must be a number > 0/);
      }
      assert.equal(q.size, 0);
      assert.equal(q.stats().offered, 0, 'a throwing offer is not counted');
    });
  });

  describe('order', () => {
    it("'fifo' serves oldest first", () => {
      const { queue } = setup({ capacity: 10, order: 'fifo' });
      for (const x of ['a', 'b', 'c']) queue.offer(x);
      assert.deepEqual(drain(queue), ['a', 'b', 'c']);
    });

    it("'lifo' serves newest first", () => {
      const { queue } = setup({ capacity: 10, order: 'lifo' });
      for (const x of ['a', 'b', 'c']) queue.offer(x);
      assert.deepEqual(drain(queue), ['c', 'b', 'a']);
    });

    it("'adaptive' switches to newest first at lifoAtDepth and back below it", () => {
      const { queue } = setup<number>({ capacity: 10, lifoAtDepth: 3 });
      queue.offer(1);
      queue.offer(2);
      assert.equal(queue.stats().serving, 'fifo');
      assert.equal(queue.take(), 1, 'depth 2 < 3: FIFO');
      for (const x of [3, 4, 5]) queue.offer(x);
      // Queue is [2, 3, 4, 5]: depth 4, then 3 → LIFO; depth 2 → FIFO again.
      assert.equal(queue.stats().serving, 'lifo');
      assert.equal(queue.take(), 5);
      assert.equal(queue.take(), 4);
      assert.equal(queue.take(), 2);
      assert.equal(queue.take(), 3);
    });

    it("'adaptive' switches to newest first once the oldest item waited lifoAtAgeMs (default 100)", () => {
      const { clock, queue } = setup({ capacity: 10 });
      queue.offer('a');
      clock.advance(50);
      queue.offer('b');
      clock.advance(49);
      assert.equal(queue.stats().serving, 'fifo');
      queue.offer('c');
      clock.advance(1); // a has waited 100 ms
      assert.equal(queue.stats().serving, 'lifo');
      assert.equal(queue.take(), 'c');
      assert.equal(queue.take(), 'b');
      assert.equal(queue.take(), 'a');
    });

    it("'adaptive' with lifoAtAgeMs only ignores depth", () => {
      const { clock, queue } = setup<number>({ capacity: 100, lifoAtAgeMs: 10 });
      for (let i = 0; i < 50; i++) queue.offer(i);
      assert.equal(queue.take(), 0);
      clock.advance(10);
      assert.equal(queue.take(), 49);
    });

    it("'adaptive' with lifoAtDepth only ignores age", () => {
      const { clock, queue } = setup({ capacity: 10, lifoAtDepth: 5 });
      queue.offer('a');
      queue.offer('b');
      clock.advance(1_000_000);
      assert.equal(queue.take(), 'a');
    });
  });

  describe('TTL', () => {
    it('drops an item older than its TTL at take time and never hands it out', () => {
      const { clock, queue, drops } = setup({ capacity: 10, order: 'fifo' });
      queue.offer('short', { ttlMs: 100 });
      queue.offer('long', { ttlMs: 1000 });
      clock.advance(101);
      assert.equal(queue.take(), 'long');
      assert.deepEqual(drops, [{ reason: 'expired', item: 'short', priority: 0, waitedMs: 101 }]);
      assert.equal(queue.stats().dropped.expired, 1);
      assert.equal(queue.take(), undefined);
    });

    it('still serves an item whose age equals its TTL', () => {
      const { clock, queue } = setup({ capacity: 10, defaultTtlMs: 100 });
      queue.offer('a');
      clock.advance(100);
      assert.equal(queue.take(), 'a');
      assert.equal(queue.lastWaitMs, 100);
    });

    it('returns undefined when everything queued has expired, and counts each', () => {
      const { clock, queue } = setup({ capacity: 10, defaultTtlMs: 5, priorities: 2 });
      queue.offer('a');
      queue.offer('b', { priority: 1 });
      queue.offer('c');
      clock.advance(6);
      assert.equal(queue.take(), undefined);
      assert.equal(queue.size, 0);
      assert.equal(queue.stats().dropped.expired, 3);
    });

    it('when serving newest first, drops the stale tail on the way', () => {
      const { clock, queue, drops } = setup({ capacity: 10, order: 'lifo' });
      queue.offer('old', { ttlMs: 10 });
      queue.offer('new', { ttlMs: 1000 });
      clock.advance(20);
      assert.equal(queue.take(), 'new');
      assert.equal(queue.size, 0);
      assert.deepEqual(
        drops.map((d) => [d.reason, d.item]),
        [['expired', 'old']],
      );
    });

    it('purgeExpired() drops expired items anywhere, and oldestAgeMs is then exact', () => {
      const { clock, queue } = setup({ capacity: 10, order: 'fifo' });
      queue.offer('a', { ttlMs: 1000 });
      queue.offer('b', { ttlMs: 5 });
      queue.offer('c', { ttlMs: 1000 });
      clock.advance(1);
      queue.offer('d', { ttlMs: 5 });
      clock.advance(9);
      assert.equal(queue.purgeExpired(), 2);
      assert.equal(queue.size, 2);
      assert.equal(queue.oldestAgeMs(), 10);
      assert.deepEqual(drain(queue), ['a', 'c']);
    });

    it('an expired item at the oldest end makes room on a full offer (as expired, not shed)', () => {
      const { clock, queue, drops, sheds } = setup({
        capacity: 2,
        priorities: 2,
        whenFull: 'refuse',
      });
      queue.offer('a', { ttlMs: 10 });
      queue.offer('b');
      clock.advance(11);
      assert.equal(queue.offer('c', { priority: 1 }), 'accepted');
      assert.deepEqual(
        drops.map((d) => [d.reason, d.item]),
        [['expired', 'a']],
      );
      assert.equal(sheds.length, 0);
    });
  });

  describe('priorities', () => {
    it('serves level 0 first, then 1, then 2', () => {
      const { clock, queue } = setup({ capacity: 10, priorities: 3, order: 'fifo' });
      queue.offer('low', { priority: 2 });
      queue.offer('mid', { priority: 1 });
      clock.advance(7);
      queue.offer('high', { priority: 0 });
      queue.offer('default');
      assert.equal(queue.take(), 'high');
      assert.equal(queue.lastPriority, 0);
      assert.equal(queue.lastWaitMs, 0);
      assert.equal(queue.take(), 'default');
      assert.equal(queue.take(), 'mid');
      assert.equal(queue.lastWaitMs, 7);
      assert.equal(queue.take(), 'low');
      assert.equal(queue.lastPriority, 2);
    });

    it('uses defaultPriority for offers that name none', () => {
      const { queue } = setup({ capacity: 10, priorities: 3, defaultPriority: 1 });
      queue.offer('normal');
      queue.offer('bulk', { priority: 2 });
      queue.offer('urgent', { priority: 0 });
      assert.deepEqual(queue.stats().sizeByPriority, [1, 1, 1]);
      assert.equal(queue.sizeOf(1), 1);
      assert.deepEqual(drain(queue), ['urgent', 'normal', 'bulk']);
    });
  });

  describe('when full', () => {
    it('a higher-priority newcomer evicts the oldest item of the lowest level present', () => {
      const { clock, queue, drops, sheds } = setup({
        capacity: 3,
        priorities: 3,
        whenFull: 'refuse',
      });
      queue.offer('mid', { priority: 1 });
      queue.offer('low-old', { priority: 2 });
      clock.advance(5);
      queue.offer('low-new', { priority: 2 });
      assert.equal(queue.offer('high', { priority: 0 }), 'accepted');
      assert.deepEqual(sheds, [{ item: 'low-old', priority: 2, waitedMs: 5, forPriority: 0 }]);
      assert.deepEqual(drops, [{ reason: 'shed', item: 'low-old', priority: 2, waitedMs: 5 }]);
      assert.equal(queue.offer('mid2', { priority: 1 }), 'accepted', 'still above level 2');
      assert.deepEqual(
        sheds.map((s) => s.item),
        ['low-old', 'low-new'],
      );
    });

    it("'refuse': an equal- or lower-priority newcomer is refused with 'full'", () => {
      const { queue, drops } = setup({ capacity: 2, priorities: 3, whenFull: 'refuse' });
      queue.offer('a', { priority: 1 });
      queue.offer('b', { priority: 1 });
      assert.equal(queue.offer('c', { priority: 1 }), 'full');
      assert.equal(queue.offer('d', { priority: 2 }), 'full');
      assert.deepEqual(
        drops.map((d) => [d.reason, d.item, d.waitedMs]),
        [
          ['full', 'c', 0],
          ['full', 'd', 0],
        ],
      );
      assert.equal(queue.size, 2);
      const s = queue.stats();
      assert.equal(s.offered, 4);
      assert.equal(s.accepted, 2);
      assert.equal(s.dropped.full, 2);
    });

    it("'shed-oldest' (default): an equal-priority newcomer evicts the oldest of its level", () => {
      const { queue, sheds } = setup({ capacity: 2, priorities: 2, order: 'fifo' });
      queue.offer('a', { priority: 1 });
      queue.offer('b', { priority: 1 });
      assert.equal(queue.offer('c', { priority: 1 }), 'accepted');
      assert.deepEqual(
        sheds.map((s) => s.item),
        ['a'],
      );
      assert.deepEqual(drain(queue), ['b', 'c']);
    });

    it("'shed-oldest': a lower-priority newcomer is still refused", () => {
      const { queue } = setup({ capacity: 2, priorities: 2 });
      queue.offer('a');
      queue.offer('b');
      assert.equal(queue.offer('c', { priority: 1 }), 'full');
      assert.deepEqual(drain(queue), ['a', 'b']);
    });

    it('never holds more than capacity', () => {
      const { queue } = setup<number>({ capacity: 5 });
      for (let i = 0; i < 100; i++) queue.offer(i);
      assert.equal(queue.size, 5);
      assert.equal(queue.stats().dropped.shed, 95);
    });
  });

  describe('remove', () => {
    it("removes a queued item by ticket as 'aborted'; false when gone or unknown", () => {
      const { queue, drops } = setup({ capacity: 10, order: 'fifo', priorities: 2 });
      queue.offer('a');
      queue.offer('b', { priority: 1 });
      const tb = queue.lastTicket;
      queue.offer('c', { priority: 1 });
      const tc = queue.lastTicket;
      assert.equal(queue.remove(tb), true);
      assert.equal(queue.remove(tb), false);
      assert.equal(queue.remove(tc, 'expired'), true);
      assert.equal(queue.remove(12345), false);
      assert.equal(queue.remove(-1), false);
      assert.equal(queue.remove(0.5), false);
      assert.deepEqual(
        drops.map((d) => [d.reason, d.item]),
        [
          ['aborted', 'b'],
          ['expired', 'c'],
        ],
      );
      assert.equal(queue.take(), 'a');
      assert.equal(queue.remove(0), false, 'a taken item cannot be removed');
    });

    it('keeps the order of the rest when items in the middle are removed', () => {
      const { queue } = setup<number>({ capacity: 1000, order: 'fifo' });
      const tickets: number[] = [];
      for (let i = 0; i < 500; i++) {
        queue.offer(i);
        tickets.push(queue.lastTicket);
      }
      for (let i = 0; i < 500; i += 2) assert.ok(queue.remove(tickets[i]!));
      for (let i = 500; i < 600; i++) queue.offer(i);
      const expected = [
        ...Array.from({ length: 250 }, (_, k) => 2 * k + 1),
        ...Array.from({ length: 100 }, (_, k) => 500 + k),
      ];
      assert.deepEqual(drain(queue), expected);
    });
  });

  describe('controlled delay', () => {
    it('in a queue non-empty for intervalMs, drops items that waited over targetMs', () => {
      const { clock, queue, drops } = setup({
        capacity: 10,
        order: 'fifo',
        controlledDelay: { targetMs: 5, intervalMs: 100 },
      });
      queue.offer('a');
      clock.advance(98);
      queue.offer('b');
      clock.advance(2);
      assert.equal(queue.take(), 'b', 'a waited 100 ms in a standing queue');
      assert.deepEqual(
        drops.map((d) => [d.reason, d.item, d.waitedMs]),
        [['expired', 'a', 100]],
      );
    });

    it('lets a burst wait longer than targetMs while the queue is not standing', () => {
      const { clock, queue } = setup({ capacity: 10, order: 'fifo', controlledDelay: true });
      queue.offer('a');
      queue.offer('b');
      clock.advance(50);
      assert.equal(queue.take(), 'a');
      assert.equal(queue.take(), 'b');
      // Empty again: the next item starts a new busy period.
      queue.offer('c');
      clock.advance(99);
      assert.equal(queue.take(), 'c');
    });
  });

  describe('counters, clear and close', () => {
    it('reports depth per level, the oldest age and every counter', () => {
      const { clock, queue } = setup({ capacity: 3, priorities: 2, whenFull: 'refuse' });
      queue.offer('a', { priority: 1 });
      clock.advance(30);
      queue.offer('b');
      queue.offer('c', { ttlMs: 5 });
      queue.offer('d', { priority: 1 });
      clock.advance(10);
      assert.equal(queue.oldestAgeMs(), 40);
      assert.deepEqual(queue.stats(), {
        size: 3,
        capacity: 3,
        sizeByPriority: [2, 1],
        oldestAgeMs: 40,
        serving: 'fifo',
        offered: 4,
        accepted: 3,
        taken: 0,
        dropped: { expired: 0, shed: 0, full: 1, aborted: 0, closed: 0 },
        closed: false,
      });
      assert.equal(queue.take(), 'b');
      assert.equal(queue.take(), 'a', 'c expired on the way');
      const s = queue.stats();
      assert.equal(s.taken, 2);
      assert.equal(s.dropped.expired, 1);
      assert.equal(queue.oldestAgeMs(), 0);
    });

    it("clear() drops everything as 'shed' and the queue stays open", () => {
      const { queue, drops } = setup({ capacity: 3 });
      queue.offer('a');
      queue.offer('b');
      assert.equal(queue.clear(), 2);
      assert.deepEqual(
        drops.map((d) => d.reason),
        ['shed', 'shed'],
      );
      assert.equal(queue.offer('c'), 'accepted');
    });

    it("close() drops the rest as 'closed' and refuses later offers", () => {
      const { queue, drops } = setup({ capacity: 3, priorities: 2 });
      queue.offer('a', { priority: 1 });
      queue.offer('b');
      assert.equal(queue.close(), 2);
      assert.equal(queue.closed, true);
      assert.deepEqual(
        drops.map((d) => [d.reason, d.item]),
        [
          ['closed', 'b'],
          ['closed', 'a'],
        ],
      );
      assert.equal(queue.offer('c'), 'closed');
      assert.equal(queue.take(), undefined);
      assert.equal(queue.close(), 0);
      const s = queue.stats();
      assert.equal(s.dropped.closed, 3);
      assert.equal(s.offered, 3);
    });

    it('works without any listener', () => {
      const queue = new WorkQueue<number>({ clock: new ManualClock(), capacity: 1 });
      queue.offer(1);
      assert.equal(queue.offer(2, { priority: 0 }), 'accepted');
      assert.equal(queue.take(), 2);
    });
  });

  describe('invariants (property)', () => {
    type Cmd =
      | { readonly k: 'offer'; readonly p: number; readonly ttl: number }
      | { readonly k: 'take' }
      | { readonly k: 'advance'; readonly ms: number }
      | { readonly k: 'remove'; readonly pick: number }
      | { readonly k: 'purge' }
      | { readonly k: 'close' };

    const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
      {
        weight: 60,
        arbitrary: fc.record({
          k: fc.constant('offer' as const),
          p: fc.integer({ min: 0, max: 2 }),
          ttl: fc.oneof(fc.constant(Infinity), fc.integer({ min: 1, max: 40 })),
        }),
      },
      { weight: 40, arbitrary: fc.constant<Cmd>({ k: 'take' }) },
      {
        weight: 30,
        arbitrary: fc.integer({ min: 0, max: 15 }).map<Cmd>((ms) => ({ k: 'advance', ms })),
      },
      { weight: 10, arbitrary: fc.nat(10_000).map<Cmd>((pick) => ({ k: 'remove', pick })) },
      { weight: 10, arbitrary: fc.constant<Cmd>({ k: 'purge' }) },
      { weight: 1, arbitrary: fc.constant<Cmd>({ k: 'close' }) },
    );

    const configArb = fc.record({
      capacity: fc.integer({ min: 1, max: 8 }),
      order: fc.constantFrom<QueueOrder>('fifo', 'lifo', 'adaptive'),
      lifoAtDepth: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
      whenFull: fc.constantFrom<QueueFullPolicy>('shed-oldest', 'refuse'),
      codel: fc.boolean(),
    });

    interface Rec {
      readonly id: number;
      readonly p: number;
      readonly ttl: number;
      readonly at: number;
      ticket: number;
      state: 'offering' | 'queued' | 'taken' | DropReason;
    }

    it('never exceeds capacity, never hands out expired work, never serves a lower level first, and accounts for every item once', () => {
      fc.assert(
        fc.property(configArb, fc.array(cmdArb, { maxLength: 120, size: 'max' }), (cfg, cmds) => {
          const clock = new ManualClock();
          const queue = new WorkQueue<Rec>({
            clock,
            capacity: cfg.capacity,
            priorities: 3,
            order: cfg.order,
            whenFull: cfg.whenFull,
            ...(cfg.lifoAtDepth !== undefined ? { lifoAtDepth: cfg.lifoAtDepth } : {}),
            ...(cfg.codel ? { controlledDelay: { targetMs: 3, intervalMs: 10 } } : {}),
          });
          const recs: Rec[] = [];
          // The emitter reports a throwing listener asynchronously; keep the failure and
          // rethrow it after the step, so fast-check sees it and shrinks.
          const failures: Error[] = [];
          const checked =
            <E>(check: (e: E) => void) =>
            (e: E): void => {
              try {
                check(e);
              } catch (err) {
                failures.push(err instanceof Error ? err : new Error(String(err)));
              }
            };
          queue.onDrop(
            checked(({ reason, item, waitedMs }) => {
              if (reason === 'full' || reason === 'closed') {
                assert.ok(item.state === 'offering' || item.state === 'queued', `${reason} drop`);
              } else {
                assert.equal(item.state, 'queued', `${reason} drop of an item not queued`);
              }
              if (reason === 'expired' && !cfg.codel) {
                assert.ok(waitedMs > item.ttl, `expired after ${waitedMs} with ttl ${item.ttl}`);
              }
              assert.equal(waitedMs, item.state === 'offering' ? 0 : clock.monotonic() - item.at);
              item.state = reason;
            }),
          );
          const queued = (): Rec[] => recs.filter((r) => r.state === 'queued');
          // Shedding rules: only for a newcomer of higher or (with 'shed-oldest') equal
          // priority, and always the oldest item of the lowest level present.
          queue.onShed(
            checked(({ item, priority, forPriority }) => {
              assert.equal(item.p, priority);
              assert.ok(priority >= forPriority, `shed level ${priority} for level ${forPriority}`);
              if (priority === forPriority) assert.equal(cfg.whenFull, 'shed-oldest');
              const rest = queued();
              assert.ok(
                rest.every((r) => r.p <= priority),
                'shed from a level that was not lowest',
              );
              assert.ok(
                rest.every((r) => r.p < priority || r.id > item.id),
                'shed not the oldest',
              );
            }),
          );

          for (const cmd of cmds) {
            switch (cmd.k) {
              case 'offer': {
                const rec: Rec = {
                  id: recs.length,
                  p: cmd.p,
                  ttl: cmd.ttl,
                  at: clock.monotonic(),
                  ticket: -1,
                  state: 'offering',
                };
                recs.push(rec);
                const r = queue.offer(rec, { priority: cmd.p, ttlMs: cmd.ttl });
                if (r === 'accepted') {
                  assert.equal(rec.state, 'offering');
                  rec.state = 'queued';
                  rec.ticket = queue.lastTicket;
                } else {
                  assert.equal(rec.state, r);
                  if (r === 'full') {
                    // Refused only when full of work at least as important as the newcomer.
                    const q = queued();
                    assert.equal(q.length, cfg.capacity);
                    const worst = Math.max(...q.map((x) => x.p));
                    assert.ok(worst < cmd.p || (worst === cmd.p && cfg.whenFull === 'refuse'));
                  }
                }
                break;
              }
              case 'take': {
                const now = clock.monotonic();
                const x = queue.take();
                if (x === undefined) {
                  assert.equal(queued().length, 0, 'take returned nothing while work was queued');
                  break;
                }
                assert.equal(x.state, 'queued');
                x.state = 'taken';
                assert.ok(now - x.at <= x.ttl, `handed out an item aged ${now - x.at} > ${x.ttl}`);
                if (cfg.codel) assert.equal(queue.lastWaitMs, now - x.at);
                const rest = queued();
                const higher = rest.filter((r) => r.p < x.p);
                assert.equal(higher.length, 0, 'served a lower level while a higher one waited');
                const same = rest.filter((r) => r.p === x.p);
                const older = same.filter((r) => r.id < x.id).length;
                const newer = same.filter((r) => r.id > x.id).length;
                if (cfg.order === 'fifo') assert.equal(older, 0, 'FIFO served not the oldest');
                if (cfg.order === 'lifo') assert.equal(newer, 0, 'LIFO served not the newest');
                if (cfg.order === 'adaptive') assert.ok(older === 0 || newer === 0);
                break;
              }
              case 'advance':
                clock.advance(cmd.ms);
                break;
              case 'remove': {
                if (recs.length === 0) break;
                const rec = recs[cmd.pick % recs.length]!;
                const wasQueued = rec.state === 'queued';
                assert.equal(queue.remove(rec.ticket), wasQueued);
                if (wasQueued) assert.equal(rec.state, 'aborted');
                break;
              }
              case 'purge':
                queue.purgeExpired();
                if (!cfg.codel) {
                  const now = clock.monotonic();
                  for (const r of queued()) assert.ok(now - r.at <= r.ttl);
                }
                break;
              case 'close':
                queue.close();
                assert.equal(queued().length, 0);
                break;
            }
            if (failures[0] !== undefined) throw failures[0];
            // After every step: bounded, counted, and each item in exactly one state.
            const s = queue.stats();
            assert.ok(s.size <= cfg.capacity, `size ${s.size} > capacity ${cfg.capacity}`);
            const q = queued();
            assert.equal(s.size, q.length);
            assert.deepEqual(
              s.sizeByPriority,
              [0, 1, 2].map((p) => q.filter((r) => r.p === p).length),
            );
            const dropped = Object.values(s.dropped).reduce((a, b) => a + b, 0);
            assert.equal(s.offered, recs.length);
            assert.equal(s.offered, s.taken + dropped + s.size);
            assert.equal(s.taken, recs.filter((r) => r.state === 'taken').length);
            for (const reason of Object.keys(s.dropped) as DropReason[]) {
              assert.equal(s.dropped[reason], recs.filter((r) => r.state === reason).length);
            }
            assert.ok(recs.every((r) => r.state !== 'offering'));
            const oldest = q.length === 0 ? 0 : clock.monotonic() - Math.min(...q.map((r) => r.at));
            assert.equal(s.oldestAgeMs, oldest);
          }
        }),
        { seed, numRuns: 400 },
      );
    });
  });
});
