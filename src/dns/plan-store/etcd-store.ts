/**
 * @module
 * The {@link PlanStore} on etcd, through the `etcd3` client: how breakwater runs across
 * machines. Planners, enactors and janitors on different hosts share one etcd cluster, and
 * every decision that matters is the condition of an etcd transaction, evaluated by etcd
 * under its own linearizable order — never a read made earlier by one of those hosts.
 *
 * Key layout, under a prefix (default {@link DEFAULT_ETCD_PREFIX}, always ending in `/`):
 *
 * | key                     | value                                                         |
 * |-------------------------|---------------------------------------------------------------|
 * | `meta/schema`           | layout version, `1`                                           |
 * | `meta/next-generation`  | the generation allocator's counter (decimal)                  |
 * | `plans/<G:16 digits>`   | plan G as JSON, content in canonical form (re-hashed on read) |
 * | `targets/<id>`          | `<active G:16 digits>\n{"activatedAtMs","activatedBy"}`; `0…0` before the first activation |
 * | `audit/<writer>-<n>`    | one audit entry (JSON); its `seq` is the key's create revision |
 * | `live/<enactor id>`     | liveness record, attached to the enactor's lease              |
 *
 * Generations are zero-padded so that byte order is numeric order: the newest plan is the last
 * `plans/` key, and "the active generation is below G" is the comparison `VALUE < pad(G)`.
 *
 * The operations:
 * - **putPlan**: one transaction that compares the counter's `mod_revision` with the one read
 *   and that the plan key does not exist, then writes the plan, bumps the counter and writes
 *   the audit entry. Two planners racing: one wins, the other re-reads and tries again (or
 *   gets `'conflict'` when it asked for `expectedNewestGeneration`).
 * - **activate**: one transaction comparing the target key (`VALUE < pad(G)` and its
 *   `mod_revision`) and the plan key (exists, unchanged) — "activate G only if the active
 *   generation is still below G and plan G exists", decided inside the write (I2). A lost
 *   activation is audited in the same way, conditioned on the state it reports.
 * - **deleteOlderThan** (janitor): reads every target and plan at one revision R, computes
 *   the deletable plans with the shared rule (`retention.ts`), then deletes them in ONE
 *   transaction that compares every target key's `mod_revision` against R (a range
 *   comparison over `targets/`, which also catches a target added since) — so if any target
 *   was activated, added or re-added after the read, nothing is deleted and it re-reads (I3).
 * - Every write transaction carries its audit entry; a write never lands without it.
 *
 * A transaction whose comparison failed because another writer changed a key in between is
 * retried from a fresh read (optimistic concurrency, etcd's STM pattern), at most
 * `maxConflicts` times; each such failure means another writer made progress. Writes from one
 * store instance are also queued locally, so they do not contend with each other — only an
 * optimisation: correctness rests on the comparisons alone.
 *
 * **Leases are not fences.** {@link EtcdPlanStore.registerLiveness} keeps `live/<id>` alive on
 * an etcd lease, so operators and other hosts can see which enactors are running. A lease
 * that expired does not stop its holder — a paused process wakes up and carries on — so
 * nothing here relies on it for safety: an enactor that lost its lease and then activates an
 * old plan loses that activation's compare-and-set, exactly as in 2025's race it should have.
 *
 * The etcd3 client retries a failed call itself by default; that retry is turned off here
 * (a retried write whose first answer was lost would be sent twice behind the caller's back):
 * the callers' resilience policy (`createStorePolicy`) retries, with a budget. etcd3's
 * per-host circuit breaker stays, to steer calls away from a dead member. Calls have a
 * deadline of `callTimeoutMs`; a deadline that passed is a `StoreTimeoutError` (the write may
 * have been applied; every write is a compare-and-set, so a retry is safe).
 *
 * `etcd3` (and gRPC under it) is imported dynamically by {@link openEtcdPlanStore} only, so
 * importing `breakwater/dns` does not load it.
 */
import { randomBytes } from 'node:crypto';
import type * as Etcd3Module from 'etcd3';
import type { Etcd3, ICompare, IKeyValue, IOptions, IRangeRequest, IRequestOp, Lease } from 'etcd3';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import { EventEmitter } from '../../core/events.js';
import type { Event } from '../../core/events.js';
import type { AuditEntry, AuditInput, AuditQuery, WriteContext } from '../audit-log.js';
import {
  checkAuditInput,
  checkAuditQuery,
  checkWriteContext,
  matchesAuditQuery,
} from '../audit-log.js';
import {
  StoreClosedError,
  StoreCorruptError,
  StoreUnavailableError,
  UnknownTargetError,
} from '../errors.js';
import {
  checkClock,
  checkGeneration,
  checkId,
  checkIntegerAtLeast,
  checkNumberIn,
  checkOptionsObject,
} from '../internal/options.js';
import { planOf, verifyPlanDraft } from '../plan.js';
import type { Plan, PlanDraft } from '../plan.js';
import { decodeAudit, decodePlan, encodeAudit, encodePlan } from './internal/etcd-codec.js';
import { mapEtcdError } from './internal/etcd-errors.js';
import {
  EtcdKeys,
  checkEtcdPrefix,
  decodeTargetValue,
  encodeTargetValue,
  padGeneration,
} from './internal/etcd-keys.js';
import { PushIterator } from './internal/etcd-watch.js';
import type {
  ActivateResult,
  DeleteResult,
  PlanStore,
  PutPlanOptions,
  PutPlanResult,
  TargetRecord,
} from './plan-store.js';
import { activationAudit, targetRemovedAudit } from './audit-entries.js';
import { checkRetain, deletableGenerations, nextGeneration } from './retention.js';

/** The key prefix used when none is configured. */
export const DEFAULT_ETCD_PREFIX = '/breakwater/dns/';

/** The key layout version this code reads and writes (`meta/schema`). */
export const ETCD_SCHEMA_VERSION = 1;

/** Options for {@link openEtcdPlanStore}. */
export interface EtcdPlanStoreOptions {
  /** Client URLs of the cluster's members, e.g. `['http://127.0.0.1:2379']`. */
  readonly endpoints: readonly string[];
  /** Key prefix, ending in `/`. Default {@link DEFAULT_ETCD_PREFIX}. */
  readonly prefix?: string;
  /**
   * Source of the calls' deadlines; must be real time (etcd's deadlines are wall-clock).
   * Default the system clock.
   */
  readonly clock?: Clock;
  /** Deadline of each call, and of connecting, ms. Default 5000. */
  readonly callTimeoutMs?: number;
  /** Attempts of one write when other writers keep changing its keys. Default 64. */
  readonly maxConflicts?: number;
  /** etcd user and password, when the cluster has authentication enabled. */
  readonly auth?: { readonly username: string; readonly password: string };
  /**
   * Names this writer's audit keys (`audit/<writerId>-<n>`), which must be unique across every
   * writer of the prefix. Default: 16 random hex digits (a name, not a decision: nothing
   * depends on its value, only on its being unique).
   */
  readonly writerId?: string;
  /**
   * Called between a write's read and its transaction, with the operation's name — the gap in
   * which a stalled process would sleep. A seam for tests (and chaos drills) to run another
   * writer, or a long pause, exactly there; the transaction must then fail its comparison and
   * start again from a fresh read. Default: none.
   */
  readonly beforeCommit?: (
    operation: 'putPlan' | 'activate' | 'removeTarget' | 'deleteOlderThan',
  ) => Promise<void> | void;
}

/** Options of {@link EtcdPlanStore.registerLiveness}. */
export interface LivenessOptions {
  /** Lease time to live, seconds (an integer ≥ 2). Default 10. */
  readonly ttlSeconds?: number;
  /** When the registration was made, ms since the epoch, for people reading `listLive()`. */
  readonly sinceMs?: number;
}

/**
 * A liveness registration: `live/<id>` exists while its lease is kept alive. NOT a fence —
 * see the module comment.
 */
export interface LivenessLease {
  /** The enactor's (or any component's) id. */
  readonly id: string;
  /** The etcd lease id. */
  readonly leaseId: string;
  /** Fires when the lease was lost (keep-alives failed past its TTL): the key is gone. */
  readonly onLost: Event<unknown>;
  /** Revokes the lease (the key disappears at once). Idempotent. */
  revoke(): Promise<void>;
}

/** A live registration, as {@link EtcdPlanStore.listLive} reports it. */
export interface LivenessRecord {
  readonly id: string;
  /** When it registered, ms since the epoch, if it said. */
  readonly sinceMs: number | undefined;
  /** Its lease id. */
  readonly leaseId: string;
}

/** A watch on new plans: iterate it with `for await`; `close()` or `break` ends it. */
export interface PlanWatch extends AsyncIterableIterator<Plan> {
  /** Cancels the watch; the iteration ends. Idempotent. */
  close(): Promise<void>;
}

type Mod = typeof Etcd3Module;

/**
 * Connects to etcd, checks (or writes, for an empty prefix) the layout version under the
 * prefix, and returns a store. Throws `StoreUnavailableError` naming the endpoints when etcd
 * does not answer, `StoreCorruptError` when the prefix holds something else.
 */
export async function openEtcdPlanStore(options: EtcdPlanStoreOptions): Promise<EtcdPlanStore> {
  const where = 'openEtcdPlanStore';
  checkOptionsObject(where, options);
  const endpoints = options.endpoints as unknown;
  if (
    !Array.isArray(endpoints) ||
    endpoints.length === 0 ||
    !endpoints.every((e) => typeof e === 'string' && e !== '')
  ) {
    throw new TypeError(
      `${where}: endpoints must be a non-empty array of URLs ('http://127.0.0.1:2379'), got ${JSON.stringify(endpoints)}`,
    );
  }
  const prefix = checkEtcdPrefix(where, options.prefix ?? DEFAULT_ETCD_PREFIX);
  const clock = checkClock(where, options.clock ?? systemClock);
  const callTimeoutMs = checkNumberIn(
    where,
    'callTimeoutMs',
    options.callTimeoutMs ?? 5000,
    1,
    3_600_000,
  );
  const maxConflicts = checkIntegerAtLeast(where, 'maxConflicts', options.maxConflicts ?? 64, 1);
  const writerId =
    options.writerId === undefined
      ? randomBytes(8).toString('hex')
      : checkId(where, 'writerId', options.writerId);
  if (/[/\s]/.test(writerId)) {
    throw new TypeError(`${where}: writerId must not contain '/' or spaces, got '${writerId}'`);
  }
  const mod: Mod = await import('etcd3');
  // etcd3's own retry re-sends a call after a lost answer; the callers' policy retries instead.
  const passThrough = {
    execute: <T>(fn: (context: unknown) => T): T => fn({}),
  } as unknown as NonNullable<NonNullable<IOptions['faultHandling']>['global']>;
  const client = new mod.Etcd3({
    hosts: endpoints as string[],
    dialTimeout: callTimeoutMs,
    defaultCallOptions: (context) =>
      context.isStream ? {} : { deadline: clock.now() + callTimeoutMs },
    faultHandling: { global: passThrough },
    ...(options.auth === undefined
      ? {}
      : { auth: { username: options.auth.username, password: options.auth.password } }),
  });
  if (options.beforeCommit !== undefined && typeof options.beforeCommit !== 'function') {
    throw new TypeError(`${where}: beforeCommit must be a function`);
  }
  const store = new EtcdPlanStore(mod, client, {
    label: `etcd ${(endpoints as string[]).join(',')} ${prefix}`,
    keys: new EtcdKeys(prefix),
    maxConflicts,
    writerId,
    beforeCommit: options.beforeCommit,
  });
  try {
    await store.checkSchema();
  } catch (e) {
    client.close();
    throw e;
  }
  return store;
}

interface StoreSetup {
  readonly label: string;
  readonly keys: EtcdKeys;
  readonly maxConflicts: number;
  readonly writerId: string;
  readonly beforeCommit: EtcdPlanStoreOptions['beforeCommit'];
}

interface Snapshot {
  readonly revision: number;
  readonly ranges: readonly (readonly IKeyValue[])[];
}

/** A {@link PlanStore} on etcd. Build it with {@link openEtcdPlanStore}; see the module comment. */
export class EtcdPlanStore implements PlanStore {
  /** `etcd <endpoints> <prefix>`: how errors name this store. */
  readonly label: string;
  readonly #mod: Mod;
  readonly #client: Etcd3;
  readonly #keys: EtcdKeys;
  readonly #maxConflicts: number;
  readonly #writerId: string;
  readonly #beforeCommit: EtcdPlanStoreOptions['beforeCommit'];
  #auditCounter = 0;
  #conflicts = 0;
  #closed = false;
  /** The tail of this instance's write queue. */
  #writes: Promise<unknown> = Promise.resolve();
  /** Decoded plans by generation; a generation's plan never changes once written. */
  readonly #cache = new Map<number, Plan>();
  readonly #watches = new Set<PushIterator<Plan>>();
  readonly #leases = new Set<LivenessLease>();

  /** @internal Use {@link openEtcdPlanStore}. */
  constructor(mod: Mod, client: Etcd3, setup: StoreSetup) {
    this.#mod = mod;
    this.#client = client;
    this.label = setup.label;
    this.#keys = setup.keys;
    this.#maxConflicts = setup.maxConflicts;
    this.#writerId = setup.writerId;
    this.#beforeCommit = setup.beforeCommit;
  }

  /** The key prefix. */
  get prefix(): string {
    return this.#keys.prefix;
  }

  /**
   * How many write transactions of this instance failed their comparison because another
   * writer changed a key in between, and were retried from a fresh read. Each one is a race
   * that the transaction, not a read, decided.
   */
  get conflicts(): number {
    return this.#conflicts;
  }

  /** @internal Writes `meta/schema` under an empty prefix, or checks it. */
  async checkSchema(): Promise<void> {
    const k = this.#keys.schema;
    const r = await this.#txn(
      'open',
      [this.#cmp(k, 'Create', 'Equal', { create_revision: 0 })],
      [{ request_put: { key: k, value: Buffer.from(String(ETCD_SCHEMA_VERSION)) } }],
      [{ request_range: { key: k } }],
    );
    if (r.succeeded) return;
    const value = r.responses[0]?.response_range.kvs[0]?.value.toString('utf8') ?? '';
    if (!/^\d+$/.test(value)) {
      throw new StoreCorruptError(
        this.label,
        `meta/schema holds '${value.slice(0, 40)}': these keys are not a breakwater plan store; use another prefix`,
      );
    }
    if (Number(value) > ETCD_SCHEMA_VERSION) {
      throw new StoreCorruptError(
        this.label,
        `layout version ${value} was written by a newer breakwater; this one reads version ${ETCD_SCHEMA_VERSION}`,
      );
    }
  }

  async putPlan(
    draft: PlanDraft,
    context: WriteContext,
    options?: PutPlanOptions,
  ): Promise<PutPlanResult> {
    this.#open();
    checkWriteContext('putPlan', context);
    const expected = options?.expectedNewestGeneration;
    if (expected !== undefined && (!Number.isSafeInteger(expected) || expected < 0)) {
      throw new RangeError(
        `putPlan: expectedNewestGeneration must be an integer >= 0, got ${expected}`,
      );
    }
    const verified = verifyPlanDraft(draft);
    const keys = this.#keys;
    return this.#exclusive(async () => {
      for (let attempt = 0; attempt < this.#maxConflicts; attempt++) {
        const snap = await this.#snapshot('putPlan', [
          { key: keys.counter },
          {
            key: keys.plansPrefix,
            range_end: keys.plansEnd,
            keys_only: true,
            limit: 1,
            sort_order: this.#mod.SortOrder.Descend,
            sort_target: this.#mod.SortTarget.Key,
          },
          { key: keys.targetsPrefix, range_end: keys.targetsEnd },
        ]);
        const [counterKvs, newestKvs, targetKvs] = snap.ranges;
        const counterKv = counterKvs?.[0];
        const newestKey = newestKvs?.[0]?.key;
        const newest = newestKey === undefined ? undefined : keys.generationOf(newestKey);
        if (expected !== undefined && expected !== (newest ?? 0)) {
          return { outcome: 'conflict', newestGeneration: newest ?? 0 };
        }
        let maxActive: number | undefined;
        for (const kv of targetKvs ?? []) {
          const g = this.#targetOf(kv).activeGeneration;
          if (g !== undefined && (maxActive === undefined || g > maxActive)) maxActive = g;
        }
        const counter = counterKv === undefined ? 1 : Number(counterKv.value.toString('utf8'));
        const generation = nextGeneration(
          Number.isSafeInteger(counter) ? counter : 1,
          newest,
          maxActive,
        );
        const plan = planOf(verified, generation);
        const audit = this.#nextAuditKey();
        await this.#beforeCommit?.('putPlan');
        const r = await this.#txn(
          'putPlan',
          [
            counterKv === undefined
              ? this.#cmp(keys.counter, 'Create', 'Equal', { create_revision: 0 })
              : this.#cmp(keys.counter, 'Mod', 'Equal', { mod_revision: counterKv.mod_revision }),
            this.#cmp(keys.plan(generation), 'Create', 'Equal', { create_revision: 0 }),
            this.#cmp(audit, 'Create', 'Equal', { create_revision: 0 }),
          ],
          [
            { request_put: { key: keys.plan(generation), value: encodePlan(plan) } },
            { request_put: { key: keys.counter, value: Buffer.from(String(generation + 1)) } },
            this.#putAudit(audit, {
              atMs: context.atMs,
              actor: context.actor,
              kind: 'plan-written',
              reason: context.reason ?? `${plan.origin.kind} plan`,
              generation,
              contentHash: plan.contentHash,
            }),
          ],
        );
        if (r.succeeded) {
          this.#cache.set(generation, plan);
          return { outcome: 'written', plan };
        }
        this.#conflicts++;
      }
      throw this.#contention('putPlan');
    });
  }

  async getPlan(generation: number): Promise<Plan | undefined> {
    this.#open();
    if (!Number.isSafeInteger(generation) || generation < 1) return undefined;
    // A plan never changes once written: when it is cached, only its existence is read.
    const kv = (
      await this.#snapshot('getPlan', [
        { key: this.#keys.plan(generation), keys_only: this.#cache.has(generation) },
      ])
    ).ranges[0]?.[0];
    return kv === undefined ? this.#forget(generation) : this.#planOf(generation, kv);
  }

  async newestPlan(): Promise<Plan | undefined> {
    this.#open();
    const keys = this.#keys;
    const kv = (
      await this.#snapshot('newestPlan', [
        {
          key: keys.plansPrefix,
          range_end: keys.plansEnd,
          limit: 1,
          sort_order: this.#mod.SortOrder.Descend,
          sort_target: this.#mod.SortTarget.Key,
        },
      ])
    ).ranges[0]?.[0];
    return kv === undefined ? undefined : this.#planOf(keys.generationOf(kv.key), kv);
  }

  async listGenerations(): Promise<readonly number[]> {
    this.#open();
    const keys = this.#keys;
    const kvs = (
      await this.#snapshot('listGenerations', [
        { key: keys.plansPrefix, range_end: keys.plansEnd, keys_only: true },
      ])
    ).ranges[0];
    return (kvs ?? []).map((kv) => keys.generationOf(kv.key)).filter((g) => !Number.isNaN(g));
  }

  async addTarget(id: string, context: WriteContext): Promise<TargetRecord> {
    this.#open();
    checkId('addTarget', 'id', id);
    checkWriteContext('addTarget', context);
    const key = this.#keys.target(id);
    return this.#exclusive(async () => {
      const audit = this.#nextAuditKey();
      const r = await this.#txn(
        'addTarget',
        [
          this.#cmp(key, 'Create', 'Equal', { create_revision: 0 }),
          this.#cmp(audit, 'Create', 'Equal', { create_revision: 0 }),
        ],
        [
          {
            request_put: {
              key,
              value: encodeTargetValue({
                activeGeneration: undefined,
                activatedAtMs: undefined,
                activatedBy: undefined,
              }),
            },
          },
          this.#putAudit(audit, {
            atMs: context.atMs,
            actor: context.actor,
            kind: 'target-added',
            reason: context.reason ?? '',
            target: id,
          }),
        ],
        [{ request_range: { key } }],
      );
      if (r.succeeded) {
        return Object.freeze({
          id,
          activeGeneration: undefined,
          activatedAtMs: undefined,
          activatedBy: undefined,
        });
      }
      const kv = r.responses[0]?.response_range.kvs[0];
      // With the target absent, only an audit-key collision fails the comparison: two stores
      // configured with the same writerId.
      if (kv === undefined) throw this.#contention('addTarget');
      return this.#targetOf(kv);
    });
  }

  async removeTarget(id: string, context: WriteContext): Promise<boolean> {
    this.#open();
    checkWriteContext('removeTarget', context);
    if (typeof id !== 'string' || id === '') return false;
    const key = this.#keys.target(id);
    return this.#exclusive(async () => {
      for (let attempt = 0; attempt < this.#maxConflicts; attempt++) {
        const kv = (await this.#snapshot('removeTarget', [{ key }])).ranges[0]?.[0];
        if (kv === undefined) return false;
        const active = this.#targetOf(kv).activeGeneration;
        const audit = this.#nextAuditKey();
        const entry = targetRemovedAudit(context, id, active);
        await this.#beforeCommit?.('removeTarget');
        const r = await this.#txn(
          'removeTarget',
          [
            this.#cmp(key, 'Mod', 'Equal', { mod_revision: kv.mod_revision }),
            this.#cmp(audit, 'Create', 'Equal', { create_revision: 0 }),
          ],
          [{ request_delete_range: { key } }, this.#putAudit(audit, entry)],
        );
        if (r.succeeded) return true;
        this.#conflicts++;
      }
      throw this.#contention('removeTarget');
    });
  }

  async getTarget(id: string): Promise<TargetRecord | undefined> {
    this.#open();
    if (typeof id !== 'string' || id === '') return undefined;
    const kv = (await this.#snapshot('getTarget', [{ key: this.#keys.target(id) }])).ranges[0]?.[0];
    return kv === undefined ? undefined : this.#targetOf(kv);
  }

  async listTargets(): Promise<readonly TargetRecord[]> {
    this.#open();
    const keys = this.#keys;
    const kvs = (
      await this.#snapshot('listTargets', [{ key: keys.targetsPrefix, range_end: keys.targetsEnd }])
    ).ranges[0];
    // etcd returns keys in byte order; ids are compared as JS strings elsewhere.
    return (kvs ?? [])
      .map((kv) => this.#targetOf(kv))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async activate(
    target: string,
    generation: number,
    context: WriteContext,
  ): Promise<ActivateResult> {
    this.#open();
    checkGeneration('activate', generation);
    checkWriteContext('activate', context);
    if (typeof target !== 'string' || target === '') throw new UnknownTargetError(String(target));
    const keys = this.#keys;
    const targetKey = keys.target(target);
    const planKey = keys.plan(generation);
    return this.#exclusive(async () => {
      for (let attempt = 0; attempt < this.#maxConflicts; attempt++) {
        const snap = await this.#snapshot('activate', [
          { key: targetKey },
          { key: planKey, keys_only: true },
        ]);
        const tkv = snap.ranges[0]?.[0];
        if (tkv === undefined) throw new UnknownTargetError(target);
        const pkv = snap.ranges[1]?.[0];
        const current = this.#targetOf(tkv).activeGeneration;
        let result: ActivateResult;
        if (current !== undefined && current >= generation) {
          result = { outcome: 'lost', reason: 'not-newer', currentGeneration: current };
        } else if (pkv === undefined) {
          result = { outcome: 'lost', reason: 'plan-missing', currentGeneration: current };
        } else {
          result = { outcome: 'won', previousGeneration: current };
        }
        const audit = this.#nextAuditKey();
        const entry = activationAudit(context, target, generation, current, result);
        // The state this outcome was computed from must still hold when the write lands.
        const compare: ICompare[] = [
          this.#cmp(targetKey, 'Mod', 'Equal', { mod_revision: tkv.mod_revision }),
          pkv === undefined
            ? this.#cmp(planKey, 'Create', 'Equal', { create_revision: 0 })
            : this.#cmp(planKey, 'Mod', 'Equal', { mod_revision: pkv.mod_revision }),
          this.#cmp(audit, 'Create', 'Equal', { create_revision: 0 }),
        ];
        const success: IRequestOp[] = [this.#putAudit(audit, entry)];
        if (result.outcome === 'won') {
          // The fence itself, spelled out: active < G, and plan G exists.
          compare.push(
            this.#cmp(targetKey, 'Value', 'Less', {
              value: Buffer.from(padGeneration(generation)),
            }),
            this.#cmp(planKey, 'Version', 'Greater', { version: 0 }),
          );
          success.unshift({
            request_put: {
              key: targetKey,
              value: encodeTargetValue({
                activeGeneration: generation,
                activatedAtMs: context.atMs,
                activatedBy: context.actor,
              }),
            },
          });
        }
        await this.#beforeCommit?.('activate');
        const r = await this.#txn('activate', compare, success);
        if (r.succeeded) return result;
        this.#conflicts++;
      }
      throw this.#contention('activate');
    });
  }

  async deleteOlderThan(retain: number, context: WriteContext): Promise<DeleteResult> {
    this.#open();
    checkRetain('deleteOlderThan', retain);
    checkWriteContext('deleteOlderThan', context);
    const keys = this.#keys;
    return this.#exclusive(async () => {
      for (let attempt = 0; attempt < this.#maxConflicts; attempt++) {
        const snap = await this.#snapshot('deleteOlderThan', [
          { key: keys.targetsPrefix, range_end: keys.targetsEnd },
          { key: keys.plansPrefix, range_end: keys.plansEnd, keys_only: true },
        ]);
        const activeGenerations: Record<string, number> = {};
        for (const kv of snap.ranges[0] ?? []) {
          const t = this.#targetOf(kv);
          if (t.activeGeneration !== undefined) activeGenerations[t.id] = t.activeGeneration;
        }
        const gens = (snap.ranges[1] ?? [])
          .map((kv) => keys.generationOf(kv.key))
          .filter((g) => !Number.isNaN(g));
        const { deletable, floor } = deletableGenerations(
          gens,
          Object.values(activeGenerations),
          retain,
        );
        if (deletable.length === 0) return { deleted: [], floor, activeGenerations };
        // Every plan below `cut` is deletable at this revision (the rule deletes all plans
        // below min(floor, newest)), so one range delete removes exactly `deletable`.
        const cut = keys.plan(deletable[deletable.length - 1]! + 1);
        const after = String(snap.revision + 1);
        const audit = this.#nextAuditKey();
        await this.#beforeCommit?.('deleteOlderThan');
        const r = await this.#txn(
          'deleteOlderThan',
          [
            // Every target key unchanged since the read: none activated, added or re-added.
            this.#cmpRange(keys.targetsPrefix, keys.targetsEnd, 'Mod', 'Less', {
              mod_revision: after,
            }),
            // No plan below the cut appeared since the read.
            this.#cmpRange(keys.plansPrefix, cut, 'Create', 'Less', { create_revision: after }),
            this.#cmp(audit, 'Create', 'Equal', { create_revision: 0 }),
          ],
          [
            { request_delete_range: { key: keys.plansPrefix, range_end: cut } },
            this.#putAudit(audit, {
              atMs: context.atMs,
              actor: context.actor,
              kind: 'deletion',
              reason:
                context.reason ??
                `older than min(active) ${floor! + retain} - retain ${retain} = ${floor!}`,
              generations: deletable,
              activeGenerations,
            }),
          ],
        );
        if (r.succeeded) {
          for (const g of deletable) this.#cache.delete(g);
          return { deleted: deletable, floor, activeGenerations };
        }
        this.#conflicts++;
      }
      throw this.#contention('deleteOlderThan');
    });
  }

  async appendAudit(entry: AuditInput): Promise<AuditEntry> {
    this.#open();
    const checked = checkAuditInput(entry);
    return this.#exclusive(async () => {
      for (let attempt = 0; attempt < this.#maxConflicts; attempt++) {
        const audit = this.#nextAuditKey();
        const r = await this.#txn(
          'appendAudit',
          [this.#cmp(audit, 'Create', 'Equal', { create_revision: 0 })],
          [this.#putAudit(audit, checked)],
        );
        if (r.succeeded) return Object.freeze({ seq: Number(r.header.revision), ...checked });
        this.#conflicts++;
      }
      throw this.#contention('appendAudit');
    });
  }

  async readAudit(query?: AuditQuery): Promise<readonly AuditEntry[]> {
    this.#open();
    checkAuditQuery(query);
    if (query?.kinds !== undefined && query.kinds.length === 0) return [];
    const keys = this.#keys;
    const limit = query?.limit ?? Infinity;
    const out: AuditEntry[] = [];
    if (limit === 0) return out;
    // Pages in create-revision order, all at the first page's revision (one snapshot).
    const page = 500;
    let minCreate = (query?.afterSeq ?? 0) + 1;
    let revision: number | undefined;
    for (;;) {
      const request: IRangeRequest = {
        key: keys.auditPrefix,
        range_end: keys.auditEnd,
        limit: page,
        sort_order: this.#mod.SortOrder.Ascend,
        sort_target: this.#mod.SortTarget.Create,
        min_create_revision: minCreate,
      };
      if (revision !== undefined) request.revision = revision;
      const snap = await this.#snapshot('readAudit', [request]);
      revision ??= snap.revision;
      const kvs = snap.ranges[0] ?? [];
      for (const kv of kvs) {
        const seq = Number(kv.create_revision);
        const e = decodeAudit(this.label, seq, kv.value);
        if (matchesAuditQuery(e, query)) out.push(e);
        if (out.length >= limit) return out;
        minCreate = seq + 1;
      }
      if (kvs.length < page) return out;
    }
  }

  /**
   * Watches for plans written from now on (by any writer), in generation order. Resolves once
   * the watch is established, so a plan written after this promise settled is never missed.
   * The iteration ends with an error if the watch fails, and ends when `signal` aborts or
   * `close()` is called (or the store closes).
   */
  async watchPlans(options: { readonly signal?: AbortSignal } = {}): Promise<PlanWatch> {
    this.#open();
    const keys = this.#keys;
    let watcher: Awaited<ReturnType<ReturnType<Etcd3['watch']>['create']>>;
    try {
      watcher = await this.#client
        .watch()
        .inRange({ start: keys.plansPrefix, end: keys.plansEnd })
        .only('put')
        .create();
    } catch (e) {
      throw mapEtcdError(this.#mod, this.label, 'watchPlans', e);
    }
    const signal = options.signal;
    const onAbort = (): void => void it.return();
    const it = new PushIterator<Plan>(async () => {
      this.#watches.delete(it);
      signal?.removeEventListener('abort', onAbort);
      await watcher.cancel().catch(() => undefined);
    });
    this.#watches.add(it);
    watcher.on('put', (kv) => {
      // version 1: the key's first write (plans are never rewritten; ignore anything else).
      if (String(kv.version) !== '1') return;
      try {
        const g = keys.generationOf(kv.key);
        if (!Number.isNaN(g)) it.push(this.#planOf(g, kv));
      } catch (e) {
        it.fail(e);
      }
    });
    watcher.on('error', (e) => it.fail(mapEtcdError(this.#mod, this.label, 'watchPlans', e)));
    if (signal !== undefined) {
      if (signal.aborted) await it.return();
      else signal.addEventListener('abort', onAbort, { once: true });
    }
    return Object.assign(it, { close: () => it.return().then(() => undefined) });
  }

  /**
   * Registers `id` as live: puts `live/<id>` on a new lease of `ttlSeconds`, kept alive by the
   * client until revoked, the store closes, or keep-alives fail (then `onLost` fires). A lease
   * is NOT a fence: see the module comment.
   */
  async registerLiveness(id: string, options: LivenessOptions = {}): Promise<LivenessLease> {
    this.#open();
    const where = 'registerLiveness';
    checkId(where, 'id', id);
    const ttl = checkIntegerAtLeast(where, 'ttlSeconds', options.ttlSeconds ?? 10, 2);
    const lease: Lease = this.#client.lease(ttl);
    const lost = new EventEmitter<unknown>();
    let leaseId: string;
    try {
      leaseId = await lease.grant();
      await lease.put(this.#keys.live(id)).value(
        JSON.stringify({
          id,
          ...(options.sinceMs === undefined ? {} : { sinceMs: options.sinceMs }),
        }),
      );
    } catch (e) {
      lease.release();
      throw mapEtcdError(this.#mod, this.label, where, e);
    }
    let revoked = false;
    const registration: LivenessLease = {
      id,
      leaseId,
      onLost: lost.event,
      revoke: async () => {
        if (revoked) return;
        revoked = true;
        this.#leases.delete(registration);
        try {
          await lease.revoke();
        } catch {
          // Unreachable etcd: the lease runs out by itself after its TTL.
          lease.release();
        }
      },
    };
    lease.on('lost', (e) => {
      this.#leases.delete(registration);
      if (lost.hasListeners) lost.emit(e);
    });
    this.#leases.add(registration);
    return registration;
  }

  /** The live registrations (keys whose lease is alive), sorted by id. */
  async listLive(): Promise<readonly LivenessRecord[]> {
    this.#open();
    const keys = this.#keys;
    const kvs =
      (await this.#snapshot('listLive', [{ key: keys.livePrefix, range_end: keys.liveEnd }]))
        .ranges[0] ?? [];
    return kvs
      .map((kv) => {
        let sinceMs: number | undefined;
        try {
          const v = JSON.parse(kv.value.toString('utf8')) as { sinceMs?: unknown };
          if (typeof v.sinceMs === 'number') sinceMs = v.sinceMs;
        } catch {
          // A liveness value is informative only; its key is what counts.
        }
        return Object.freeze({ id: keys.liveIdOf(kv.key), sinceMs, leaseId: String(kv.lease) });
      })
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of [...this.#watches]) await w.return();
    await Promise.all([...this.#leases].map((l) => l.revoke()));
    await this.#writes.catch(() => undefined);
    this.#client.close();
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  /** Runs `fn` after this instance's earlier writes (see the module comment: an optimisation). */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(fn, fn);
    this.#writes = run.catch(() => undefined);
    return run;
  }

  #nextAuditKey(): Buffer {
    return this.#keys.audit(this.#writerId, ++this.#auditCounter);
  }

  #putAudit(key: Buffer, input: AuditInput): IRequestOp {
    return { request_put: { key, value: encodeAudit(input) } };
  }

  #cmp(
    key: Buffer,
    target: keyof typeof Etcd3Module.CompareTarget,
    result: keyof typeof Etcd3Module.CompareResult,
    operand: Omit<ICompare, 'key' | 'target' | 'result'>,
  ): ICompare {
    return {
      key,
      target: this.#mod.CompareTarget[target],
      result: this.#mod.CompareResult[result],
      ...operand,
    };
  }

  /** A comparison that must hold for every key in [key, rangeEnd) (etcd ≥ 3.3). */
  #cmpRange(
    key: Buffer,
    rangeEnd: Buffer,
    target: keyof typeof Etcd3Module.CompareTarget,
    result: keyof typeof Etcd3Module.CompareResult,
    operand: Omit<ICompare, 'key' | 'target' | 'result'>,
  ): ICompare {
    return { ...this.#cmp(key, target, result, operand), range_end: rangeEnd };
  }

  async #txn(
    what: string,
    compare: ICompare[],
    success: IRequestOp[],
    failure: IRequestOp[] = [],
  ): Promise<Etcd3Module.ITxnResponse> {
    try {
      return await this.#client.kv.txn({ compare, success, failure });
    } catch (e) {
      throw mapEtcdError(this.#mod, this.label, what, e);
    }
  }

  /** Reads several ranges at one revision (a transaction with no comparison). */
  async #snapshot(what: string, ranges: IRangeRequest[]): Promise<Snapshot> {
    const r = await this.#txn(
      what,
      [],
      ranges.map((request_range) => ({ request_range })),
    );
    return {
      revision: Number(r.header.revision),
      ranges: r.responses.map((x) => x.response_range?.kvs ?? []),
    };
  }

  #contention(what: string): StoreUnavailableError {
    return new StoreUnavailableError(
      `${this.label}: ${what}: other writers changed the same keys ${this.#maxConflicts} times in a row; try again`,
    );
  }

  #targetOf(kv: IKeyValue): TargetRecord {
    return decodeTargetValue(this.label, this.#keys.targetIdOf(kv.key), kv.value);
  }

  #forget(generation: number): undefined {
    this.#cache.delete(generation);
    return undefined;
  }

  #planOf(generation: number, kv: IKeyValue): Plan {
    const cached = this.#cache.get(generation);
    if (cached !== undefined) return cached;
    if (Number.isNaN(generation)) {
      throw new StoreCorruptError(
        this.label,
        `key '${kv.key.toString('utf8')}' is not a plan key (plans/<16 digits>)`,
      );
    }
    const plan = decodePlan(this.label, generation, kv.value);
    this.#cache.set(generation, plan);
    return plan;
  }
}
