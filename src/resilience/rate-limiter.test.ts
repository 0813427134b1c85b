import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManualClock } from '../core/testing/manual-clock.js';
import { EventEmitter } from '../core/events.js';
import { RateLimitedError, isRateLimitedError } from './errors.js';
import { RateLimiter } from './rate-limiter.js';
import type { RateLimiterOptions } from './rate-limiter.js';
import type { RampShape } from './recovery-ramp.js';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20251020;
console.log(`rate-limiter.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

function drain(limiter: RateLimiter): number {
  let n = 0;
  while (limiter.tryAcquire()) n++;
  return n;
}

describe('RateLimiter', () => {
  it('starts full and admits a burst, then refuses', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ clock, ratePerSecond: 10, burst: 5 });
    assert.equal(limiter.available(), 5);
    assert.equal(drain(limiter), 5);
    assert.equal(limiter.tryAcquire(), false);
  });

  it('refills lazily at ratePerSecond and never above burst', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ clock, ratePerSecond: 10, burst: 5 });
    drain(limiter);
    clock.advance(99);
    assert.equal(limiter.tryAcquire(), false);
    clock.advance(1);
    assert.equal(limiter.tryAcquire(), true);
    clock.advance(350);
    assert.equal(drain(limiter), 3);
    clock.advance(60_000);
    assert.equal(limiter.available(), 5);
    assert.equal(drain(limiter), 5);
  });

  it('defaults burst to one second of rate, at least 1', () => {
    const clock = new ManualClock();
    assert.equal(new RateLimiter({ clock, ratePerSecond: 50 }).burst, 50);
    assert.equal(new RateLimiter({ clock, ratePerSecond: 0.5 }).burst, 1);
  });

  it('takes several tokens at once', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ clock, ratePerSecond: 10, burst: 5 });
    assert.equal(limiter.tryAcquire(3), true);
    assert.equal(limiter.tryAcquire(3), false);
    assert.equal(limiter.tryAcquire(2), true);
  });

  it('retryAfterMs says exactly how long until enough tokens', () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ clock, ratePerSecond: 3, burst: 4 });
    assert.equal(limiter.retryAfterMs(), 0);
    drain(limiter);
    const wait1 = limiter.retryAfterMs(1);
    assert.ok(Math.abs(wait1 - 1000 / 3) < 1e-9);
    assert.ok(Math.abs(limiter.retryAfterMs(2) - 2000 / 3) < 1e-9);
    assert.equal(limiter.retryAfterMs(5), Infinity, 'more than burst never fits');
    clock.advance(wait1 - 1);
    assert.equal(limiter.tryAcquire(), false);
    clock.advance(limiter.retryAfterMs(1));
    assert.equal(limiter.tryAcquire(), true, 'waiting exactly retryAfterMs is enough');
  });

  it('execute runs the function with a context, or rejects with RateLimitedError', async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ clock, ratePerSecond: 2, burst: 1 });
    const controller = new AbortController();
    const got = await limiter.execute((ctx) => ctx.signal, controller.signal);
    assert.equal(got, controller.signal);
    const err = await limiter
      .execute(() => 'never')
      .then(
        () => assert.fail('should reject'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof RateLimitedError);
    assert.ok(isRateLimitedError(err));
    assert.equal(err.retryAfterMs, 500);
  });

  it('execute passes on what the function throws', async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ clock, ratePerSecond: 2 });
    await assert.rejects(
      limiter.execute(() => {
        throw new Error('boom');
      }),
      /boom/,
    );
    await assert.rejects(
      limiter.execute(() => Promise.reject(new Error('async boom'))),
      /async/,
    );
  });

  describe('waiting mode (maxWaitMs)', () => {
    it('reserves tokens so waiters run in order, spaced by the rate, without overdraw', async () => {
      const clock = new ManualClock();
      const limiter = new RateLimiter({ clock, ratePerSecond: 10, burst: 1, maxWaitMs: 1000 });
      const ran: Array<[number, number]> = [];
      const calls = [0, 1, 2, 3].map((i) =>
        limiter.execute(() => {
          ran.push([i, clock.monotonic()]);
          return i;
        }),
      );
      // The bucket is in debt for the three waiters: a sync caller cannot jump the queue.
      assert.equal(limiter.tryAcquire(), false);
      assert.ok(Math.abs(limiter.available() - -3) < 1e-9);
      await clock.advanceAsync(300);
      assert.deepEqual(await Promise.all(calls), [0, 1, 2, 3]);
      assert.deepEqual(ran, [
        [0, 0],
        [1, 100],
        [2, 200],
        [3, 300],
      ]);
    });

    it('rejects at once when the wait would exceed maxWaitMs', async () => {
      const clock = new ManualClock();
      const limiter = new RateLimiter({ clock, ratePerSecond: 10, burst: 1, maxWaitMs: 150 });
      const a = limiter.execute(() => 'a');
      const b = limiter.execute(() => 'b'); // waits 100 ms
      const c = limiter.execute(() => 'c'); // would wait 200 ms
      const err = await c.then(
        () => assert.fail('should reject'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof RateLimitedError);
      assert.ok(Math.abs(err.retryAfterMs - 200) < 1e-9);
      await clock.advanceAsync(100);
      assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
      assert.equal(clock.pendingTimers, 0);
    });

    it('an abort while waiting rejects with the reason and gives the token back', async () => {
      const clock = new ManualClock();
      const limiter = new RateLimiter({ clock, ratePerSecond: 10, burst: 1, maxWaitMs: 10_000 });
      assert.equal(limiter.tryAcquire(), true);
      const controller = new AbortController();
      let ran = false;
      const waiting = limiter.execute(() => (ran = true), controller.signal);
      const next = limiter.execute(() => clock.monotonic()); // queued behind it, due at 200
      await clock.advanceAsync(50);
      controller.abort(new Error('caller gave up'));
      await assert.rejects(waiting, /caller gave up/);
      assert.equal(ran, false);
      await clock.advanceAsync(150);
      assert.equal(await next, 200);
      // The aborted waiter's token was refunded: one is available at 200 without waiting.
      assert.equal(limiter.tryAcquire(), true);
      assert.equal(clock.pendingTimers, 0);
    });

    it('an already aborted signal rejects at once and refunds', async () => {
      const clock = new ManualClock();
      const limiter = new RateLimiter({ clock, ratePerSecond: 10, burst: 1, maxWaitMs: 1000 });
      limiter.tryAcquire();
      const controller = new AbortController();
      controller.abort(new Error('already'));
      await assert.rejects(
        limiter.execute(() => 1, controller.signal),
        /already/,
      );
      assert.ok(Math.abs(limiter.available()) < 1e-9);
    });
  });

  describe('sync reservations', () => {
    it('reserve returns the wait, refuses beyond maxWaitMs, and refund gives back', () => {
      const clock = new ManualClock();
      const limiter = new RateLimiter({ clock, ratePerSecond: 10, burst: 2 });
      assert.equal(limiter.reserve(2), 0);
      assert.equal(limiter.reserve(1), 100);
      assert.equal(limiter.reserve(1, 150), -1);
      assert.equal(limiter.reserve(3), -1, 'more than burst never fits');
      assert.equal(limiter.reserve(1, 200), 200);
      limiter.refund(1);
      assert.equal(limiter.retryAfterMs(1), 200);
    });
  });

  describe('recovery ramp', () => {
    it('starts from an emitted event, at startFraction, and reaches full rate at rampMs', () => {
      const clock = new ManualClock();
      const onReset = new EventEmitter<void>();
      const limiter = new RateLimiter({
        clock,
        ratePerSecond: 100,
        burst: 10,
        ramp: { startFraction: 0.1, rampMs: 10_000 },
        rampOn: onReset.event,
      });
      const starts: number[] = [];
      const ends: boolean[] = [];
      limiter.ramp?.onRampStart((e) => starts.push(e.atMs));
      limiter.ramp?.onRampEnd((e) => ends.push(e.completed));
      assert.equal(limiter.effectiveRatePerSecond(), 100);
      clock.advance(1000);
      onReset.emit();
      assert.deepEqual(starts, [1000]);
      assert.equal(limiter.ramp?.active, true);
      assert.ok(Math.abs(limiter.effectiveRatePerSecond() - 10) < 1e-9);
      // The bucket that filled during the outage is clipped to the ramp's capacity (1 token).
      assert.equal(drain(limiter), 1);
      // The first second earns rate × ∫ f = 100 × (0.1 + 0.9 × 0.05) = 14.5 tokens, not 100.
      let admitted = 0;
      for (let t = 0; t < 1000; t++) {
        clock.advance(1);
        admitted += drain(limiter);
      }
      assert.equal(admitted, 14);
      clock.advanceTo(6000);
      assert.ok(Math.abs(limiter.effectiveRatePerSecond() - 55) < 1e-9);
      clock.advanceTo(11_000);
      assert.equal(limiter.effectiveRatePerSecond(), 100);
      assert.equal(limiter.ramp?.active, false);
      assert.deepEqual(ends, [true]);
      clock.advance(1000);
      assert.equal(drain(limiter), 10, 'full burst again');
    });

    it('can be started by hand, and retryAfterMs follows the ramped rate', () => {
      const clock = new ManualClock();
      const limiter = new RateLimiter({
        clock,
        ratePerSecond: 10,
        burst: 10,
        ramp: { startFraction: 0.5, rampMs: 1000 },
      });
      limiter.ramp?.start();
      assert.equal(drain(limiter), 5);
      // Earning at 5/s rising to 10/s: a token takes a bit under 200 ms.
      const wait = limiter.retryAfterMs(1);
      assert.ok(wait > 100 && wait < 200, `wait ${wait}`);
      clock.advance(wait);
      assert.equal(limiter.tryAcquire(), true);
      // A request larger than the ramp's current capacity waits for the capacity to grow.
      clock.advance(2000);
      limiter.ramp?.start();
      assert.equal(limiter.retryAfterMs(8), 600); // capacity 10 × f(t) reaches 8 at t = 600
    });

    it('with an exponential shape, grows slowly first', () => {
      const clock = new ManualClock();
      const limiter = new RateLimiter({
        clock,
        ratePerSecond: 100,
        ramp: { startFraction: 0.01, rampMs: 1000, shape: 'exponential' },
      });
      limiter.ramp?.start();
      clock.advance(500);
      assert.ok(Math.abs(limiter.effectiveRatePerSecond() - 10) < 1e-9);
    });

    it('dispose() unsubscribes from rampOn', () => {
      const clock = new ManualClock();
      const onReset = new EventEmitter<number>();
      const limiter = new RateLimiter({
        clock,
        ratePerSecond: 1,
        ramp: { startFraction: 0.1, rampMs: 100 },
        rampOn: onReset.event,
      });
      limiter.dispose();
      assert.equal(onReset.hasListeners, false);
      onReset.emit(1);
      assert.equal(limiter.ramp?.active, false);
    });
  });

  it('rejects bad options with a RangeError naming the option', () => {
    const clock = new ManualClock();
    const cases: Array<[Partial<RateLimiterOptions>, string]> = [
      [{ ratePerSecond: 0 }, 'ratePerSecond'],
      [{ ratePerSecond: -1 }, 'ratePerSecond'],
      [{ ratePerSecond: NaN }, 'ratePerSecond'],
      [{ ratePerSecond: Infinity }, 'ratePerSecond'],
      [{ ratePerSecond: 1, burst: 0 }, 'burst'],
      [{ ratePerSecond: 1, maxWaitMs: -1 }, 'maxWaitMs'],
      [{ ratePerSecond: 1, ramp: { startFraction: 0, rampMs: 1 } }, 'startFraction'],
      [{ ratePerSecond: 1, ramp: { startFraction: 0.5, rampMs: -1 } }, 'rampMs'],
    ];
    for (const [opts, name] of cases) {
      assert.throws(
        () => new RateLimiter({ clock, ...opts } as RateLimiterOptions),
        (e: unknown) => e instanceof RangeError && e.message.includes(name),
        name,
      );
    }
    assert.throws(
      () => new RateLimiter({ clock, ratePerSecond: 1, rampOn: new EventEmitter<void>().event }),
      (e: unknown) => e instanceof TypeError && e.message.includes('rampOn'),
    );
    const limiter = new RateLimiter({ clock, ratePerSecond: 1 });
    assert.throws(() => limiter.tryAcquire(0), RangeError);
    assert.throws(() => limiter.retryAfterMs(-1), RangeError);
  });

  describe('properties', () => {
    type Op =
      | { kind: 'advance'; ms: number }
      | { kind: 'acquire'; tokens: number }
      | { kind: 'drain'; tokens: number }
      | { kind: 'reserve'; tokens: number; maxWaitMs: number }
      | { kind: 'refund' }
      | { kind: 'ramp' };

    /** A number in [min, max]: uniform via an integer, or one of fast-check's edge-leaning doubles. */
    const num = (min: number, max: number): fc.Arbitrary<number> =>
      fc.oneof(
        {
          weight: 3,
          arbitrary: fc.integer({ min: 0, max: 1e6 }).map((i) => min + ((max - min) * i) / 1e6),
        },
        { weight: 1, arbitrary: fc.double({ min, max, noNaN: true }) },
      );

    // Weighted towards advancing and draining, which keeps the bucket saturated: that is
    // where the bounds are tight and an over-crediting refill shows.
    const tokensArb = fc.oneof(fc.constant(1), num(0.1, 4));
    const opArb = (withRamp: boolean): fc.Arbitrary<Op> =>
      fc.oneof(
        {
          weight: 4,
          arbitrary: fc.record({
            kind: fc.constant('advance' as const),
            ms: fc.oneof(num(0, 50), num(0, 800)),
          }),
        },
        {
          weight: 3,
          arbitrary: fc.record({ kind: fc.constant('drain' as const), tokens: tokensArb }),
        },
        {
          weight: 1,
          arbitrary: fc.record({ kind: fc.constant('acquire' as const), tokens: tokensArb }),
        },
        {
          weight: 2,
          arbitrary: fc.record({
            kind: fc.constant('reserve' as const),
            tokens: tokensArb,
            maxWaitMs: fc.oneof(fc.constant(Infinity), num(0, 3000)),
          }),
        },
        { weight: 1, arbitrary: fc.constant({ kind: 'refund' as const }) },
        ...(withRamp ? [{ weight: 1, arbitrary: fc.constant({ kind: 'ramp' as const }) }] : []),
      );

    /**
     * Runs random operations; every admission (immediate, or a reservation at its due time)
     * is an entry (time, tokens). Refunds cancel the latest reservation not yet due. Then
     * checks, with the fraction recomputed independently of the limiter's own integral:
     * - by every time t: admitted(t) <= burst + rate × ∫₀ᵗ fraction / 1000 (+ owed, below);
     * - for every ramp start s, what was admitted by requests made after it is at most the
     *   ramp's capacity at s plus rate × ∫ₛᵗ fraction / 1000 — the sharper bound that catches a
     *   limiter that credits too much *during* the ramp.
     * Reservations made before a start keep their schedule (documented), so the debt owed at
     * each later start is allowed on top, as are tokens refunded after it.
     */
    function runAndCheck(
      rate: number,
      burst: number,
      ops: Op[],
      ramp?: { startFraction: number; rampMs: number; shape: RampShape },
    ): void {
      const clock = new ManualClock();
      const limiter = new RateLimiter({ clock, ratePerSecond: rate, burst, ...(ramp && { ramp }) });
      const admitted: Array<{ at: number; tokens: number; cancelled: boolean; seq: number }> = [];
      const starts: Array<{ at: number; seq: number; owed: number }> = [];
      const refunds: Array<{ seq: number; tokens: number }> = [];
      let seq = 0;
      for (const op of ops) {
        const now = clock.monotonic();
        seq++;
        switch (op.kind) {
          case 'advance':
            clock.advance(op.ms);
            break;
          case 'acquire':
            if (limiter.tryAcquire(op.tokens)) {
              admitted.push({ at: now, tokens: op.tokens, cancelled: false, seq });
            }
            break;
          case 'drain':
            while (limiter.tryAcquire(op.tokens)) {
              admitted.push({ at: now, tokens: op.tokens, cancelled: false, seq });
            }
            break;
          case 'reserve': {
            const wait = limiter.reserve(op.tokens, op.maxWaitMs);
            if (wait >= 0)
              admitted.push({ at: now + wait, tokens: op.tokens, cancelled: false, seq });
            break;
          }
          case 'refund': {
            let pending: (typeof admitted)[number] | undefined;
            for (const a of admitted) if (a.at > now && !a.cancelled) pending = a;
            if (pending !== undefined) {
              pending.cancelled = true;
              limiter.refund(pending.tokens);
              refunds.push({ seq, tokens: pending.tokens });
            }
            break;
          }
          case 'ramp':
            starts.push({ at: now, seq, owed: Math.max(0, -limiter.available()) });
            limiter.ramp?.start();
            break;
        }
      }
      // Reference fraction: the latest ramp start at or before t decides. `left`: the limit
      // from the left, for the end of an interval that stops at a restart.
      const fraction = (t: number, left = false): number => {
        if (ramp === undefined) return 1;
        let s: number | undefined;
        for (const r of starts) if (left ? r.at < t : r.at <= t) s = r.at;
        if (s === undefined || t >= s + ramp.rampMs) return 1;
        const u = (t - s) / ramp.rampMs;
        return ramp.shape === 'linear'
          ? ramp.startFraction + (1 - ramp.startFraction) * u
          : ramp.startFraction * Math.pow(1 / ramp.startFraction, u);
      };
      const breakpoints = starts.flatMap((s) => [s.at, s.at + (ramp?.rampMs ?? 0)]);
      /** ∫ fraction from `from`, incrementally: Simpson's rule on ≤ 1 ms steps between breakpoints. */
      const integrator = (from: number): ((t: number) => number) => {
        let cursor = from;
        let sum = 0;
        return (t) => {
          while (cursor < t) {
            const nextBreak = Math.min(...breakpoints.filter((b) => b > cursor));
            const end = Math.min(t, nextBreak, cursor + 1);
            const mid = (cursor + end) / 2;
            sum +=
              ((fraction(cursor) + 4 * fraction(mid) + fraction(end, true)) * (end - cursor)) / 6;
            cursor = end;
          }
          return sum;
        };
      };
      const check = (sinceSeq: number, from: number, base: number): void => {
        const entries = admitted
          .filter((a) => !a.cancelled && a.seq > sinceSeq)
          .sort((a, b) => a.at - b.at);
        const integral = integrator(from);
        const owed = starts.reduce((n, s) => n + (s.seq > sinceSeq ? s.owed : 0), 0);
        // Over the whole run a refund only returns what a cancelled (uncounted) entry took; after
        // a start it may return what an earlier reservation took, which is new to this window.
        const refunded =
          sinceSeq === 0 ? 0 : refunds.reduce((n, r) => n + (r.seq > sinceSeq ? r.tokens : 0), 0);
        let total = 0;
        for (const e of entries) {
          total += e.tokens;
          const bound = base + owed + refunded + (rate * integral(e.at)) / 1000;
          assert.ok(
            total <= bound + 1e-6 * Math.max(1, bound),
            `admitted ${total} > ${bound} by ${e.at} ms (since op ${sinceSeq})`,
          );
        }
      };
      check(0, 0, burst);
      if (ramp !== undefined) {
        const capStart = Math.max(burst * ramp.startFraction, Math.min(burst, 1));
        for (const s of starts) check(s.seq, s.at, capStart);
      }
    }

    it('never admits more than rate × elapsed + burst', () => {
      fc.assert(
        fc.property(
          num(0.5, 200),
          num(1, 100),
          fc.array(opArb(false), { maxLength: 120 }),
          (rate, burst, ops) => runAndCheck(rate, burst, ops),
        ),
        { seed, numRuns: 300 },
      );
    });

    it('with a ramp, never admits more than burst + the ramped rate integral', () => {
      fc.assert(
        fc.property(
          num(0.5, 200),
          num(1, 100),
          fc.record({
            // Mostly small, where the capacity at the start gives the bound the least slack.
            startFraction: fc.oneof(num(0.01, 0.1), num(0.01, 1)),
            rampMs: num(10, 5000),
            shape: fc.constantFrom<RampShape>('linear', 'exponential'),
          }),
          fc.array(opArb(true), { maxLength: 120 }),
          (rate, burst, ramp, ops) => runAndCheck(rate, burst, ops, ramp),
        ),
        { seed, numRuns: 200 },
      );
    });
  });
});
