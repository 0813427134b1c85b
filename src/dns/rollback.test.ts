import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/testing/manual-clock.js';
import { rollback } from './rollback.js';
import { MemoryPlanStore } from './plan-store/memory-store.js';
import { FaultyPlanStore } from './plan-store/faulty-store.js';
import { contractDraft } from './plan-store/contract.js';
import { isPlanConflictError, isPlanNotFoundError } from './errors.js';
import type { Policy } from '../resilience/policy.js';

const ctx = (actor: string) => ({ actor, atMs: 0 });

async function storeWith(plans: number): Promise<MemoryPlanStore> {
  const store = new MemoryPlanStore();
  for (let i = 1; i <= plans; i++) await store.putPlan(contractDraft(i), ctx('planner'));
  return store;
}

describe('rollback', () => {
  it("writes G's content as a new plan with a higher generation", async () => {
    const store = await storeWith(4);
    const clock = new ManualClock({ startMs: 500 });
    const r = await rollback({ store, to: 2, actor: 'alice', clock });
    assert.equal(r.fromGeneration, 2);
    assert.equal(r.plan.generation, 5);
    assert.equal(r.plan.contentHash, contractDraft(2).contentHash);
    assert.equal(r.plan.plannerId, 'alice');
    assert.equal(r.plan.createdAtMs, 500);
    assert.deepEqual(r.plan.origin, {
      kind: 'rollback',
      fromGeneration: 2,
      replacedContentHash: contractDraft(4).contentHash,
    });
    const log = await store.readAudit({ kinds: ['plan-written'] });
    assert.equal(log.at(-1)!.reason, 'rollback to generation 2');
    assert.equal(log.at(-1)!.actor, 'alice');
  });

  it('throws PlanNotFoundError for a generation that is gone', async () => {
    const store = await storeWith(2);
    await assert.rejects(
      rollback({ store, to: 9, actor: 'a', clock: new ManualClock() }),
      isPlanNotFoundError,
    );
  });

  it('recognises its own write after a lost answer', async () => {
    const clock = new ManualClock();
    const inner = await storeWith(3);
    const store = new FaultyPlanStore({ store: inner, clock });
    store.inject({ methods: 'putPlan', times: 1, fault: { kind: 'timeout-after-write' } });
    const retryOnce: Policy = {
      execute: async (fn) => {
        try {
          return await fn({ signal: undefined });
        } catch {
          return fn({ signal: undefined });
        }
      },
    };
    const r = await rollback({ store, to: 1, actor: 'a', clock, policy: retryOnce });
    assert.equal(r.plan.generation, 4);
    assert.deepEqual(await inner.listGenerations(), [1, 2, 3, 4]);
  });

  it('gives up with PlanConflictError when other writers keep winning', async () => {
    const inner = await storeWith(1);
    let n = 10;
    const racing = new Proxy(inner, {
      get(target, prop) {
        if (prop === 'putPlan') {
          return async (...args: Parameters<MemoryPlanStore['putPlan']>) => {
            await target.putPlan(contractDraft(n++), ctx('other'));
            return target.putPlan(...args);
          };
        }
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    await assert.rejects(
      rollback({ store: racing, to: 1, actor: 'a', clock: new ManualClock(), maxConflicts: 2 }),
      isPlanConflictError,
    );
  });

  it('validates its options', async () => {
    const store = await storeWith(1);
    const clock = new ManualClock();
    await assert.rejects(
      rollback({ store, to: 0, actor: 'a', clock }),
      /to must be an integer >= 1/,
    );
    await assert.rejects(rollback({ store, to: 1, actor: '', clock }), /actor/);
    await assert.rejects(rollback({ store, to: 1, actor: 'a', clock: {} as never }), /clock/);
  });
});
