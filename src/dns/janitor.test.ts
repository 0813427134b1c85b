import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/testing/manual-clock.js';
import { Rng } from '../core/rng.js';
import { drainMicrotasks } from '../core/microtasks.js';
import { Janitor } from './janitor.js';
import type { DeleteResult } from './plan-store/plan-store.js';
import { MemoryPlanStore } from './plan-store/memory-store.js';
import { FaultyPlanStore } from './plan-store/faulty-store.js';
import { contractDraft } from './plan-store/contract.js';
import { checkSafety } from './invariants.js';

const ctx = (actor: string) => ({ actor, atMs: 0 });

async function storeWith(plans: number, active: Record<string, number>): Promise<MemoryPlanStore> {
  const store = new MemoryPlanStore();
  for (let i = 1; i <= plans; i++) await store.putPlan(contractDraft(i), ctx('planner'));
  for (const [t, g] of Object.entries(active)) {
    await store.addTarget(t, ctx('op'));
    await store.activate(t, g, ctx('e'));
  }
  return store;
}

describe('Janitor', () => {
  it('deletes plans below min(active) - retain through the store, with its id in the log', async () => {
    const store = await storeWith(10, { a: 10, b: 8 });
    const j = new Janitor({
      store,
      clock: new ManualClock({ startMs: 77 }),
      rng: new Rng(1),
      retain: 3,
    });
    const r = await j.runOnce();
    assert.deepEqual(r.deleted, [1, 2, 3, 4]);
    const log = await store.readAudit({ kinds: ['deletion'] });
    assert.equal(log[0]!.actor, 'janitor');
    assert.equal(log[0]!.atMs, 77);
  });

  it('defaults retain to 10 and validates it (>= 2)', () => {
    const clock = new ManualClock();
    const store = new MemoryPlanStore();
    const rng = new Rng(1);
    assert.equal(new Janitor({ store, clock, rng }).retain, 10);
    assert.throws(
      () => new Janitor({ store, clock, rng, retain: 1 }),
      /Janitor: retain must be an integer >= 2, got 1/,
    );
    assert.throws(() => new Janitor({ store, clock, rng, retain: 2.5 }), RangeError);
    assert.throws(
      () => new Janitor({ store: {} as never, clock, rng }),
      /store must be a PlanStore/,
    );
    assert.throws(() => new Janitor({ store, clock, rng, id: '' }), /id/);
  });

  it('re-reads the active generation at delete time: a racing stale activation is never deleted under it', async () => {
    const clock = new ManualClock();
    const inner = await storeWith(6, { a: 6, b: 6 });
    const store = new FaultyPlanStore({ store: inner, clock });
    // The janitor's call is delayed; meanwhile a stale activation lands... it cannot go
    // backwards (CAS), and a brand-new target activates an old plan: that one must survive.
    const stall = store.inject({ methods: 'deleteOlderThan', fault: { kind: 'stall' } });
    const policy = {
      execute: async <T>(fn: (c: { signal: undefined }) => PromiseLike<T> | T) =>
        fn({ signal: undefined }),
    };
    const j = new Janitor({ store, clock, rng: new Rng(1), retain: 2, policy });
    const run = j.runOnce();
    await drainMicrotasks();
    await inner.addTarget('c', ctx('op'));
    assert.equal((await inner.activate('c', 2, ctx('enactor-slow'))).outcome, 'won');
    stall.release();
    const r = await run;
    assert.deepEqual(r.deleted, [], 'min(active) is now 2: nothing below 0');
    assert.deepEqual(r.activeGenerations, { a: 6, b: 6, c: 2 });
    assert.deepEqual(checkSafety(inner.snapshot()), []);
  });

  it('emits onDelete only when something was deleted', async () => {
    const store = await storeWith(5, { a: 5 });
    const j = new Janitor({ store, clock: new ManualClock(), rng: new Rng(1), retain: 2 });
    const seen: DeleteResult[] = [];
    j.onDelete((r) => seen.push(r));
    await j.runOnce();
    await j.runOnce();
    assert.equal(seen.length, 1);
  });

  it('runs in a loop, reports failures through onError, and stops', async () => {
    const clock = new ManualClock();
    const inner = await storeWith(5, { a: 5 });
    const store = new FaultyPlanStore({ store: inner, clock });
    const j = new Janitor({
      store,
      clock,
      rng: new Rng(1),
      retain: 2,
      intervalMs: 1000,
      jitter: 0,
    });
    const errors: unknown[] = [];
    j.onError((e) => errors.push(e));
    store.inject({ methods: 'deleteOlderThan', times: 3, fault: { kind: 'error' } });
    j.start();
    assert.equal(j.running, true);
    await clock.advanceAsync(0);
    await clock.advanceAsync(10_000);
    await j.stop();
    assert.ok(errors.length >= 1);
    assert.deepEqual(await inner.listGenerations(), [3, 4, 5]);
  });
});
