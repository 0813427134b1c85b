import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/testing/manual-clock.js';
import { Rng } from '../core/rng.js';
import { Reconciler } from './reconciler.js';
import type { ReconcileResult } from './reconciler.js';
import { MemoryPlanStore } from './plan-store/memory-store.js';
import { FaultyPlanStore } from './plan-store/faulty-store.js';
import { contractDraft } from './plan-store/contract.js';
import { checkConvergence, checkSafety } from './invariants.js';
import type { Target, ApplyContext, ApplyResult, TargetState } from './target.js';
import type { Plan } from './plan.js';
import type { RecordSet } from './record-set.js';

const ctx = (actor: string) => ({ actor, atMs: 0 });

async function storeWith(plans: number, targets: string[]): Promise<MemoryPlanStore> {
  const store = new MemoryPlanStore();
  for (let i = 1; i <= plans; i++) await store.putPlan(contractDraft(i), ctx('planner'));
  for (const t of targets) await store.addTarget(t, ctx('op'));
  return store;
}

function reconciler(
  store: MemoryPlanStore | FaultyPlanStore,
  clock = new ManualClock(),
  targets?: Target[],
): Reconciler {
  return new Reconciler({
    store,
    clock,
    rng: new Rng(1),
    ...(targets === undefined ? {} : { targets }),
  });
}

describe('Reconciler', () => {
  it('does nothing for targets serving the newest plan', async () => {
    const store = await storeWith(2, ['a']);
    await store.activate('a', 2, ctx('e'));
    const r = await reconciler(store).runOnce();
    assert.deepEqual(
      r.map((x) => x.action),
      ['in-sync'],
    );
  });

  it('applies the newest plan to a target that is behind or never activated', async () => {
    const store = await storeWith(3, ['a', 'b']);
    await store.activate('a', 1, ctx('e'));
    const r = await reconciler(store).runOnce();
    assert.deepEqual(
      r.map((x) => [x.target, x.action, x.generation]),
      [
        ['a', 'applied', 3],
        ['b', 'applied', 3],
      ],
    );
    assert.match(r[1]!.detail, /never activated/);
    assert.deepEqual(checkConvergence(store.snapshot()), []);
    assert.equal((await store.readAudit({ kinds: ['reconcile'] })).length, 2);
  });

  it('repairs a target whose active plan was deleted when a newer plan exists', async () => {
    const store = await storeWith(4, ['a']);
    await store.forceActivate('a', 2, ctx('legacy'));
    await store.deletePlans([2], ctx('legacy-cleanup'));
    const r = await reconciler(store).runOnce();
    assert.equal(r[0]!.action, 'applied');
    assert.match(r[0]!.detail, /whose plan is gone/);
    assert.deepEqual(checkConvergence(store.snapshot()), []);
  });

  it('re-publishes when the active plan is gone and nothing newer exists, with no operator', async () => {
    const store = await storeWith(3, ['a']);
    await store.activate('a', 3, ctx('e'));
    await store.deletePlans([3], ctx('damage'));
    const results: ReconcileResult[] = [];
    const rec = reconciler(store);
    rec.onRepair((x) => results.push(x));
    const r = await rec.runOnce();
    assert.equal(r[0]!.action, 'republished');
    assert.equal(r[0]!.generation, 4);
    const p = await store.getPlan(4);
    assert.deepEqual(p?.origin, { kind: 'republish', fromGeneration: 2 });
    assert.equal(p?.contentHash, contractDraft(2).contentHash);
    assert.deepEqual(checkConvergence(store.snapshot()), []);
    assert.equal(results.length, 1);
  });

  it('reports no-plan when no plan exists at all', async () => {
    const store = await storeWith(0, ['a']);
    const r = await reconciler(store).runOnce();
    assert.deepEqual(
      r.map((x) => x.action),
      ['no-plan'],
    );
  });

  it('finishes a half-applied update on a target that serves other records', async () => {
    const store = await storeWith(2, []);
    const plan2 = (await store.getPlan(2))!;
    let served: { gen: number | undefined; sets: readonly RecordSet[]; hash: string | undefined } =
      {
        gen: 2,
        sets: plan2.content.recordSets.slice(0, 1),
        hash: undefined,
      };
    const modes: string[] = [];
    const server: Target = {
      id: 'dns-1',
      activeGeneration: () => Promise.resolve(served.gen),
      read: (): Promise<TargetState> =>
        Promise.resolve({
          id: 'dns-1',
          activeGeneration: served.gen,
          contentHash: served.hash,
          recordSets: served.sets,
        }),
      apply: (plan: Plan, c: ApplyContext): Promise<ApplyResult> => {
        modes.push(c.mode ?? 'advance');
        if (
          served.gen !== undefined &&
          (served.gen > plan.generation || (served.gen === plan.generation && c.mode !== 'repair'))
        ) {
          return Promise.resolve({
            outcome: 'lost',
            reason: 'not-newer',
            currentGeneration: served.gen,
          });
        }
        const previousGeneration = served.gen;
        served = { gen: plan.generation, sets: plan.content.recordSets, hash: plan.contentHash };
        return Promise.resolve({ outcome: 'won', previousGeneration });
      },
    };
    const r = await reconciler(store, new ManualClock(), [server]).runOnce();
    assert.deepEqual(
      r.map((x) => x.action),
      ['repaired'],
    );
    assert.deepEqual(modes, ['repair']);
    assert.equal(served.hash, plan2.contentHash);
    assert.deepEqual(
      checkConvergence({
        plans: store.snapshot().plans,
        targets: [{ id: 'dns-1', activeGeneration: served.gen, served: served.sets }],
        audit: [],
      }),
      [],
    );
  });

  it('reports a lost compare-and-set as lost, and target errors as error', async () => {
    const store = await storeWith(2, []);
    const losing: Target = {
      id: 'x',
      activeGeneration: () => Promise.resolve(undefined),
      read: () =>
        Promise.resolve({ id: 'x', activeGeneration: 1, contentHash: 'h', recordSets: [] }),
      apply: () => Promise.resolve({ outcome: 'lost', reason: 'not-newer', currentGeneration: 5 }),
    };
    const broken: Target = {
      id: 'y',
      activeGeneration: () => Promise.resolve(undefined),
      read: () => Promise.reject(new TypeError('broken target')),
      apply: () => Promise.reject(new Error('unused')),
    };
    const r = await reconciler(store, new ManualClock(), [losing, broken]).runOnce();
    assert.deepEqual(
      r.map((x) => x.action),
      ['lost', 'error'],
    );
  });

  it('makes every target converge after faults stop, from a messy state', async () => {
    const clock = new ManualClock();
    const inner = await storeWith(5, ['a', 'b', 'c']);
    await inner.activate('a', 5, ctx('e'));
    await inner.forceActivate('b', 9, ctx('damage'));
    const store = new FaultyPlanStore({
      store: inner,
      clock,
      random: { rng: new Rng(9), errorRate: 0.3 },
    });
    const rec = reconciler(store, clock);
    const pass = async (): Promise<void> => {
      const run = rec.runOnce().catch(() => undefined);
      await clock.runAllAsync();
      await run;
    };
    for (let i = 0; i < 5; i++) await pass();
    store.heal();
    // The breaker may still be open after the faults: give it time, as the loop would.
    for (let i = 0; i < 5 && checkConvergence(inner.snapshot()).length > 0; i++) {
      clock.advance(10_000);
      await pass();
    }
    assert.deepEqual(checkConvergence(inner.snapshot()), []);
    assert.deepEqual(
      checkSafety(inner.snapshot()).filter((v) => v.invariant !== 'I2' && v.invariant !== 'I3'),
      [],
    );
  });

  it('runs in a loop and validates its options', async () => {
    const clock = new ManualClock();
    const store = await storeWith(1, ['a']);
    const rec = new Reconciler({ store, clock, rng: new Rng(1), intervalMs: 100 });
    rec.start();
    await clock.advanceAsync(0);
    await rec.stop();
    assert.equal(store.snapshot().targets[0]?.activeGeneration, 1);
    assert.throws(() => new Reconciler({ store: {} as never, clock, rng: new Rng(1) }), /store/);
    assert.throws(
      () => new Reconciler({ store, clock, rng: new Rng(1), targets: 1 as never }),
      /targets/,
    );
    assert.throws(
      () => new Reconciler({ store, clock, rng: new Rng(1), intervalMs: -1 }),
      /intervalMs/,
    );
  });
});
