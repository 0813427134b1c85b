/**
 * Two "machines" — two etcd plan store instances, each with its own client and connection —
 * racing through one real etcd: activations of old and new generations, planners writing,
 * janitors deleting, all interleaved at random (seeded; the seed is printed). The active
 * generation of each target must be the largest ever won and never decrease (I2), and no
 * janitor may delete an active plan (I3) — the race of 2025, replayed across processes'
 * worth of clients instead of inside one.
 *
 * Then the real components: a planner and two enactors on one machine, one enactor and the
 * janitor on the other, converging on the newest plan (I5) with I1–I4 intact.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { systemClock } from '../../src/core/clock.js';
import { Rng } from '../../src/core/rng.js';
import { createEnactors } from '../../src/dns/create-enactors.js';
import { checkConvergence, checkSafety } from '../../src/dns/invariants.js';
import type { DnsSnapshot } from '../../src/dns/invariants.js';
import { Janitor } from '../../src/dns/janitor.js';
import { contractDraft, readSnapshot } from '../../src/dns/plan-store/contract.js';
import { openEtcdPlanStore } from '../../src/dns/plan-store/etcd-store.js';
import type { EtcdPlanStore } from '../../src/dns/plan-store/etcd-store.js';
import type { PlanStore } from '../../src/dns/plan-store/plan-store.js';
import { Planner } from '../../src/dns/planner.js';
import { startEtcdServer } from '../support/etcd.js';

const server = await startEtcdServer();
after(() => server.stop());

const envSeed = process.env['FC_SEED'];
const seed = envSeed !== undefined && envSeed !== '' ? Number(envSeed) : 20251020;
console.log(`two-machines seed: ${seed} (set FC_SEED to replay)`);

let n = 0;
async function twoMachines(): Promise<[EtcdPlanStore, EtcdPlanStore]> {
  const prefix = `/bw-race/${process.pid}/${++n}/`;
  const a = await openEtcdPlanStore({
    endpoints: [server.endpoint],
    prefix,
    writerId: 'machine-a',
  });
  const b = await openEtcdPlanStore({
    endpoints: [server.endpoint],
    prefix,
    writerId: 'machine-b',
  });
  return [a, b];
}

const ctx = (actor: string, atMs = 1_000) => ({ actor, atMs });

async function yieldRandomly(rng: Rng): Promise<void> {
  for (let k = rng.int(0, 3); k > 0; k--) await Promise.resolve();
}

describe('a write whose read went stale before its transaction (the 2025 gap)', () => {
  /** Machine b, and machine a whose writes run `gap(op, b)` between read and commit. */
  async function pair(
    gap: (operation: string, b: EtcdPlanStore) => Promise<void>,
  ): Promise<[EtcdPlanStore, EtcdPlanStore]> {
    const prefix = `/bw-gap/${process.pid}/${++n}/`;
    const b = await openEtcdPlanStore({ endpoints: [server.endpoint], prefix });
    const a = await openEtcdPlanStore({
      endpoints: [server.endpoint],
      prefix,
      beforeCommit: (op) => gap(op, b),
    });
    return [a, b];
  }

  it('an enactor that checked "newer?" then stalled loses to the activation made meanwhile (I2)', async () => {
    let stalled = false;
    const [a, b] = await pair(async (op, other) => {
      if (op !== 'activate' || stalled) return;
      stalled = true;
      // While enactor-a sleeps between its read and its write, enactor-b applies plan 8.
      assert.equal((await other.activate('t', 8, ctx('enactor-b'))).outcome, 'won');
    });
    try {
      for (let i = 1; i <= 8; i++) await b.putPlan(contractDraft(i), ctx('planner'));
      await b.addTarget('t', ctx('op'));
      await b.activate('t', 5, ctx('enactor-c'));
      assert.deepEqual(await a.activate('t', 7, ctx('enactor-a')), {
        outcome: 'lost',
        reason: 'not-newer',
        currentGeneration: 8,
      });
      assert.equal(a.conflicts, 1, 'its first transaction failed its comparison');
      assert.equal((await b.getTarget('t'))?.activeGeneration, 8);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('a janitor that read the active generations then stalled deletes nothing now active (I3)', async () => {
    let stalled = false;
    const [a, b] = await pair(async (op, other) => {
      if (op !== 'deleteOlderThan' || stalled) return;
      stalled = true;
      // In the gap a new target appears and an enactor activates an old plan on it.
      await other.addTarget('late', ctx('op'));
      assert.equal((await other.activate('late', 2, ctx('enactor-b'))).outcome, 'won');
    });
    try {
      for (let i = 1; i <= 10; i++) await b.putPlan(contractDraft(i), ctx('planner'));
      await b.addTarget('t', ctx('op'));
      await b.activate('t', 10, ctx('enactor-c'));
      const r = await a.deleteOlderThan(2, ctx('janitor'));
      assert.deepEqual(r.deleted, [], 'the re-read sees min(active) = 2');
      assert.deepEqual(r.activeGenerations, { late: 2, t: 10 });
      assert.equal(a.conflicts, 1);
      assert.deepEqual(await b.listGenerations(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.deepEqual(checkSafety(await readSnapshot(b)), []);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('two planners that read the same counter write two generations, never one twice', async () => {
    let stalled = false;
    const [a, b] = await pair(async (op, other) => {
      if (op !== 'putPlan' || stalled) return;
      stalled = true;
      await other.putPlan(contractDraft(2), ctx('planner-b'));
    });
    try {
      await b.putPlan(contractDraft(1), ctx('planner-b'));
      const r = await a.putPlan(contractDraft(3), ctx('planner-a'));
      assert.equal(r.outcome === 'written' && r.plan.generation, 3);
      assert.deepEqual(await b.listGenerations(), [1, 2, 3]);
      assert.equal((await b.getPlan(2))?.plannerId, 'planner');
      assert.equal(a.conflicts, 1);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('two EtcdPlanStore instances racing through one etcd', () => {
  it(`keep each target at the largest generation won, never decreasing (I2) (seed ${seed})`, async () => {
    const [a, b] = await twoMachines();
    try {
      const rng = new Rng(seed);
      const plans = 30;
      for (let i = 1; i <= plans; i++)
        await (i % 2 === 0 ? a : b).putPlan(contractDraft(i), ctx('planner'));
      await a.addTarget('t', ctx('op'));
      await b.addTarget('u', ctx('op'));
      const ops: Promise<{ target: string; g: number; won: boolean }>[] = [];
      for (let i = 0; i < 300; i++) {
        const machine = rng.bool() ? a : b;
        const target = rng.bool() ? 't' : 'u';
        const g = rng.int(1, plans + 2);
        ops.push(
          (async () => {
            await yieldRandomly(rng);
            const r = await machine.activate(
              target,
              g,
              ctx(machine === a ? 'enactor-a' : 'enactor-b'),
            );
            return { target, g, won: r.outcome === 'won' };
          })(),
        );
      }
      const results = await Promise.all(ops);
      for (const target of ['t', 'u']) {
        const won = results.filter((r) => r.target === target && r.won).map((r) => r.g);
        assert.ok(won.length > 0, `seed ${seed}: something won on ${target}`);
        assert.equal(
          (await a.getTarget(target))?.activeGeneration,
          Math.max(...won),
          `seed ${seed}`,
        );
        assert.equal(
          (await b.getTarget(target))?.activeGeneration,
          Math.max(...won),
          `seed ${seed}`,
        );
        const log = (await b.readAudit({ target, kinds: ['activation-won'] })).map(
          (e) => e.generation!,
        );
        assert.equal(log.length, won.length, `seed ${seed}: one audit entry per win`);
        for (let i = 1; i < log.length; i++) {
          assert.ok(log[i]! > log[i - 1]!, `seed ${seed}: won ${log[i]} after ${log[i - 1]}`);
        }
      }
      assert.deepEqual(checkSafety(await readSnapshot(a)), [], `seed ${seed}`);
      // Only a win changes a target, so few transactions fail their comparison here.
      console.log(`activation conflicts: machine a ${a.conflicts}, machine b ${b.conflicts}`);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it(`never let a janitor on either machine delete an active plan (I3) (seed ${seed})`, async () => {
    const [a, b] = await twoMachines();
    try {
      const rng = new Rng(seed + 1);
      for (const t of ['t', 'u', 'v']) await (rng.bool() ? a : b).addTarget(t, ctx('op'));
      let written = 0;
      let previous: DnsSnapshot | undefined;
      for (let round = 0; round < 6; round++) {
        const ops: Promise<unknown>[] = [];
        for (let i = 0; i < 80; i++) {
          const machine = rng.bool() ? a : b;
          const roll = rng.float();
          const pick = rng.float();
          const target = ['t', 'u', 'v'][rng.int(0, 2)]!;
          ops.push(
            (async () => {
              await yieldRandomly(rng);
              if (roll < 0.3) {
                written++;
                await machine.putPlan(contractDraft(written), ctx('planner'));
              } else if (roll < 0.8) {
                // Often an old generation: a stalled enactor waking up with its stale plan.
                const newest = (await machine.newestPlan())?.generation ?? 1;
                const g = Math.max(1, Math.floor(newest * pick) + 1);
                await machine.activate(target, g, ctx(machine === a ? 'enactor-a' : 'enactor-b'));
              } else {
                await machine.deleteOlderThan(2, ctx(machine === a ? 'janitor-a' : 'janitor-b'));
              }
            })(),
          );
        }
        await Promise.all(ops);
        const snap = await readSnapshot(rng.bool() ? a : b);
        assert.deepEqual(checkSafety(snap, previous), [], `seed ${seed}, round ${round}`);
        for (const t of snap.targets) {
          if (t.activeGeneration !== undefined) {
            assert.ok(
              snap.plans.has(t.activeGeneration),
              `seed ${seed}: ${t.id}'s active plan exists`,
            );
          }
        }
        previous = snap;
      }
      console.log(`conflicts: machine a ${a.conflicts}, machine b ${b.conflicts}`);
      assert.ok(a.conflicts + b.conflicts > 0, `seed ${seed}: no race happened`);
      const deletions = await a.readAudit({ kinds: ['deletion'] });
      assert.ok(deletions.length > 0, `seed ${seed}: the janitors deleted something`);
      for (const d of deletions) {
        const minActive = Math.min(...Object.values(d.activeGenerations ?? {}));
        for (const g of d.generations ?? []) {
          assert.ok(g < minActive - 1, `seed ${seed}: deleted ${g} with min active ${minActive}`);
        }
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('converge with the real planner, three enactors and the janitor split over both (I5)', async () => {
    const [a, b] = await twoMachines();
    try {
      const rng = new Rng(seed + 2);
      const planner = new Planner({ store: a, clock: systemClock, rng: rng.fork('planner') });
      const onA = createEnactors({
        store: a,
        clock: systemClock,
        rng: rng.fork('a'),
        ids: ['enactor-a', 'enactor-b'],
      });
      const onB = createEnactors({
        store: b,
        clock: systemClock,
        rng: rng.fork('b'),
        ids: ['enactor-c'],
      });
      const janitor = new Janitor({ store: b, clock: systemClock, rng: rng.fork('j'), retain: 2 });
      for (const t of ['zone-1', 'zone-2']) await b.addTarget(t, ctx('op'));
      const stores: PlanStore[] = [a, b];
      let previous: DnsSnapshot | undefined;
      for (let step = 1; step <= 8; step++) {
        const written = await planner.runOnce({
          names: [
            {
              name: 'api.example.test',
              endpoints: [
                { address: `192.0.2.${step}` },
                { address: `192.0.2.${step + 100}` },
                { address: '192.0.2.250' },
              ],
            },
          ],
        });
        assert.equal(written.outcome, 'written');
        await Promise.all([...onA, ...onB].map((e) => e.runOnce()));
        await janitor.runOnce();
        const snap = await readSnapshot(stores[step % 2]!);
        assert.deepEqual(checkSafety(snap, previous), []);
        assert.deepEqual(checkConvergence(snap), [], `step ${step}`);
        previous = snap;
      }
      assert.ok((await a.listGenerations()).length <= 4, 'the janitor kept the store small');
    } finally {
      await a.close();
      await b.close();
    }
  });
});
