import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import type { Clock } from '../core/clock.js';
import { Rng } from '../core/rng.js';
import { ManualClock } from '../core/testing/manual-clock.js';
import { constantBackoff } from './backoff/constant.js';
import { exponentialBackoff } from './backoff/exponential.js';
import type { Backoff } from './backoff/backoff.js';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  ConcurrencyLimitError,
  DegradedError,
  IsolatedCircuitError,
  QueueDroppedError,
  RateLimitedError,
  TaskTimeoutError,
} from './errors.js';
import type { PolicyContext } from './policy.js';
import type {
  RetryContext,
  RetryEvent,
  RetryGiveUpEvent,
  RetryOptions,
  RetrySuccessEvent,
} from './retry.js';
import { defaultRetryAfterMs, defaultShouldRetry, Retry } from './retry.js';
import type { RetryBudget } from './retry-budget.js';
import { LocalRetryBudget } from './retry-budget.js';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : randomInt(2 ** 31);
console.log(`retry.test.ts fast-check seed: ${seed} (FC_SEED=${seed} reproduces)`);

function setup(options: Partial<RetryOptions> = {}): { clock: ManualClock; retry: Retry } {
  const clock = new ManualClock();
  const retry = new Retry({
    clock,
    rng: new Rng(1),
    backoff: constantBackoff({ delayMs: 100 }),
    ...options,
  });
  return { clock, retry };
}

/** A function that fails `failures` times, then returns 'ok'; records the attempts it saw. */
function flaky(failures: number, error: unknown = new Error('boom')) {
  const attempts: number[] = [];
  const fn = (ctx: RetryContext): Promise<string> => {
    attempts.push(ctx.attempt);
    return attempts.length <= failures ? Promise.reject(error) : Promise.resolve('ok');
  };
  return { fn, attempts };
}

describe('Retry', () => {
  it('returns a first-try success at once, with attempt 0 and no timer', async () => {
    const { clock, retry } = setup();
    const successes: RetrySuccessEvent[] = [];
    retry.onSuccess((e) => successes.push(e));
    const { fn, attempts } = flaky(0);
    assert.equal(await retry.execute(fn), 'ok');
    assert.deepEqual(attempts, [0]);
    assert.deepEqual(successes, [{ attempts: 1 }]);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(await retry.execute(() => 42), 42, 'a plain value works too');
  });

  it('retries after the backoff delay until the function succeeds', async () => {
    const { clock, retry } = setup({ maxAttempts: 5 });
    const retries: RetryEvent[] = [];
    const successes: RetrySuccessEvent[] = [];
    retry.onRetry((e) => retries.push(e));
    retry.onSuccess((e) => successes.push(e));
    const error = new Error('flaky');
    const { fn, attempts } = flaky(2, error);
    const p = retry.execute(fn);
    await clock.advanceAsync(99);
    assert.deepEqual(attempts, [0], 'waits the full backoff');
    await clock.advanceAsync(1);
    assert.deepEqual(attempts, [0, 1]);
    await clock.advanceAsync(100);
    assert.equal(await p, 'ok');
    assert.deepEqual(attempts, [0, 1, 2]);
    assert.deepEqual(retries, [
      { attempt: 1, delayMs: 100, error },
      { attempt: 2, delayMs: 100, error },
    ]);
    assert.deepEqual(successes, [{ attempts: 3 }]);
  });

  it('stops after maxAttempts and rethrows the last error', async () => {
    const { clock, retry } = setup({ maxAttempts: 4 });
    const giveUps: RetryGiveUpEvent[] = [];
    retry.onGiveUp((e) => giveUps.push(e));
    let n = 0;
    const p = retry.execute(() => Promise.reject(new Error(`failure ${n++}`)));
    const rejected = assert.rejects(p, /failure 3/);
    await clock.runAllAsync();
    await rejected;
    assert.equal(n, 4);
    assert.equal(giveUps.length, 1);
    assert.equal(giveUps[0]?.attempts, 4);
    assert.equal(giveUps[0]?.reason, 'attempts');
    assert.equal(clock.pendingTimers, 0);
  });

  it('never retries with maxAttempts 1, and handles a function that throws synchronously', async () => {
    const { retry } = setup({ maxAttempts: 1 });
    let n = 0;
    await assert.rejects(
      retry.execute(() => {
        n++;
        throw new Error('sync');
      }),
      /sync/,
    );
    assert.equal(n, 1);
  });

  it('retries a synchronous throw like a rejection', async () => {
    const { clock, retry } = setup();
    let n = 0;
    const p = retry.execute(() => {
      if (n++ === 0) throw new Error('once');
      return 'second';
    });
    await clock.advanceAsync(100);
    assert.equal(await p, 'second');
  });

  it('throws a non-retryable error at once', async () => {
    class HttpError extends Error {
      constructor(readonly status: number) {
        super(`HTTP ${status}`);
      }
    }
    const budget = new LocalRetryBudget({
      clock: new ManualClock(),
      minRetriesPerSecond: 0,
      initialTokens: 5,
    });
    const { clock, retry } = setup({
      budget,
      shouldRetry: (e) => !(e instanceof HttpError && e.status >= 400 && e.status < 500),
    });
    const giveUps: RetryGiveUpEvent[] = [];
    retry.onGiveUp((e) => giveUps.push(e));
    const { fn, attempts } = flaky(5, new HttpError(404));
    await assert.rejects(retry.execute(fn), /HTTP 404/);
    assert.deepEqual(attempts, [0]);
    assert.equal(giveUps[0]?.reason, 'not-retryable');
    assert.equal(budget.balance(), 5, 'a refused retry costs no token');
    assert.equal(clock.pendingTimers, 0);
  });

  it("by default does not retry breakwater's refusals, but retries timeouts and rate limits", () => {
    for (const e of [
      new BulkheadRejectedError(1, 0),
      new ConcurrencyLimitError(4),
      new QueueDroppedError('full'),
      new DegradedError('read-only', 'write'),
      new BrokenCircuitError('open', 10, 10),
      new IsolatedCircuitError('isolated'),
    ]) {
      assert.equal(defaultShouldRetry(e), false, e.name);
    }
    for (const e of [
      new RateLimitedError(5),
      new TaskTimeoutError(10),
      new Error('x'),
      'str',
      undefined,
    ]) {
      assert.equal(defaultShouldRetry(e), true, String(e));
    }
    assert.equal(defaultRetryAfterMs(new RateLimitedError(250)), 250);
    assert.equal(defaultRetryAfterMs(new BrokenCircuitError('open', 5, 7)), 7);
    assert.equal(
      defaultRetryAfterMs(new BrokenCircuitError('isolated', undefined, undefined)),
      undefined,
    );
    assert.equal(defaultRetryAfterMs({ retryAfterMs: '10' }), undefined);
    assert.equal(defaultRetryAfterMs(null), undefined);
  });

  it("honours a RateLimitedError's retryAfterMs when it is longer than the backoff", async () => {
    const { clock, retry } = setup({ backoff: constantBackoff({ delayMs: 10 }) });
    const { fn, attempts } = flaky(1, new RateLimitedError(500));
    const p = retry.execute(fn);
    await clock.advanceAsync(499);
    assert.deepEqual(attempts, [0]);
    await clock.advanceAsync(1);
    assert.equal(await p, 'ok');
    assert.deepEqual(attempts, [0, 1]);
  });

  it('clamps retry-after to maxRetryAfterMs, never shortens the backoff, and takes a custom reader', () => {
    const { retry } = setup({ backoff: constantBackoff({ delayMs: 100 }), maxRetryAfterMs: 1000 });
    assert.deepEqual(retry.decide(0, new RateLimitedError(60_000), 0), {
      retry: true,
      delayMs: 1000,
    });
    assert.deepEqual(retry.decide(0, new RateLimitedError(20), 0), { retry: true, delayMs: 100 });
    assert.deepEqual(retry.decide(0, new RateLimitedError(Number.NaN), 0), {
      retry: true,
      delayMs: 100,
    });
    const custom = setup({
      retryAfterMs: (e) => (e instanceof Error && e.message === 'slow down' ? 700 : undefined),
    }).retry;
    assert.deepEqual(custom.decide(0, new Error('slow down'), 0), { retry: true, delayMs: 700 });
    assert.deepEqual(custom.decide(0, new RateLimitedError(900), 0), { retry: true, delayMs: 100 });
  });

  it('rejects at once with the abort reason when aborted during a backoff sleep', async () => {
    const { clock, retry } = setup({ backoff: constantBackoff({ delayMs: 10_000 }) });
    const giveUps: RetryGiveUpEvent[] = [];
    retry.onGiveUp((e) => giveUps.push(e));
    const controller = new AbortController();
    const error = new Error('down');
    const { fn, attempts } = flaky(9, error);
    const p = retry.execute(fn, controller.signal);
    await clock.advanceAsync(0);
    assert.equal(clock.pendingTimers, 1, 'sleeping');
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await assert.rejects(p, (e) => e === reason);
    assert.equal(clock.pendingTimers, 0, 'the sleep timer is cancelled');
    await clock.runAllAsync();
    assert.deepEqual(attempts, [0], 'no further attempt');
    assert.deepEqual(giveUps, [{ attempts: 1, error, reason: 'aborted' }]);
  });

  it('does not retry an attempt that failed after the caller aborted, nor spend budget on it', async () => {
    const budget = new LocalRetryBudget({
      clock: new ManualClock(),
      initialTokens: 3,
      minRetriesPerSecond: 0,
    });
    const { retry } = setup({ budget });
    const controller = new AbortController();
    let n = 0;
    const p = retry.execute(() => {
      n++;
      controller.abort(new Error('stop'));
      return Promise.reject(new Error('failed while aborting'));
    }, controller.signal);
    await assert.rejects(p, /failed while aborting/);
    assert.equal(n, 1);
    assert.equal(budget.balance(), 3);
  });

  it("passes the caller's signal lazily: a success never reads it", async () => {
    const { clock, retry } = setup();
    const controller = new AbortController();
    let reads = 0;
    const parent: PolicyContext = {
      get signal() {
        reads++;
        return controller.signal;
      },
    };
    assert.equal(await retry.execute((ctx) => ctx.attempt, parent), 0);
    assert.equal(reads, 0);
    const seen: (AbortSignal | undefined)[] = [];
    const p = retry.execute((ctx) => {
      seen.push(ctx.signal);
      if (ctx.attempt === 0) throw new Error('again');
      return ctx.attempt;
    }, parent);
    await clock.advanceAsync(100);
    assert.equal(await p, 1);
    assert.deepEqual(seen, [controller.signal, controller.signal]);
    const bare = await retry.execute((ctx) => ctx.signal, controller.signal);
    assert.equal(bare, controller.signal);
    assert.equal(await retry.execute((ctx) => ctx.signal), undefined);
  });

  it('rethrows the original error when the budget is exhausted', async () => {
    const budget = new LocalRetryBudget({
      clock: new ManualClock(),
      minRetriesPerSecond: 0,
      initialTokens: 1,
    });
    const { clock, retry } = setup({ budget, maxAttempts: 10 });
    const giveUps: RetryGiveUpEvent[] = [];
    retry.onGiveUp((e) => giveUps.push(e));
    const errors = [new Error('first'), new Error('second'), new Error('third')];
    let n = 0;
    const p = retry.execute(() => Promise.reject(errors[n++]));
    const rejected = assert.rejects(p, (e) => e === errors[1]);
    await clock.runAllAsync();
    await rejected;
    assert.equal(n, 2, 'one retry paid by the one token');
    assert.deepEqual(giveUps, [{ attempts: 2, error: errors[1], reason: 'budget' }]);
    const { fn, attempts } = flaky(1, errors[0]);
    await assert.rejects(retry.execute(fn), (e) => e === errors[0]);
    assert.deepEqual(attempts, [0]);
  });

  it('shares one budget between two policies', async () => {
    const budget = new LocalRetryBudget({
      clock: new ManualClock(),
      minRetriesPerSecond: 0,
      initialTokens: 0,
    });
    const a = setup({ budget });
    const b = setup({ budget });
    for (let i = 0; i < 10; i++) assert.equal(await a.retry.execute(() => 'ok'), 'ok');
    assert.ok(
      Math.abs(budget.balance() - 1) < 1e-9,
      'first-try successes through A fill the budget',
    );
    const pb = b.retry.execute(flaky(1).fn);
    await b.clock.advanceAsync(100);
    assert.equal(await pb, 'ok', "B's retry is paid by A's successes");
    const { fn, attempts } = flaky(1);
    await assert.rejects(a.retry.execute(fn), /boom/);
    assert.deepEqual(attempts, [0], 'and then A has nothing left');
  });

  it('decide() gives the same answers execute() acts on, synchronously', () => {
    const budget = new LocalRetryBudget({
      clock: new ManualClock(),
      minRetriesPerSecond: 0,
      initialTokens: 1,
    });
    const backoff: Backoff = exponentialBackoff({ baseMs: 5, capMs: 2000, jitter: 'decorrelated' });
    const retry = new Retry({
      clock: new ManualClock(),
      rng: new Rng(9),
      backoff,
      maxAttempts: 3,
      budget,
    });
    const twin = new Rng(9);
    const d = retry.decide(0, new Error('x'), 0);
    assert.deepEqual(d, { retry: true, delayMs: backoff.next(1, 0, twin) });
    assert.deepEqual(retry.decide(1, new BulkheadRejectedError(1, 1), 10), {
      retry: false,
      reason: 'not-retryable',
    });
    assert.deepEqual(retry.decide(1, new Error('x'), 10), { retry: false, reason: 'budget' });
    assert.deepEqual(retry.decide(2, new Error('x'), 10), { retry: false, reason: 'attempts' });
    budget.recordFirstTry(true);
    retry.recordFirstTry(true);
    assert.ok(Math.abs(budget.balance() - 0.2) < 1e-12, 'recordFirstTry feeds the budget');
    assert.equal(new Retry({ clock: new ManualClock(), rng: new Rng(1) }).maxAttempts, 3);
  });

  it('keeps total calls within the budget bound under 100 % failure (simulated with decide)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 300 }),
        (ratio, floor, maxAttempts, gapsMs) => {
          const clock = new ManualClock();
          const budget = new LocalRetryBudget({
            clock,
            ratio,
            minRetriesPerSecond: floor,
            depositOn: 'first-try',
          });
          const initial = budget.balance();
          const retry = new Retry({ clock, rng: new Rng(seed), maxAttempts, budget });
          let calls = 0;
          for (const gap of gapsMs) {
            clock.advance(gap);
            calls++;
            retry.recordFirstTry(false);
            let previous = 0;
            for (let attempt = 0; ; attempt++) {
              const d = retry.decide(attempt, new Error('down'), previous);
              if (!d.retry) break;
              assert.ok(d.delayMs >= 0 && d.delayMs <= 20_000);
              previous = d.delayMs;
              calls++;
            }
          }
          const bound = (1 + ratio) * gapsMs.length + (floor * clock.monotonic()) / 1000 + initial;
          assert.ok(calls <= bound + 1e-6, `${calls} > ${bound}`);
        },
      ),
      { seed, numRuns: 200 },
    );
  });

  it('keeps total calls within the budget bound under 100 % failure (concurrent execute)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 60 }),
        async (ratio, floor, concurrent) => {
          const clock = new ManualClock();
          const budget = new LocalRetryBudget({ clock, ratio, minRetriesPerSecond: floor });
          const initial = budget.balance();
          const retry = new Retry({ clock, rng: new Rng(seed), maxAttempts: 5, budget });
          let calls = 0;
          const settled = Array.from({ length: concurrent }, () =>
            retry
              .execute(() => {
                calls++;
                return Promise.reject(new Error('down'));
              })
              .then(
                () => assert.fail('cannot succeed'),
                () => undefined,
              ),
          );
          await clock.runAllAsync();
          await Promise.all(settled);
          const bound = (1 + ratio) * concurrent + (floor * clock.monotonic()) / 1000 + initial;
          assert.ok(calls <= bound + 1e-6, `${calls} > ${bound}`);
        },
      ),
      { seed, numRuns: 50 },
    );
  });

  it('rejects bad options, naming the option and the value', () => {
    const clock = new ManualClock();
    const rng = new Rng(1);
    assert.throws(
      () => new Retry({ clock: undefined as unknown as Clock, rng }),
      /Retry: clock must be a Clock/,
    );
    assert.throws(
      () => new Retry({ clock, rng: {} as Rng }),
      /Retry: rng must be an Rng, got an object/,
    );
    assert.throws(
      () => new Retry({ clock, rng, maxAttempts: 0 }),
      /maxAttempts must be >= 1, got 0/,
    );
    assert.throws(() => new Retry({ clock, rng, maxAttempts: 2.5 }), /maxAttempts .*got 2.5/);
    assert.doesNotThrow(() => new Retry({ clock, rng, maxAttempts: Infinity }));
    assert.throws(
      () => new Retry({ clock, rng, maxRetryAfterMs: -1 }),
      /maxRetryAfterMs must be >= 0, got -1/,
    );
    assert.throws(
      () => new Retry({ clock, rng, backoff: {} as Backoff }),
      /backoff must be a Backoff/,
    );
    assert.throws(
      () => new Retry({ clock, rng, budget: {} as RetryBudget }),
      /budget must be a RetryBudget/,
    );
    assert.throws(
      () => new Retry({ clock, rng, shouldRetry: true as unknown as () => boolean }),
      /shouldRetry must be a function, got true/,
    );
    assert.throws(
      () => new Retry({ clock, rng, retryAfterMs: 5 as unknown as () => number }),
      /retryAfterMs must be a function, got 5/,
    );
  });
});
