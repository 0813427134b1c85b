import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contractDraft } from '../../dns/plan-store/contract.js';
import { MemoryPlanStore } from '../../dns/plan-store/memory-store.js';
import { CheckedPlanStore } from './checked-plan-store.js';

const ctx = { actor: 'test', atMs: 0 };

function world(): { inner: MemoryPlanStore; store: CheckedPlanStore; steps: number[] } {
  const inner = new MemoryPlanStore();
  const steps: number[] = [];
  const store = new CheckedPlanStore({ store: inner, onStep: (from) => steps.push(from) });
  return { inner, store, steps };
}

describe('CheckedPlanStore', () => {
  it('calls onStep synchronously after each write that changed the store', async () => {
    const { store, steps } = world();
    void store.addTarget('dns-1', ctx);
    assert.deepEqual(steps, [0], 'before the promise settles');
    await store.putPlan(contractDraft(1), ctx);
    await store.activate('dns-1', 1, ctx);
    await store.putPlan(contractDraft(2), ctx);
    await store.putPlan(contractDraft(3), ctx);
    await store.putPlan(contractDraft(4), ctx);
    await store.activate('dns-1', 4, ctx);
    await store.deleteOlderThan(2, ctx);
    await store.appendAudit({ atMs: 0, actor: 'x', kind: 'refusal', reason: 'no' });
    assert.deepEqual(steps, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('does not call onStep after reads or writes that changed nothing', async () => {
    const { store, steps } = world();
    await store.addTarget('dns-1', ctx);
    steps.length = 0;
    await store.addTarget('dns-1', ctx);
    await store.removeTarget('nope', ctx);
    await store.deleteOlderThan(2, ctx);
    await store.getPlan(1);
    await store.newestPlan();
    await store.listGenerations();
    await store.getTarget('dns-1');
    await store.listTargets();
    await store.readAudit();
    assert.deepEqual(steps, []);
  });

  it('forwards the legacy operations, and checks after them', async () => {
    const { inner, store, steps } = world();
    await store.addTarget('dns-1', ctx);
    await store.putPlan(contractDraft(1), ctx);
    await store.forceActivate('dns-1', 1, ctx);
    await store.deletePlans([1], ctx);
    assert.equal(steps.length, 4);
    assert.equal(inner.servedPlan('dns-1'), undefined);
    assert.equal(await store.removeTarget('dns-1', ctx), true);
    assert.equal(steps.length, 5);
    await store.close();
    await assert.rejects(store.newestPlan());
  });

  it('validates its options', () => {
    assert.throws(
      () => new CheckedPlanStore({ store: {} as MemoryPlanStore, onStep: () => {} }),
      /store must be a MemoryPlanStore/,
    );
    assert.throws(
      () => new CheckedPlanStore({ store: new MemoryPlanStore(), onStep: 1 as never }),
      /onStep must be a function/,
    );
  });
});
