import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { repairLegacyTarget } from './repair.js';
import { MemoryPlanStore } from '../plan-store/memory-store.js';
import { contractDraft } from '../plan-store/contract.js';
import { isPlanNotFoundError, isUnknownTargetError } from '../errors.js';
import { checkConvergence } from '../invariants.js';

const ctx = (actor: string) => ({ actor, atMs: 0 });

describe('repairLegacyTarget', () => {
  it('sets a blocked target to the newest plan and records the repair', async () => {
    const store = new MemoryPlanStore();
    for (let i = 1; i <= 4; i++) await store.putPlan(contractDraft(i), ctx('p'));
    await store.addTarget('dns', ctx('op'));
    await store.forceActivate('dns', 2, ctx('stale'));
    await store.deletePlans([2], ctx('cleanup'));
    const clock = new ManualClock({ startMs: 9_420_000 });
    const r = await repairLegacyTarget({ store, target: 'dns', actor: 'oncall', clock });
    assert.deepEqual(r, { generation: 4, previousGeneration: 2 });
    assert.deepEqual(checkConvergence(store.snapshot()), []);
    const log = await store.readAudit({ kinds: ['repair'] });
    assert.equal(log[0]!.actor, 'oncall');
    assert.equal(log[0]!.atMs, 9_420_000);
  });

  it('throws for an unknown target or when no plan exists, and validates its options', async () => {
    const store = new MemoryPlanStore();
    const clock = new ManualClock();
    await assert.rejects(
      repairLegacyTarget({ store, target: 'x', actor: 'o', clock }),
      isUnknownTargetError,
    );
    await store.addTarget('x', ctx('op'));
    await assert.rejects(
      repairLegacyTarget({ store, target: 'x', actor: 'o', clock }),
      isPlanNotFoundError,
    );
    await assert.rejects(repairLegacyTarget({ store, target: '', actor: 'o', clock }), /target/);
    await assert.rejects(
      repairLegacyTarget({ store, target: 'x', actor: 'o', clock: {} as never }),
      /clock/,
    );
  });
});
