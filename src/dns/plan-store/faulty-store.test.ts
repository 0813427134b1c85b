import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { Rng } from '../../core/rng.js';
import { FaultyPlanStore } from './faulty-store.js';
import type { StoreCallEvent } from './faulty-store.js';
import { MemoryPlanStore } from './memory-store.js';
import { contractDraft, runPlanStoreContract } from './contract.js';
import { isStoreTimeoutError, isStoreUnavailableError } from '../errors.js';
import { drainMicrotasks } from '../../core/microtasks.js';

runPlanStoreContract(
  'faulty (no faults)',
  () => new FaultyPlanStore({ store: new MemoryPlanStore(), clock: new ManualClock() }),
);

const ctx = (actor: string) => ({ actor, atMs: 1 });

function setup(): { clock: ManualClock; inner: MemoryPlanStore; store: FaultyPlanStore } {
  const clock = new ManualClock();
  const inner = new MemoryPlanStore();
  return { clock, inner, store: new FaultyPlanStore({ store: inner, clock }) };
}

describe('FaultyPlanStore', () => {
  it('adds latency on the clock before the call reaches the store', async () => {
    const { clock, inner, store } = setup();
    store.inject({ methods: 'putPlan', fault: { kind: 'latency', ms: 500 } });
    let done = false;
    const p = store.putPlan(contractDraft(1), ctx('p')).then(() => (done = true));
    await clock.advanceAsync(499);
    assert.equal(done, false);
    assert.equal(inner.snapshot().plans.size, 0, 'not reached yet');
    await clock.advanceAsync(1);
    await p;
    assert.equal(inner.snapshot().plans.size, 1);
  });

  it("stalls a chosen actor's call until released, and the write then runs its CAS late", async () => {
    const { inner, store } = setup();
    await store.putPlan(contractDraft(1), ctx('p'));
    await store.putPlan(contractDraft(2), ctx('p'));
    await store.addTarget('t', ctx('op'));
    const stall = store.inject({
      methods: 'activate',
      actor: 'enactor-a',
      fault: { kind: 'stall' },
    });
    const stalled = store.activate('t', 1, ctx('enactor-a'));
    await drainMicrotasks();
    assert.equal(stall.held, 1);
    assert.equal(store.heldCalls, 1);
    assert.equal((await store.activate('t', 2, ctx('enactor-b'))).outcome, 'won');
    stall.release();
    assert.deepEqual(await stalled, { outcome: 'lost', reason: 'not-newer', currentGeneration: 2 });
    assert.equal(inner.snapshot().targets[0]?.activeGeneration, 2);
  });

  it('releases a timed stall by itself after ms', async () => {
    const { clock, store } = setup();
    store.inject({ methods: 'newestPlan', fault: { kind: 'stall', ms: 1000 } });
    let done = false;
    const p = store.newestPlan().then(() => (done = true));
    await clock.advanceAsync(999);
    assert.equal(done, false);
    await clock.advanceAsync(1);
    await p;
    assert.equal(done, true);
  });

  it('fails a call without reaching the store', async () => {
    const { inner, store } = setup();
    store.inject({ methods: 'putPlan', times: 1, fault: { kind: 'error' } });
    await assert.rejects(store.putPlan(contractDraft(1), ctx('p')), isStoreUnavailableError);
    assert.equal(inner.snapshot().plans.size, 0);
    assert.equal((await store.putPlan(contractDraft(1), ctx('p'))).outcome, 'written', 'times: 1');
  });

  it('throws a custom error when given one', async () => {
    const { store } = setup();
    const boom = new Error('boom');
    store.inject({ fault: { kind: 'error', error: boom } });
    await assert.rejects(store.listTargets(), (e) => e === boom);
  });

  it('lets a write take effect, then reports a timeout (the lost answer)', async () => {
    const { inner, store } = setup();
    await store.putPlan(contractDraft(1), ctx('p'));
    await store.addTarget('t', ctx('op'));
    store.inject({ methods: 'activate', times: 1, fault: { kind: 'timeout-after-write' } });
    await assert.rejects(store.activate('t', 1, ctx('e')), isStoreTimeoutError);
    assert.equal(inner.snapshot().targets[0]?.activeGeneration, 1, 'the write took effect');
    assert.deepEqual(await store.activate('t', 1, ctx('e')), {
      outcome: 'lost',
      reason: 'not-newer',
      currentGeneration: 1,
    });
  });

  it('delays the answer of a write that already took effect', async () => {
    const { clock, inner, store } = setup();
    store.inject({ methods: 'putPlan', fault: { kind: 'slow-answer', ms: 100 } });
    let done = false;
    const p = store.putPlan(contractDraft(1), ctx('p')).then(() => (done = true));
    await drainMicrotasks();
    assert.equal(inner.snapshot().plans.size, 1);
    assert.equal(done, false);
    await clock.advanceAsync(100);
    await p;
  });

  it('skips the first matching calls, then hits `times` of them', async () => {
    const { store } = setup();
    const rule = store.inject({ methods: 'getPlan', skip: 2, times: 1, fault: { kind: 'error' } });
    await store.getPlan(1);
    await store.getPlan(1);
    await assert.rejects(store.getPlan(1));
    await store.getPlan(1);
    assert.equal(rule.hits, 1);
  });

  it('matches on a predicate over the call', async () => {
    const { store } = setup();
    await store.putPlan(contractDraft(1), ctx('p'));
    await store.addTarget('t', ctx('op'));
    store.inject({
      methods: 'activate',
      when: (c) => c.args[1] === 1,
      fault: { kind: 'error' },
    });
    await assert.rejects(store.activate('t', 1, ctx('e')));
    await store.putPlan(contractDraft(2), ctx('p'));
    assert.equal((await store.activate('t', 2, ctx('e'))).outcome, 'won');
  });

  it('heal() removes the rules and releases held calls; remove() keeps its held calls held', async () => {
    const { store } = setup();
    const a = store.inject({ methods: 'newestPlan', fault: { kind: 'stall' } });
    const p1 = store.newestPlan();
    await drainMicrotasks();
    a.remove();
    assert.equal(store.heldCalls, 1, 'an orphaned stall stays held');
    store.inject({ methods: 'listTargets', fault: { kind: 'stall' } });
    const p2 = store.listTargets();
    await drainMicrotasks();
    assert.equal(store.heldCalls, 2);
    store.heal();
    await Promise.all([p1, p2]);
    assert.equal(store.heldCalls, 0);
    await store.newestPlan();
  });

  it('draws random faults from its seeded stream, the same for the same seed', async () => {
    async function run(seed: number): Promise<string[]> {
      const clock = new ManualClock();
      const store = new FaultyPlanStore({
        store: new MemoryPlanStore(),
        clock,
        random: { rng: new Rng(seed), errorRate: 0.3, timeoutAfterWriteRate: 0.3 },
      });
      const out: string[] = [];
      for (let i = 1; i <= 30; i++) {
        try {
          await store.putPlan(contractDraft(i), ctx('p'));
          out.push('ok');
        } catch (e) {
          out.push((e as { code: string }).code);
        }
      }
      return out;
    }
    const a = await run(7);
    assert.deepEqual(a, await run(7));
    assert.ok(
      a.includes('BW_DNS_STORE_UNAVAILABLE') && a.includes('BW_DNS_STORE_TIMEOUT'),
      a.join(),
    );
  });

  it('adds random exponential latency on the clock', async () => {
    const clock = new ManualClock();
    const store = new FaultyPlanStore({
      store: new MemoryPlanStore(),
      clock,
      random: { rng: new Rng(1), meanLatencyMs: 50 },
    });
    let done = false;
    const p = store.newestPlan().then(() => (done = true));
    await drainMicrotasks();
    assert.equal(done, false);
    await clock.runAllAsync();
    await p;
    assert.ok(clock.now() > 0);
    store.setRandomFaults(undefined);
    await store.newestPlan();
  });

  it('reports every call with its faults when someone listens', async () => {
    const { store } = setup();
    const seen: StoreCallEvent[] = [];
    store.onCall((e) => seen.push(e));
    store.inject({ methods: 'addTarget', fault: { kind: 'timeout-after-write' } });
    await assert.rejects(store.addTarget('t', ctx('op')));
    await store.listTargets();
    assert.deepEqual(
      seen.map((e) => [
        e.call.method,
        e.call.actor,
        e.faults,
        e.reachedStore,
        e.error !== undefined,
      ]),
      [
        ['addTarget', 'op', ['timeout-after-write'], true, true],
        ['listTargets', undefined, [], true, false],
      ],
    );
  });

  it('forwards the legacy operations with faults, and refuses them over a store without', async () => {
    const { inner, store } = setup();
    await store.putPlan(contractDraft(1), ctx('p'));
    await store.addTarget('t', ctx('op'));
    store.inject({ methods: 'forceActivate', times: 1, fault: { kind: 'error' } });
    await assert.rejects(store.forceActivate('t', 1, ctx('e')));
    await store.forceActivate('t', 1, ctx('e'));
    assert.deepEqual(await store.deletePlans([1], ctx('c')), [1]);
    assert.equal(inner.snapshot().plans.size, 0);
    const noLegacy = new FaultyPlanStore({
      store: { activate: () => Promise.resolve() } as never,
      clock: new ManualClock(),
    });
    await assert.rejects(noLegacy.deletePlans([1], ctx('c')), TypeError);
  });

  it('validates its options and rules', () => {
    const clock = new ManualClock();
    assert.throws(
      () => new FaultyPlanStore({ store: {} as never, clock }),
      /store must be a PlanStore/,
    );
    assert.throws(
      () => new FaultyPlanStore({ store: new MemoryPlanStore(), clock: {} as never }),
      /clock must be a Clock/,
    );
    const store = new FaultyPlanStore({ store: new MemoryPlanStore(), clock });
    assert.throws(() => store.inject({ fault: { kind: 'latency', ms: -1 } }), RangeError);
    assert.throws(() => store.inject({ fault: { kind: 'bogus' } as never }), /fault.kind/);
    assert.throws(() => store.inject({ times: 0, fault: { kind: 'error' } }), /times/);
    assert.throws(() => store.inject({ skip: 1.5, fault: { kind: 'error' } }), /skip/);
    assert.throws(() => store.setRandomFaults({ rng: new Rng(1), errorRate: 2 }), /errorRate/);
  });
});

describe('FaultyPlanStore.heal', () => {
  it('lets a call in flight skip the faults it has not reached yet', async () => {
    const { store } = setup();
    store.inject({ methods: 'newestPlan', fault: { kind: 'stall' } });
    store.inject({ methods: 'newestPlan', fault: { kind: 'stall' } });
    const p = store.newestPlan();
    await drainMicrotasks();
    store.heal();
    await p;
    assert.equal(store.heldCalls, 0);
  });
});
