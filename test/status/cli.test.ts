/**
 * `breakwater status doctor|export` and usage errors, through the real CLI entry point.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'status', ...args], {
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('breakwater status', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bw-status-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('doctor refuses the example setup and says which failure domains are shared', () => {
    const r = run('doctor', '--config', 'examples/status.yaml', '--json');
    assert.equal(r.status, 1);
    const j = JSON.parse(r.stdout) as {
      independent: boolean;
      findings: { cause: string; monitors: string[] }[];
    };
    assert.equal(j.independent, false);
    assert.ok(j.findings.some((f) => f.cause === 'region:us-east-1' && f.monitors.includes('web')));
    const text = run('doctor', '--config', 'examples/status.yaml');
    assert.match(text.stdout, /NOT independent/);
  });

  it('doctor accepts a page that runs elsewhere', () => {
    writeFileSync(
      join(dir, 'ok.yaml'),
      'runsOn: { host: s1, region: fsn1, provider: hetzner, dns: bunny }\nmonitors:\n  - { id: a, type: tcp, host: h, port: 1, runsOn: { region: us-east-1, provider: aws, dns: route53 } }\n',
    );
    const r = run('doctor', '--config', join(dir, 'ok.yaml'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^independent/);
  });

  it('export writes the site from the stored history', () => {
    writeFileSync(
      join(dir, 'e.yaml'),
      'title: Exported\nmonitors:\n  - { id: a, type: tcp, host: h, port: 1 }\n',
    );
    const r = run('export', '--config', join(dir, 'e.yaml'), '--to', join(dir, 'site'), '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      published: [{ target: join(dir, 'site'), ok: true }],
    });
    assert.ok(existsSync(join(dir, 'site', 'index.html')));
  });

  it('exits 2 with file, line and field for a bad config, and for bad flags', () => {
    writeFileSync(
      join(dir, 'bad.yaml'),
      'monitors:\n  - id: a\n    type: tcp\n    host: h\n    port: nope\n',
    );
    const r = run('doctor', '--config', join(dir, 'bad.yaml'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.yaml:5: monitors\[0\]\.port: expected an integer in \[1, 65535\]/);
    assert.equal(run('serve').status, 2);
    assert.equal(run('frobnicate').status, 2);
    assert.equal(run('doctor', '--config', 'x', '--bogus').status, 2);
    assert.match(run('probe', '--vantage', 'eu').stderr, /--report-to URL is required/);
  });
});
