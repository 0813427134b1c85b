import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { drainMicrotasks } from '../core/microtasks.js';
import { Rng } from '../core/rng.js';
import { Bulkhead } from './bulkhead.js';
import type { BulkheadEvent, BulkheadTicket } from './bulkhead.js';
import { BulkheadRejectedError, isBulkheadRejectedError } from './errors.js';

const seed =
  process.env['FC_SEED'] !== undefined
    ? Number(process.env['FC_SEED'])
    : Rng.fromEntropy().seed % 0x7fffffff;
console.log(`bulkhead.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('Bulkhead', () => {
  it('runs at most maxConcurrent calls at once', async () => {
    const b = new Bulkhead({ maxConcurrent: 2, maxQueued: 5 });
    let active = 0;
    let peak = 0;
    const gates = Array.from({ length: 6 }, () => deferred<void>());
    const calls = gates.map((g, i) =>
      b.execute(async () => {
        active++;
        peak = Math.max(peak, active);
        await g.promise;
        active--;
        return i;
      }),
    );
    assert.equal(b.running, 2);
    assert.equal(b.queued, 4);
    assert.equal(b.available, 0);
    for (const g of gates) {
      g.resolve();
      await drainMicrotasks();
    }
    assert.deepEqual(await Promise.all(calls), [0, 1, 2, 3, 4, 5]);
    assert.equal(peak, 2);
    assert.equal(b.running, 0);
    assert.equal(b.available, 2);
  });

  it('rejects at once with BulkheadRejectedError when slots and queue are full', async () => {
    const b = new Bulkhead({ maxConcurrent: 1, maxQueued: 1 });
    const rejects: BulkheadEvent[] = [];
    const queues: BulkheadEvent[] = [];
    b.onReject((e) => rejects.push(e));
    b.onQueue((e) => queues.push(e));
    const gate = deferred<void>();
    const first = b.execute(() => gate.promise);
    const second = b.execute(() => 'second');
    let called = false;
    await assert.rejects(
      b.execute(() => (called = true)),
      (e: unknown) =>
        e instanceof BulkheadRejectedError &&
        isBulkheadRejectedError(e) &&
        e.maxConcurrent === 1 &&
        e.maxQueued === 1,
    );
    assert.equal(called, false);
    assert.deepEqual(queues, [{ running: 1, queued: 1 }]);
    assert.deepEqual(rejects, [{ running: 1, queued: 1 }]);
    gate.resolve();
    await first;
    assert.equal(await second, 'second');
  });

  it('with maxQueued 0 (the default) refuses as soon as every slot is taken', async () => {
    const b = new Bulkhead({ maxConcurrent: 1 });
    const gate = deferred<void>();
    const first = b.execute(() => gate.promise);
    await assert.rejects(
      b.execute(() => 1),
      BulkheadRejectedError,
    );
    gate.resolve();
    await first;
    assert.equal(await b.execute(() => 2), 2);
  });

  it('serves queued calls first come, first served', async () => {
    const b = new Bulkhead({ maxConcurrent: 1, maxQueued: 10 });
    const order: number[] = [];
    const gate = deferred<void>();
    const calls = [b.execute(() => gate.promise)];
    for (let i = 1; i <= 5; i++) calls.push(b.execute(() => void order.push(i)));
    gate.resolve();
    await Promise.all(calls);
    assert.deepEqual(order, [1, 2, 3, 4, 5]);
  });

  it('frees the queue place of a caller that aborts while waiting, with its reason', async () => {
    const b = new Bulkhead({ maxConcurrent: 1, maxQueued: 1 });
    const gate = deferred<void>();
    const first = b.execute(() => gate.promise);
    const ac = new AbortController();
    let ran = false;
    const waiting = b.execute(() => (ran = true), ac.signal);
    assert.equal(b.queued, 1);
    ac.abort(new Error('caller gave up'));
    await assert.rejects(waiting, /caller gave up/);
    assert.equal(b.queued, 0);
    // The place is free again, and the slot count is untouched.
    const next = b.execute(() => 'next');
    assert.equal(b.queued, 1);
    assert.equal(b.running, 1);
    gate.resolve();
    await first;
    assert.equal(await next, 'next');
    assert.equal(ran, false);
    assert.equal(b.running, 0);
  });

  it('rejects at once when the caller’s signal has already aborted', async () => {
    const b = new Bulkhead({ maxConcurrent: 1, maxQueued: 1 });
    const ac = new AbortController();
    ac.abort(new Error('already gone'));
    await assert.rejects(
      b.execute(() => 1, ac.signal),
      /already gone/,
    );
    const gate = deferred<void>();
    const first = b.execute(() => gate.promise);
    // A context whose signal aborted is seen when the call has to wait.
    await assert.rejects(
      b.execute(() => 1, { signal: ac.signal }),
      /already gone/,
    );
    assert.equal(b.queued, 0);
    gate.resolve();
    await first;
  });

  it('passes the caller’s signal on to the call', async () => {
    const b = new Bulkhead({ maxConcurrent: 1, maxQueued: 1 });
    const ac = new AbortController();
    assert.equal(await b.execute((ctx) => ctx.signal, ac.signal), ac.signal);
    assert.equal(await b.execute((ctx) => ctx.signal), undefined);
  });

  it('frees the slot when a call fails, synchronously or not', async () => {
    const b = new Bulkhead({ maxConcurrent: 1, maxQueued: 2 });
    const gate = deferred<void>();
    const first = b.execute(async () => {
      await gate.promise;
      throw new Error('async failure');
    });
    const second = b.execute(() => {
      throw new Error('sync failure');
    });
    const third = b.execute(() => 'third');
    gate.resolve();
    await assert.rejects(first, /async failure/);
    await assert.rejects(second, /sync failure/);
    assert.equal(await third, 'third');
    assert.equal(b.running, 0);
    assert.equal(b.queued, 0);
  });

  it('offers a complete sync API: tryAcquire, acquire, cancel, release', () => {
    const b = new Bulkhead({ maxConcurrent: 1, maxQueued: 1 });
    assert.equal(b.tryAcquire(), true);
    assert.equal(b.tryAcquire(), false);
    const granted: string[] = [];
    const ticket = b.acquire(() => granted.push('a'));
    assert.ok(ticket !== undefined);
    assert.equal(b.queued, 1);
    let rejected = 0;
    b.onReject(() => rejected++);
    assert.equal(
      b.acquire(() => granted.push('b')),
      undefined,
    );
    assert.equal(rejected, 1);
    b.release(); // hands the slot to 'a'
    assert.deepEqual(granted, ['a']);
    assert.equal(b.running, 1);
    assert.equal(b.queued, 0);
    assert.equal(ticket.cancel(), false);
    const t2 = b.acquire(() => granted.push('c'));
    assert.equal(t2?.cancel(), true);
    assert.equal(t2?.cancel(), false);
    b.release();
    assert.deepEqual(granted, ['a']);
    assert.equal(b.running, 0);
    // A free slot is granted at once.
    const t3 = b.acquire(() => granted.push('d'));
    assert.deepEqual(granted, ['a', 'd']);
    assert.equal(t3?.cancel(), false);
    b.release();
    assert.throws(() => b.release(), /no slot is held/);
  });

  it('rejects bad options, naming the option and the value', () => {
    assert.throws(
      () => new Bulkhead({ maxConcurrent: 0 }),
      (e: unknown) => e instanceof RangeError && /maxConcurrent.*0/.test(e.message),
    );
    assert.throws(() => new Bulkhead({ maxConcurrent: 1.5 }), /maxConcurrent.*1\.5/);
    assert.throws(
      () => new Bulkhead({ maxConcurrent: Number.POSITIVE_INFINITY }),
      /maxConcurrent.*Infinity/,
    );
    assert.throws(
      () => new Bulkhead({ maxConcurrent: 1, maxQueued: -1 }),
      (e: unknown) => e instanceof RangeError && /maxQueued.*-1/.test(e.message),
    );
    assert.throws(
      () => new Bulkhead({ maxConcurrent: 1, maxQueued: Number.NaN }),
      /maxQueued.*NaN/,
    );
    assert.throws(
      () => new Bulkhead({ maxConcurrent: '2' as unknown as number }),
      /maxConcurrent.*2/,
    );
    assert.throws(() => new Bulkhead(null as unknown as { maxConcurrent: number }), TypeError);
  });

  it('property: running ≤ maxConcurrent, queued ≤ maxQueued, FIFO grants (sync API)', () => {
    type Op =
      { op: 'acquire' } | { op: 'tryAcquire' } | { op: 'release' } | { op: 'cancel'; pick: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.constant({ op: 'acquire' as const }),
      fc.constant({ op: 'tryAcquire' as const }),
      fc.constant({ op: 'release' as const }),
      fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.array(op, { maxLength: 100 }),
        (maxConcurrent, maxQueued, ops) => {
          const b = new Bulkhead({ maxConcurrent, maxQueued });
          // Model: slots held, and the ids waiting in order.
          let held = 0;
          const waiting: number[] = [];
          const tickets = new Map<number, BulkheadTicket>();
          const granted: number[] = [];
          const expectedGrants: number[] = [];
          let next = 0;
          for (const o of ops) {
            switch (o.op) {
              case 'tryAcquire': {
                const ok = b.tryAcquire();
                assert.equal(ok, held < maxConcurrent);
                if (ok) held++;
                break;
              }
              case 'acquire': {
                const id = next++;
                const t = b.acquire(() => granted.push(id));
                if (held < maxConcurrent) {
                  held++;
                  expectedGrants.push(id);
                } else if (waiting.length < maxQueued) {
                  assert.ok(t !== undefined);
                  waiting.push(id);
                  tickets.set(id, t);
                } else {
                  assert.equal(t, undefined);
                }
                break;
              }
              case 'release': {
                if (held === 0) {
                  assert.throws(() => b.release());
                  break;
                }
                b.release();
                const first = waiting.shift();
                if (first === undefined) held--;
                else {
                  expectedGrants.push(first);
                  tickets.delete(first);
                }
                break;
              }
              case 'cancel': {
                const ids = [...tickets.keys()];
                const id = ids[o.pick % Math.max(1, ids.length)];
                if (id === undefined) break;
                assert.equal(tickets.get(id)!.cancel(), true);
                tickets.delete(id);
                waiting.splice(waiting.indexOf(id), 1);
                break;
              }
            }
            assert.ok(b.running <= maxConcurrent);
            assert.ok(b.queued <= maxQueued);
            assert.equal(b.running, held);
            assert.equal(b.queued, waiting.length);
            assert.equal(b.available, maxConcurrent - held);
            // A waiter exists only while every slot is taken: nobody can overtake the queue.
            if (b.queued > 0) assert.equal(b.running, maxConcurrent);
          }
          assert.deepEqual(granted, expectedGrants);
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('property: execute never exceeds its limits and settles every call (random finish and abort)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(
          fc.oneof(
            fc.constant({ op: 'start' as const }),
            fc.record({ op: fc.constant('finish' as const), pick: fc.nat(), ok: fc.boolean() }),
            fc.record({ op: fc.constant('abort' as const), pick: fc.nat() }),
          ),
          { maxLength: 60 },
        ),
        async (maxConcurrent, maxQueued, ops) => {
          const b = new Bulkhead({ maxConcurrent, maxQueued });
          let active = 0;
          const gates: Deferred<void>[] = [];
          const controllers: AbortController[] = [];
          const outcomes: Promise<string>[] = [];
          const check = (): void => {
            assert.ok(b.running <= maxConcurrent);
            assert.ok(b.queued <= maxQueued);
            assert.ok(active <= b.running);
          };
          for (const o of ops) {
            if (o.op === 'start') {
              const ac = new AbortController();
              controllers.push(ac);
              const gate = deferred<void>();
              outcomes.push(
                b
                  .execute(async () => {
                    active++;
                    check();
                    try {
                      gates.push(gate);
                      await gate.promise;
                    } finally {
                      active--;
                    }
                  }, ac.signal)
                  .then(
                    () => 'ok',
                    (e: unknown) =>
                      isBulkheadRejectedError(e) ? 'rejected' : String((e as Error).message),
                  ),
              );
            } else if (o.op === 'finish') {
              const g = gates.splice(o.pick % Math.max(1, gates.length), 1)[0];
              if (o.ok) g?.resolve();
              else g?.reject(new Error('failed'));
            } else {
              controllers[o.pick % Math.max(1, controllers.length)]?.abort(new Error('aborted'));
            }
            await drainMicrotasks();
            check();
          }
          // Drain: finish everything that runs until nothing is left.
          while (gates.length > 0 || b.running > 0) {
            for (const g of gates.splice(0)) g.resolve();
            await drainMicrotasks();
          }
          const results = await Promise.all(outcomes);
          assert.ok(results.every((r) => ['ok', 'rejected', 'failed', 'aborted'].includes(r)));
          assert.equal(b.running, 0);
          assert.equal(b.queued, 0);
        },
      ),
      { seed, numRuns: 100 },
    );
  });
});
