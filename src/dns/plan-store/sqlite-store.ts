/**
 * @module
 * The embedded {@link PlanStore}: one SQLite file (default `.breakwater/state.db`), through
 * `better-sqlite3` version 12 (version 13 needs Node 22). Nothing to set up, and it survives
 * restarts — the default store of the `breakwater dns` commands.
 *
 * - **Atomic compare-and-set.** `putPlan`, `activate` and `deleteOlderThan` each run as one
 *   `BEGIN IMMEDIATE` transaction: the write lock is taken before the first read, so the
 *   condition read and the write happen with no other writer in between — in this process or
 *   any other process using the same file.
 * - **WAL mode** (readers never block the writer, and a crash mid-write leaves the last
 *   committed state), with a busy timeout so a second process waits for the lock instead of
 *   failing at once; a `SQLITE_BUSY` that outlasts it is reported as a retryable
 *   `StoreUnavailableError`.
 * - **Versioned schema** in `PRAGMA user_version`; a file from a newer breakwater, a SQLite
 *   file that is not ours, or a file that is not a database at all gets a
 *   `StoreCorruptError` naming the file.
 * - **Loaded lazily.** The native module is imported (dynamically) only by
 *   {@link openSqlitePlanStore}, so importing `breakwater/dns` does not load it.
 * - Plans are stored as their canonical JSON and re-validated (hash included) when read, so
 *   a damaged row is caught, not served.
 *
 * better-sqlite3 is synchronous: every method does its work at once and returns a settled
 * promise. That suits a CLI and a single control-plane process; the calls are short.
 */
/* eslint-disable @typescript-eslint/require-await -- the contract's methods are `async` so
   that a synchronous validation error becomes a rejection, as it would from a remote store. */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { AuditEntry, AuditInput, AuditQuery, WriteContext } from '../audit-log.js';
import { checkAuditInput, checkAuditQuery, checkWriteContext } from '../audit-log.js';
import {
  StoreClosedError,
  StoreCorruptError,
  StoreUnavailableError,
  UnknownTargetError,
  isDnsError,
} from '../errors.js';
import { checkGeneration, checkId, checkNumberIn } from '../internal/options.js';
import {
  canonicalPlanContent,
  parsePlanContent,
  planOf,
  verifyPlanDraft,
  hashPlanContent,
} from '../plan.js';
import type { Plan, PlanDraft, PlanOrigin } from '../plan.js';
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

/** The state file used when none is configured (relative to the working directory). */
export const DEFAULT_STATE_FILE = '.breakwater/state.db';

/** The schema version this code reads and writes. */
export const SQLITE_SCHEMA_VERSION = 1;

/** Options for {@link openSqlitePlanStore}. */
export interface SqlitePlanStoreOptions {
  /**
   * The database file; its directory is created. Default {@link DEFAULT_STATE_FILE}.
   * `':memory:'` gives a private in-memory database (tests).
   */
  readonly file?: string;
  /** How long to wait for another process's write lock, ms. Default 5000. */
  readonly busyTimeoutMs?: number;
}

type Db = BetterSqlite3.Database;

interface PlanRow {
  generation: number;
  planner_id: string;
  created_at_ms: number;
  content_hash: string;
  origin: string;
  content: string;
}

interface TargetRow {
  id: string;
  active_generation: number | null;
  activated_at_ms: number | null;
  activated_by: string | null;
}

const SCHEMA = `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
CREATE TABLE plans (
  generation INTEGER PRIMARY KEY,
  planner_id TEXT NOT NULL,
  created_at_ms REAL NOT NULL,
  content_hash TEXT NOT NULL,
  origin TEXT NOT NULL,
  content TEXT NOT NULL
);
CREATE TABLE targets (
  id TEXT PRIMARY KEY,
  active_generation INTEGER,
  activated_at_ms REAL,
  activated_by TEXT
);
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms REAL NOT NULL,
  actor TEXT NOT NULL,
  kind TEXT NOT NULL,
  target TEXT,
  entry TEXT NOT NULL
);
CREATE INDEX audit_by_target ON audit (target, seq);
INSERT INTO meta (key, value) VALUES ('next_generation', 1);
`;

const TABLES = ['audit', 'meta', 'plans', 'targets'];

function sqliteCode(e: unknown): string | undefined {
  const code: unknown = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Opens (creating when missing) the SQLite state file and returns a store on it. Throws
 * `StoreCorruptError` naming the file when it cannot be used.
 */
export async function openSqlitePlanStore(
  options: SqlitePlanStoreOptions = {},
): Promise<SqlitePlanStore> {
  const file = options.file ?? DEFAULT_STATE_FILE;
  if (typeof file !== 'string' || file === '') {
    throw new TypeError(
      `openSqlitePlanStore: file must be a non-empty string, got ${String(file)}`,
    );
  }
  const busyTimeoutMs = checkNumberIn(
    'openSqlitePlanStore',
    'busyTimeoutMs',
    options.busyTimeoutMs ?? 5000,
    0,
    2_147_483_647,
  );
  const shown = file === ':memory:' ? file : resolve(file);
  if (file !== ':memory:') {
    try {
      mkdirSync(dirname(shown), { recursive: true });
    } catch (e) {
      throw new StoreCorruptError(shown, `cannot create its directory: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
  const { default: Database } = await import('better-sqlite3');
  let db: Db | undefined;
  try {
    db = new Database(file, { timeout: busyTimeoutMs });
    if (file !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    prepareSchema(db, shown);
  } catch (e) {
    db?.close();
    if (isDnsError(e)) throw e;
    const code = sqliteCode(e);
    const detail =
      code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT'
        ? `not a breakwater state database (${(e as Error).message}); move it aside or point --state at another file`
        : `cannot be opened as a breakwater state database: ${(e as Error).message}`;
    throw new StoreCorruptError(shown, detail, { cause: e });
  }
  return new SqlitePlanStore(db, shown);
}

function prepareSchema(db: Db, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SQLITE_SCHEMA_VERSION) {
    throw new StoreCorruptError(
      file,
      `schema version ${version} was written by a newer breakwater; this one reads version ${SQLITE_SCHEMA_VERSION}`,
    );
  }
  const tables = (
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[]
  )
    .map((r) => r.name)
    .sort();
  if (version === 0) {
    if (tables.length > 0) {
      throw new StoreCorruptError(
        file,
        `is a SQLite database with other tables (${tables.join(', ')}), not a breakwater state database`,
      );
    }
    db.transaction(() => {
      db.exec(SCHEMA);
      db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`);
    }).immediate();
    return;
  }
  const missing = TABLES.filter((t) => !tables.includes(t));
  if (missing.length > 0) {
    throw new StoreCorruptError(file, `is damaged: table(s) ${missing.join(', ')} missing`);
  }
}

/** A {@link PlanStore} on a SQLite file. Build it with {@link openSqlitePlanStore}. */
export class SqlitePlanStore implements PlanStore {
  /** The absolute path of the database file (or `:memory:`). */
  readonly file: string;
  readonly #db: Db;
  #closed = false;
  /** Parsed plans by generation; a generation's plan never changes once written. */
  readonly #cache = new Map<number, Plan>();
  readonly #stmt: {
    newest: BetterSqlite3.Statement<[], { g: number | null }>;
    plan: BetterSqlite3.Statement<[number], PlanRow>;
    gens: BetterSqlite3.Statement<[], { generation: number }>;
    counter: BetterSqlite3.Statement<[], { value: number }>;
    setCounter: BetterSqlite3.Statement<[number]>;
    maxActive: BetterSqlite3.Statement<[], { g: number | null }>;
    insertPlan: BetterSqlite3.Statement<[number, string, number, string, string, string]>;
    deletePlan: BetterSqlite3.Statement<[number]>;
    target: BetterSqlite3.Statement<[string], TargetRow>;
    targets: BetterSqlite3.Statement<[], TargetRow>;
    insertTarget: BetterSqlite3.Statement<[string]>;
    deleteTarget: BetterSqlite3.Statement<[string]>;
    activate: BetterSqlite3.Statement<[number, number, string, string]>;
    insertAudit: BetterSqlite3.Statement<[number, string, string, string | null, string]>;
  };

  /** @internal Use {@link openSqlitePlanStore}. */
  constructor(db: Db, file: string) {
    this.#db = db;
    this.file = file;
    this.#stmt = {
      newest: db.prepare('SELECT MAX(generation) AS g FROM plans'),
      plan: db.prepare('SELECT * FROM plans WHERE generation = ?'),
      gens: db.prepare('SELECT generation FROM plans ORDER BY generation'),
      counter: db.prepare("SELECT value FROM meta WHERE key = 'next_generation'"),
      setCounter: db.prepare("UPDATE meta SET value = ? WHERE key = 'next_generation'"),
      maxActive: db.prepare('SELECT MAX(active_generation) AS g FROM targets'),
      insertPlan: db.prepare(
        'INSERT INTO plans (generation, planner_id, created_at_ms, content_hash, origin, content) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      deletePlan: db.prepare('DELETE FROM plans WHERE generation = ?'),
      target: db.prepare('SELECT * FROM targets WHERE id = ?'),
      targets: db.prepare('SELECT * FROM targets ORDER BY id'),
      insertTarget: db.prepare('INSERT OR IGNORE INTO targets (id) VALUES (?)'),
      deleteTarget: db.prepare('DELETE FROM targets WHERE id = ?'),
      activate: db.prepare(
        'UPDATE targets SET active_generation = ?, activated_at_ms = ?, activated_by = ? WHERE id = ?',
      ),
      insertAudit: db.prepare(
        'INSERT INTO audit (at_ms, actor, kind, target, entry) VALUES (?, ?, ?, ?, ?)',
      ),
    };
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
    const content = canonicalPlanContent(verified.content);
    const origin = JSON.stringify(verified.origin);
    return this.#run((): PutPlanResult => {
      const s = this.#stmt;
      const newest = s.newest.get()?.g ?? null;
      if (expected !== undefined && expected !== (newest ?? 0)) {
        return { outcome: 'conflict', newestGeneration: newest ?? 0 };
      }
      const generation = nextGeneration(
        s.counter.get()?.value ?? 1,
        newest ?? undefined,
        s.maxActive.get()?.g ?? undefined,
      );
      s.insertPlan.run(
        generation,
        verified.plannerId,
        verified.createdAtMs,
        verified.contentHash,
        origin,
        content,
      );
      s.setCounter.run(generation + 1);
      this.#audit({
        atMs: context.atMs,
        actor: context.actor,
        kind: 'plan-written',
        reason: context.reason ?? `${verified.origin.kind} plan`,
        generation,
        contentHash: verified.contentHash,
      });
      const plan = planOf(verified, generation);
      this.#cache.set(generation, plan);
      return { outcome: 'written', plan };
    });
  }

  async getPlan(generation: number): Promise<Plan | undefined> {
    this.#open();
    return this.#read(() => this.#planAt(generation));
  }

  async newestPlan(): Promise<Plan | undefined> {
    this.#open();
    return this.#read(() => {
      const g = this.#stmt.newest.get()?.g ?? null;
      return g === null ? undefined : this.#planAt(g);
    });
  }

  async listGenerations(): Promise<readonly number[]> {
    this.#open();
    return this.#read(() => this.#stmt.gens.all().map((r) => r.generation));
  }

  async addTarget(id: string, context: WriteContext): Promise<TargetRecord> {
    this.#open();
    checkId('addTarget', 'id', id);
    checkWriteContext('addTarget', context);
    return this.#run(() => {
      const added = this.#stmt.insertTarget.run(id).changes > 0;
      if (added) {
        this.#audit({
          atMs: context.atMs,
          actor: context.actor,
          kind: 'target-added',
          reason: context.reason ?? '',
          target: id,
        });
      }
      return toTarget(this.#stmt.target.get(id)!);
    });
  }

  async removeTarget(id: string, context: WriteContext): Promise<boolean> {
    this.#open();
    checkWriteContext('removeTarget', context);
    return this.#run(() => {
      const row = this.#stmt.target.get(id);
      if (row === undefined) return false;
      this.#stmt.deleteTarget.run(id);
      this.#audit(targetRemovedAudit(context, id, row.active_generation ?? undefined));
      return true;
    });
  }

  async getTarget(id: string): Promise<TargetRecord | undefined> {
    this.#open();
    return this.#read(() => {
      const row = this.#stmt.target.get(id);
      return row === undefined ? undefined : toTarget(row);
    });
  }

  async listTargets(): Promise<readonly TargetRecord[]> {
    this.#open();
    return this.#read(() => this.#stmt.targets.all().map(toTarget));
  }

  async activate(
    target: string,
    generation: number,
    context: WriteContext,
  ): Promise<ActivateResult> {
    this.#open();
    checkGeneration('activate', generation);
    checkWriteContext('activate', context);
    return this.#run((): ActivateResult => {
      const row = this.#stmt.target.get(target);
      if (row === undefined) throw new UnknownTargetError(target);
      const current = row.active_generation ?? undefined;
      let result: ActivateResult;
      if (current !== undefined && current >= generation) {
        result = { outcome: 'lost', reason: 'not-newer', currentGeneration: current };
      } else if (this.#stmt.plan.get(generation) === undefined) {
        result = { outcome: 'lost', reason: 'plan-missing', currentGeneration: current };
      } else {
        this.#stmt.activate.run(generation, context.atMs, context.actor, target);
        result = { outcome: 'won', previousGeneration: current };
      }
      this.#audit(activationAudit(context, target, generation, current, result));
      return result;
    });
  }

  async deleteOlderThan(retain: number, context: WriteContext): Promise<DeleteResult> {
    this.#open();
    checkRetain('deleteOlderThan', retain);
    checkWriteContext('deleteOlderThan', context);
    return this.#run((): DeleteResult => {
      const activeGenerations: Record<string, number> = {};
      for (const t of this.#stmt.targets.all()) {
        if (t.active_generation !== null) activeGenerations[t.id] = t.active_generation;
      }
      const { deletable, floor } = deletableGenerations(
        this.#stmt.gens.all().map((r) => r.generation),
        Object.values(activeGenerations),
        retain,
      );
      for (const g of deletable) {
        this.#stmt.deletePlan.run(g);
        this.#cache.delete(g);
      }
      if (deletable.length > 0) {
        this.#audit({
          atMs: context.atMs,
          actor: context.actor,
          kind: 'deletion',
          reason:
            context.reason ??
            `older than min(active) ${floor! + retain} - retain ${retain} = ${floor!}`,
          generations: deletable,
          activeGenerations,
        });
      }
      return { deleted: deletable, floor, activeGenerations };
    });
  }

  async appendAudit(entry: AuditInput): Promise<AuditEntry> {
    this.#open();
    const checked = checkAuditInput(entry);
    return this.#run(() => this.#audit(checked));
  }

  async readAudit(query?: AuditQuery): Promise<readonly AuditEntry[]> {
    this.#open();
    checkAuditQuery(query);
    const where: string[] = [];
    const params: (number | string)[] = [];
    if (query?.afterSeq !== undefined) {
      where.push('seq > ?');
      params.push(query.afterSeq);
    }
    if (query?.target !== undefined) {
      where.push('target = ?');
      params.push(query.target);
    }
    if (query?.kinds !== undefined) {
      if (query.kinds.length === 0) return [];
      where.push(`kind IN (${query.kinds.map(() => '?').join(', ')})`);
      params.push(...query.kinds);
    }
    let sql = 'SELECT seq, entry FROM audit';
    if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
    sql += ' ORDER BY seq';
    if (query?.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(query.limit);
    }
    return this.#read(() =>
      (this.#db.prepare(sql).all(...params) as { seq: number; entry: string }[]).map((r) =>
        Object.freeze({ seq: r.seq, ...(JSON.parse(r.entry) as AuditInput) }),
      ),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #open(): void {
    if (this.#closed) throw new StoreClosedError();
  }

  /** Runs `fn` in one BEGIN IMMEDIATE transaction (the write lock first, then the reads). */
  #run<T>(fn: () => T): T {
    try {
      return this.#db.transaction(fn).immediate();
    } catch (e) {
      throw this.#mapError(e);
    }
  }

  #read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw this.#mapError(e);
    }
  }

  #mapError(e: unknown): unknown {
    const code = sqliteCode(e);
    if (code === undefined) return e;
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      return new StoreUnavailableError(
        `${this.file}: database is locked by another writer (${code})`,
        {
          cause: e,
        },
      );
    }
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
      return new StoreCorruptError(this.file, `is damaged: ${(e as Error).message}`, { cause: e });
    }
    return e;
  }

  #audit(input: AuditInput): AuditEntry {
    const r = this.#stmt.insertAudit.run(
      input.atMs,
      input.actor,
      input.kind,
      input.target ?? null,
      JSON.stringify(input),
    );
    return Object.freeze({ seq: Number(r.lastInsertRowid), ...input });
  }

  #planAt(generation: number): Plan | undefined {
    const row = this.#stmt.plan.get(generation);
    if (row === undefined) {
      this.#cache.delete(generation);
      return undefined;
    }
    const cached = this.#cache.get(generation);
    if (cached !== undefined && cached.contentHash === row.content_hash) return cached;
    let plan: Plan;
    try {
      const content = parsePlanContent(JSON.parse(row.content) as unknown, 'content.recordSets');
      const hash = hashPlanContent(content);
      if (hash !== row.content_hash)
        throw new Error(`content hashes to ${hash}, row says ${row.content_hash}`);
      plan = planOf(
        {
          plannerId: row.planner_id,
          createdAtMs: row.created_at_ms,
          content,
          contentHash: hash,
          origin: Object.freeze(JSON.parse(row.origin) as PlanOrigin),
        },
        row.generation,
      );
    } catch (e) {
      throw new StoreCorruptError(
        this.file,
        `plan generation ${generation} is damaged: ${(e as Error).message}`,
        { cause: e },
      );
    }
    this.#cache.set(generation, plan);
    return plan;
  }
}

function toTarget(row: TargetRow): TargetRecord {
  return Object.freeze({
    id: row.id,
    activeGeneration: row.active_generation ?? undefined,
    activatedAtMs: row.activated_at_ms ?? undefined,
    activatedBy: row.activated_by ?? undefined,
  });
}
