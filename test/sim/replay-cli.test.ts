/**
 * `breakwater replay` end to end, in-process through the CLI's `main`: flags, exit codes, the
 * one-document `--json` contract, determinism, the report file and where progress goes.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';

interface Captured {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function replay(args: readonly string[], options: { tty?: boolean; cwd?: string } = {}) {
  let out = '';
  let err = '';
  const code = await main(['replay', ...args], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s), ...(options.tty === true && { isTTY: true }) },
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, out, err } satisfies Captured;
}

const dir = mkdtempSync(join(tmpdir(), 'bw-replay-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('breakwater replay', () => {
  it('exits 2 for bad flags and names the flag', async () => {
    const cases: [readonly string[], RegExp][] = [
      [['contention', '--bogus'], /unknown flag '--bogus'/],
      [
        ['contention', '--clients', 'many'],
        /--clients must be an integer from 1 to 10000, got 'many'/,
      ],
      [['contention', '--clients', '0'], /--clients must be an integer from 1 to 10000, got '0'/],
      [
        ['contention', '--trials', '2.5'],
        /--trials must be an integer from 1 to 100000, got '2.5'/,
      ],
      [['contention', '--seed', 'x1'], /--seed must be an integer/],
      [['spike', '--clients', '5'], /--clients does not apply to spike \(only to contention\)/],
      [['spike', '--trials', '5'], /--trials does not apply to spike/],
      [['contention', '--out'], /--out/],
      [['contention', 'extra'], /unexpected argument 'extra'/],
      [[], /missing scenario: choose one of contention, spike/],
      [
        ['us-east-1-2026'],
        /unknown scenario 'us-east-1-2026': choose one of contention, spike, us-east-1-2025/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await replay(args);
      assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.err}`);
      assert.match(r.err, message);
      assert.equal(r.out, '', 'nothing on stdout');
    }
  });

  it('prints exactly one parseable JSON document with --json, progress only on stderr', async () => {
    const r = await replay(['contention', '--clients', '10', '--trials', '3', '--json']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.trim().split('\n').length, 1);
    const doc = JSON.parse(r.out) as {
      scenario: string;
      clients: number;
      trials: number;
      results: unknown[];
    };
    assert.deepEqual(Object.keys(doc), ['scenario', 'clients', 'trials', 'results']);
    assert.equal(doc.scenario, 'contention');
    assert.equal(doc.clients, 10);
    assert.equal(doc.trials, 3);
    assert.equal(doc.results.length, 5);
    assert.match(r.err, /replay contention: 100%/);
    assert.doesNotMatch(r.out, /%/);

    const s = await replay(['spike', '--json', '--seed', '3']);
    assert.equal(s.code, 0, s.err);
    const spike = JSON.parse(s.out) as {
      scenario: string;
      results: { variant: string; series: unknown[] }[];
    };
    assert.equal(spike.scenario, 'spike');
    assert.deepEqual(
      spike.results.map((x) => x.variant),
      ['no-backoff', 'backoff-jitter', 'breakwater'],
    );
    assert.equal(spike.results[0]?.series.length, 80);
  });

  it('gives identical output for the same seed and different output for another', async () => {
    const args = ['contention', '--clients', '12', '--trials', '4', '--json'];
    const a = await replay([...args, '--seed', '42']);
    const b = await replay([...args, '--seed', '42']);
    const c = await replay([...args, '--seed', '43']);
    assert.equal(a.out, b.out);
    assert.notEqual(a.out, c.out);
  });

  it('prints a readable table without --json, and writes the report with --out', async () => {
    const r = await replay(
      ['contention', '--clients', '8', '--trials', '2', '--out', 'r/contention.html'],
      {
        cwd: dir,
      },
    );
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^contention: 8 clients, 2 trials, seed 20251020/);
    assert.match(r.out, /backoff\s+mean completion \(ms\)\s+mean conditional writes/);
    for (const b of ['none', 'exponential', 'full', 'equal', 'decorrelated']) {
      assert.match(r.out, new RegExp(`^${b}\\s+\\d`, 'm'));
    }
    const file = join(dir, 'r', 'contention.html');
    assert.ok(existsSync(file));
    assert.match(readFileSync(file, 'utf8'), /^<!doctype html>/);
    assert.match(r.err, /wrote .*contention\.html/);

    const s = await replay(['spike']);
    assert.equal(s.code, 0, s.err);
    assert.match(s.out, /^no-backoff\s+\d+/m);
    assert.match(s.out, /^breakwater\s+\d+/m);
  });

  it('redraws a progress bar in place when stderr is a terminal', async () => {
    const r = await replay(['contention', '--clients', '5', '--trials', '20'], { tty: true });
    assert.equal(r.code, 0);
    assert.match(r.err, /\rreplay contention \[#+\.*\] +\d+%/);
    assert.match(r.err, /\[#{30}\] 100%/);
  });

  it('as a process: exit 2 for a bad flag, and stdout is exactly the JSON document', () => {
    const cli = (args: readonly string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'replay', ...args], {
        encoding: 'utf8',
      });
    const bad = cli(['contention', '--clinets', '5']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown flag '--clinets'/);
    const good = cli(['contention', '--clients', '6', '--trials', '2', '--json']);
    assert.equal(good.status, 0, good.stderr);
    assert.equal((JSON.parse(good.stdout) as { clients: number }).clients, 6);
  });

  it('is listed by breakwater --help and explains itself with --help', async () => {
    let overview = '';
    const io = {
      stdout: { write: (s: string) => (overview += s) },
      stderr: { write: () => true },
      cwd: dir,
    };
    assert.equal(await main(['--help'], io), 0);
    assert.match(overview, /replay\s+run a simulation scenario/);
    const r = await replay(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /usage: breakwater replay SCENARIO/);
    assert.match(r.out, /contention/);
    assert.match(r.out, /spike/);
  });
});
