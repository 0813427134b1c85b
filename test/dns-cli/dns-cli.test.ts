/**
 * `breakwater dns` end to end, in-process (`main(argv, io)`), against a temp SQLite state file:
 * change the config → `plan` shows the diff → `apply` → `status` shows the new generation →
 * `history` shows it → `rollback` makes a new, higher generation with the old content; plus
 * the usage errors (exit 2), store failures (exit 1) and `--json` discipline.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'bw-dns-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function bw(...argv: string[]): Promise<Run> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    cwd: dir,
  });
  return { code, out, err };
}

// The --json documents, as far as these tests read them.
interface PlanJson {
  readonly generation: number;
  readonly contentHash: string;
  readonly origin: { readonly kind: string };
}
interface RecordSetJson {
  readonly name: string;
  readonly type: string;
}
interface GuardJson {
  readonly kind: string;
  readonly name?: string;
}
interface AuditJson {
  readonly kind: string;
  readonly generation?: number;
  readonly contentHash?: string;
}
interface ActivationJson {
  readonly target: string;
  readonly generation: number;
  readonly previousGeneration: number | null;
}
interface Doc {
  readonly error: { readonly code: string; readonly message: string };
  readonly store: string;
  readonly outcome: string;
  readonly newest: PlanJson | null;
  readonly events: readonly GuardJson[];
  readonly diff: {
    readonly added: readonly RecordSetJson[];
    readonly removed: readonly RecordSetJson[];
    readonly changed: readonly (RecordSetJson & { readonly removedRecords: readonly unknown[] })[];
  };
  readonly planner: { readonly outcome: string; readonly plan: PlanJson };
  readonly activations: readonly ActivationJson[];
  readonly targets: readonly {
    readonly id: string;
    readonly activeGeneration: number | null;
    readonly upToDate?: boolean;
  }[];
  readonly generations: readonly number[];
  readonly entries: readonly AuditJson[];
  readonly total: number;
  readonly rollback: { readonly fromGeneration: number; readonly plan: PlanJson };
}

/** Runs with --json and parses stdout, which must be exactly one JSON document. */
async function bwJson(...argv: string[]): Promise<{ code: number; doc: Doc; err: string }> {
  const r = await bw(...argv, '--json');
  let doc: Doc;
  try {
    doc = JSON.parse(r.out) as Doc;
  } catch (e) {
    assert.fail(`stdout is not one JSON document (${String(e)}):\n${r.out}\nstderr:\n${r.err}`);
  }
  return { code: r.code, doc, err: r.err };
}

function config(apiAddresses: readonly string[], apiTtl = 30): string {
  return `store: { kind: sqlite, path: never-used.db }
janitor: { retain: 2 }
zones:
  example.test:
    names:
      '@': { txt: 'v=spf1 -all', mx: [{ preference: 10, exchange: mail }] }
      mail: { endpoints: [192.0.2.25] }
      www:
        ttl: 60
        routing: failover
        endpoints:
          - { address: 192.0.2.10, failover: primary }
          - { address: 192.0.2.11, failover: secondary }
      api:
        ttl: ${apiTtl}
        routing: weighted
        endpoints: [${apiAddresses.map((a) => `{ address: ${a}, weight: 1 }`).join(', ')}]
      docs: { cname: www }
`;
}

const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return name;
};

describe('breakwater dns', () => {
  describe('the operator loop: plan → apply → status → history → rollback', () => {
    const cfg = 'phonebook.yaml';
    const state = 'loop/state.db';
    const common = ['--config', cfg, '--state', state];

    it('plan on a fresh state shows every record as added, and creates no state file', async () => {
      write(cfg, config(['192.0.2.20', '192.0.2.21']));
      const { code, doc } = await bwJson('dns', 'plan', ...common);
      assert.equal(code, 0);
      assert.equal(doc.outcome, 'changes');
      assert.equal(doc.newest, null);
      assert.equal(doc.diff.removed.length, 0);
      assert.ok(doc.diff.added.some((s) => s.name === 'api.example.test' && s.type === 'A'));
      assert.equal(existsSync(join(dir, state)), false, 'plan writes nothing');
      const human = await bw('dns', 'plan', ...common);
      assert.match(human.out, /\+ api\.example\.test\. 30 A 192\.0\.2\.20/);
      assert.match(human.out, /\+ docs\.example\.test\. 300 CNAME www\.example\.test\./);
    });

    it('apply writes generation 1 and activates it on the served target', async () => {
      const { code, doc } = await bwJson('dns', 'apply', ...common);
      assert.equal(code, 0);
      assert.equal(doc.planner.outcome, 'written');
      assert.equal(doc.planner.plan.generation, 1);
      assert.equal(doc.activations.length, 1);
      assert.deepEqual([doc.activations[0]!.target, doc.activations[0]!.generation], ['served', 1]);
      assert.deepEqual(doc.targets, [{ id: 'served', activeGeneration: 1 }]);
      assert.ok(existsSync(join(dir, state)));
    });

    it('apply again with the same config changes nothing', async () => {
      const { code, doc } = await bwJson('dns', 'apply', ...common);
      assert.equal(code, 0);
      assert.equal(doc.planner.outcome, 'unchanged');
      assert.deepEqual(doc.activations, []);
    });

    it('plan shows the diff of a changed config, without writing it', async () => {
      write(cfg, config(['192.0.2.20', '192.0.2.21', '192.0.2.22'], 20));
      const human = await bw('dns', 'plan', ...common);
      assert.equal(human.code, 0);
      assert.match(human.out, /newest: plan 1/);
      assert.match(human.out, /~ api\.example\.test\. A ttl 30 -> 20/);
      assert.match(human.out, /\+ api\.example\.test\. 20 A 192\.0\.2\.22/);
      const { doc } = await bwJson('dns', 'plan', ...common);
      assert.equal(doc.outcome, 'changes');
      assert.equal(doc.newest!.generation, 1);
      assert.equal(doc.diff.changed.length, 1);
      assert.equal(doc.diff.changed[0]!.name, 'api.example.test');
      const status = await bwJson('dns', 'status', '--state', state);
      assert.deepEqual(status.doc.generations, [1], 'plan wrote nothing');
    });

    it('apply writes and activates generation 2; status shows it', async () => {
      const apply = await bw('dns', 'apply', ...common);
      assert.equal(apply.code, 0, apply.err);
      assert.match(apply.out, /planner: wrote plan 2/);
      assert.match(apply.out, /activated plan 2 on served \(was 1\) by enactor-/);
      const { code, doc } = await bwJson('dns', 'status', ...common);
      assert.equal(code, 0);
      assert.equal(doc.newest!.generation, 2);
      assert.equal(doc.targets.length, 1);
      assert.equal(doc.targets[0]!.id, 'served');
      assert.equal(doc.targets[0]!.activeGeneration, 2);
      assert.equal(doc.targets[0]!.upToDate, true);
      const human = await bw('dns', 'status', '--state', state);
      assert.match(human.out, /served\s+2\s+.*up to date/);
    });

    it('history shows the plans written and the activations won', async () => {
      const { code, doc } = await bwJson('dns', 'history', '--state', state, '--limit', '100');
      assert.equal(code, 0);
      const kinds = doc.entries.map((e) => `${e.kind}:${e.generation ?? ''}`);
      assert.ok(kinds.includes('plan-written:2'), kinds.join(' '));
      assert.ok(kinds.includes('activation-won:2'), kinds.join(' '));
      assert.ok(kinds.includes('target-added:'));
      const last2 = await bwJson('dns', 'history', '--state', state, '--limit', '2');
      assert.equal(last2.doc.entries.length, 2);
      assert.equal(last2.doc.total, doc.total);
      assert.deepEqual(last2.doc.entries, doc.entries.slice(-2));
      const served = await bw('dns', 'history', '--state', state, '--target', 'served');
      assert.match(served.out, /enactor-\w activation-won target=served gen 2 \(was 1\)/);
    });

    it('rollback --to 1 writes a NEW, higher generation with generation 1’s content', async () => {
      const before = await bwJson('dns', 'status', '--state', state);
      const gen1 = await bwJson('dns', 'history', '--state', state, '--limit', '100');
      const hash1 = gen1.doc.entries.find(
        (e) => e.kind === 'plan-written' && e.generation === 1,
      )!.contentHash;
      const { code, doc } = await bwJson(
        'dns',
        'rollback',
        '--state',
        state,
        '--to',
        '1',
        '--reason',
        'api.22 is bad',
      );
      assert.equal(code, 0);
      assert.equal(doc.rollback.fromGeneration, 1);
      assert.equal(doc.rollback.plan.generation, before.doc.newest!.generation + 1);
      assert.equal(doc.rollback.plan.contentHash, hash1);
      assert.deepEqual(doc.rollback.plan.origin.kind, 'rollback');
      // Not applied without --apply: the target still has generation 2.
      const mid = await bwJson('dns', 'status', '--state', state);
      assert.equal(mid.doc.targets[0]!.activeGeneration, 2);
      assert.equal(mid.doc.targets[0]!.upToDate, false);
      const human = await bw('dns', 'status', '--state', state);
      assert.match(human.out, /behind/);
    });

    it('apply activates the rollback and then holds it while the config is unchanged', async () => {
      const { code, doc } = await bwJson('dns', 'apply', ...common);
      assert.equal(code, 0);
      assert.equal(doc.planner.outcome, 'held');
      assert.deepEqual(
        doc.activations.map((a) => [a.target, a.generation, a.previousGeneration]),
        [['served', 3, 2]],
      );
      const plan = await bwJson('dns', 'plan', ...common);
      assert.equal(plan.doc.outcome, 'held');
      const human = await bw('dns', 'plan', ...common);
      assert.match(human.out, /held: rollback to 1 is in effect/);
    });

    it('rollback --to 2 --apply activates at once, and generations only go up', async () => {
      const { code, doc } = await bwJson('dns', 'rollback', ...common, '--to', '2', '--apply');
      assert.equal(code, 0);
      assert.equal(doc.rollback.plan.generation, 4);
      assert.deepEqual(
        doc.activations.map((a) => [a.generation, a.previousGeneration]),
        [[4, 3]],
      );
      const status = await bwJson('dns', 'status', '--state', state);
      assert.equal(status.doc.targets[0]!.activeGeneration, 4);
      // retain 2: the janitor keeps min(active) - 2 and up.
      assert.deepEqual(status.doc.generations, [2, 3, 4]);
      const history = await bwJson('dns', 'history', '--state', state, '--limit', '1000');
      const won = history.doc.entries
        .filter((e) => e.kind === 'activation-won')
        .map((e) => e.generation);
      assert.deepEqual(won, [1, 2, 3, 4]);
      assert.ok(history.doc.entries.some((e) => e.kind === 'deletion'));
    });

    it('rollback to a generation the janitor deleted fails with exit 1, naming what is held', async () => {
      const r = await bw('dns', 'rollback', '--state', state, '--to', '1');
      assert.equal(r.code, 1);
      assert.match(r.err, /generation 1 does not exist .* holds generations 2, 3, 4/);
      const j = await bwJson('dns', 'rollback', '--state', state, '--to', '1');
      assert.equal(j.code, 1);
      assert.match(j.doc.error.message, /generation 1 does not exist/);
    });
  });

  describe('usage errors (exit 2)', () => {
    it('names an unknown flag, a flag of another subcommand, a missing --config', async () => {
      write('ok.yaml', config(['192.0.2.20']));
      const bogus = await bw('dns', 'plan', '--config', 'ok.yaml', '--bogus');
      assert.equal(bogus.code, 2);
      assert.match(bogus.err, /unknown flag '--bogus'/);
      const limit = await bw('dns', 'status', '--limit', '3');
      assert.equal(limit.code, 2);
      assert.match(limit.err, /--limit does not apply to 'dns status'/);
      const noConfig = await bw('dns', 'apply');
      assert.equal(noConfig.code, 2);
      assert.match(noConfig.err, /needs --config FILE/);
      const noTo = await bw('dns', 'rollback');
      assert.equal(noTo.code, 2);
      assert.match(noTo.err, /needs --to G/);
      const badTo = await bw('dns', 'rollback', '--to', 'two');
      assert.equal(badTo.code, 2);
      assert.match(badTo.err, /--to must be an integer >= 1, got 'two'/);
      const badLimit = await bw('dns', 'history', '--limit', '0');
      assert.equal(badLimit.code, 2);
      const sub = await bw('dns', 'destroy');
      assert.equal(sub.code, 2);
      assert.match(sub.err, /unknown subcommand 'destroy'/);
      const none = await bw('dns');
      assert.equal(none.code, 2);
    });

    it('reports every config problem with file, line, field and the expected form', async () => {
      write(
        'bad.yaml',
        `store: { kind: sqllite }
zones:
  example.test:
    names:
      www:
        routing: failover
        endpoints:
          - { address: 192.0.2.300, failover: primary }
          - { adress: 192.0.2.11, failover: secondary }
      api: { endpoints: [192.0.2.1], routing: weigthed, tll: 5 }
`,
      );
      const r = await bw('dns', 'plan', '--config', 'bad.yaml');
      assert.equal(r.code, 2);
      assert.match(
        r.err,
        /bad\.yaml:1:\d+: store\.kind: expected one of sqlite, memory, etcd, got 'sqllite'; did you mean 'sqlite'\?/,
      );
      assert.match(
        r.err,
        /bad\.yaml:8:\d+: zones\[example\.test\]\.names\.www\.endpoints\[0\]\.address: expected an IPv4 or IPv6 address/,
      );
      assert.match(
        r.err,
        /bad\.yaml:9:\d+: .*endpoints\[1\]\.adress: unknown key 'adress'; did you mean 'address'\?/,
      );
      assert.match(r.err, /bad\.yaml:10:\d+: .*api\.routing: .*did you mean 'weighted'\?/);
      assert.match(r.err, /bad\.yaml:10:\d+: .*api\.tll: unknown key 'tll'; did you mean 'ttl'\?/);
      const missing = await bw('dns', 'plan', '--config', 'missing.yaml');
      assert.equal(missing.code, 2);
      assert.match(missing.err, /missing\.yaml: cannot read: no such file/);
    });

    it('prints help for dns --help', async () => {
      const r = await bw('dns', '--help');
      assert.equal(r.code, 0);
      assert.match(r.out, /usage: breakwater dns/);
      assert.match(r.out, /rollback\s+--to G/);
    });
  });

  describe('store failures (exit 1), nothing half-written', () => {
    it('a state file that is not a database: a clear message naming it, and it is left alone', async () => {
      write('ok.yaml', config(['192.0.2.20']));
      const path = write(
        'junk-state.db',
        'this is not sqlite, but it is somebody’s file\n'.repeat(100),
      );
      const before = readFileSync(join(dir, path));
      const r = await bw('dns', 'apply', '--config', 'ok.yaml', '--state', path);
      assert.equal(r.code, 1);
      assert.match(r.err, /junk-state\.db: not a breakwater state database/);
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
      const j = await bwJson('dns', 'status', '--state', path);
      assert.equal(j.code, 1);
      assert.equal(j.doc.error.code, 'BW_DNS_STORE_CORRUPT');
      assert.deepEqual(readFileSync(join(dir, path)), before);
    });

    it('status and history of a state that does not exist yet report it empty, creating nothing', async () => {
      const s = await bwJson('dns', 'status', '--state', 'nothing/state.db');
      assert.equal(s.code, 0);
      assert.equal(s.doc.newest, null);
      assert.deepEqual(s.doc.targets, []);
      const h = await bwJson('dns', 'history', '--state', 'nothing/state.db');
      assert.deepEqual(h.doc.entries, []);
      assert.equal(existsSync(join(dir, 'nothing')), false);
    });
  });

  describe('guards', () => {
    it('plan and apply show the velocity limit cutting a large removal down', async () => {
      const state = 'velocity/state.db';
      write('four.yaml', config(['192.0.2.20', '192.0.2.21', '192.0.2.22', '192.0.2.23']));
      assert.equal((await bw('dns', 'apply', '--config', 'four.yaml', '--state', state)).code, 0);
      write('one.yaml', config(['192.0.2.20']));
      const plan = await bwJson('dns', 'plan', '--config', 'one.yaml', '--state', state);
      assert.equal(plan.code, 0);
      assert.equal(plan.doc.events.length, 1);
      assert.equal(plan.doc.events[0]!.kind, 'velocity');
      assert.equal(plan.doc.events[0]!.name, 'api.example.test');
      assert.equal(
        plan.doc.diff.changed[0]!.removedRecords.length,
        2,
        'half the capacity, no more',
      );
      const human = await bw('dns', 'plan', '--config', 'one.yaml', '--state', state);
      assert.match(
        human.out,
        /guards:\n {2}cut \(velocity\): removing 75% of api\.example\.test's capacity/,
      );
      const apply = await bwJson('dns', 'apply', '--config', 'one.yaml', '--state', state);
      assert.equal(apply.code, 0);
      assert.equal(apply.doc.planner.outcome, 'written');
      const history = await bwJson('dns', 'history', '--state', state);
      assert.ok(history.doc.entries.some((e) => e.kind === 'cut'));
    });
  });

  describe('the default state file', () => {
    it('is .breakwater/state.db in the working directory', async () => {
      write(
        'default.yaml',
        config(['192.0.2.20']).replace('store: { kind: sqlite, path: never-used.db }\n', ''),
      );
      const r = await bwJson('dns', 'apply', '--config', 'default.yaml');
      assert.equal(r.code, 0);
      assert.equal(r.doc.store, join(dir, '.breakwater', 'state.db'));
      assert.ok(existsSync(join(dir, '.breakwater', 'state.db')));
    });

    it('a sqlite path in the config is relative to the config file', async () => {
      write('sub-config.yaml', config(['192.0.2.20']).replace('never-used.db', 'rel/state.db'));
      const r = await bwJson('dns', 'apply', '--config', 'sub-config.yaml');
      assert.equal(r.code, 0);
      assert.equal(r.doc.store, join(dir, 'rel', 'state.db'));
    });
  });

  describe('dns check, serve, verify', () => {
    const present = (file: string): boolean =>
      existsSync(fileURLToPath(new URL(`../../src/cli/commands/${file}`, import.meta.url)));

    it('check dispatches to the checker (runDnsCheck), or says it is not part of this build', async () => {
      const r = await bw('dns', 'check', '--mode', 'safe', '--seeds', '2', '--json');
      if (present('dns-check.ts')) {
        assert.equal(r.code, 0, r.err);
        const doc = JSON.parse(r.out) as { mode: string; seeds: number };
        assert.equal(doc.mode, 'safe');
        assert.equal(doc.seeds, 2);
      } else {
        assert.equal(r.code, 1);
        assert.match(r.err, /the checker is not part of this build/);
      }
    });

    for (const [sub, file] of [
      ['serve', 'dns-serve.ts'],
      ['verify', 'dns-verify.ts'],
    ] as const) {
      it(`${sub} dispatches to its own command (bad input: its usage error)`, async () => {
        const r = await bw('dns', sub, '--no-such-flag');
        assert.doesNotMatch(r.err, /unknown subcommand/);
        if (present(file)) assert.equal(r.code, 2, r.err);
        else assert.match(r.err, /is not part of this build/);
      });
    }
  });
});
