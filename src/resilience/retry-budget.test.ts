import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import type { Clock } from '../core/clock.js';
import { ManualClock } from '../core/testing/manual-clock.js';
import type { RetryBudgetDepositOn, RetryBudgetExhaustedEvent } from './retry-budget.js';
import { LocalRetryBudget } from './retry-budget.js';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : randomInt(2 ** 31);
console.log(`retry-budget.test.ts fast-check seed: ${seed} (FC_SEED=${seed} reproduces)`);

describe('LocalRetryBudget', () => {
  it('starts with one second of floor and caps at ten seconds of it by default', () => {
    const clock = new ManualClock();
    const budget = new LocalRetryBudget({ clock });
    assert.equal(budget.balance(), 10);
    clock.advance(500);
    assert.equal(budget.balance(), 15);
    clock.advance(60_000);
    assert.equal(budget.balance(), 100);
    assert.deepEqual(budget.toJSON(), {
      tokens: 100,
      maxTokens: 100,
      ratio: 0.1,
      minRetriesPerSecond: 10,
    });
    const quiet = new LocalRetryBudget({ clock, minRetriesPerSecond: 0 });
    assert.deepEqual(quiet.toJSON(), {
      tokens: 0,
      maxTokens: 10,
      ratio: 0.1,
      minRetriesPerSecond: 0,
    });
  });

  it('charges one token per retry and refuses when less than one is left', () => {
    const clock = new ManualClock();
    const budget = new LocalRetryBudget({ clock, minRetriesPerSecond: 0, initialTokens: 2.5 });
    assert.equal(budget.tryWithdraw(), true);
    assert.equal(budget.tryWithdraw(), true);
    assert.equal(budget.tryWithdraw(), false);
    assert.equal(budget.balance(), 0.5);
  });

  it('pays one retry for every ten first-try successes at ratio 0.1', () => {
    const clock = new ManualClock();
    const budget = new LocalRetryBudget({ clock, minRetriesPerSecond: 0, initialTokens: 0 });
    for (let i = 0; i < 9; i++) budget.recordFirstTry(true);
    assert.equal(budget.tryWithdraw(), false);
    budget.recordFirstTry(true);
    assert.equal(budget.tryWithdraw(), true, 'ten deposits of 0.1 make one token');
    assert.equal(budget.tryWithdraw(), false);
  });

  it('deposits nothing for failed first tries, unless depositOn is first-try (Finagle)', () => {
    const clock = new ManualClock();
    const strict = new LocalRetryBudget({ clock, minRetriesPerSecond: 0, initialTokens: 0 });
    const finagle = new LocalRetryBudget({
      clock,
      minRetriesPerSecond: 0,
      initialTokens: 0,
      ratio: 0.5,
      depositOn: 'first-try',
    });
    for (let i = 0; i < 20; i++) {
      strict.recordFirstTry(false);
      finagle.recordFirstTry(false);
    }
    assert.equal(strict.balance(), 0);
    assert.equal(finagle.balance(), 10);
  });

  it('never holds more than maxTokens, from deposits or from the floor', () => {
    const clock = new ManualClock();
    const budget = new LocalRetryBudget({ clock, ratio: 1, minRetriesPerSecond: 2, maxTokens: 3 });
    assert.equal(budget.balance(), 2);
    for (let i = 0; i < 10; i++) budget.recordFirstTry(true);
    assert.equal(budget.balance(), 3);
    clock.advance(10_000);
    assert.equal(budget.balance(), 3);
    for (let i = 0; i < 3; i++) assert.equal(budget.tryWithdraw(), true);
    assert.equal(budget.tryWithdraw(), false);
    clock.advance(499);
    assert.equal(budget.tryWithdraw(), false);
    clock.advance(1);
    assert.equal(budget.tryWithdraw(), true, 'the floor refills 2 tokens a second');
  });

  it('emits onExhausted once per run of refusals', () => {
    const clock = new ManualClock();
    const budget = new LocalRetryBudget({ clock, minRetriesPerSecond: 1, initialTokens: 1 });
    const events: RetryBudgetExhaustedEvent[] = [];
    const sub = budget.onExhausted((e) => events.push(e));
    assert.equal(budget.tryWithdraw(), true);
    assert.equal(budget.tryWithdraw(), false);
    assert.equal(budget.tryWithdraw(), false);
    assert.deepEqual(events, [{ balance: 0 }]);
    clock.advance(1000);
    assert.equal(budget.tryWithdraw(), true);
    clock.advance(250);
    assert.equal(budget.tryWithdraw(), false);
    assert.deepEqual(events, [{ balance: 0 }, { balance: 0.25 }]);
    sub.dispose();
    clock.advance(1000);
    budget.tryWithdraw();
    budget.tryWithdraw();
    assert.equal(events.length, 2);
  });

  it('has a JSON snapshot that restores through initialTokens', () => {
    const clock = new ManualClock();
    const budget = new LocalRetryBudget({ clock, minRetriesPerSecond: 4, initialTokens: 3 });
    budget.tryWithdraw();
    const snapshot = JSON.parse(JSON.stringify(budget)) as ReturnType<LocalRetryBudget['toJSON']>;
    assert.deepEqual(snapshot, { tokens: 2, maxTokens: 40, ratio: 0.1, minRetriesPerSecond: 4 });
    const restored = new LocalRetryBudget({
      clock,
      minRetriesPerSecond: snapshot.minRetriesPerSecond,
      maxTokens: snapshot.maxTokens,
      ratio: snapshot.ratio,
      initialTokens: snapshot.tokens,
    });
    assert.deepEqual(restored.toJSON(), snapshot);
  });

  it('rejects bad options, naming the option and the value', () => {
    const clock = new ManualClock();
    assert.throws(
      () => new LocalRetryBudget({ clock: undefined as unknown as Clock }),
      /LocalRetryBudget: clock must be a Clock, got undefined/,
    );
    assert.throws(() => new LocalRetryBudget({ clock, ratio: -0.1 }), /ratio .*got -0.1/);
    assert.throws(() => new LocalRetryBudget({ clock, ratio: Number.NaN }), /ratio .*got NaN/);
    assert.throws(
      () => new LocalRetryBudget({ clock, minRetriesPerSecond: Infinity }),
      /minRetriesPerSecond .*got Infinity/,
    );
    assert.throws(() => new LocalRetryBudget({ clock, maxTokens: -1 }), /maxTokens .*got -1/);
    assert.throws(
      () => new LocalRetryBudget({ clock, maxTokens: 5, initialTokens: 6 }),
      /initialTokens must be <= maxTokens \(5\), got 6/,
    );
    assert.throws(
      () => new LocalRetryBudget({ clock, depositOn: 'always' as RetryBudgetDepositOn }),
      /depositOn must be one of 'success', 'first-try', got 'always'/,
    );
  });

  it('bounds calls under 100 % failure: total ≤ (1 + ratio)·first tries + floor·seconds + initial', () => {
    fc.assert(
      fc.property(
        fc.record({
          ratio: fc.double({ min: 0, max: 2, noNaN: true }),
          floor: fc.double({ min: 0, max: 50, noNaN: true }),
          extraTokens: fc.double({ min: 0, max: 200, noNaN: true }),
          initialShare: fc.double({ min: 0, max: 1, noNaN: true }),
          depositOn: fc.constantFrom<RetryBudgetDepositOn>('success', 'first-try'),
          maxAttempts: fc.integer({ min: 1, max: 8 }),
          // Gaps between requests, ms; retries happen at the same instant as their request.
          gapsMs: fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 400 }),
        }),
        ({ ratio, floor, extraTokens, initialShare, depositOn, maxAttempts, gapsMs }) => {
          const clock = new ManualClock();
          const maxTokens = floor * 10 + extraTokens;
          const initialTokens = maxTokens * initialShare;
          const budget = new LocalRetryBudget({
            clock,
            ratio,
            minRetriesPerSecond: floor,
            maxTokens,
            initialTokens,
            depositOn,
          });
          let calls = 0;
          for (const gap of gapsMs) {
            clock.advance(gap);
            calls++;
            budget.recordFirstTry(false);
            for (let a = 1; a < maxAttempts && budget.tryWithdraw(); a++) calls++;
          }
          const firstTries = gapsMs.length;
          const seconds = clock.monotonic() / 1000;
          const bound = (1 + ratio) * firstTries + floor * seconds + initialTokens;
          assert.ok(calls <= bound + 1e-6, `${calls} calls > bound ${bound}`);
          if (depositOn === 'success') {
            assert.ok(calls - firstTries <= floor * seconds + initialTokens + 1e-6);
          }
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('bounds retries in any mix: retries ≤ ratio·depositing first tries + floor·seconds + initial', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 20, noNaN: true }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.boolean(), fc.nat(4)), {
          maxLength: 500,
        }),
        (ratio, floor, requests) => {
          const clock = new ManualClock();
          const budget = new LocalRetryBudget({ clock, ratio, minRetriesPerSecond: floor });
          const initial = budget.balance();
          let retries = 0;
          let deposits = 0;
          for (const [gap, firstOk, wantedRetries] of requests) {
            clock.advance(gap);
            budget.recordFirstTry(firstOk);
            if (firstOk) deposits++;
            else for (let r = 0; r < wantedRetries && budget.tryWithdraw(); r++) retries++;
          }
          const bound = ratio * deposits + (floor * clock.monotonic()) / 1000 + initial;
          assert.ok(retries <= bound + 1e-6, `${retries} retries > bound ${bound}`);
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
