/**
 * The etcd plan store against a real etcd (Debian's `etcd-server`, started by
 * `test/support/etcd.ts` on free loopback ports): the shared contract suite, with a fresh key
 * prefix per test, then what only etcd offers — watches, liveness leases, the layout check,
 * and how an unreachable or stalled etcd is reported.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  isStoreCorruptError,
  isStoreTimeoutError,
  isStoreUnavailableError,
} from '../../src/dns/errors.js';
import { contractDraft, runPlanStoreContract } from '../../src/dns/plan-store/contract.js';
import {
  DEFAULT_ETCD_PREFIX,
  ETCD_SCHEMA_VERSION,
  openEtcdPlanStore,
} from '../../src/dns/plan-store/etcd-store.js';
import type { EtcdPlanStore } from '../../src/dns/plan-store/etcd-store.js';
import type { Plan } from '../../src/dns/plan.js';
import { startEtcdServer } from '../support/etcd.js';
import type { EtcdServer } from '../support/etcd.js';
import { freePort } from '../support/redis.js';

const server: EtcdServer = await startEtcdServer();
after(() => server.stop());

let n = 0;
const freshPrefix = (): string => `/bw-test/${process.pid}/${++n}/`;
const open = (prefix = freshPrefix(), callTimeoutMs = 5000): Promise<EtcdPlanStore> =>
  openEtcdPlanStore({ endpoints: [server.endpoint], prefix, callTimeoutMs });
const ctx = (actor: string, atMs = 1) => ({ actor, atMs });

runPlanStoreContract('etcd', () => open());

describe('EtcdPlanStore', () => {
  it('uses /breakwater/dns/ by default and writes the layout version under the prefix', async () => {
    assert.equal(DEFAULT_ETCD_PREFIX, '/breakwater/dns/');
    const prefix = freshPrefix();
    const store = await open(prefix);
    const { Etcd3 } = await import('etcd3');
    const raw = new Etcd3({ hosts: server.endpoint });
    try {
      assert.equal(await raw.get(`${prefix}meta/schema`).string(), String(ETCD_SCHEMA_VERSION));
      await store.putPlan(contractDraft(1), ctx('p'));
      await store.addTarget('zone-a', ctx('op'));
      await store.activate('zone-a', 1, ctx('e', 7));
      const keys = await raw.getAll().prefix(prefix).keys();
      assert.ok(keys.includes(`${prefix}plans/0000000000000001`), keys.join(' '));
      assert.ok(keys.includes(`${prefix}meta/next-generation`));
      const target = await raw.get(`${prefix}targets/zone-a`).string();
      assert.match(target ?? '', /^0000000000000001\n\{"activatedAtMs":7,"activatedBy":"e"\}$/);
    } finally {
      raw.close();
      await store.close();
    }
  });

  it('keeps its state for a second client on the same prefix', async () => {
    const prefix = freshPrefix();
    const a = await open(prefix);
    await a.putPlan(contractDraft(1), ctx('p'));
    await a.addTarget('t', ctx('op'));
    await a.activate('t', 1, ctx('e'));
    await a.close();
    const b = await open(prefix);
    assert.equal((await b.newestPlan())?.contentHash, contractDraft(1).contentHash);
    assert.equal((await b.getTarget('t'))?.activeGeneration, 1);
    assert.deepEqual(
      (await b.readAudit()).map((e) => e.kind),
      ['plan-written', 'target-added', 'activation-won'],
    );
    await b.close();
  });

  it('numbers appended entries with the seq readAudit reports, across pages', async () => {
    const store = await open();
    const appended = [];
    for (let i = 0; i < 520; i++) {
      appended.push(
        await store.appendAudit({ atMs: i, actor: 'op', kind: 'reconcile', reason: `r${i}` }),
      );
    }
    const read = await store.readAudit();
    assert.equal(read.length, 520);
    assert.deepEqual(
      read.map((e) => e.seq),
      appended.map((e) => e.seq),
    );
    assert.deepEqual(
      (await store.readAudit({ afterSeq: appended[509]!.seq })).map((e) => e.reason),
      ['r510', 'r511', 'r512', 'r513', 'r514', 'r515', 'r516', 'r517', 'r518', 'r519'],
    );
    assert.equal((await store.readAudit({ limit: 501 })).length, 501);
    await store.close();
  });

  it('refuses a prefix that holds something else, naming the store', async () => {
    const prefix = freshPrefix();
    const { Etcd3 } = await import('etcd3');
    const raw = new Etcd3({ hosts: server.endpoint });
    await raw.put(`${prefix}meta/schema`).value('something else');
    await raw.put(`${prefix}x/meta/schema`).value(String(ETCD_SCHEMA_VERSION + 1));
    raw.close();
    await assert.rejects(open(prefix), (e: unknown) => {
      assert.ok(isStoreCorruptError(e));
      assert.match(e.message, /not a breakwater plan store/);
      assert.ok(e.message.includes(server.endpoint));
      return true;
    });
    await assert.rejects(open(`${prefix}x/`), (e: unknown) => {
      assert.ok(isStoreCorruptError(e));
      assert.match(e.message, /newer breakwater/);
      return true;
    });
  });

  it('reports a damaged plan value as StoreCorruptError, never serving it', async () => {
    const prefix = freshPrefix();
    const store = await open(prefix);
    await store.putPlan(contractDraft(1), ctx('p'));
    await store.close();
    const { Etcd3 } = await import('etcd3');
    const raw = new Etcd3({ hosts: server.endpoint });
    const key = `${prefix}plans/0000000000000001`;
    const value = (await raw.get(key).string())!;
    await raw.put(key).value(value.replace('192.0.2.1', '192.0.2.99'));
    raw.close();
    const again = await open(prefix);
    await assert.rejects(again.getPlan(1), (e: unknown) => {
      assert.ok(isStoreCorruptError(e));
      assert.match(e.message, /plan generation 1 is damaged: content hashes to/);
      return true;
    });
    await again.close();
  });

  it('validates its options, naming them', async () => {
    await assert.rejects(openEtcdPlanStore({ endpoints: [] }), /endpoints must be a non-empty/);
    await assert.rejects(
      openEtcdPlanStore({ endpoints: [server.endpoint], prefix: '/no-slash' }),
      /prefix must be a non-empty string ending in '\/'/,
    );
    await assert.rejects(
      openEtcdPlanStore({ endpoints: [server.endpoint], callTimeoutMs: 0 }),
      /callTimeoutMs/,
    );
    await assert.rejects(
      openEtcdPlanStore({ endpoints: [server.endpoint], writerId: 'a/b' }),
      /writerId/,
    );
  });

  it('reports an etcd that is not there as StoreUnavailableError naming the endpoint', async () => {
    const port = await freePort();
    await assert.rejects(
      openEtcdPlanStore({ endpoints: [`http://127.0.0.1:${port}`], callTimeoutMs: 500 }),
      (e: unknown) => {
        assert.ok(isStoreUnavailableError(e) || isStoreTimeoutError(e), String(e));
        assert.ok((e as Error).message.includes(`127.0.0.1:${port}`), (e as Error).message);
        return true;
      },
    );
  });

  describe('watchPlans', () => {
    it('yields every plan written by any client after the watch started, in order', async () => {
      const prefix = freshPrefix();
      const watcher = await open(prefix);
      const writer = await open(prefix);
      const watch = await watcher.watchPlans();
      const seen: Plan[] = [];
      const done = (async () => {
        for await (const p of watch) {
          seen.push(p);
          if (seen.length === 3) break;
        }
      })();
      for (let i = 1; i <= 3; i++) await writer.putPlan(contractDraft(i), ctx('p'));
      await done;
      assert.deepEqual(
        seen.map((p) => p.generation),
        [1, 2, 3],
      );
      assert.equal(seen[2]!.contentHash, contractDraft(3).contentHash);
      await watch.close();
      await writer.close();
      await watcher.close();
    });

    it('ends when its signal aborts or the store closes', async () => {
      const store = await open();
      const ac = new AbortController();
      const watch = await store.watchPlans({ signal: ac.signal });
      const pending = watch.next();
      ac.abort();
      assert.deepEqual(await pending, { value: undefined, done: true });
      const other = await store.watchPlans();
      const next = other.next();
      await store.close();
      assert.equal((await next).done, true);
    });
  });

  describe('liveness leases', () => {
    it('lists a registration while its lease lives, and forgets it once revoked', async () => {
      const prefix = freshPrefix();
      const a = await open(prefix);
      const b = await open(prefix);
      const lease = await a.registerLiveness('enactor-a', { ttlSeconds: 5, sinceMs: 42 });
      assert.deepEqual(
        (await b.listLive()).map((r) => [r.id, r.sinceMs, r.leaseId]),
        [['enactor-a', 42, lease.leaseId]],
      );
      await lease.revoke();
      await lease.revoke();
      assert.deepEqual(await b.listLive(), []);
      await a.close();
      await b.close();
    });

    it('is not a fence: an enactor without a lease is still stopped only by the CAS', async () => {
      const store = await open();
      for (let i = 1; i <= 3; i++) await store.putPlan(contractDraft(i), ctx('p'));
      await store.addTarget('t', ctx('op'));
      const lease = await store.registerLiveness('enactor-a', { ttlSeconds: 5 });
      assert.equal((await store.activate('t', 3, ctx('enactor-b'))).outcome, 'won');
      await lease.revoke();
      // The "dead" enactor wakes up with its old plan: the compare-and-set refuses it…
      assert.deepEqual(await store.activate('t', 2, ctx('enactor-a')), {
        outcome: 'lost',
        reason: 'not-newer',
        currentGeneration: 3,
      });
      // …and a newer plan is accepted from it all the same: liveness decides nothing.
      await store.putPlan(contractDraft(4), ctx('p'));
      assert.equal((await store.activate('t', 4, ctx('enactor-a'))).outcome, 'won');
      await store.close();
    });

    it('revokes its leases when the store closes', async () => {
      const prefix = freshPrefix();
      const a = await open(prefix);
      const b = await open(prefix);
      await a.registerLiveness('enactor-c', { ttlSeconds: 30 });
      assert.equal((await b.listLive()).length, 1);
      await a.close();
      assert.deepEqual(await b.listLive(), []);
      await b.close();
    });
  });

  describe('a stalled etcd', () => {
    it('times out with StoreTimeoutError, then works again once etcd answers', async () => {
      const store = await open(freshPrefix(), 400);
      await store.putPlan(contractDraft(1), ctx('p'));
      server.pause();
      try {
        await assert.rejects(store.putPlan(contractDraft(2), ctx('p')), (e: unknown) => {
          assert.ok(isStoreTimeoutError(e) || isStoreUnavailableError(e), String(e));
          return true;
        });
      } finally {
        server.resume();
      }
      // The write may or may not have landed; the store is consistent either way.
      let newest: Plan | undefined;
      for (let i = 0; i < 50 && newest === undefined; i++) {
        newest = await store.newestPlan().catch(() => undefined);
      }
      assert.ok(newest !== undefined && newest.generation >= 1);
      await store.close();
    });
  });
});
