import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/testing/manual-clock.js';
import { Rng } from '../core/rng.js';
import { drainMicrotasks } from '../core/microtasks.js';
import { Planner } from './planner.js';
import type { PlannerOptions } from './planner.js';
import { MemoryPlanStore } from './plan-store/memory-store.js';
import { FaultyPlanStore } from './plan-store/faulty-store.js';
import type { InventoryInput, EndpointInput } from './inventory.js';
import { rollback } from './rollback.js';
import { createPlanContent, createPlanDraft } from './plan.js';
import type { Plan } from './plan.js';

const NAME = 'api.example.com';
const eps = (n: number, unhealthy: number[] = []): EndpointInput[] =>
  Array.from({ length: n }, (_, i) => ({
    address: `192.0.2.${i + 1}`,
    healthy: !unhealthy.includes(i + 1),
  }));
const inv = (n: number, unhealthy: number[] = []): InventoryInput => ({
  names: [{ name: NAME, endpoints: eps(n, unhealthy) }],
});

function setup(options: Partial<PlannerOptions> = {}) {
  const clock = new ManualClock({ startMs: 1_000_000 });
  const store = new MemoryPlanStore();
  const planner = new Planner({ store, clock, rng: new Rng(1), ...options });
  return { clock, store, planner };
}

describe('Planner', () => {
  it('writes the first plan and audits it', async () => {
    const { store, planner } = setup();
    const r = await planner.runOnce(inv(3));
    assert.equal(r.outcome, 'written');
    assert.equal(r.plan?.generation, 1);
    assert.equal(r.plan?.plannerId, 'planner');
    assert.equal(r.plan?.createdAtMs, 1_000_000);
    const log = await store.readAudit({ kinds: ['plan-written'] });
    assert.equal(log.length, 1);
    assert.equal(log[0]!.actor, 'planner');
  });

  it('writes nothing when the content hash is unchanged', async () => {
    const { store, planner } = setup();
    await planner.runOnce(inv(3));
    const r = await planner.runOnce(inv(3));
    assert.equal(r.outcome, 'unchanged');
    assert.equal(r.plan?.generation, 1);
    assert.deepEqual(await store.listGenerations(), [1]);
    assert.equal((await planner.runOnce(inv(4))).plan?.generation, 2);
  });

  it('refuses an invalid inventory, logs the fields, and logs a standing refusal once', async () => {
    const { store, planner } = setup();
    const bad = { names: [{ name: NAME, endpoints: [{ address: '999.0.0.1' }] }] };
    const r = await planner.runOnce(bad);
    assert.equal(r.outcome, 'refused');
    assert.match(r.reason ?? '', /invalid inventory: names\[0\]\.endpoints\[0\]\.address/);
    await planner.runOnce(bad);
    const refusals = await store.readAudit({ kinds: ['refusal'] });
    assert.equal(refusals.length, 1, 'logged once while it stands');
    assert.deepEqual(await store.listGenerations(), []);
  });

  it('logs fail-open once while it lasts, and again when it comes back', async () => {
    const { store, planner } = setup();
    const seen: string[] = [];
    planner.onGuard((e) => seen.push(e.kind));
    await planner.runOnce(inv(2, [1, 2]));
    await planner.runOnce(inv(2, [1, 2]));
    assert.equal((await store.readAudit({ kinds: ['refusal'] })).length, 1);
    await planner.runOnce(inv(2));
    await planner.runOnce(inv(2, [1, 2]));
    const log = await store.readAudit({ kinds: ['refusal'] });
    assert.equal(log.length, 2);
    assert.equal(log[0]!.name, NAME);
    assert.match(log[0]!.reason, /fail open/);
    assert.deepEqual(seen, ['fail-open', 'fail-open', 'fail-open']);
  });

  it('cuts a fast removal, logs the cut, and finishes it after the window', async () => {
    const { clock, store, planner } = setup({
      velocity: {
        maxRemovedFractionPerPlan: 0.5,
        maxRemovedFractionPerWindow: 0.5,
        windowMs: 60_000,
      },
    });
    await planner.runOnce(inv(4));
    const cut = await planner.runOnce(inv(4, [1, 2, 3]));
    assert.equal(cut.outcome, 'written');
    assert.equal(cut.plan?.content.recordSets[0]?.records.length, 2);
    assert.equal((await store.readAudit({ kinds: ['cut'] })).length, 1);
    assert.equal(planner.history.length, 1);
    // Still inside the window: the window's budget is spent, nothing more is removed.
    const again = await planner.runOnce(inv(4, [1, 2, 3]));
    assert.equal(again.outcome, 'unchanged');
    clock.advance(60_001);
    const done = await planner.runOnce(inv(4, [1, 2, 3]));
    assert.equal(done.outcome, 'written');
    assert.equal(done.plan?.content.recordSets[0]?.records.length, 1);
  });

  it('refuses to write a plan with no record sets', async () => {
    const { store, planner } = setup();
    const r = await planner.runOnce({ names: [] });
    assert.equal(r.outcome, 'refused');
    assert.match(r.reason ?? '', /no record sets/);
    assert.equal((await store.readAudit({ kinds: ['refusal'] })).length, 1);
  });

  it('refuses an inventory that yields an invalid plan (a CNAME next to addresses)', async () => {
    const { planner } = setup();
    const r = await planner.runOnce({
      names: [{ name: NAME, endpoints: eps(1) }],
      records: [{ name: NAME, type: 'CNAME', records: ['x.example.com'] }],
    });
    assert.equal(r.outcome, 'refused');
    assert.match(r.reason ?? '', /invalid plan: .*CNAME/);
  });

  it('recognises its own write when the answer was lost, and does not write twice', async () => {
    const clock = new ManualClock();
    const inner = new MemoryPlanStore();
    const store = new FaultyPlanStore({ store: inner, clock });
    store.inject({ methods: 'putPlan', times: 1, fault: { kind: 'timeout-after-write' } });
    const planner = new Planner({ store, clock, rng: new Rng(2) });
    const run = planner.runOnce(inv(2));
    await clock.runAllAsync();
    const r = await run;
    assert.equal(r.outcome, 'written');
    assert.equal(r.plan?.generation, 1);
    assert.deepEqual(await inner.listGenerations(), [1]);
  });

  it('reports a conflict when another writer was first', async () => {
    const clock = new ManualClock();
    const inner = new MemoryPlanStore();
    const store = new FaultyPlanStore({ store: inner, clock });
    const stall = store.inject({ methods: 'putPlan', actor: 'planner', fault: { kind: 'stall' } });
    const planner = new Planner({
      store,
      clock,
      rng: new Rng(3),
      policy: { execute: async (fn) => fn({ signal: undefined }) },
    });
    const run = planner.runOnce(inv(2));
    await drainMicrotasks();
    const other = createPlanDraft({
      content: createPlanContent([{ name: 'x.example', type: 'TXT', records: ['x'] }]),
      plannerId: 'other',
      createdAtMs: 0,
    });
    await inner.putPlan(other, { actor: 'other', atMs: 0 });
    stall.release();
    const r = await run;
    assert.equal(r.outcome, 'conflict');
    assert.deepEqual(await inner.listGenerations(), [1]);
  });

  it('holds off after a rollback while the inventory is unchanged, then writes when it changes', async () => {
    const { clock, store, planner } = setup();
    await planner.runOnce(inv(2));
    await planner.runOnce(inv(3));
    await rollback({ store, to: 1, actor: 'operator', clock });
    const held = await planner.runOnce(inv(3));
    assert.equal(held.outcome, 'held');
    assert.equal(held.plan?.generation, 3);
    await planner.runOnce(inv(3));
    const refusals = await store.readAudit({ kinds: ['refusal'] });
    assert.equal(refusals.length, 1);
    assert.match(refusals[0]!.reason, /rollback to 1 in effect/);
    const moved = await planner.runOnce(inv(4));
    assert.equal(moved.outcome, 'written');
    assert.equal(moved.plan?.generation, 4);
  });

  it('runs in a loop on the clock from an inventory source, and stops', async () => {
    let n = 1;
    const { clock, store, planner } = setup({
      inventory: () => inv(n),
      intervalMs: 1000,
      jitter: 0,
    });
    const written: Plan[] = [];
    planner.onPlanWritten((p) => written.push(p));
    planner.start();
    planner.start();
    assert.equal(planner.running, true);
    await clock.advanceAsync(0);
    n = 2;
    await clock.advanceAsync(1000);
    n = 3;
    await clock.advanceAsync(1000);
    await planner.stop();
    assert.equal(planner.running, false);
    assert.deepEqual(
      written.map((p) => p.generation),
      [1, 2, 3],
    );
    assert.deepEqual(await store.listGenerations(), [1, 2, 3]);
  });

  it('reports loop errors through onError (no inventory source)', async () => {
    const { clock, planner } = setup({ intervalMs: 1000 });
    const errors: unknown[] = [];
    planner.onError((e) => errors.push(e));
    planner.start();
    await clock.advanceAsync(0);
    await planner.stop();
    assert.match(String(errors[0]), /start\(\) needs options.inventory/);
  });

  it('validates its options', () => {
    const clock = new ManualClock();
    const store = new MemoryPlanStore();
    const rng = new Rng(1);
    assert.throws(() => new Planner(null as never), /options must be an object/);
    assert.throws(
      () => new Planner({ store: {} as never, clock, rng }),
      /store must be a PlanStore/,
    );
    assert.throws(() => new Planner({ store, clock: {} as never, rng }), /clock must be a Clock/);
    assert.throws(() => new Planner({ store, clock, rng: {} as never }), /rng must be an Rng/);
    assert.throws(
      () => new Planner({ store, clock, rng, id: '' }),
      /id must be a non-empty string/,
    );
    assert.throws(
      () => new Planner({ store, clock, rng, velocity: { windowMs: -1 } }),
      /velocity.windowMs/,
    );
    assert.throws(() => new Planner({ store, clock, rng, intervalMs: 0 }), /intervalMs/);
    assert.throws(
      () => new Planner({ store, clock, rng, inventory: 3 as never }),
      /inventory must be a function/,
    );
  });
});
