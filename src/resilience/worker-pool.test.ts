import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { ManualClock } from '../core/testing/manual-clock.js';
import { QueueDroppedError, isQueueDroppedError } from './errors.js';
import type { DropReason } from './errors.js';
import type { PolicyContext } from './policy.js';
import { WorkerPool } from './worker-pool.js';
import type { WorkerPoolDropEvent, WorkerPoolOptions } from './worker-pool.js';

function setup(options: Omit<WorkerPoolOptions, 'clock'>) {
  const clock = new ManualClock();
  const pool = new WorkerPool({ clock, ...options });
  const started: string[] = [];
  /** A job that records its start and takes `ms` of virtual time. */
  const job =
    (name: string, ms = 100) =>
    async (): Promise<string> => {
      started.push(name);
      await clock.sleep(ms);
      return name;
    };
  return { clock, pool, started, job };
}

/** Settles `p` into a value to assert on, so no rejection goes unhandled. */
function settle<T>(p: Promise<T>): { result?: T; error?: unknown; done: boolean } {
  const box: { result?: T; error?: unknown; done: boolean } = { done: false };
  p.then(
    (v) => {
      box.result = v;
      box.done = true;
    },
    (e: unknown) => {
      box.error = e;
      box.done = true;
    },
  );
  return box;
}

function droppedWith(reason: DropReason) {
  return (e: unknown): boolean => isQueueDroppedError(e) && e.reason === reason;
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WorkerPool', () => {
  it('runs at most `concurrency` functions at once and queues the rest in order', async () => {
    const { clock, pool, started, job } = setup({ concurrency: 2, capacity: 10, order: 'fifo' });
    const results = ['a', 'b', 'c', 'd', 'e'].map((n) => pool.execute(job(n)));
    await tick();
    assert.deepEqual(started, ['a', 'b']);
    assert.equal(pool.running, 2);
    assert.equal(pool.queued, 3);
    await clock.advanceAsync(100);
    assert.deepEqual(started, ['a', 'b', 'c', 'd']);
    await clock.advanceAsync(200);
    assert.deepEqual(await Promise.all(results), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(pool.running, 0);
    const s = pool.stats();
    assert.equal(s.taken, 3, 'the two that ran at once never entered the queue');
    assert.equal(s.concurrency, 2);
  });

  it('runs a higher-priority call first', async () => {
    const { clock, pool, started, job } = setup({ concurrency: 1, capacity: 10, priorities: 3 });
    const all = [
      pool.execute(job('running')),
      pool.execute(job('low'), undefined, { priority: 2 }),
      pool.execute(job('high'), undefined, { priority: 0 }),
      pool.execute(job('mid'), undefined, { priority: 1 }),
    ];
    await clock.advanceAsync(400);
    await Promise.all(all);
    assert.deepEqual(started, ['running', 'high', 'mid', 'low']);
  });

  it("rejects with 'full' when the queue refuses, and with 'shed' when evicted", async () => {
    const { clock, pool, job } = setup({
      concurrency: 1,
      capacity: 1,
      priorities: 2,
      whenFull: 'refuse',
    });
    const running = pool.execute(job('running'));
    const low = settle(pool.execute(job('low'), undefined, { priority: 1 }));
    const refused = settle(pool.execute(job('refused'), undefined, { priority: 1 }));
    const high = pool.execute(job('high'), undefined, { priority: 0 });
    await tick();
    assert.ok(droppedWith('full')(refused.error));
    assert.ok(droppedWith('shed')(low.error));
    assert.ok(refused.error instanceof QueueDroppedError);
    await clock.advanceAsync(200);
    assert.equal(await running, 'running');
    assert.equal(await high, 'high');
  });

  it("rejects a queued call with 'expired' when its TTL runs out, and never runs it", async () => {
    const { clock, pool, started, job } = setup({ concurrency: 1, capacity: 10 });
    const drops: WorkerPoolDropEvent[] = [];
    pool.onDrop((e) => drops.push(e));
    void pool.execute(job('running', 1000));
    const late = settle(pool.execute(job('late'), undefined, { ttlMs: 50 }));
    await clock.advanceAsync(49);
    assert.equal(late.done, false);
    await clock.advanceAsync(1);
    assert.ok(droppedWith('expired')(late.error), 'rejected at its deadline, worker still busy');
    assert.deepEqual(drops, [{ reason: 'expired', priority: 0, waitedMs: 50 }]);
    await clock.advanceAsync(2000);
    assert.deepEqual(started, ['running']);
    assert.equal(clock.pendingTimers, 0);
  });

  it('uses defaultTtlMs for calls that name no TTL', async () => {
    const { clock, pool, job } = setup({ concurrency: 1, capacity: 10, defaultTtlMs: 30 });
    void pool.execute(job('running', 1000));
    const queued = settle(pool.execute(job('queued')));
    await clock.advanceAsync(30);
    assert.ok(droppedWith('expired')(queued.error));
  });

  it("removes a queued call when its caller aborts ('aborted', cause = abort reason)", async () => {
    const { clock, pool, started, job } = setup({
      concurrency: 1,
      capacity: 10,
      defaultTtlMs: 500,
    });
    void pool.execute(job('running'));
    const ac = new AbortController();
    const aborted = settle(pool.execute(job('aborted'), ac.signal));
    const next = pool.execute(job('next'));
    const reason = new Error('caller gave up');
    ac.abort(reason);
    await tick();
    assert.ok(droppedWith('aborted')(aborted.error));
    assert.equal((aborted.error as Error).cause, reason);
    assert.equal(pool.stats().dropped.aborted, 1);
    await clock.advanceAsync(300);
    assert.equal(await next, 'next');
    assert.deepEqual(started, ['running', 'next'], 'the aborted call never ran');
    assert.equal(clock.pendingTimers, 0, 'its TTL timer was cancelled');
  });

  it('stops listening to the signal once the call starts; the function gets the context', async () => {
    const { clock, pool } = setup({ concurrency: 1, capacity: 10 });
    const ac = new AbortController();
    let seen: AbortSignal | undefined;
    const first = pool.execute(() => clock.sleep(10));
    const second = pool.execute(async (ctx: PolicyContext) => {
      seen = ctx.signal;
      await clock.sleep(10);
      return 'done';
    }, ac.signal);
    await clock.advanceAsync(10);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0, 'listener removed at start');
    ac.abort();
    await clock.advanceAsync(10);
    await first;
    assert.equal(await second, 'done', 'an abort after the start is the function’s business');
    assert.equal(seen, ac.signal);
  });

  it("rejects at once with 'aborted' for an already aborted signal, without running", async () => {
    const { pool } = setup({ concurrency: 1, capacity: 10 });
    let ran = false;
    await assert.rejects(
      pool.execute(() => {
        ran = true;
      }, AbortSignal.abort()),
      droppedWith('aborted'),
    );
    assert.equal(ran, false);
  });

  it('does not read a lazy context signal when the call runs at once', async () => {
    const { pool } = setup({ concurrency: 1, capacity: 10 });
    let reads = 0;
    const lazy: PolicyContext = {
      get signal() {
        reads++;
        return undefined;
      },
    };
    let got: PolicyContext | undefined;
    await pool.execute((ctx) => {
      got = ctx;
    }, lazy);
    assert.equal(reads, 0);
    assert.equal(got, lazy);
  });

  it("close() rejects queued calls with 'closed', lets running ones finish, refuses new ones", async () => {
    const { clock, pool, started, job } = setup({ concurrency: 1, capacity: 10 });
    const running = pool.execute(job('running'));
    const queued = settle(pool.execute(job('queued')));
    assert.equal(pool.close(), 1);
    assert.equal(pool.closed, true);
    await tick();
    assert.ok(droppedWith('closed')(queued.error));
    await assert.rejects(pool.execute(job('late')), droppedWith('closed'));
    await clock.advanceAsync(100);
    assert.equal(await running, 'running');
    assert.deepEqual(started, ['running']);
  });

  it('passes on what the function threw, sync or async, and keeps serving', async () => {
    const { clock, pool } = setup({ concurrency: 1, capacity: 10 });
    const a = pool.execute(async () => {
      await clock.sleep(5);
      throw new Error('async boom');
    });
    const b = pool.execute(() => {
      throw new Error('sync boom');
    });
    const c = pool.execute(() => 'ok');
    const outcomes = Promise.allSettled([a, b, c]);
    await clock.advanceAsync(5);
    const [ra, rb, rc] = await outcomes;
    assert.match(String(ra?.status === 'rejected' && ra.reason), /async boom/);
    assert.match(String(rb?.status === 'rejected' && rb.reason), /sync boom/);
    assert.deepEqual(rc, { status: 'fulfilled', value: 'ok' });
    assert.equal(pool.running, 0);
  });

  it('drains thousands of synchronously throwing queued calls without deep recursion', async () => {
    const { clock, pool } = setup({ concurrency: 1, capacity: 20_000 });
    const first = pool.execute(() => clock.sleep(1));
    const rest = Array.from({ length: 10_000 }, (_, i) =>
      pool.execute(() => {
        throw new Error(`e${i}`);
      }),
    );
    const settled = Promise.allSettled(rest);
    await clock.advanceAsync(1);
    await first;
    const outcomes = await settled;
    assert.ok(
      outcomes.every((o, i) => o.status === 'rejected' && (o.reason as Error).message === `e${i}`),
      'each call rejects with its own error',
    );
    assert.equal(pool.running, 0);
    assert.equal(pool.queued, 0);
  });

  it('validates its options and per-call options', async () => {
    const clock = new ManualClock();
    for (const concurrency of [0, 1.5, undefined]) {
      assert.throws(
        () => new WorkerPool({ clock, capacity: 1, concurrency } as unknown as WorkerPoolOptions),
        (e: unknown) =>
          e instanceof RangeError && /^concurrency must be an integer/.test(e.message),
      );
    }
    assert.throws(
      () => new WorkerPool({ clock, capacity: 0, concurrency: 1 }),
      /capacity must be an integer/,
    );
    const pool = new WorkerPool({ clock, capacity: 1, concurrency: 1, priorities: 2 });
    await assert.rejects(
      pool.execute(() => 1, undefined, { priority: 2 }),
      RangeError,
    );
    await assert.rejects(
      pool.execute(() => 1, undefined, { ttlMs: 0 }),
      /ttlMs must be/,
    );
  });
});
