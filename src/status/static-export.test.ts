import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { StaticExporter } from './static-export.js';
import type { PublishEvent } from './static-export.js';
import type { StatusSnapshot } from './status-snapshot.js';

const snap = (description: string, generatedMs: number): StatusSnapshot => ({
  title: 'Export test',
  generatedMs,
  indicator: description === 'All Systems Operational' ? 'none' : 'major',
  description,
  staleAfterMs: 60_000,
  monitors: [
    {
      id: 'web',
      name: 'Web',
      type: 'http',
      up: true,
      status: 'operational',
      sinceMs: 0,
      uptime: {},
      days: [1],
      latencyMs: [5],
      vantages: [],
    },
  ],
  incidents: [],
  maintenance: [],
  stale: [],
});

describe('StaticExporter', () => {
  const root = mkdtempSync(join(tmpdir(), 'bw-export-test-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes a self-contained site to a directory', async () => {
    const dir = join(root, 'site');
    const events: PublishEvent[] = [];
    const ex = new StaticExporter({
      targets: [{ kind: 'dir', path: dir }],
      workDir: join(root, 'work1'),
    });
    ex.onPublish((e) => events.push(e));
    await ex.publish(snap('All Systems Operational', 1_700_000_000_000));
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    assert.match(html, /All Systems Operational/);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no external asset');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as {
      status: { indicator: string };
    };
    assert.equal(summary.status.indicator, 'none');
    assert.ok(existsSync(join(dir, 'api/v2/summary.json')));
    assert.match(readFileSync(join(dir, 'badge/web.svg'), 'utf8'), /<svg/);
    assert.deepEqual(
      events.map((e) => e.ok),
      [true],
    );
  });

  it('commits and pushes to a real bare git remote, once per change', async () => {
    const remote = join(root, 'pages.git');
    execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote]);
    const ex = new StaticExporter({
      targets: [{ kind: 'git', remote, branch: 'main' }],
      workDir: join(root, 'work2'),
    });
    const errors: string[] = [];
    ex.onPublish((e) => {
      if (!e.ok) errors.push(e.error ?? '');
    });
    await ex.publish(snap('All Systems Operational', 1_700_000_000_000));
    await ex.publish(snap('Partial System Outage', 1_700_000_060_000));
    await ex.publish(snap('Partial System Outage', 1_700_000_060_000)); // no change: no commit
    assert.deepEqual(errors, []);
    const log = execFileSync('git', ['-C', remote, 'log', '--format=%s', 'main'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    assert.equal(log.length, 2);
    assert.match(log[0]!, /Partial System Outage/);
    const html = execFileSync('git', ['-C', remote, 'show', 'main:index.html'], {
      encoding: 'utf8',
    });
    assert.match(html, /Partial System Outage/);
    // A fresh exporter (a restarted server) continues the remote's history.
    const again = new StaticExporter({
      targets: [{ kind: 'git', remote, branch: 'main' }],
      workDir: join(root, 'work3'),
    });
    await again.publish(snap('All Systems Operational', 1_700_000_120_000));
    const log2 = execFileSync('git', ['-C', remote, 'log', '--format=%s', 'main'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n');
    assert.equal(log2.length, 3);
  });

  it('runs a command with the site directory, and reports a failing one', async () => {
    const out = join(root, 'by-command');
    const events: PublishEvent[] = [];
    const ex = new StaticExporter({
      targets: [
        { kind: 'command', command: `mkdir -p ${out} && cp -r "$BREAKWATER_EXPORT_DIR"/. ${out}/` },
        { kind: 'command', command: 'exit 3' },
      ],
      workDir: join(root, 'work4'),
    });
    ex.onPublish((e) => events.push(e));
    await ex.publish(snap('All Systems Operational', 1_700_000_000_000));
    assert.ok(existsSync(join(out, 'index.html')));
    assert.deepEqual(
      events.map((e) => e.ok),
      [true, false],
    );
  });

  it('coalesces a burst of changes', async () => {
    const dir = join(root, 'burst');
    let n = 0;
    const ex = new StaticExporter({ targets: [{ kind: 'dir', path: dir }] });
    ex.onPublish(() => n++);
    const all = [1, 2, 3, 4, 5].map((i) => ex.publish(snap(`change ${i}`, i)));
    await Promise.all(all);
    assert.ok(n <= 2, `published ${n} times`);
    assert.match(readFileSync(join(dir, 'index.html'), 'utf8'), /change 5/);
  });
});
