import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { Rng } from '../../core/rng.js';
import { drainMicrotasks } from '../../core/microtasks.js';
import { LegacyEnactor } from './legacy-enactor.js';
import type { LegacyPass } from './legacy-enactor.js';
import { MemoryPlanStore } from '../plan-store/memory-store.js';
import { contractDraft } from '../plan-store/contract.js';
import { openSqlitePlanStore } from '../plan-store/sqlite-store.js';

const ctx = (actor: string) => ({ actor, atMs: 0 });

async function storeWith(plans: number, targets: string[]): Promise<MemoryPlanStore> {
  const store = new MemoryPlanStore();
  for (let i = 1; i <= plans; i++) await store.putPlan(contractDraft(i), ctx('planner'));
  for (const t of targets) await store.addTarget(t, ctx('op'));
  return store;
}

describe('LegacyEnactor', () => {
  it('applies the newest plan and cleans up relative to it', async () => {
    const store = await storeWith(8, ['dns']);
    const e = new LegacyEnactor({
      id: 'enactor-a',
      store,
      clock: new ManualClock(),
      rng: new Rng(1),
      cleanupLagGenerations: 3,
    });
    const pass = await e.runOnce();
    assert.deepEqual(pass.checked, ['dns']);
    assert.deepEqual(pass.applied, ['dns']);
    assert.deepEqual(pass.deleted, [1, 2, 3, 4]);
    assert.deepEqual(await store.listGenerations(), [5, 6, 7, 8]);
    assert.equal((await store.readAudit({ kinds: ['activation-forced'] })).length, 1);
  });

  it('checks once, before its delay, and then applies unconditionally over a newer plan', async () => {
    const clock = new ManualClock();
    const store = await storeWith(2, ['dns']);
    await store.activate('dns', 1, ctx('x'));
    const a = new LegacyEnactor({
      id: 'enactor-a',
      store,
      clock,
      rng: new Rng(1),
      applyDelayMs: 1000,
    });
    const run = a.runOnce();
    await drainMicrotasks();
    // During A's delay, a newer plan is written and applied by someone else.
    await store.putPlan(contractDraft(3), ctx('planner'));
    await store.activate('dns', 3, ctx('enactor-b'));
    await clock.advanceAsync(1000);
    const pass = await run;
    assert.deepEqual(pass.applied, ['dns']);
    assert.equal(store.snapshot().targets[0]?.activeGeneration, 2, 'went backwards from 3 to 2');
  });

  it('skips targets its check finds up to date, and cleans up nothing then', async () => {
    const store = await storeWith(9, ['dns']);
    await store.activate('dns', 9, ctx('x'));
    const e = new LegacyEnactor({
      id: 'enactor-a',
      store,
      clock: new ManualClock(),
      rng: new Rng(1),
    });
    const pass = await e.runOnce();
    assert.deepEqual([pass.checked, pass.applied, pass.deleted], [[], [], []]);
  });

  it('is blocked by a target whose active plan was deleted, as in 2025', async () => {
    const store = await storeWith(3, ['dns']);
    await store.activate('dns', 2, ctx('x'));
    await store.deletePlans([2], ctx('cleanup'));
    const e = new LegacyEnactor({
      id: 'enactor-b',
      store,
      clock: new ManualClock(),
      rng: new Rng(1),
    });
    const passes: LegacyPass[] = [];
    e.onPass((p) => passes.push(p));
    const pass = await e.runOnce();
    assert.deepEqual(pass.blocked, ['dns']);
    assert.deepEqual(pass.applied, []);
    assert.equal(store.snapshot().targets[0]?.activeGeneration, 2);
    const log = await store.readAudit({ kinds: ['blocked'] });
    assert.match(log[0]!.reason, /active plan 2 was deleted; an operator must repair it/);
    assert.equal(passes.length, 1);
  });

  it('does nothing without a plan', async () => {
    const store = await storeWith(0, ['dns']);
    const e = new LegacyEnactor({
      id: 'enactor-a',
      store,
      clock: new ManualClock(),
      rng: new Rng(1),
    });
    assert.deepEqual(await e.runOnce(), {
      plan: undefined,
      checked: [],
      applied: [],
      blocked: [],
      deleted: [],
    });
  });

  it('runs in a loop', async () => {
    const clock = new ManualClock();
    const store = await storeWith(1, ['dns']);
    const e = new LegacyEnactor({
      id: 'enactor-a',
      store,
      clock,
      rng: new Rng(1),
      intervalMs: 100,
    });
    e.start();
    await clock.advanceAsync(0);
    assert.equal(e.running, true);
    await e.stop();
    assert.equal(store.snapshot().targets[0]?.activeGeneration, 1);
  });

  it('needs a store with the legacy operations, and validates its options', async () => {
    const clock = new ManualClock();
    const rng = new Rng(1);
    const sqlite = await openSqlitePlanStore({ file: ':memory:' });
    assert.throws(
      () => new LegacyEnactor({ id: 'e', store: sqlite as never, clock, rng }),
      /legacy operations/,
    );
    await sqlite.close();
    const store = new MemoryPlanStore();
    assert.throws(
      () => new LegacyEnactor({ id: 'e', store, clock, rng, applyDelayMs: -1 }),
      /applyDelayMs/,
    );
    assert.throws(
      () => new LegacyEnactor({ id: 'e', store, clock, rng, cleanupLagGenerations: 0 }),
      /cleanupLagGenerations/,
    );
    assert.throws(() => new LegacyEnactor({ id: '', store, clock, rng }), /id/);
  });
});
