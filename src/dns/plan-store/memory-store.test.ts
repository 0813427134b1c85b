import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryPlanStore } from './memory-store.js';
import { contractDraft, runPlanStoreContract } from './contract.js';
import { isUnknownTargetError } from '../errors.js';
import { checkSafety } from '../invariants.js';

runPlanStoreContract('memory', () => new MemoryPlanStore());

const ctx = (actor: string) => ({ actor, atMs: 1 });

describe('MemoryPlanStore', () => {
  it('offers synchronous bodies of the atomic operations for callback code', () => {
    const store = new MemoryPlanStore();
    const r = store.putPlanSync(contractDraft(1), ctx('p'));
    assert.equal(r.outcome, 'written');
    assert.throws(() => store.activateSync('ghost', 1, ctx('e')), isUnknownTargetError);
  });

  it('takes a snapshot with copies of plans and targets and the live log', async () => {
    const store = new MemoryPlanStore();
    await store.putPlan(contractDraft(1), ctx('p'));
    await store.addTarget('t', ctx('op'));
    await store.activate('t', 1, ctx('e'));
    const snap = store.snapshot();
    assert.equal(snap.plans.size, 1);
    assert.deepEqual(snap.targets, [{ id: 't', activeGeneration: 1 }]);
    assert.equal(snap.auditLength, 3);
    assert.equal(snap.written?.size, 1);
    await store.putPlan(contractDraft(2), ctx('p'));
    assert.equal(snap.plans.size, 1, 'plans are copied');
    assert.deepEqual(checkSafety(store.snapshot(), snap), []);
  });

  it('tells which plan a target serves: none once its active plan is deleted (legacy ops)', async () => {
    const store = new MemoryPlanStore();
    await store.putPlan(contractDraft(1), ctx('p'));
    await store.putPlan(contractDraft(2), ctx('p'));
    await store.addTarget('t', ctx('op'));
    assert.equal(store.servedPlan('t'), undefined);
    await store.activate('t', 2, ctx('e'));
    assert.equal(store.servedPlan('t')?.generation, 2);
    assert.deepEqual(await store.forceActivate('t', 1, ctx('stale')), { previousGeneration: 2 });
    assert.deepEqual(await store.deletePlans([1, 7], ctx('cleanup')), [1]);
    assert.equal(store.servedPlan('t'), undefined);
    const kinds = checkSafety(store.snapshot()).map((v) => v.invariant);
    assert.ok(kinds.includes('I1') && kinds.includes('I2') && kinds.includes('I3'), kinds.join());
  });

  it('recomputes the newest plan when the legacy clean-up deletes it', async () => {
    const store = new MemoryPlanStore();
    await store.putPlan(contractDraft(1), ctx('p'));
    await store.putPlan(contractDraft(2), ctx('p'));
    await store.deletePlans([2], ctx('x'));
    assert.equal((await store.newestPlan())?.generation, 1);
    await store.deletePlans([1], ctx('x'));
    assert.equal(await store.newestPlan(), undefined);
    const r = await store.putPlan(contractDraft(3), ctx('p'));
    assert.equal(r.outcome === 'written' && r.plan.generation, 3, 'generations are not reused');
  });

  it('allocates above an active generation whose plan is gone', async () => {
    const store = new MemoryPlanStore();
    await store.putPlan(contractDraft(1), ctx('p'));
    await store.addTarget('t', ctx('op'));
    await store.forceActivate('t', 40, ctx('damage'));
    const r = await store.putPlan(contractDraft(2), ctx('p'));
    assert.equal(r.outcome === 'written' && r.plan.generation, 41);
  });

  it('requirePlan throws PlanNotFoundError', () => {
    const store = new MemoryPlanStore();
    assert.throws(() => store.requirePlan(3), /plan generation 3 does not exist/);
  });
});
