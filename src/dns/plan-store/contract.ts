/**
 * @module
 * The shared contract suite every {@link PlanStore} adapter must pass: memory, the faulty
 * wrapper without faults, SQLite, and etcd. Call `runPlanStoreContract(name, makeStore)` from
 * a `*.test.ts` file; it declares `node:test` suites. (After hono's
 * `router/common.case.test.ts` and undici's `cacheStoreTests`: one suite, many adapters.)
 *
 * Beyond the single-call semantics it checks the two properties the control plane rests on,
 * under many concurrent calls in a seeded random order: the active generation is the largest
 * ever won and never decreases (I2), and a janitor racing activations never deletes an
 * active plan, nor a plan at or above any active generation of its time (I3).
 *
 * Not exported from `breakwater/dns` (it imports `node:test`); import it by path in tests.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../core/rng.js';
import type { AuditEntry, WriteContext } from '../audit-log.js';
import { isPlanValidationError, isStoreClosedError, isUnknownTargetError } from '../errors.js';
import { checkSafety } from '../invariants.js';
import type { DnsSnapshot } from '../invariants.js';
import { createPlanContent, createPlanDraft } from '../plan.js';
import type { Plan, PlanDraft } from '../plan.js';
import type { PlanStore } from './plan-store.js';

/** Builds a fresh, empty store for one test. */
export type MakePlanStore = () => PlanStore | Promise<PlanStore>;

/** Options of {@link runPlanStoreContract}. */
export interface PlanStoreContractOptions {
  /** Seed of the concurrency tests' random order. Default: env `FC_SEED`, else 20251020. */
  readonly seed?: number;
  /** Concurrent calls per concurrency test. Default 200. */
  readonly concurrentCalls?: number;
}

const ctx = (actor: string, atMs = 1_000): WriteContext => ({ actor, atMs });

/** A draft whose content differs with `i` (one A record 192.0.2.i, 198.51.100.x beyond). */
export function contractDraft(i: number, plannerId = 'planner'): PlanDraft {
  const address = i < 255 ? `192.0.2.${i}` : `198.51.100.${i % 255}`;
  return createPlanDraft({
    content: createPlanContent([
      { name: 'api.example.com', type: 'A', ttl: 60, records: [address] },
      { name: 'example.com', type: 'TXT', records: [`plan ${i}`] },
    ]),
    plannerId,
    createdAtMs: 1_000 + i,
  });
}

async function putN(store: PlanStore, n: number): Promise<Plan[]> {
  const out: Plan[] = [];
  for (let i = 1; i <= n; i++) {
    const r = await store.putPlan(contractDraft(i), ctx('planner'));
    assert.equal(r.outcome, 'written');
    if (r.outcome === 'written') out.push(r.plan);
  }
  return out;
}

/** A snapshot read through the async API, for the invariant checks. */
export async function readSnapshot(store: PlanStore): Promise<DnsSnapshot> {
  const plans = new Map<number, Plan>();
  for (const g of await store.listGenerations()) {
    const p = await store.getPlan(g);
    if (p !== undefined) plans.set(g, p);
  }
  const targets = (await store.listTargets()).map((t) => ({
    id: t.id,
    activeGeneration: t.activeGeneration,
  }));
  const audit = await store.readAudit();
  return { plans, targets, audit };
}

function seedOf(options: PlanStoreContractOptions): number {
  if (options.seed !== undefined) return options.seed;
  const env = process.env['FC_SEED'];
  return env !== undefined && env !== '' ? Number(env) : 20251020;
}

/** Declares the contract suite for one adapter. */
export function runPlanStoreContract(
  name: string,
  makeStore: MakePlanStore,
  options: PlanStoreContractOptions = {},
): void {
  const seed = seedOf(options);
  const calls = options.concurrentCalls ?? 200;

  async function withStore(fn: (store: PlanStore) => Promise<void>): Promise<void> {
    const store = await makeStore();
    try {
      await fn(store);
    } finally {
      await store.close();
    }
  }

  describe(`PlanStore contract: ${name}`, () => {
    describe('plans', () => {
      it('allocates strictly increasing generations from 1 and returns frozen plans', () =>
        withStore(async (store) => {
          const plans = await putN(store, 3);
          assert.deepEqual(
            plans.map((p) => p.generation),
            [1, 2, 3],
          );
          const p = plans[1]!;
          assert.ok(Object.isFrozen(p));
          assert.equal(p.plannerId, 'planner');
          assert.equal(p.createdAtMs, 1_002);
          assert.deepEqual(p.origin, { kind: 'planner' });
          assert.equal(p.contentHash, contractDraft(2).contentHash);
          assert.deepEqual(await store.getPlan(2), p);
          assert.equal((await store.newestPlan())?.generation, 3);
          assert.deepEqual(await store.listGenerations(), [1, 2, 3]);
          assert.equal(await store.getPlan(99), undefined);
        }));

      it('has no newest plan and no generations when empty', () =>
        withStore(async (store) => {
          assert.equal(await store.newestPlan(), undefined);
          assert.deepEqual(await store.listGenerations(), []);
        }));

      it('audits every plan written with its generation and hash, in the same step', () =>
        withStore(async (store) => {
          const [p] = await putN(store, 1);
          const log = await store.readAudit({ kinds: ['plan-written'] });
          assert.equal(log.length, 1);
          assert.equal(log[0]!.generation, p!.generation);
          assert.equal(log[0]!.contentHash, p!.contentHash);
          assert.equal(log[0]!.actor, 'planner');
        }));

      it('rejects a draft whose hash does not match its content, writing nothing', () =>
        withStore(async (store) => {
          const bad = { ...contractDraft(1), contentHash: '0'.repeat(64) };
          await assert.rejects(store.putPlan(bad, ctx('planner')), (e) => isPlanValidationError(e));
          assert.deepEqual(await store.listGenerations(), []);
          assert.equal((await store.readAudit()).length, 0);
        }));

      it('rejects a draft with invalid records, naming the field', () =>
        withStore(async (store) => {
          const bad = {
            ...contractDraft(1),
            content: {
              recordSets: [{ name: 'x.example', type: 'A', ttl: 1, records: ['999.1.1.1'] }],
            },
          } as unknown as PlanDraft;
          await assert.rejects(store.putPlan(bad, ctx('planner')), (e: unknown) => {
            assert.ok(isPlanValidationError(e));
            assert.match(e.message, /content\.recordSets\[0\]\.records\[0\]\.address/);
            return true;
          });
        }));

      it('rejects a write context without an actor', () =>
        withStore(async (store) => {
          await assert.rejects(
            store.putPlan(contractDraft(1), { actor: '', atMs: 1 }),
            (e) => e instanceof TypeError && /actor/.test(e.message),
          );
        }));

      it('writes only if the newest generation is still the expected one', () =>
        withStore(async (store) => {
          assert.equal(
            (await store.putPlan(contractDraft(1), ctx('p'), { expectedNewestGeneration: 0 }))
              .outcome,
            'written',
          );
          const conflict = await store.putPlan(contractDraft(2), ctx('p'), {
            expectedNewestGeneration: 0,
          });
          assert.deepEqual(conflict, { outcome: 'conflict', newestGeneration: 1 });
          assert.deepEqual(await store.listGenerations(), [1]);
          const ok = await store.putPlan(contractDraft(2), ctx('p'), {
            expectedNewestGeneration: 1,
          });
          assert.equal(ok.outcome === 'written' && ok.plan.generation, 2);
          await assert.rejects(
            store.putPlan(contractDraft(3), ctx('p'), { expectedNewestGeneration: -1 }),
            RangeError,
          );
        }));

      it('never reuses a generation, even after its plan was deleted', () =>
        withStore(async (store) => {
          await putN(store, 6);
          await store.addTarget('t', ctx('op'));
          assert.equal((await store.activate('t', 6, ctx('e'))).outcome, 'won');
          const del = await store.deleteOlderThan(2, ctx('janitor'));
          assert.deepEqual(del.deleted, [1, 2, 3]);
          const r = await store.putPlan(contractDraft(7), ctx('p'));
          assert.equal(r.outcome === 'written' && r.plan.generation, 7);
        }));
    });

    describe('targets', () => {
      it('registers targets idempotently and lists them sorted by id', () =>
        withStore(async (store) => {
          const t = await store.addTarget('zone-b', ctx('op'));
          assert.deepEqual(t, {
            id: 'zone-b',
            activeGeneration: undefined,
            activatedAtMs: undefined,
            activatedBy: undefined,
          });
          await store.addTarget('zone-a', ctx('op'));
          await store.addTarget('zone-b', ctx('op'));
          assert.deepEqual(
            (await store.listTargets()).map((x) => x.id),
            ['zone-a', 'zone-b'],
          );
          assert.equal((await store.readAudit({ kinds: ['target-added'] })).length, 2);
          assert.equal(await store.getTarget('nope'), undefined);
        }));

      it('removes a target, once', () =>
        withStore(async (store) => {
          await store.addTarget('t', ctx('op'));
          assert.equal(await store.removeTarget('t', ctx('op')), true);
          assert.equal(await store.removeTarget('t', ctx('op')), false);
          assert.deepEqual(await store.listTargets(), []);
        }));
    });

    describe('activate (compare-and-set)', () => {
      it('activates a newer existing plan and reports the previous generation', () =>
        withStore(async (store) => {
          await putN(store, 3);
          await store.addTarget('t', ctx('op'));
          assert.deepEqual(await store.activate('t', 1, ctx('enactor-a', 5)), {
            outcome: 'won',
            previousGeneration: undefined,
          });
          assert.deepEqual(await store.activate('t', 3, ctx('enactor-b', 6)), {
            outcome: 'won',
            previousGeneration: 1,
          });
          const t = await store.getTarget('t');
          assert.equal(t?.activeGeneration, 3);
          assert.equal(t?.activatedBy, 'enactor-b');
          assert.equal(t?.activatedAtMs, 6);
        }));

      it('loses when the active generation is not below G (equal included)', () =>
        withStore(async (store) => {
          await putN(store, 3);
          await store.addTarget('t', ctx('op'));
          await store.activate('t', 3, ctx('e'));
          assert.deepEqual(await store.activate('t', 2, ctx('stale')), {
            outcome: 'lost',
            reason: 'not-newer',
            currentGeneration: 3,
          });
          assert.deepEqual(await store.activate('t', 3, ctx('retry')), {
            outcome: 'lost',
            reason: 'not-newer',
            currentGeneration: 3,
          });
          assert.equal((await store.getTarget('t'))?.activeGeneration, 3);
        }));

      it('loses when plan G does not exist, even if G is newer', () =>
        withStore(async (store) => {
          await putN(store, 2);
          await store.addTarget('t', ctx('op'));
          assert.deepEqual(await store.activate('t', 9, ctx('e')), {
            outcome: 'lost',
            reason: 'plan-missing',
            currentGeneration: undefined,
          });
          assert.equal((await store.getTarget('t'))?.activeGeneration, undefined);
        }));

      it('audits wins and losses with actor, target, generations and reason', () =>
        withStore(async (store) => {
          await putN(store, 2);
          await store.addTarget('t', ctx('op'));
          await store.activate('t', 2, ctx('enactor-a', 10));
          await store.activate('t', 1, ctx('enactor-b', 11));
          const log = await store.readAudit({ kinds: ['activation-won', 'activation-lost'] });
          assert.equal(log.length, 2);
          assert.deepEqual(
            [log[0]!.kind, log[0]!.actor, log[0]!.target, log[0]!.generation, log[0]!.atMs],
            ['activation-won', 'enactor-a', 't', 2, 10],
          );
          assert.deepEqual(
            [log[1]!.kind, log[1]!.generation, log[1]!.previousGeneration],
            ['activation-lost', 1, 2],
          );
          assert.match(log[1]!.reason, /not below/);
        }));

      it('throws UnknownTargetError for an unregistered target, RangeError for a bad generation', () =>
        withStore(async (store) => {
          await putN(store, 1);
          await assert.rejects(store.activate('ghost', 1, ctx('e')), (e) =>
            isUnknownTargetError(e),
          );
          await store.addTarget('t', ctx('op'));
          for (const g of [0, -1, 1.5, Number.NaN]) {
            await assert.rejects(store.activate('t', g, ctx('e')), RangeError);
          }
        }));
    });

    describe('deleteOlderThan (janitor)', () => {
      it('rejects retain below 2 or not an integer', () =>
        withStore(async (store) => {
          for (const r of [0, 1, 2.5, -3]) {
            await assert.rejects(store.deleteOlderThan(r, ctx('j')), RangeError);
          }
        }));

      it('deletes nothing while no target has an active generation', () =>
        withStore(async (store) => {
          await putN(store, 10);
          await store.addTarget('t', ctx('op'));
          const r = await store.deleteOlderThan(2, ctx('j'));
          assert.deepEqual(r, { deleted: [], floor: undefined, activeGenerations: {} });
          assert.equal((await store.listGenerations()).length, 10);
        }));

      it('deletes only plans below min(active) - retain, re-reading every target', () =>
        withStore(async (store) => {
          await putN(store, 12);
          await store.addTarget('a', ctx('op'));
          await store.addTarget('b', ctx('op'));
          await store.activate('a', 12, ctx('e'));
          await store.activate('b', 7, ctx('e'));
          const r = await store.deleteOlderThan(3, ctx('janitor', 50));
          assert.deepEqual(r.deleted, [1, 2, 3]);
          assert.equal(r.floor, 4);
          assert.deepEqual(r.activeGenerations, { a: 12, b: 7 });
          assert.deepEqual(await store.listGenerations(), [4, 5, 6, 7, 8, 9, 10, 11, 12]);
          const log = await store.readAudit({ kinds: ['deletion'] });
          assert.equal(log.length, 1);
          assert.deepEqual(log[0]!.generations, [1, 2, 3]);
          assert.deepEqual(log[0]!.activeGenerations, { a: 12, b: 7 });
          assert.equal(log[0]!.actor, 'janitor');
          // Nothing more to delete: no new audit entry.
          assert.deepEqual((await store.deleteOlderThan(3, ctx('janitor'))).deleted, []);
          assert.equal((await store.readAudit({ kinds: ['deletion'] })).length, 1);
        }));

      it('keeps the active plan and the retain plans below it', () =>
        withStore(async (store) => {
          await putN(store, 5);
          await store.addTarget('t', ctx('op'));
          await store.activate('t', 5, ctx('e'));
          assert.deepEqual((await store.deleteOlderThan(2, ctx('j'))).deleted, [1, 2]);
          assert.deepEqual(await store.listGenerations(), [3, 4, 5]);
        }));
    });

    describe('audit log', () => {
      it('numbers entries in order and filters by afterSeq, kinds, target and limit', () =>
        withStore(async (store) => {
          const a = await store.appendAudit({
            atMs: 1,
            actor: 'planner',
            kind: 'refusal',
            reason: 'r1',
            name: 'x.example',
          });
          const b = await store.appendAudit({
            atMs: 2,
            actor: 'op',
            kind: 'reconcile',
            reason: 'r2',
            target: 't',
          });
          const c = await store.appendAudit({
            atMs: 3,
            actor: 'planner',
            kind: 'cut',
            reason: 'r3',
          });
          assert.ok(a.seq < b.seq && b.seq < c.seq);
          assert.equal(a.name, 'x.example');
          assert.deepEqual(
            (await store.readAudit()).map((e) => e.reason),
            ['r1', 'r2', 'r3'],
          );
          assert.deepEqual(
            (await store.readAudit({ afterSeq: a.seq })).map((e) => e.reason),
            ['r2', 'r3'],
          );
          assert.deepEqual(
            (await store.readAudit({ kinds: ['cut', 'refusal'] })).map((e) => e.reason),
            ['r1', 'r3'],
          );
          assert.deepEqual(
            (await store.readAudit({ target: 't' })).map((e) => e.reason),
            ['r2'],
          );
          assert.deepEqual(
            (await store.readAudit({ limit: 2 })).map((e) => e.reason),
            ['r1', 'r2'],
          );
          assert.deepEqual(await store.readAudit({ kinds: [] }), []);
          await assert.rejects(store.readAudit({ limit: -1 }), RangeError);
        }));

      it('rejects a malformed entry naming the field', () =>
        withStore(async (store) => {
          await assert.rejects(
            store.appendAudit({ atMs: 1, actor: 'x', kind: 'nonsense' as never, reason: '' }),
            (e) => e instanceof TypeError && /kind/.test(e.message),
          );
          await assert.rejects(
            store.appendAudit({ atMs: Number.NaN, actor: 'x', kind: 'refusal', reason: '' }),
            (e) => e instanceof TypeError && /atMs/.test(e.message),
          );
        }));
    });

    describe('close', () => {
      it('rejects calls after close with StoreClosedError, and closes idempotently', async () => {
        const store = await makeStore();
        await store.close();
        await store.close();
        await assert.rejects(store.newestPlan(), (e) => isStoreClosedError(e));
        await assert.rejects(store.putPlan(contractDraft(1), ctx('p')), (e) =>
          isStoreClosedError(e),
        );
      });
    });

    describe('concurrency', () => {
      it(`keeps the active generation at the max ever won, never decreasing (seed ${seed})`, () =>
        withStore(async (store) => {
          const rng = new Rng(seed);
          const plans = 40;
          await putN(store, plans);
          await store.addTarget('t', ctx('op'));
          await store.addTarget('u', ctx('op'));
          const ops: Promise<{ target: string; g: number; won: boolean }>[] = [];
          for (let i = 0; i < calls; i++) {
            const target = rng.bool() ? 't' : 'u';
            const g = rng.int(1, plans + 3); // a few generations that do not exist
            const delay = rng.int(0, 3);
            ops.push(
              (async () => {
                for (let k = 0; k < delay; k++) await Promise.resolve();
                const r = await store.activate(target, g, ctx(`enactor-${i % 3}`));
                return { target, g, won: r.outcome === 'won' };
              })(),
            );
          }
          const results = await Promise.all(ops);
          for (const target of ['t', 'u']) {
            const won = results.filter((r) => r.target === target && r.won).map((r) => r.g);
            const active = (await store.getTarget(target))?.activeGeneration;
            assert.equal(active, won.length === 0 ? undefined : Math.max(...won), `seed ${seed}`);
            const log = (await store.readAudit({ target, kinds: ['activation-won'] })).map(
              (e: AuditEntry) => e.generation!,
            );
            for (let i = 1; i < log.length; i++) {
              assert.ok(log[i]! > log[i - 1]!, `seed ${seed}: won ${log[i]} after ${log[i - 1]}`);
            }
          }
          assert.deepEqual(checkSafety(await readSnapshot(store)), [], `seed ${seed}`);
        }));

      it(`never lets a racing janitor delete an active plan (seed ${seed})`, () =>
        withStore(async (store) => {
          const rng = new Rng(seed + 1);
          await store.addTarget('t', ctx('op'));
          await store.addTarget('u', ctx('op'));
          let written = 0;
          const ops: Promise<unknown>[] = [];
          for (let i = 0; i < calls; i++) {
            const delay = rng.int(0, 3);
            const roll = rng.float();
            const pick = rng.float();
            const target = rng.bool() ? 't' : 'u';
            ops.push(
              (async () => {
                for (let k = 0; k < delay; k++) await Promise.resolve();
                if (roll < 0.3) {
                  written++;
                  await store.putPlan(contractDraft(written), ctx('planner'));
                } else if (roll < 0.75) {
                  // Often an old generation: the case the janitor must not be fooled by.
                  const newest = (await store.newestPlan())?.generation ?? 1;
                  const g = Math.max(1, Math.floor(newest * pick) + 1);
                  await store.activate(target, g, ctx(`enactor-${i % 3}`));
                } else {
                  await store.deleteOlderThan(2, ctx('janitor'));
                }
              })(),
            );
          }
          await Promise.all(ops);
          const snap = await readSnapshot(store);
          assert.deepEqual(checkSafety(snap), [], `seed ${seed}`);
          for (const t of snap.targets) {
            if (t.activeGeneration !== undefined) {
              assert.ok(
                snap.plans.has(t.activeGeneration),
                `seed ${seed}: ${t.id}'s active plan exists`,
              );
            }
          }
        }));
    });
  });
}
