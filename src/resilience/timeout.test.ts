import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { drainMicrotasks } from '../core/microtasks.js';
import { ManualClock } from '../core/testing/manual-clock.js';
import { TaskTimeoutError, isTaskTimeoutError } from './errors.js';
import type { PolicyContext } from './policy.js';
import { Timeout } from './timeout.js';
import type { TimeoutEvent } from './timeout.js';

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

type Outcome<T> =
  { state: 'pending' } | { state: 'fulfilled'; value: T } | { state: 'rejected'; reason: unknown };
/** Tracks a promise's outcome without awaiting it. */
function track<T>(p: Promise<T>): { readonly outcome: Outcome<T> } {
  const box: { outcome: Outcome<T> } = { outcome: { state: 'pending' } };
  p.then(
    (value) => (box.outcome = { state: 'fulfilled', value }),
    (reason: unknown) => (box.outcome = { state: 'rejected', reason }),
  );
  return box;
}

/** Counts `new AbortController()` while `body` runs, then restores the real one. */
async function countControllers(body: () => Promise<void>): Promise<number> {
  const Real = globalThis.AbortController;
  let count = 0;
  class Counting extends Real {
    constructor() {
      super();
      count++;
    }
  }
  globalThis.AbortController = Counting;
  try {
    await body();
  } finally {
    globalThis.AbortController = Real;
  }
  return count;
}

describe('Timeout', () => {
  it('resolves fast calls, sync and async, and stops tracking them', async () => {
    const clock = new ManualClock();
    const t = new Timeout({ timeoutMs: 100, clock });
    assert.equal(await t.execute(() => 1), 1);
    assert.equal(await t.execute(() => Promise.resolve('a')), 'a');
    const d = deferred<string>();
    const p = t.execute(() => d.promise);
    assert.equal(t.inFlight, 1);
    await clock.advanceAsync(99);
    d.resolve('late but in time');
    assert.equal(await p, 'late but in time');
    assert.equal(t.inFlight, 0);
  });

  it('passes on a synchronous throw and a rejection of the callee', async () => {
    const clock = new ManualClock();
    for (const strategy of ['aggressive', 'cooperative'] as const) {
      const t = new Timeout({ timeoutMs: 100, clock, strategy });
      await assert.rejects(
        t.execute(() => {
          throw new Error('sync boom');
        }),
        /sync boom/,
      );
      await assert.rejects(
        t.execute(() => Promise.reject(new Error('async boom'))),
        /async boom/,
      );
      assert.equal(t.inFlight, 0);
    }
  });

  it('aggressive: rejects a slow call with TaskTimeoutError at exactly the deadline', async () => {
    const clock = new ManualClock();
    const t = new Timeout({ timeoutMs: 100, clock });
    const events: TimeoutEvent[] = [];
    t.onTimeout((e) => events.push(e));
    const result = track(t.execute(() => new Promise<never>(() => {})));
    await clock.advanceAsync(99);
    assert.equal(result.outcome.state, 'pending');
    await clock.advanceAsync(1);
    assert.equal(result.outcome.state, 'rejected');
    const reason = (result.outcome as { reason: unknown }).reason;
    assert.ok(reason instanceof TaskTimeoutError);
    assert.ok(isTaskTimeoutError(reason));
    assert.equal(reason.timeoutMs, 100);
    assert.deepEqual(events, [{ timeoutMs: 100 }]);
    assert.equal(t.inFlight, 0);
  });

  it('cooperative: aborts the signal at the deadline and passes on the callee’s own rejection', async () => {
    const clock = new ManualClock();
    const t = new Timeout({ timeoutMs: 50, clock, strategy: 'cooperative' });
    let seen: unknown;
    const p = t.execute(
      ({ signal }) =>
        new Promise<never>((_, reject) => {
          signal!.addEventListener('abort', () => {
            seen = signal!.reason;
            reject(new Error('callee gave up', { cause: signal!.reason }));
          });
        }),
    );
    const result = track(p);
    await clock.advanceAsync(49);
    assert.equal(result.outcome.state, 'pending');
    await clock.advanceAsync(1);
    assert.ok(seen instanceof TaskTimeoutError);
    assert.equal(result.outcome.state, 'rejected');
    assert.match(String((result.outcome as { reason: unknown }).reason), /callee gave up/);
  });

  it('cooperative: waits for a callee that ignores its signal, and returns its result', async () => {
    const clock = new ManualClock();
    const t = new Timeout({ timeoutMs: 50, clock, strategy: 'cooperative' });
    let timeouts = 0;
    t.onTimeout(() => timeouts++);
    const result = track(t.execute(() => clock.sleep(80).then(() => 'done anyway')));
    await clock.advanceAsync(60);
    assert.equal(timeouts, 1);
    assert.equal(result.outcome.state, 'pending');
    await clock.advanceAsync(20);
    assert.deepEqual(result.outcome, { state: 'fulfilled', value: 'done anyway' });
  });

  it('creates no AbortController when the callee never reads its signal', async () => {
    const clock = new ManualClock();
    const outer = new AbortController();
    const count = await countControllers(async () => {
      for (const strategy of ['aggressive', 'cooperative'] as const) {
        const t = new Timeout({ timeoutMs: 10, clock, strategy });
        for (let i = 0; i < 100; i++) await t.execute(() => Promise.resolve(i));
        await t.execute(() => 1, outer.signal);
        // A timed-out call that never asked for a signal does not get one either.
        const p = t.execute(() => clock.sleep(20)).catch(() => 'settled');
        await clock.advanceAsync(20);
        assert.equal(await p, strategy === 'aggressive' ? 'settled' : undefined);
      }
    });
    assert.equal(count, 0);
    const read = await countControllers(async () => {
      const t = new Timeout({ timeoutMs: 10, clock });
      await t.execute((ctx) => ctx.signal);
    });
    assert.equal(read, 1);
  });

  it('hands out an already-aborted signal when read after the deadline', async () => {
    const clock = new ManualClock();
    const t = new Timeout({ timeoutMs: 10, clock, strategy: 'cooperative' });
    let late: AbortSignal | undefined;
    const p = t.execute(async (ctx) => {
      await clock.sleep(15);
      late = ctx.signal;
      return 'x';
    });
    await clock.advanceAsync(15);
    assert.equal(await p, 'x');
    assert.equal(late?.aborted, true);
    assert.ok(late?.reason instanceof TaskTimeoutError);
  });

  it('rejects at once, without calling fn, when the caller’s signal has already aborted', async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    ac.abort(new Error('caller left'));
    for (const strategy of ['aggressive', 'cooperative'] as const) {
      const t = new Timeout({ timeoutMs: 10, clock, strategy });
      let called = false;
      await assert.rejects(
        t.execute(() => (called = true), ac.signal),
        /caller left/,
      );
      assert.equal(called, false);
      assert.equal(t.inFlight, 0);
    }
  });

  it('aggressive: rejects with the caller’s reason when its AbortSignal aborts, and aborts the lazy signal', async () => {
    const clock = new ManualClock();
    const t = new Timeout({ timeoutMs: 100, clock });
    const ac = new AbortController();
    let inner: AbortSignal | undefined;
    const result = track(
      t.execute((ctx) => {
        inner = ctx.signal;
        return new Promise<never>(() => {});
      }, ac.signal),
    );
    assert.equal(getEventListeners(ac.signal, 'abort').length, 1);
    ac.abort(new Error('user cancelled'));
    await drainMicrotasks();
    assert.equal(result.outcome.state, 'rejected');
    assert.match(String((result.outcome as { reason: unknown }).reason), /user cancelled/);
    assert.equal(inner?.aborted, true);
    assert.match(String(inner?.reason), /user cancelled/);
    assert.equal(t.inFlight, 0);
    assert.equal(getEventListeners(ac.signal, 'abort').length, 0);
  });

  it('propagates a nested parent’s abort into the lazy signal (context passed as the signal)', async () => {
    const clock = new ManualClock();
    const outer = new Timeout({ timeoutMs: 30, clock });
    const inner = new Timeout({ timeoutMs: 100, clock, strategy: 'cooperative' });
    let innerSignal: AbortSignal | undefined;
    const result = track(
      outer.execute((outerCtx: PolicyContext) =>
        inner.execute((ctx) => {
          innerSignal = ctx.signal;
          return new Promise<never>(() => {});
        }, outerCtx),
      ),
    );
    await clock.advanceAsync(29);
    assert.equal(innerSignal?.aborted, false);
    await clock.advanceAsync(1);
    assert.equal(innerSignal?.aborted, true);
    const reason: unknown = innerSignal?.reason;
    assert.ok(reason instanceof TaskTimeoutError);
    assert.equal(reason.timeoutMs, 30);
    assert.equal(result.outcome.state, 'rejected');
    // The inner call was told by its parent; it no longer watches its own deadline.
    assert.equal(inner.inFlight, 0);
  });

  it("rejects at once when an outer policy's context carries an aborted signal", async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    const t = new Timeout({ timeoutMs: 100, clock });
    const parent: PolicyContext = { signal: ac.signal };
    ac.abort(new Error('gone'));
    await assert.rejects(
      t.execute(() => new Promise<never>(() => {}), parent),
      /gone/,
    );
    assert.equal(t.inFlight, 0);
    // Cooperative: the callee learns of it through its own signal.
    const c = new Timeout({ timeoutMs: 100, clock, strategy: 'cooperative' });
    assert.equal(await c.execute((ctx) => ctx.signal!.aborted, parent), true);
  });

  it("rejects at once when an outer policy's context aborts mid-call", async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    const t = new Timeout({ timeoutMs: 100, clock });
    const p = t.execute(() => new Promise<never>(() => {}), { signal: ac.signal });
    await clock.advanceAsync(10);
    ac.abort(new Error('caller left'));
    await assert.rejects(p, /caller left/);
    assert.equal(clock.now(), 10);
  });

  it('keeps at most one timer armed for many concurrent calls', async () => {
    const clock = new ManualClock();
    const t = new Timeout({ timeoutMs: 100, clock });
    const n = 1000;
    const fast: Deferred<number>[] = [];
    const results: { readonly outcome: Outcome<number> }[] = [];
    for (let i = 0; i < n; i++) {
      const d = deferred<number>();
      fast.push(d);
      results.push(track(t.execute(() => d.promise)));
      if (i % 10 === 9 && i < n - 1) clock.advance(1);
      assert.ok(clock.pendingTimers <= 1, `pending timers ${clock.pendingTimers}`);
    }
    // Half finish early, the head among them.
    for (let i = 0; i < n; i += 2) fast[i]!.resolve(i);
    await drainMicrotasks();
    assert.equal(t.inFlight, n / 2);
    // Step to each deadline in turn: calls started at tick k expire at exactly k + 100.
    for (let k = 0; k < n / 10; k++) {
      clock.advanceTo(k + 100);
      await drainMicrotasks();
      assert.ok(clock.pendingTimers <= 1);
      for (let i = 0; i < n; i++) {
        const expected =
          i % 2 === 0 ? 'fulfilled' : Math.floor(i / 10) <= k ? 'rejected' : 'pending';
        assert.equal(results[i]!.outcome.state, expected, `call ${i} at ${clock.monotonic()}`);
      }
    }
    assert.equal(t.inFlight, 0);
  });

  it('swallows the callee’s late result or rejection after an aggressive timeout', async () => {
    const clock = new ManualClock();
    const t = new Timeout({ timeoutMs: 10, clock });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const late = deferred<never>();
      const lateOk = deferred<string>();
      const p1 = assert.rejects(
        t.execute(() => late.promise),
        TaskTimeoutError,
      );
      const p2 = assert.rejects(
        t.execute(() => lateOk.promise),
        TaskTimeoutError,
      );
      await clock.advanceAsync(10);
      await p1;
      await p2;
      late.reject(new Error('too late'));
      lateOk.resolve('too late too');
      await drainMicrotasks();
      await drainMicrotasks();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    assert.deepEqual(unhandled, []);
  });

  it('removes its listener from the caller’s signal when the call ends', async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    for (const strategy of ['aggressive', 'cooperative'] as const) {
      const t = new Timeout({ timeoutMs: 10, clock, strategy });
      await t.execute((ctx) => ctx.signal?.aborted, ac.signal);
      await t.execute(() => 1, ac.signal);
      const p = assert.rejects(
        t.execute((ctx) => clock.sleep(20, ctx.signal), ac.signal),
        TaskTimeoutError,
      );
      await clock.advanceAsync(20);
      await p;
      assert.equal(getEventListeners(ac.signal, 'abort').length, 0, strategy);
    }
  });

  it('lets an idle unref’d timer lapse, and cancels a ref’d one when nothing is in flight', async () => {
    const lapsing = new ManualClock();
    const t1 = new Timeout({ timeoutMs: 10, clock: lapsing });
    await t1.execute(() => 1);
    await t1.execute(() => 2);
    assert.equal(lapsing.pendingTimers, 1);
    await lapsing.advanceAsync(10);
    assert.equal(lapsing.pendingTimers, 0);

    const cancelling = new ManualClock();
    const t2 = new Timeout({ timeoutMs: 10, clock: cancelling, unref: false });
    const d = deferred<number>();
    const p = t2.execute(() => d.promise);
    assert.equal(cancelling.pendingTimers, 1);
    d.resolve(3);
    assert.equal(await p, 3);
    assert.equal(cancelling.pendingTimers, 0);
  });

  it('re-arms for the next call when the head finished early', async () => {
    const clock = new ManualClock();
    const t = new Timeout({ timeoutMs: 10, clock });
    await t.execute(() => 'quick'); // arms for t=10, then finishes
    clock.advance(5);
    const result = track(t.execute(() => new Promise<never>(() => {}))); // deadline t=15
    await clock.advanceAsync(5); // the t=10 timer finds nothing due and re-arms
    assert.equal(result.outcome.state, 'pending');
    assert.equal(clock.nextDue(), 15);
    await clock.advanceAsync(5);
    assert.equal(result.outcome.state, 'rejected');
  });

  it('offers the pure decision API', () => {
    const t = new Timeout({ timeoutMs: 250, clock: new ManualClock() });
    assert.equal(t.timeoutMs, 250);
    assert.equal(t.strategy, 'aggressive');
    assert.equal(t.deadlineFor(1000), 1250);
    assert.equal(t.isExpired(1000, 1249), false);
    assert.equal(t.isExpired(1000, 1250), true);
  });

  it('rejects bad options, naming the option and the value', () => {
    const clock = new ManualClock();
    assert.throws(() => new Timeout({ timeoutMs: 0, clock }), RangeError);
    assert.throws(() => new Timeout({ timeoutMs: -1, clock }), /timeoutMs.*-1/);
    assert.throws(
      () => new Timeout({ timeoutMs: Number.POSITIVE_INFINITY, clock }),
      /timeoutMs.*Infinity/,
    );
    assert.throws(() => new Timeout({ timeoutMs: Number.NaN, clock }), /timeoutMs.*NaN/);
    assert.throws(
      () => new Timeout({ timeoutMs: 10, clock, strategy: 'optimistic' as 'aggressive' }),
      (e: unknown) => e instanceof RangeError && /strategy.*optimistic/.test(e.message),
    );
    assert.throws(
      () => new Timeout({ timeoutMs: 10, clock: {} as ManualClock }),
      (e: unknown) => e instanceof TypeError && /clock/.test(e.message),
    );
    assert.throws(
      () => new Timeout({ timeoutMs: 10, clock, unref: 1 as unknown as boolean }),
      (e: unknown) => e instanceof TypeError && /unref.*1/.test(e.message),
    );
    assert.throws(() => new Timeout(undefined as unknown as { timeoutMs: number }), TypeError);
  });
});
