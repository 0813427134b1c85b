import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManualClock } from '../core/testing/manual-clock.js';
import { AdaptiveConcurrency, classifyLimitOutcome } from './adaptive-concurrency.js';
import type { ConcurrencyRejectEvent, LimitChangeEvent } from './adaptive-concurrency.js';
import {
  BrokenCircuitError,
  ConcurrencyLimitError,
  TaskTimeoutError,
  isConcurrencyLimitError,
} from './errors.js';
import { AimdLimit } from './limit/aimd-limit.js';
import { GradientLimit } from './limit/gradient-limit.js';
import type { LimitAlgorithm, LimitOutcome } from './limit/limit-algorithm.js';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20251020;
console.log(`adaptive-concurrency.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

/** A fixed-limit algorithm that records what it is shown. */
class Recorder implements LimitAlgorithm {
  readonly samples: Array<[number, number, boolean]> = [];
  constructor(public limit: number) {}
  onSample(rttMs: number, inFlight: number, dropped: boolean): number {
    this.samples.push([rttMs, inFlight, dropped]);
    return this.limit;
  }
}

describe('AdaptiveConcurrency', () => {
  it('admits up to the limit and rejects above it', () => {
    const limiter = new AdaptiveConcurrency({
      algorithm: new Recorder(2),
      clock: new ManualClock(),
    });
    const rejects: ConcurrencyRejectEvent[] = [];
    limiter.onReject((e) => rejects.push(e));
    assert.equal(limiter.acquire(), true);
    assert.ok(limiter.tryAcquire() !== undefined);
    assert.equal(limiter.inFlight, 2);
    assert.equal(limiter.acquire(), false);
    assert.equal(limiter.tryAcquire(), undefined);
    assert.deepEqual(rejects, [
      { limit: 2, inFlight: 2 },
      { limit: 2, inFlight: 2 },
    ]);
    limiter.release(10, 'ignore');
    assert.equal(limiter.acquire(), true);
  });

  it('complete() measures RTT on the clock and passes the in-flight count at start', () => {
    const clock = new ManualClock();
    const algo = new Recorder(10);
    const limiter = new AdaptiveConcurrency({ algorithm: algo, clock });
    limiter.acquire();
    const start = clock.monotonic();
    const inFlight = limiter.inFlight;
    limiter.acquire();
    clock.advance(25);
    limiter.complete(start, 'success', inFlight);
    limiter.complete(start, 'dropped');
    limiter.acquire();
    limiter.complete(start, 'ignore');
    assert.deepEqual(algo.samples, [
      [25, 1, false],
      [25, 1, true],
    ]);
    assert.equal(limiter.inFlight, 0);
  });

  it('tokens remember their start and release once', () => {
    const clock = new ManualClock();
    const algo = new Recorder(10);
    const limiter = new AdaptiveConcurrency({ algorithm: algo, clock });
    const token = limiter.tryAcquire();
    assert.ok(token !== undefined);
    assert.equal(token.inFlight, 1);
    clock.advance(7);
    token.release('success');
    token.release('success');
    assert.deepEqual(algo.samples, [[7, 1, false]]);
    assert.equal(limiter.inFlight, 0);
  });

  it('release without acquire throws', () => {
    const limiter = new AdaptiveConcurrency({ clock: new ManualClock() });
    assert.throws(() => limiter.release(1, 'success'), /without a matching acquire/);
  });

  it('with AIMD, grows under success near the limit and cuts on drops', () => {
    const clock = new ManualClock();
    const limiter = new AdaptiveConcurrency({
      algorithm: new AimdLimit({ initialLimit: 4, minLimit: 2, maxLimit: 6 }),
      clock,
    });
    const changes: LimitChangeEvent[] = [];
    limiter.onLimitChange((e) => changes.push(e));
    // Fill the limit and complete each call successfully: +1 each time, up to maxLimit.
    for (let round = 0; round < 5; round++) {
      const n = limiter.limit;
      for (let i = 0; i < n; i++) assert.equal(limiter.acquire(), true);
      assert.equal(limiter.acquire(), false, 'rejects above the limit');
      for (let i = 0; i < n; i++) limiter.release(10, 'success', n);
    }
    assert.equal(limiter.limit, 6);
    assert.deepEqual(changes.slice(0, 2), [
      { from: 4, to: 5 },
      { from: 5, to: 6 },
    ]);
    for (let i = 0; i < 5; i++) {
      limiter.acquire();
      limiter.release(10, 'dropped', 1);
    }
    assert.equal(limiter.limit, 2, 'cut down to minLimit, not below');
  });

  it('with Gradient, lowers the limit when latency rises and recovers after', () => {
    const clock = new ManualClock();
    const limiter = new AdaptiveConcurrency({
      algorithm: new GradientLimit({ initialLimit: 20, maxLimit: 40 }),
      clock,
    });
    const run = (calls: number, rttMs: number): void => {
      for (let i = 0; i < calls; i++) {
        const n = limiter.limit;
        for (let j = 0; j < n; j++) limiter.acquire();
        for (let j = 0; j < n; j++) limiter.release(rttMs, 'success', n);
      }
    };
    run(30, 10);
    assert.equal(limiter.limit, 40);
    run(5, 50);
    assert.ok(limiter.limit < 15, `limit under load ${limiter.limit}`);
    run(20, 10);
    assert.equal(limiter.limit, 40);
  });

  describe('execute', () => {
    it('runs the function, measures its RTT and reports success', async () => {
      const clock = new ManualClock();
      const algo = new Recorder(5);
      const limiter = new AdaptiveConcurrency({ algorithm: algo, clock });
      const p = limiter.execute(async (ctx) => {
        assert.equal(ctx.signal, undefined);
        await clock.sleep(40);
        return 'ok';
      });
      assert.equal(limiter.inFlight, 1);
      await clock.advanceAsync(40);
      assert.equal(await p, 'ok');
      assert.deepEqual(algo.samples, [[40, 1, false]]);
      assert.equal(limiter.inFlight, 0);
    });

    it('rejects at once with ConcurrencyLimitError above the limit', async () => {
      const clock = new ManualClock();
      const limiter = new AdaptiveConcurrency({ algorithm: new Recorder(1), clock });
      const first = limiter.execute(() => clock.sleep(10));
      const err = await limiter
        .execute(() => 'never')
        .then(
          () => assert.fail('should reject'),
          (e: unknown) => e,
        );
      assert.ok(err instanceof ConcurrencyLimitError && isConcurrencyLimitError(err));
      assert.equal(err.limit, 1);
      await clock.advanceAsync(10);
      await first;
    });

    it('classifies failures: timeouts are drops, other errors are ignored', async () => {
      const clock = new ManualClock();
      const algo = new Recorder(5);
      const limiter = new AdaptiveConcurrency({ algorithm: algo, clock });
      await assert.rejects(
        limiter.execute(() => {
          throw new TaskTimeoutError(100);
        }),
        TaskTimeoutError,
      );
      await assert.rejects(
        limiter.execute(() => Promise.reject(new Error('bad request'))),
        /bad request/,
      );
      assert.deepEqual(algo.samples, [[0, 1, true]]);
      assert.equal(limiter.inFlight, 0);
    });

    it('uses a custom classify, and survives one that throws', async () => {
      const clock = new ManualClock();
      const algo = new Recorder(5);
      const seen: unknown[] = [];
      const limiter = new AdaptiveConcurrency({
        algorithm: algo,
        clock,
        classify: (e): LimitOutcome => {
          seen.push(e);
          if (e === 'throw') throw new Error('classifier bug');
          return 'dropped';
        },
      });
      await assert.rejects(
        limiter.execute(() => Promise.reject(new Error('503'))),
        /503/,
      );
      await assert.rejects(limiter.execute(() => Promise.reject('throw')));
      assert.equal(seen.length, 2);
      assert.deepEqual(algo.samples, [[0, 1, true]]);
      assert.equal(limiter.inFlight, 0);
    });

    it('passes the caller signal on to the function', async () => {
      const limiter = new AdaptiveConcurrency({ clock: new ManualClock() });
      const controller = new AbortController();
      assert.equal(
        await limiter.execute((ctx) => ctx.signal, controller.signal),
        controller.signal,
      );
    });
  });

  it('the default classifier treats overload refusals as drops', () => {
    assert.equal(classifyLimitOutcome(new TaskTimeoutError(1)), 'dropped');
    assert.equal(classifyLimitOutcome(new BrokenCircuitError('open', 1, 1)), 'dropped');
    assert.equal(classifyLimitOutcome(new ConcurrencyLimitError(3)), 'dropped');
    assert.equal(classifyLimitOutcome(new Error('x')), 'ignore');
    assert.equal(classifyLimitOutcome(new DOMException('aborted', 'AbortError')), 'ignore');
  });

  it('rejects bad options', () => {
    assert.throws(
      () => new AdaptiveConcurrency({ algorithm: {} as LimitAlgorithm }),
      (e: unknown) => e instanceof TypeError && e.message.includes('algorithm'),
    );
    assert.throws(
      () => new AdaptiveConcurrency({ classify: 'x' as unknown as (e: unknown) => LimitOutcome }),
      (e: unknown) => e instanceof TypeError && e.message.includes('classify'),
    );
  });

  it('never lets in-flight exceed the limit at acquire time (property)', () => {
    type Op =
      | { kind: 'acquire' }
      | { kind: 'complete'; pick: number; rttMs: number; outcome: LimitOutcome };
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.constant({ kind: 'acquire' as const }),
      fc.record({
        kind: fc.constant('complete' as const),
        pick: fc.nat(),
        rttMs: fc.double({ min: 0, max: 10_000, noNaN: true }),
        outcome: fc.constantFrom<LimitOutcome>('success', 'dropped', 'ignore'),
      }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('aimd', 'gradient'),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 0, max: 30 }),
        fc.array(opArb, { maxLength: 400 }),
        (kind, minLimit, span, ops) => {
          const maxLimit = minLimit + span;
          const algorithm =
            kind === 'aimd'
              ? new AimdLimit({ minLimit, maxLimit, initialLimit: minLimit, timeoutMs: 5000 })
              : new GradientLimit({ minLimit, maxLimit, initialLimit: minLimit });
          const limiter = new AdaptiveConcurrency({ algorithm, clock: new ManualClock() });
          const held: number[] = []; // in-flight count at each admitted call's start
          for (const op of ops) {
            if (op.kind === 'acquire') {
              const limitBefore = limiter.limit;
              if (limiter.acquire()) {
                assert.ok(limiter.inFlight <= limitBefore, 'admitted above the limit');
                held.push(limiter.inFlight);
              } else {
                assert.ok(limiter.inFlight >= limitBefore, 'refused below the limit');
              }
            } else if (held.length > 0) {
              const [inFlight] = held.splice(op.pick % held.length, 1);
              limiter.release(op.rttMs, op.outcome, inFlight);
            }
            assert.equal(limiter.inFlight, held.length);
            assert.ok(limiter.limit >= minLimit && limiter.limit <= maxLimit);
          }
        },
      ),
      { seed, numRuns: 200 },
    );
  });
});
