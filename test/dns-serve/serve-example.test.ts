/**
 * `breakwater dns serve --config examples/phonebook.yaml --listen 127.0.0.1:PORT` with no
 * other set-up (a fresh SQLite state file), queried with `dig` over UDP and TCP: www (failover,
 * A and AAAA), api (weighted), docs (CNAME to www), TXT and MX at the apex, SOA serial =
 * generation. Then the same command as a child process, stopped by SIGTERM.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runDnsServe } from '../../src/cli/commands/dns-serve.js';
import type { DnsService } from '../../src/dns/serve/dns-service.js';
import { dig, ensureDnsTools, freePort } from '../support/bind.js';
import type { DigResult } from '../support/bind.js';

ensureDnsTools();

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'bw-dns-serve-'));
const stop = new AbortController();
let port = 0;
let service: DnsService | undefined;
let run: Promise<number>;
let stdout = '';
let stderr = '';

before(async () => {
  port = await freePort();
  const ready = new Promise<DnsService>((resolveReady) => {
    run = runDnsServe(
      [
        '--config',
        'examples/phonebook.yaml',
        '--listen',
        `127.0.0.1:${port}`,
        '--state',
        join(dir, 'state.db'),
        '--json',
      ],
      {
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        cwd: ROOT,
      },
      { signal: stop.signal, onReady: resolveReady },
    );
    void run.then((code) => {
      if (service === undefined) throw new Error(`dns serve exited ${code} early:\n${stderr}`);
    });
  });
  service = await ready;
});

after(async () => {
  stop.abort();
  assert.equal(await run, 0);
  rmSync(dir, { recursive: true, force: true });
});

function datas(r: DigResult, type: string): string[] {
  return r.answer
    .filter((a) => a.type === type)
    .map((a) => a.data)
    .sort();
}

describe('breakwater dns serve --config examples/phonebook.yaml', () => {
  it('prints one line of JSON status on startup', () => {
    const lines = stdout.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1);
    const status = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(status['listening'], { address: '127.0.0.1', port });
    assert.equal(status['servedGeneration'], 1);
    assert.equal(status['stale'], false);
    assert.equal(status['targetId'], 'served');
    assert.match(String(status['store']), /^sqlite .*state\.db$/);
  });

  for (const [transport, extra] of [
    ['UDP', [] as string[]],
    ['TCP', ['+tcp']],
  ] as const) {
    it(`answers www A and AAAA with the failover primary (${transport})`, async () => {
      const a = await dig({ port }, [...extra, 'www.example.test', 'A']);
      assert.equal(a.status, 'NOERROR');
      assert.ok(a.flags.includes('aa'));
      assert.deepEqual(datas(a, 'A'), ['192.0.2.10']);
      const aaaa = await dig({ port }, [...extra, 'www.example.test', 'AAAA']);
      assert.deepEqual(datas(aaaa, 'AAAA'), ['2001:db8::10']);
    });

    it(`answers api A with ONE weighted endpoint per query, each in turn (${transport})`, async () => {
      // Route 53 weighted routing: one record per query, drawn by weight (3 : 2 : 1). Over
      // 200 queries the rarest (1/6) is missing with probability (5/6)^200 ≈ 1.5e-16.
      const seen = new Map<string, number>();
      for (let batch = 0; batch < 10; batch++) {
        const results = await Promise.all(
          Array.from({ length: 20 }, () => dig({ port }, [...extra, 'api.example.test', 'A'])),
        );
        for (const r of results) {
          assert.equal(r.status, 'NOERROR');
          const a = datas(r, 'A');
          assert.equal(a.length, 1, `one A record per query, got ${a.join(', ')}`);
          assert.equal(r.answer[0]?.ttl, 30);
          seen.set(a[0]!, (seen.get(a[0]!) ?? 0) + 1);
        }
      }
      console.log(`api.example.test over 200 ${transport} queries: ${JSON.stringify([...seen])}`);
      assert.deepEqual([...seen.keys()].sort(), ['192.0.2.20', '192.0.2.21', '192.0.2.22']);
    });

    it(`answers docs with the CNAME to www and www's address (${transport})`, async () => {
      const r = await dig({ port }, [...extra, 'docs.example.test', 'A']);
      assert.deepEqual(datas(r, 'CNAME'), ['www.example.test.']);
      assert.deepEqual(datas(r, 'A'), ['192.0.2.10']);
    });

    it(`answers TXT and MX at the apex (${transport})`, async () => {
      const txt = await dig({ port }, [...extra, 'example.test', 'TXT']);
      assert.deepEqual(datas(txt, 'TXT'), ['"breakwater test zone"', '"v=spf1 -all"']);
      const mx = await dig({ port }, [...extra, 'example.test', 'MX']);
      assert.deepEqual(datas(mx, 'MX'), ['10 mail.example.test.', '20 mail2.example.test.']);
    });
  }

  it('gives the plan generation as the SOA serial, and REFUSED outside its zone', async () => {
    const soa = await dig({ port }, ['example.test', 'SOA']);
    assert.equal(soa.answer[0]?.data.split(/\s+/)[2], String(service!.status().servedGeneration));
    const out = await dig({ port }, ['www.example.com', 'A']);
    assert.equal(out.status, 'REFUSED');
  });

  it('reports its status: served generation, not stale, health checks', () => {
    const s = service!.status();
    assert.equal(s.running, true);
    assert.equal(s.stale, false);
    assert.deepEqual(
      s.health.map((h) => h.id),
      ['www-primary', 'www-secondary'],
    );
  });
});

describe('breakwater dns serve as a child process', () => {
  it('starts, answers dig, and exits 0 on SIGTERM', async () => {
    const childPort = await freePort();
    const script =
      "import { runDnsServe } from './src/cli/commands/dns-serve.ts';" +
      'process.exitCode = await runDnsServe(process.argv.slice(1), ' +
      '{ stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });';
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
        '--',
        '--config',
        'examples/phonebook.yaml',
        '--listen',
        `127.0.0.1:${childPort}`,
        '--state',
        join(dir, 'child.db'),
        '--json',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await new Promise<void>((resolveLine, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolveLine();
      });
      void exited.then((code) => reject(new Error(`exited ${code} before ready:\n${err}`)));
    });
    assert.equal(
      (JSON.parse(out.trim()) as { listening: { port: number } }).listening.port,
      childPort,
    );
    const r = await dig({ port: childPort }, ['www.example.test', 'A']);
    assert.deepEqual(datas(r, 'A'), ['192.0.2.10']);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, err);
    assert.match(err, /SIGTERM: stopping/);
  });
});
