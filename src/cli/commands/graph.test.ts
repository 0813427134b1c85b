import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../main.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['graph', ...argv], {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    cwd: root,
  });
  return { code, out, err };
}

describe('breakwater graph', () => {
  it('analyze --json prints exactly one JSON document with the issue-7 shape', async () => {
    const r = await run('analyze', 'examples/graph/multi-region.yaml', '--json');
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), [
      'target',
      'spofs',
      'cutSets',
      'cycles',
      'coldStartDeadlocks',
      'sharedFate',
      'blastRadius',
      'availability',
      'downtimeMinutesPerYear',
      'expectedYearlyCost',
    ]);
    assert.equal(r.err, '');
  });

  it('prints text by default and every other format on request', async () => {
    const text = await run('analyze', 'examples/graph/phonebook-chain.yaml');
    assert.equal(text.code, 0);
    assert.match(text.out, /^breakwater graph — target app/);
    assert.match(
      (await run('analyze', 'examples/graph/phonebook-chain.yaml', '--format', 'mermaid')).out,
      /flowchart TD/,
    );
    assert.match(
      (await run('analyze', 'examples/graph/phonebook-chain.yaml', '--format', 'dot')).out,
      /^\/\/.*\ndigraph/,
    );
    assert.match(
      (await run('analyze', 'examples/graph/phonebook-chain.yaml', '--format', 'html')).out,
      /^<!doctype html>/,
    );
    const json = await run(
      'analyze',
      'examples/graph/phonebook-chain.yaml',
      '--format',
      'json',
      '--json',
    );
    assert.equal(json.code, 0);
  });

  it('takes --target, --fail (repeated or comma-separated) and --max-order', async () => {
    const r = await run(
      'analyze',
      'examples/graph/multi-region.yaml',
      '--target',
      'api-usw2',
      '--fail',
      'db-usw2,db-use1',
      '--fail',
      'analytics',
      '--max-order',
      '1',
      '--json',
    );
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as {
      target: string;
      cutSets: string[][];
      whatIf: { failed: string[]; states: Record<string, string> };
    };
    assert.equal(doc.target, 'api-usw2');
    assert.ok(doc.cutSets.every((s) => s.length === 1));
    assert.deepEqual(doc.whatIf.failed, ['db-usw2', 'db-use1', 'analytics']);
    assert.equal(doc.whatIf.states['app'], 'failed');
  });

  it('--compare puts architectures side by side', async () => {
    const r = await run(
      'analyze',
      'examples/graph/multi-region.yaml',
      '--compare',
      'examples/graph/multi-provider.yaml',
      '--json',
    );
    assert.equal(r.code, 0, r.err);
    const doc = JSON.parse(r.out) as { architectures: { files: string[]; spofs: string[] }[] };
    assert.deepEqual(
      doc.architectures.map((a) => [a.files[0], a.spofs.length]),
      [
        ['examples/graph/multi-region.yaml', 5],
        ['examples/graph/multi-provider.yaml', 0],
      ],
    );
    const text = await run(
      'analyze',
      'examples/graph/multi-region.yaml',
      '--compare',
      'examples/graph/multi-provider.yaml',
    );
    assert.match(text.out, /comparison/);
  });

  it('exits 2 naming the problem for bad flags and bad input', async () => {
    const cases: [string[], RegExp][] = [
      [[], /missing subcommand/],
      [['draw', 'x.yaml'], /unknown subcommand 'draw'/],
      [['analyze'], /at least one catalogue FILE/],
      [['analyze', 'examples/graph/multi-region.yaml', '--colour'], /unknown flag '--colour'/],
      [
        ['analyze', 'examples/graph/multi-region.yaml', '--format', 'svg'],
        /--format must be one of text, json, mermaid, dot, html, got 'svg'/,
      ],
      [
        ['analyze', 'examples/graph/multi-region.yaml', '--format', 'dot', '--json'],
        /--json contradicts --format dot/,
      ],
      [
        ['analyze', 'examples/graph/multi-region.yaml', '--max-order', 'two'],
        /--max-order must be an integer from 1 to 6, got 'two'/,
      ],
      [['analyze', 'examples/graph/multi-region.yaml', '--target'], /--target/],
      [
        ['analyze', 'examples/graph/multi-region.yaml', '--max-bdd-nodes', '8'],
        /--max-bdd-nodes must be an integer ≥ 16, got '8'/,
      ],
      [
        ['analyze', 'examples/graph/multi-region.yaml', '--target', 'ap'],
        /unknown component 'ap'; did you mean 'app'\?/,
      ],
      [
        ['analyze', 'examples/graph/multi-region.yaml', '--fail', 'region:us-east-9'],
        /unknown component or domain 'region:us-east-9'/,
      ],
      [
        ['analyze', 'examples/graph/multi-region.yaml', '--compare', 'x.yaml', '--format', 'html'],
        /--compare prints text or json/,
      ],
      [
        ['analyze', 'examples/graph/multi-region.yaml', '--compare', 'x.yaml', '--fail', 'dns'],
        /--fail cannot be combined/,
      ],
      [['analyze', 'missing.yaml'], /missing\.yaml: cannot read the file/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(...argv);
      assert.equal(r.code, 2, `${argv.join(' ')} → ${r.code}: ${r.err}`);
      assert.match(r.err, message);
      assert.equal(r.out, '');
    }
  });

  it('reports availability as not computed past --max-bdd-nodes, on stderr and as null', async () => {
    const r = await run(
      'analyze',
      'examples/graph/multi-provider.yaml',
      '--max-bdd-nodes',
      '16',
      '--json',
    );
    assert.equal(r.code, 0);
    assert.equal((JSON.parse(r.out) as { availability: unknown }).availability, null);
    assert.match(r.err, /availability not computed: .*raise maxBddNodes/);
  });

  it('reports ids that clash between files', async () => {
    const r = await run(
      'analyze',
      'examples/graph/multi-region.yaml',
      'examples/graph/phonebook-chain.yaml',
    );
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      /phonebook-chain\.yaml:\d+:\d+: components\[0\]\.id: duplicate component id 'app'/,
    );
  });

  it('asks for --target when several components could be the target', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bw-graph-'));
    writeFileSync(join(dir, 'two.yaml'), 'components: [{ id: a }, { id: b }]\n');
    const r = await run('analyze', join(dir, 'two.yaml'));
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r.code, 2);
    assert.match(
      r.err,
      /2 components have nothing depending on them \(a, b\); name the target to analyse with --target ID/,
    );
  });
});
