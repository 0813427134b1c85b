import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { Rng } from '../../core/rng.js';
import { constantBackoff } from '../backoff/index.js';
import { Retry } from '../retry.js';
import { InMemorySharedState } from './in-memory-shared-state.js';
import { SharedLink } from './shared-link.js';
import { SharedRetryBudget } from './shared-retry-budget.js';
import type { SharedRetryBudgetOptions } from './shared-retry-budget.js';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : randomInt(2 ** 31);
console.log(`shared-retry-budget.test.ts fast-check seed: ${seed} (FC_SEED=${seed} reproduces)`);

function fleet(n: number, options: Omit<SharedRetryBudgetOptions, 'link' | 'key'>, latencyMs = 0) {
  const clock = new ManualClock();
  const state = new InMemorySharedState({ clock, latencyMs });
  const links = Array.from(
    { length: n },
    (_, i) =>
      new SharedLink({ state, clock, expectedInstances: n, instanceId: `i${i}`, timeoutMs: 50 }),
  );
  const budgets = links.map((link) => new SharedRetryBudget({ link, key: 'dep', ...options }));
  return { clock, state, links, budgets };
}

describe('SharedRetryBudget', () => {
  it('lets the whole fleet retry exactly the fleet budget, not one budget per instance', () => {
    const { budgets } = fleet(10, { minRetriesPerSecond: 0, initialTokens: 5, maxTokens: 5 });
    let granted = 0;
    for (let round = 0; round < 5; round++) {
      for (const b of budgets) if (b.tryWithdraw()) granted++;
    }
    assert.equal(granted, 5);
  });

  it('pools the deposits of every instance', () => {
    const { budgets, state } = fleet(4, {
      minRetriesPerSecond: 0,
      initialTokens: 0,
      prefetch: 0,
    });
    // 10 successes spread over four instances earn one fleet token (ratio 0.1).
    for (let i = 0; i < 10; i++) budgets[i % 4]!.recordFirstTry(true);
    // Each instance holds < 1 token of deposits locally until its batch is full...
    const ops = state.operations;
    assert.equal(ops, 0, 'no store call before a batch of deposits is full');
    for (const b of budgets) void b.flush();
    assert.equal(budgets[3]!.tryWithdraw(), true, 'the pooled deposits pay one retry');
    assert.equal(budgets[0]!.tryWithdraw(), false);
  });

  it('sends deposits in batches: one store call per depositBatch tokens earned', () => {
    const { budgets, state } = fleet(1, { minRetriesPerSecond: 0, initialTokens: 0, prefetch: 0 });
    const b = budgets[0]!;
    for (let i = 0; i < 100; i++) b.recordFirstTry(true);
    assert.ok(state.operations <= 10, `${state.operations} store calls for 100 successes`);
    assert.equal(b.tryWithdraw(), true);
  });

  it('refills the fleet bucket by time (the floor)', () => {
    const { budgets, clock } = fleet(3, {
      minRetriesPerSecond: 2,
      maxTokens: 4,
      initialTokens: 0,
      prefetch: 0,
    });
    assert.equal(budgets[0]!.tryWithdraw(), false);
    clock.advance(1000);
    assert.equal(budgets[1]!.tryWithdraw(), true);
    assert.equal(budgets[2]!.tryWithdraw(), true);
    assert.equal(budgets[0]!.tryWithdraw(), false);
  });

  it('never admits more retries than the fleet bucket minted (property, synchronous store)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(
          fc.record({
            who: fc.nat(),
            kind: fc.constantFrom('success', 'failure', 'retry', 'tick'),
            ms: fc.integer({ min: 0, max: 300 }),
          }),
          { maxLength: 200 },
        ),
        (n, prefetch, ops) => {
          const floor = 3;
          const initial = 2;
          const { budgets, clock } = fleet(n, {
            minRetriesPerSecond: floor,
            initialTokens: initial,
            maxTokens: 6,
            prefetch,
          });
          let successes = 0;
          let retries = 0;
          for (const op of ops) {
            const b = budgets[op.who % n]!;
            if (op.kind === 'success') {
              successes++;
              b.recordFirstTry(true);
            } else if (op.kind === 'failure') b.recordFirstTry(false);
            else if (op.kind === 'retry') retries += b.tryWithdraw() ? 1 : 0;
            else clock.advance(op.ms);
          }
          const minted = initial + (floor * clock.monotonic()) / 1000 + 0.1 * successes;
          assert.ok(retries <= minted + 1e-6, `retries ${retries} > minted ${minted}`);
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('is a RetryBudget that Retry takes: a failing call retries only on fleet tokens', async () => {
    const { budgets, clock } = fleet(2, { minRetriesPerSecond: 0, initialTokens: 1, prefetch: 0 });
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error('down'));
    };
    const retries = budgets.map(
      (budget) =>
        new Retry({
          clock,
          rng: new Rng(1),
          maxAttempts: 5,
          backoff: constantBackoff({ delayMs: 10 }),
          budget,
        }),
    );
    const settled = retries.map((r) => r.execute(failing).catch(() => 'failed'));
    await clock.runAllAsync();
    assert.deepEqual(await Promise.all(settled), ['failed', 'failed']);
    assert.equal(calls, 3, 'two first tries and the one retry the fleet budget holds');
  });

  it('falls back to its share of the fleet when the store is down, and back when it returns', async () => {
    const { budgets, state, links, clock } = fleet(4, {
      minRetriesPerSecond: 8,
      maxTokens: 8,
      initialTokens: 0,
      prefetch: 0,
    });
    const b = budgets[0]!;
    assert.equal(b.tryWithdraw(), false, 'creates the empty fleet bucket');
    state.fault = 'down';
    // Each failed store call is decided locally at once; the link goes local after three.
    const decisions = [b.tryWithdraw(), b.tryWithdraw(), b.tryWithdraw()];
    assert.equal(links[0]!.mode, 'local');
    assert.equal(b.mode, 'local');
    // Local share: 8 / 4 = 2 tokens per second, starting from one second of it (2).
    assert.deepEqual(decisions, [true, true, false]);
    clock.advance(500);
    assert.equal(b.tryWithdraw(), true, 'the local share refills at 2 per second');
    assert.equal(b.localBudget.toJSON().maxTokens, 2);
    state.fault = undefined;
    await clock.advanceAsync(1000);
    assert.equal(b.mode, 'shared');
    // Shared again: the fleet bucket (refilled 8/s over 1.5 s, capped at 8) decides.
    let n = 0;
    while (b.tryWithdraw()) n++;
    assert.equal(n, 8);
  });

  it('with an asynchronous store, refuses (never waits) while a refill is in flight', async () => {
    const { budgets, clock } = fleet(
      1,
      { minRetriesPerSecond: 0, initialTokens: 3, prefetch: 1 },
      5,
    );
    const b = budgets[0]!;
    assert.equal(b.tryWithdraw(), false, 'no token in hand yet');
    await clock.advanceAsync(5);
    assert.equal(b.tryWithdraw(), true, 'the one asked for');
    assert.equal(b.tryWithdraw(), true, 'the one prefetched');
    assert.equal(b.tryWithdraw(), false, 'nothing in hand; a refill is in flight');
    await clock.advanceAsync(5);
    assert.equal(b.tryWithdraw(), true, 'the last fleet token arrived');
    assert.equal(b.tryWithdraw(), false);
  });

  it('reports its balance and configuration', () => {
    const { budgets } = fleet(2, { minRetriesPerSecond: 4, maxTokens: 40, initialTokens: 7 });
    assert.deepEqual(budgets[0]!.toJSON(), {
      tokens: 7,
      maxTokens: 40,
      ratio: 0.1,
      minRetriesPerSecond: 4,
    });
  });

  it('emits onExhausted once per run of refusals', () => {
    const { budgets } = fleet(1, { minRetriesPerSecond: 0, initialTokens: 1, prefetch: 0 });
    const b = budgets[0]!;
    const events: number[] = [];
    b.onExhausted((e) => events.push(e.balance));
    assert.equal(b.tryWithdraw(), true);
    assert.equal(b.tryWithdraw(), false);
    assert.equal(b.tryWithdraw(), false);
    assert.equal(events.length, 1);
  });

  it('rejects bad options, naming them', () => {
    const { links } = fleet(1, {});
    const link = links[0]!;
    assert.throws(() => new SharedRetryBudget({ link: {} as never, key: 'k' }), /link/);
    assert.throws(() => new SharedRetryBudget({ link, key: '' }), /key/);
    assert.throws(() => new SharedRetryBudget({ link, key: 'k', ratio: -1 }), /ratio.*-1/);
    assert.throws(
      () => new SharedRetryBudget({ link, key: 'k', maxTokens: 1, initialTokens: 2 }),
      /initialTokens must be <= maxTokens \(1\), got 2/,
    );
    assert.throws(() => new SharedRetryBudget({ link, key: 'k', prefetch: 0.5 }), /prefetch/);
    assert.throws(
      () => new SharedRetryBudget({ link, key: 'k', depositOn: 'never' as never }),
      /depositOn/,
    );
  });
});
