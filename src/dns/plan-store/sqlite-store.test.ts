import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_STATE_FILE, SQLITE_SCHEMA_VERSION, openSqlitePlanStore } from './sqlite-store.js';
import { contractDraft, runPlanStoreContract } from './contract.js';
import { isStoreCorruptError } from '../errors.js';

const dir = mkdtempSync(join(tmpdir(), 'bw-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshFile = (): string => join(dir, `state-${++n}`, 'state.db');

runPlanStoreContract('sqlite', () => openSqlitePlanStore({ file: freshFile() }));

const ctx = (actor: string) => ({ actor, atMs: 1 });

describe('SqlitePlanStore', () => {
  it('defaults to .breakwater/state.db', () => {
    assert.equal(DEFAULT_STATE_FILE, '.breakwater/state.db');
  });

  it('creates the directory, uses WAL, and keeps its state across reopening', async () => {
    const file = freshFile();
    const a = await openSqlitePlanStore({ file });
    assert.ok(existsSync(file));
    await a.putPlan(contractDraft(1), ctx('p'));
    await a.addTarget('t', ctx('op'));
    await a.activate('t', 1, ctx('e'));
    await a.close();
    const b = await openSqlitePlanStore({ file });
    assert.equal((await b.newestPlan())?.contentHash, contractDraft(1).contentHash);
    assert.equal((await b.getTarget('t'))?.activeGeneration, 1);
    assert.equal((await b.readAudit()).length, 3);
    await b.close();
    assert.ok(existsSync(file), 'file kept');
  });

  it('decides compare-and-set across two connections to the same file', async () => {
    const file = freshFile();
    const a = await openSqlitePlanStore({ file });
    const b = await openSqlitePlanStore({ file });
    await a.putPlan(contractDraft(1), ctx('p'));
    await b.putPlan(contractDraft(2), ctx('p'));
    await a.addTarget('t', ctx('op'));
    assert.equal((await b.activate('t', 2, ctx('enactor-b'))).outcome, 'won');
    assert.deepEqual(await a.activate('t', 1, ctx('enactor-a')), {
      outcome: 'lost',
      reason: 'not-newer',
      currentGeneration: 2,
    });
    const conflict = await a.putPlan(contractDraft(3), ctx('p'), { expectedNewestGeneration: 1 });
    assert.deepEqual(conflict, { outcome: 'conflict', newestGeneration: 2 });
    await a.close();
    await b.close();
  });

  it('refuses a file that is not a database, naming the file', async () => {
    const file = join(dir, 'garbage.db');
    writeFileSync(file, 'this is not a database, just text '.repeat(200));
    await assert.rejects(openSqlitePlanStore({ file }), (e: unknown) => {
      assert.ok(isStoreCorruptError(e));
      assert.ok(e.message.includes(file), e.message);
      assert.match(e.message, /not a breakwater state database/);
      return true;
    });
  });

  it('refuses a SQLite database that is not ours', async () => {
    const file = join(dir, 'other.db');
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file);
    db.exec('CREATE TABLE customers (id INTEGER)');
    db.close();
    await assert.rejects(openSqlitePlanStore({ file }), (e: unknown) => {
      assert.ok(isStoreCorruptError(e));
      assert.match(e.message, /other tables \(customers\)/);
      return true;
    });
  });

  it('refuses a schema from a newer breakwater', async () => {
    const file = join(dir, 'newer.db');
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file);
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION + 1}`);
    db.close();
    await assert.rejects(openSqlitePlanStore({ file }), /written by a newer breakwater/);
  });

  it('refuses a damaged schema (a table missing)', async () => {
    const file = freshFile();
    await (await openSqlitePlanStore({ file })).close();
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file);
    db.exec('DROP TABLE audit');
    db.close();
    await assert.rejects(openSqlitePlanStore({ file }), /table\(s\) audit missing/);
  });

  it('catches a damaged plan row instead of serving it', async () => {
    const file = freshFile();
    const s = await openSqlitePlanStore({ file });
    await s.putPlan(contractDraft(1), ctx('p'));
    await s.close();
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file);
    db.prepare("UPDATE plans SET content = replace(content, '192.0.2.1', '192.0.2.99')").run();
    db.close();
    const t = await openSqlitePlanStore({ file });
    await assert.rejects(t.getPlan(1), (e: unknown) => {
      assert.ok(isStoreCorruptError(e));
      assert.match(e.message, /plan generation 1 is damaged/);
      return true;
    });
    await t.close();
  });

  it('validates its options', async () => {
    await assert.rejects(openSqlitePlanStore({ file: '' }), TypeError);
    await assert.rejects(openSqlitePlanStore({ file: freshFile(), busyTimeoutMs: -1 }), RangeError);
  });

  it('loads the native module only when a store is opened', () => {
    const here = fileURLToPath(new URL('./sqlite-store.ts', import.meta.url));
    const script = [
      "import { createRequire } from 'node:module';",
      'const require = createRequire(import.meta.url);',
      'const loaded = () => Object.keys(require.cache).some((k) => k.includes("better-sqlite3"));',
      `const m = await import(${JSON.stringify(here)});`,
      'const before = loaded();',
      "const s = await m.openSqlitePlanStore({ file: ':memory:' });",
      'console.log(JSON.stringify({ before, after: loaded() }));',
      'await s.close();',
    ].join('\n');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), { before: false, after: true });
  });

  it('works in memory', async () => {
    const s = await openSqlitePlanStore({ file: ':memory:' });
    assert.equal(s.file, ':memory:');
    await s.putPlan(contractDraft(1), ctx('p'));
    assert.deepEqual(await s.listGenerations(), [1]);
    await s.close();
  });
});
