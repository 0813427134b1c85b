import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StoreTarget } from './store-target.js';
import { MemoryPlanStore } from './plan-store/memory-store.js';
import { contractDraft } from './plan-store/contract.js';
import { isUnknownTargetError } from './errors.js';
import type { Plan } from './plan.js';

const ctx = (actor: string) => ({ actor, atMs: 3 });

async function setup(): Promise<{ store: MemoryPlanStore; plans: Plan[]; target: StoreTarget }> {
  const store = new MemoryPlanStore();
  const plans: Plan[] = [];
  for (let i = 1; i <= 3; i++) {
    const r = await store.putPlan(contractDraft(i), ctx('p'));
    if (r.outcome === 'written') plans.push(r.plan);
  }
  await store.addTarget('dns', ctx('op'));
  return { store, plans, target: new StoreTarget(store, 'dns') };
}

describe('StoreTarget', () => {
  it("applies through the store's compare-and-set", async () => {
    const { store, plans, target } = await setup();
    assert.deepEqual(await target.apply(plans[1]!, { ...ctx('e'), reason: 'why' }), {
      outcome: 'won',
      previousGeneration: undefined,
    });
    assert.deepEqual(await target.apply(plans[0]!, ctx('stale')), {
      outcome: 'lost',
      reason: 'not-newer',
      currentGeneration: 2,
    });
    assert.deepEqual(await target.apply(plans[1]!, { ...ctx('retry'), mode: 'repair' }), {
      outcome: 'already-active',
    });
    assert.equal((await store.readAudit({ kinds: ['activation-won'] }))[0]!.reason, 'why');
  });

  it('serves its active plan, and nothing once that plan is gone', async () => {
    const { store, plans, target } = await setup();
    assert.deepEqual(await target.read(), {
      id: 'dns',
      activeGeneration: undefined,
      contentHash: undefined,
      recordSets: [],
    });
    await target.apply(plans[2]!, ctx('e'));
    const s = await target.read();
    assert.equal(s.activeGeneration, 3);
    assert.equal(s.contentHash, plans[2]!.contentHash);
    assert.equal(s.recordSets, plans[2]!.content.recordSets);
    assert.equal(await target.activeGeneration(), 3);
    await store.deletePlans([3], ctx('legacy'));
    const gone = await target.read();
    assert.equal(gone.contentHash, undefined);
    assert.deepEqual(gone.recordSets, []);
  });

  it('throws UnknownTargetError for an unregistered id, and validates its arguments', async () => {
    const { store } = await setup();
    const ghost = new StoreTarget(store, 'ghost');
    await assert.rejects(ghost.read(), isUnknownTargetError);
    await assert.rejects(ghost.activeGeneration(), isUnknownTargetError);
    assert.throws(() => new StoreTarget({} as never, 'x'), /store must be a PlanStore/);
    assert.throws(() => new StoreTarget(store, ''), /id must be a non-empty string/);
  });
});
