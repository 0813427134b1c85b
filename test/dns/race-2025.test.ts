/**
 * The race of 2025-10-20, scripted step by step: first in legacy mode (the outage's
 * algorithm), where it empties the name and blocks every later apply until an operator
 * repairs it; then the very same schedule in safe mode, where nothing is violated and the
 * target converges on its own.
 *
 * The schedule (after AWS's post-event summary): enactor A picks up plan 2 and checks that it
 * is newer than the active plan 1, then stalls; the planner writes plans 3–5; enactor B
 * applies plan 5 and starts its clean-up of the plans well below 5 (1 and 2), which is slow;
 * A wakes up and writes its plan 2 over plan 5; B's clean-up deletes plan 2 — now the active
 * one.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/testing/manual-clock.js';
import { Rng } from '../../src/core/rng.js';
import { drainMicrotasks } from '../../src/core/microtasks.js';
import { MemoryPlanStore } from '../../src/dns/plan-store/memory-store.js';
import { FaultyPlanStore } from '../../src/dns/plan-store/faulty-store.js';
import { Planner } from '../../src/dns/planner.js';
import { Enactor } from '../../src/dns/enactor.js';
import { Janitor } from '../../src/dns/janitor.js';
import { Reconciler } from '../../src/dns/reconciler.js';
import { LegacyEnactor } from '../../src/dns/legacy/legacy-enactor.js';
import { repairLegacyTarget } from '../../src/dns/legacy/repair.js';
import { checkConvergence, checkSafety, formatViolation } from '../../src/dns/invariants.js';
import type { DnsSnapshot, InvariantViolation } from '../../src/dns/invariants.js';
import { formatAuditEntry } from '../../src/dns/audit-log.js';
import type { InventoryInput } from '../../src/dns/inventory.js';

/** Plan n has n endpoints (additions are never velocity-limited). */
const inventory = (n: number): InventoryInput => ({
  names: [
    {
      name: 'dynamodb.us-east-1.amazonaws.com',
      endpoints: Array.from({ length: n }, (_, i) => ({ address: `192.0.2.${i + 1}` })),
    },
  ],
});

/** Records every violation seen after each step. */
class Observer {
  previous: DnsSnapshot | undefined;
  readonly violations: { step: string; v: InvariantViolation }[] = [];
  constructor(private readonly store: MemoryPlanStore) {}
  async step(name: string, action?: Promise<unknown> | (() => Promise<unknown>)): Promise<void> {
    if (typeof action === 'function') await action();
    else if (action !== undefined) await action;
    await drainMicrotasks();
    const now = this.store.snapshot();
    for (const v of checkSafety(now, this.previous)) this.violations.push({ step: name, v });
    this.previous = now;
  }
  invariants(): string[] {
    return [...new Set(this.violations.map((x) => x.v.invariant))].sort();
  }
  timeline(): string {
    return [
      ...this.store.snapshot().audit.map(formatAuditEntry),
      ...this.violations.map((x) => `after ${x.step}: ${formatViolation(x.v)}`),
    ].join('\n');
  }
}

const TARGET = 'dynamodb-dns';

async function world() {
  const clock = new ManualClock({ startMs: Date.UTC(2025, 9, 20, 6, 48) });
  const inner = new MemoryPlanStore();
  const store = new FaultyPlanStore({ store: inner, clock });
  await inner.addTarget(TARGET, { actor: 'setup', atMs: clock.now() });
  const planner = new Planner({ store, clock, rng: new Rng(1) });
  return { clock, inner, store, planner, observer: new Observer(inner) };
}

describe('the 2025-10-20 race', () => {
  it('legacy mode: the stale apply and the clean-up leave the name serving nothing, blocked until an operator repairs it', async () => {
    const { clock, inner, store, planner, observer } = await world();
    const a = new LegacyEnactor({
      id: 'enactor-a',
      store,
      clock,
      rng: new Rng(2),
      cleanupLagGenerations: 2,
    });
    const b = new LegacyEnactor({
      id: 'enactor-b',
      store,
      clock,
      rng: new Rng(3),
      cleanupLagGenerations: 2,
    });

    await observer.step('planner writes plan 1', planner.runOnce(inventory(1)));
    await observer.step('B applies plan 1', b.runOnce());
    await observer.step('planner writes plan 2', planner.runOnce(inventory(2)));
    const stallA = store.inject({
      methods: 'forceActivate',
      actor: 'enactor-a',
      times: 1,
      fault: { kind: 'stall' },
    });
    const aRun = a.runOnce();
    await observer.step('A checks plan 2 > active 1, then stalls');
    assert.equal(stallA.held, 1);
    for (const n of [3, 4, 5])
      await observer.step(`planner writes plan ${n}`, planner.runOnce(inventory(n)));
    const slowCleanup = store.inject({
      methods: 'deletePlans',
      actor: 'enactor-b',
      times: 1,
      fault: { kind: 'stall' },
    });
    const bRun = b.runOnce();
    await observer.step('B applies plan 5; its clean-up (plans < 3) is slow');
    assert.equal(inner.servedPlan(TARGET)?.generation, 5);
    assert.deepEqual(observer.invariants(), [], observer.timeline());

    stallA.release();
    await observer.step('A wakes and writes plan 2 over plan 5', aRun);
    assert.equal(inner.servedPlan(TARGET)?.generation, 2);
    assert.deepEqual(observer.invariants(), ['I2'], observer.timeline());

    slowCleanup.release();
    await observer.step("B's clean-up deletes plans 1 and 2 — 2 is the active plan", bRun);
    assert.equal(inner.servedPlan(TARGET), undefined, 'the name serves nothing');
    assert.deepEqual(observer.invariants(), ['I1', 'I2', 'I3'], observer.timeline());

    // Later plans cannot be applied: the target is blocked.
    await observer.step('planner writes plan 6', planner.runOnce(inventory(6)));
    const passA = await a.runOnce();
    const passB = await b.runOnce();
    assert.deepEqual([passA.blocked, passB.blocked], [[TARGET], [TARGET]]);
    assert.equal(inner.servedPlan(TARGET), undefined, 'still nothing');
    assert.notDeepEqual(checkConvergence(inner.snapshot()), []);

    // 2 h 37 min later (23:48 → 02:25 PDT), an operator repairs it by hand.
    clock.advance((2 * 60 + 37) * 60_000);
    await observer.step(
      'operator repairs the target',
      repairLegacyTarget({ store, target: TARGET, actor: 'operator', clock }),
    );
    assert.deepEqual(checkConvergence(inner.snapshot()), []);
  });

  it('safe mode: the same schedule violates nothing, and the target converges without an operator', async () => {
    const { clock, inner, store, planner, observer } = await world();
    const a = new Enactor({ id: 'enactor-a', store, clock, rng: new Rng(2) });
    const b = new Enactor({ id: 'enactor-b', store, clock, rng: new Rng(3) });
    const janitor = new Janitor({ store, clock, rng: new Rng(4), retain: 2 });

    await observer.step('planner writes plan 1', planner.runOnce(inventory(1)));
    await observer.step('B applies plan 1', b.runOnce());
    await observer.step('planner writes plan 2', planner.runOnce(inventory(2)));
    const stallA = store.inject({
      methods: 'activate',
      actor: 'enactor-a',
      times: 1,
      fault: { kind: 'stall' },
    });
    const aRun = a.runOnce();
    await observer.step('A reads plan 2 (newer than 1) and its write stalls');
    assert.equal(stallA.held, 1);
    for (const n of [3, 4, 5])
      await observer.step(`planner writes plan ${n}`, planner.runOnce(inventory(n)));
    await observer.step('B applies plan 5', b.runOnce());
    const slowCleanup = store.inject({
      methods: 'deleteOlderThan',
      times: 1,
      fault: { kind: 'stall' },
    });
    const jRun = janitor.runOnce();
    await observer.step("the janitor's delete is slow");

    stallA.release();
    await observer.step("A's stale write lands: its compare-and-set loses", aRun);
    const passA = await aRun;
    assert.deepEqual(
      passA.results.map((r) => [r.outcome, r.reason, r.currentGeneration]),
      [['lost', 'not-newer', 5]],
    );
    assert.equal(inner.servedPlan(TARGET)?.generation, 5);

    slowCleanup.release();
    await observer.step(
      'the janitor deletes below min(active 5) - 2, re-read at delete time',
      jRun,
    );
    assert.deepEqual((await jRun).deleted, [1, 2]);
    assert.equal(inner.servedPlan(TARGET)?.generation, 5);

    await observer.step('planner writes plan 6', planner.runOnce(inventory(6)));
    await observer.step('A applies plan 6', a.runOnce());
    const results = await new Reconciler({ store, clock, rng: new Rng(5) }).runOnce();
    assert.deepEqual(
      results.map((r) => r.action),
      ['in-sync'],
    );
    assert.deepEqual(observer.violations, [], observer.timeline());
    assert.deepEqual(checkConvergence(inner.snapshot()), []);
  });

  it('safe mode, other order: the clean-up lands first, then the stale write loses', async () => {
    const { clock, inner, store, planner, observer } = await world();
    const a = new Enactor({ id: 'enactor-a', store, clock, rng: new Rng(2) });
    const b = new Enactor({ id: 'enactor-b', store, clock, rng: new Rng(3) });
    const janitor = new Janitor({ store, clock, rng: new Rng(4), retain: 2 });
    await observer.step('plan 1', planner.runOnce(inventory(1)));
    await observer.step('B applies 1', b.runOnce());
    await observer.step('plan 2', planner.runOnce(inventory(2)));
    const stallA = store.inject({
      methods: 'activate',
      actor: 'enactor-a',
      times: 1,
      fault: { kind: 'stall' },
    });
    const aRun = a.runOnce();
    await observer.step('A stalls holding plan 2');
    for (const n of [3, 4, 5]) await observer.step(`plan ${n}`, planner.runOnce(inventory(n)));
    await observer.step('B applies 5', b.runOnce());
    await observer.step('janitor deletes 1 and 2', janitor.runOnce());
    stallA.release();
    await observer.step('A wakes: plan 2 is gone and older; it loses', aRun);
    assert.equal((await aRun).results[0]?.outcome, 'lost');
    assert.deepEqual(observer.violations, [], observer.timeline());
    assert.equal(inner.servedPlan(TARGET)?.generation, 5);
  });
});
