import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/testing/manual-clock.js';
import { Rng } from '../core/rng.js';
import { drainMicrotasks } from '../core/microtasks.js';
import { Enactor } from './enactor.js';
import type { EnactorTargetResult } from './enactor.js';
import { MemoryPlanStore } from './plan-store/memory-store.js';
import { FaultyPlanStore } from './plan-store/faulty-store.js';
import { contractDraft } from './plan-store/contract.js';
import { checkSafety } from './invariants.js';
import type { Target, ApplyContext, ApplyResult, TargetState } from './target.js';
import type { Plan } from './plan.js';

const ctx = (actor: string) => ({ actor, atMs: 0 });

async function storeWith(plans: number, targets: string[]): Promise<MemoryPlanStore> {
  const store = new MemoryPlanStore();
  for (let i = 1; i <= plans; i++) await store.putPlan(contractDraft(i), ctx('planner'));
  for (const t of targets) await store.addTarget(t, ctx('op'));
  return store;
}

describe('Enactor', () => {
  it('applies the newest plan to every registered target', async () => {
    const store = await storeWith(3, ['a', 'b']);
    const e = new Enactor({ id: 'enactor-a', store, clock: new ManualClock(), rng: new Rng(1) });
    const pass = await e.runOnce();
    assert.equal(pass.plan?.generation, 3);
    assert.deepEqual(
      pass.results.map((r) => [r.target, r.outcome, r.currentGeneration]),
      [
        ['a', 'won', undefined],
        ['b', 'won', undefined],
      ],
    );
    assert.deepEqual(store.snapshot().targets, [
      { id: 'a', activeGeneration: 3 },
      { id: 'b', activeGeneration: 3 },
    ]);
  });

  it('skips targets already at or above the plan without writing', async () => {
    const store = await storeWith(2, ['a']);
    await store.activate('a', 2, ctx('x'));
    const before = store.snapshot().auditLength;
    const e = new Enactor({ id: 'enactor-a', store, clock: new ManualClock(), rng: new Rng(1) });
    const pass = await e.runOnce();
    assert.deepEqual(
      pass.results.map((r) => r.outcome),
      ['skipped'],
    );
    assert.equal(store.snapshot().auditLength, before, 'no audit entry, no write');
  });

  it('does nothing when there is no plan', async () => {
    const store = await storeWith(0, ['a']);
    const e = new Enactor({ id: 'enactor-a', store, clock: new ManualClock(), rng: new Rng(1) });
    assert.deepEqual(await e.runOnce(), { plan: undefined, results: [] });
  });

  it('loses the compare-and-set after a stall, drops its stale plan and moves on (the 2025 race, safe)', async () => {
    const clock = new ManualClock();
    const inner = await storeWith(1, ['a', 'b']);
    const store = new FaultyPlanStore({ store: inner, clock });
    const stall = store.inject({
      methods: 'activate',
      actor: 'enactor-a',
      when: (c) => c.args[0] === 'a',
      times: 1,
      fault: { kind: 'stall' },
    });
    const policy = {
      execute: async <T>(fn: (c: { signal: undefined }) => PromiseLike<T> | T) =>
        fn({ signal: undefined }),
    };
    const a = new Enactor({ id: 'enactor-a', store, clock, rng: new Rng(1), policy });
    const b = new Enactor({ id: 'enactor-b', store, clock, rng: new Rng(2), policy });
    const stalled = a.runOnce();
    await drainMicrotasks();
    assert.equal(stall.held, 1);
    await inner.putPlan(contractDraft(2), ctx('planner'));
    await b.runOnce();
    stall.release();
    const pass = await stalled;
    assert.deepEqual(
      pass.results.map((r) => [r.target, r.outcome, r.reason, r.currentGeneration]),
      [
        ['a', 'lost', 'not-newer', 2],
        // Its list of targets was read before the stall too: b is also tried, and lost.
        ['b', 'lost', 'not-newer', 2],
      ],
    );
    assert.deepEqual(checkSafety(inner.snapshot()), []);
  });

  it('counts a retried apply whose first answer was lost as already active', async () => {
    const clock = new ManualClock();
    const inner = await storeWith(1, ['a']);
    const store = new FaultyPlanStore({ store: inner, clock });
    store.inject({ methods: 'activate', times: 1, fault: { kind: 'timeout-after-write' } });
    const e = new Enactor({ id: 'enactor-a', store, clock, rng: new Rng(1) });
    const run = e.runOnce();
    await clock.runAllAsync();
    const pass = await run;
    assert.deepEqual(
      pass.results.map((r) => r.outcome),
      ['already-active'],
    );
    assert.deepEqual(
      (await inner.readAudit({ kinds: ['activation-won', 'activation-lost'] })).map((x) => x.kind),
      ['activation-won', 'activation-lost'],
    );
  });

  it('retries transient store errors through its policy, on the clock', async () => {
    const clock = new ManualClock();
    const inner = await storeWith(1, ['a']);
    const store = new FaultyPlanStore({ store: inner, clock });
    store.inject({ methods: 'activate', times: 2, fault: { kind: 'error' } });
    const e = new Enactor({ id: 'enactor-a', store, clock, rng: new Rng(1) });
    const run = e.runOnce();
    await clock.runAllAsync();
    assert.deepEqual(
      (await run).results.map((r) => r.outcome),
      ['won'],
    );
  });

  it('times out a stalled store call and reports an error for that target, carrying on', async () => {
    const clock = new ManualClock();
    const inner = await storeWith(1, ['a', 'b']);
    const store = new FaultyPlanStore({ store: inner, clock });
    store.inject({ methods: 'activate', when: (c) => c.args[0] === 'a', fault: { kind: 'stall' } });
    const e = new Enactor({ id: 'enactor-a', store, clock, rng: new Rng(1) });
    const results: EnactorTargetResult[] = [];
    e.onResult((r) => results.push(r));
    const run = e.runOnce();
    await clock.advanceAsync(60_000);
    const pass = await run;
    assert.deepEqual(
      pass.results.map((r) => r.outcome),
      ['error', 'won'],
    );
    assert.equal((pass.results[0]!.error as { code?: string }).code, 'BW_TIMEOUT');
    assert.equal(results.length, 2);
    store.heal();
  });

  it('reports a pass that cannot read the newest plan', async () => {
    const clock = new ManualClock();
    const inner = await storeWith(1, ['a']);
    const store = new FaultyPlanStore({ store: inner, clock });
    store.inject({ methods: 'newestPlan', fault: { kind: 'error' } });
    const e = new Enactor({ id: 'enactor-a', store, clock, rng: new Rng(1) });
    const run = e.runOnce();
    await clock.runAllAsync();
    const pass = await run;
    assert.equal(pass.plan, undefined);
    assert.equal((pass.error as { code?: string }).code, 'BW_DNS_STORE_UNAVAILABLE');
  });

  it('applies to given targets, reading their fence first', async () => {
    const store = await storeWith(2, []);
    const calls: string[] = [];
    const fake = (id: string, active: number | undefined): Target => ({
      id,
      activeGeneration: () => {
        calls.push(`read ${id}`);
        return Promise.resolve(active);
      },
      apply: (plan: Plan, c: ApplyContext): Promise<ApplyResult> => {
        calls.push(`apply ${id} ${plan.generation} ${c.actor} ${c.mode ?? ''}`);
        return Promise.resolve({ outcome: 'won', previousGeneration: active });
      },
      read: (): Promise<TargetState> => Promise.reject(new Error('unused')),
    });
    const e = new Enactor({
      id: 'enactor-c',
      store,
      clock: new ManualClock(),
      rng: new Rng(1),
      targets: [fake('x', 1), fake('y', 5)],
    });
    const pass = await e.runOnce();
    assert.deepEqual(
      pass.results.map((r) => r.outcome),
      ['won', 'skipped'],
    );
    assert.deepEqual(calls, ['read x', 'apply x 2 enactor-c advance', 'read y']);
  });

  it('runs in a loop and stops, abandoning a pass stuck in a stall', async () => {
    const clock = new ManualClock();
    const inner = await storeWith(1, ['a']);
    const store = new FaultyPlanStore({ store: inner, clock });
    const e = new Enactor({
      id: 'enactor-a',
      store,
      clock,
      rng: new Rng(1),
      intervalMs: 500,
      jitter: 0,
    });
    e.start();
    await clock.advanceAsync(0);
    assert.equal(inner.snapshot().targets[0]?.activeGeneration, 1);
    await inner.putPlan(contractDraft(2), ctx('planner'));
    await clock.advanceAsync(500);
    assert.equal(inner.snapshot().targets[0]?.activeGeneration, 2);
    store.inject({ methods: 'newestPlan', fault: { kind: 'stall' } });
    await clock.advanceAsync(500);
    const stopped = e.stop();
    await clock.runAllAsync();
    await stopped;
    assert.equal(e.running, false);
    store.heal();
  });

  it('reports loop pass failures through onError', async () => {
    const clock = new ManualClock();
    const inner = await storeWith(1, ['a']);
    const store = new FaultyPlanStore({ store: inner, clock });
    store.inject({ methods: 'newestPlan', fault: { kind: 'error' } });
    const policy = {
      execute: async <T>(fn: (c: { signal: undefined }) => PromiseLike<T> | T) =>
        fn({ signal: undefined }),
    };
    const e = new Enactor({
      id: 'enactor-a',
      store,
      clock,
      rng: new Rng(1),
      policy,
      intervalMs: 100,
    });
    const errors: unknown[] = [];
    e.onError((x) => errors.push(x));
    e.start();
    await clock.advanceAsync(0);
    await e.stop();
    assert.equal((errors[0] as { code?: string }).code, 'BW_DNS_STORE_UNAVAILABLE');
  });

  it('validates its options', () => {
    const clock = new ManualClock();
    const store = new MemoryPlanStore();
    const rng = new Rng(1);
    assert.throws(
      () => new Enactor({ id: '', store, clock, rng }),
      /id must be a non-empty string/,
    );
    assert.throws(
      () => new Enactor({ id: 'e', store: {} as never, clock, rng }),
      /store must be a PlanStore/,
    );
    assert.throws(() => new Enactor({ id: 'e', store, clock: undefined as never, rng }), /clock/);
    assert.throws(() => new Enactor({ id: 'e', store, clock, rng: 5 as never }), /rng/);
    assert.throws(
      () => new Enactor({ id: 'e', store, clock, rng, targets: {} as never }),
      /targets/,
    );
    assert.throws(() => new Enactor({ id: 'e', store, clock, rng, jitter: 1 }), /jitter/);
  });
});
