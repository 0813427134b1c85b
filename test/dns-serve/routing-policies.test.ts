/**
 * The routing policies end to end through `breakwater dns serve`: latency-based (per-region
 * answers chosen by EDNS Client Subnet from `--latency-table`), multivalue (at most 8),
 * weighted (zero weights held back), a drained endpoint (`healthy: false`) — and the
 * command's usage errors (exit 2, naming the flag or the file:line).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDnsServe } from '../../src/cli/commands/dns-serve.js';
import { dig, ensureDnsTools, freePort } from '../support/bind.js';
import type { DigResult } from '../support/bind.js';

ensureDnsTools();

const dir = mkdtempSync(join(tmpdir(), 'bw-dns-routing-'));
const stop = new AbortController();
let run: Promise<number>;
let port = 0;
let stderr = '';

const CONFIG = `
store: { kind: memory }
zones:
  example.test:
    names:
      geo:
        routing: latency
        endpoints:
          - { address: 192.0.2.31, region: eu-west-1 }
          - { address: 192.0.2.32, region: us-east-1 }
      many:
        routing: multivalue
        endpoints: [${Array.from({ length: 10 }, (_, i) => `192.0.2.${100 + i}`).join(', ')}]
      spare:
        routing: weighted
        endpoints:
          - { address: 192.0.2.41, weight: 2 }
          - { address: 192.0.2.42, weight: 0 }
      drained:
        endpoints:
          - { address: 192.0.2.51 }
          - { address: 192.0.2.52, healthy: false }
`;

const LATENCY = {
  entries: [
    { prefix: '10.1.0.0/16', latencyMs: { 'eu-west-1': 12, 'us-east-1': 85 } },
    { prefix: '10.2.0.0/16', latencyMs: { 'eu-west-1': 90, 'us-east-1': 9 } },
  ],
};

function io(): {
  stdout: { write: () => boolean };
  stderr: { write: (s: string) => boolean };
  cwd: string;
} {
  return {
    stdout: { write: () => true },
    stderr: {
      write: (s: string) => {
        stderr += s;
        return true;
      },
    },
    cwd: dir,
  };
}

before(async () => {
  writeFileSync(join(dir, 'phonebook.yaml'), CONFIG);
  writeFileSync(join(dir, 'latency.json'), JSON.stringify(LATENCY));
  port = await freePort();
  let ready = false;
  await new Promise<void>((resolveReady, reject) => {
    run = runDnsServe(
      [
        '--config',
        'phonebook.yaml',
        '--listen',
        `127.0.0.1:${port}`,
        '--latency-table',
        'latency.json',
      ],
      io(),
      {
        signal: stop.signal,
        onReady: () => {
          ready = true;
          resolveReady();
        },
      },
    );
    void run.then((code) => {
      if (!ready) reject(new Error(`dns serve exited ${code} early:\n${stderr}`));
    });
  });
});

after(async () => {
  stop.abort();
  assert.equal(await run, 0);
  rmSync(dir, { recursive: true, force: true });
});

function addresses(r: DigResult): string[] {
  return r.answer
    .filter((a) => a.type === 'A')
    .map((a) => a.data)
    .sort();
}

describe('routing policies served by breakwater dns serve', () => {
  it('latency: answers each client subnet with its nearest region, others with all', async () => {
    const eu = await dig({ port }, ['+subnet=10.1.7.0/24', 'geo.example.test', 'A']);
    assert.deepEqual(addresses(eu), ['192.0.2.31']);
    const us = await dig({ port }, ['+subnet=10.2.7.0/24', 'geo.example.test', 'A']);
    assert.deepEqual(addresses(us), ['192.0.2.32']);
    const none = await dig({ port }, ['+subnet=192.0.2.0/24', 'geo.example.test', 'A']);
    assert.deepEqual(addresses(none), ['192.0.2.31', '192.0.2.32']);
  });

  it('multivalue: answers with at most 8 healthy records', async () => {
    const r = await dig({ port }, ['many.example.test', 'A']);
    assert.equal(addresses(r).length, 8);
  });

  it('weighted: holds zero-weight records back while a weighted one is healthy', async () => {
    assert.deepEqual(addresses(await dig({ port }, ['spare.example.test', 'A'])), ['192.0.2.41']);
  });

  it('simple: leaves out a drained endpoint', async () => {
    assert.deepEqual(addresses(await dig({ port }, ['drained.example.test', 'A'])), ['192.0.2.51']);
  });
});

describe('runDnsServe usage errors', () => {
  async function exitOf(argv: string[]): Promise<{ code: number; err: string }> {
    const before = stderr.length;
    const code = await runDnsServe(argv, io());
    return { code, err: stderr.slice(before) };
  }

  it('needs --config', async () => {
    const r = await exitOf([]);
    assert.equal(r.code, 2);
    assert.match(r.err, /--config FILE is required/);
  });

  it('rejects a bad --listen and an unknown flag', async () => {
    const r = await exitOf(['--config', 'phonebook.yaml', '--listen', 'localhost']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--listen must be ADDR:PORT/);
    assert.equal((await exitOf(['--config', 'phonebook.yaml', '--port', '53'])).code, 2);
  });

  it('names the file and line of a bad config', async () => {
    writeFileSync(
      join(dir, 'bad.yaml'),
      'zones:\n  example.test:\n    names:\n      www: { endpoints: [nope] }\n',
    );
    const r = await exitOf(['--config', 'bad.yaml']);
    assert.equal(r.code, 2);
    assert.match(r.err, /bad\.yaml:4:\d+/);
  });

  it('names a bad latency table', async () => {
    writeFileSync(join(dir, 'bad.json'), '{"entries": 3}');
    const r = await exitOf(['--config', 'phonebook.yaml', '--latency-table', 'bad.json']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--latency-table bad\.json: .*entries/);
  });

  it('prints its help', async () => {
    let out = '';
    const code = await runDnsServe(['--help'], {
      ...io(),
      stdout: { write: (s: string) => (out += s) },
    });
    assert.equal(code, 0);
    assert.match(out, /usage: breakwater dns serve --config FILE/);
  });
});
