/**
 * `breakwater dns verify` against real providers: two built-in servers (one serving the
 * plan, one drifted) and a BIND 9 primary that received the plan by RFC 2136 — from a plan
 * JSON file and from a SQLite state file, in text and JSON; bad input exits 2.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDnsVerify } from '../../src/cli/commands/dns-verify.js';
import type { CommandIo } from '../../src/cli/command.js';
import { createPlanContent, createPlanDraft, planOf } from '../../src/dns/plan.js';
import type { Plan } from '../../src/dns/plan.js';
import { openSqlitePlanStore } from '../../src/dns/plan-store/sqlite-store.js';
import { Rfc2136Target } from '../../src/dns/providers/rfc2136-target.js';
import { DnsServer } from '../../src/dns/server/dns-server.js';
import { snapshotFromRecords } from '../../src/dns/server/snapshot-from-records.js';
import { freePort, startNamedWithConfig } from '../support/bind.js';
import type { NamedHandle } from '../support/bind.js';

const ZONE = 'verify.test';
const KEY_NAME = 'verify-key';
const SECRET = Buffer.from('verify-secret-verify-secret-0123').toString('base64');
const ctx = { actor: 'test', atMs: 0 };

const CONTENT = createPlanContent([
  {
    name: `www.${ZONE}`,
    type: 'A',
    ttl: 60,
    records: [{ address: '192.0.2.1', weight: 3 }, '192.0.2.2'],
  },
  { name: `www.${ZONE}`, type: 'AAAA', records: ['2001:db8::1'] },
  { name: `docs.${ZONE}`, type: 'CNAME', records: [`www.${ZONE}`] },
  { name: `txt.${ZONE}`, type: 'TXT', records: ['v=1', 'z'.repeat(300)] },
  { name: ZONE, type: 'MX', records: [{ preference: 10, exchange: 'mx.example.net' }] },
]);
const PLAN: Plan = planOf(
  createPlanDraft({ content: CONTENT, plannerId: 'test', createdAtMs: 0 }),
  1,
);

let dir: string;
let good: DnsServer;
let drifted: DnsServer;
let named: NamedHandle;
let goodPort: number;
let driftedPort: number;

function io(): CommandIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    cwd: dir,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    out: () => out,
    err: () => err,
  };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'breakwater-verify-'));
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(PLAN));
  good = new DnsServer({ port: 0, zones: [snapshotFromRecords(ZONE, 1, CONTENT.recordSets)] });
  goodPort = (await good.listen()).port;
  const driftedSets = createPlanContent([
    { name: `www.${ZONE}`, type: 'A', ttl: 60, records: ['192.0.2.1'] },
    { name: `www.${ZONE}`, type: 'AAAA', ttl: 30, records: ['2001:db8::1'] },
    { name: `txt.${ZONE}`, type: 'TXT', records: ['v=1', 'z'.repeat(300)] },
    { name: ZONE, type: 'MX', records: [{ preference: 10, exchange: 'mx.example.net' }] },
  ]).recordSets;
  drifted = new DnsServer({ port: 0, zones: [snapshotFromRecords(ZONE, 1, driftedSets)] });
  driftedPort = (await drifted.listen()).port;
  const port = await freePort();
  named = await startNamedWithConfig({
    port,
    files: {
      'z.zone': `$ORIGIN ${ZONE}.\n@ 3600 IN SOA ns1 hostmaster 1 3600 600 86400 60\n@ 3600 IN NS ns1\nns1 3600 IN A 127.0.0.1\n`,
    },
    config: (d) => `key "${KEY_NAME}" { algorithm hmac-sha256; secret "${SECRET}"; };
zone "${ZONE}" { type primary; file "${d}/z.zone";
  allow-update { key "${KEY_NAME}"; }; allow-transfer { key "${KEY_NAME}"; }; };`,
  });
  const target = new Rfc2136Target({
    id: 'bind',
    zone: ZONE,
    server: { host: '127.0.0.1', port },
    key: { name: KEY_NAME, secret: Buffer.from(SECRET, 'base64') },
  });
  assert.equal((await target.apply(PLAN, ctx)).outcome, 'won');
});

after(async () => {
  await good.close();
  await drifted.close();
  await named.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('runDnsVerify', () => {
  it('exit 0 when every provider answers as planned (built-in server and BIND)', async () => {
    const o = io();
    const code = await runDnsVerify(
      [
        '--plan',
        'plan.json',
        '--provider',
        `builtin=127.0.0.1:${goodPort}`,
        '--provider',
        `bind=127.0.0.1:${named.port}`,
      ],
      o,
    );
    assert.equal(code, 0, o.out() + o.err());
    assert.match(o.out(), /ok {3}builtin/);
    assert.match(o.out(), /ok {3}bind .*5 checked, 0 differ/);
  });

  it('exit 1 and one JSON document naming every difference of a drifted provider', async () => {
    writeFileSync(
      join(dir, 'providers.yaml'),
      `providers:\n  - { name: builtin, address: 127.0.0.1:${goodPort} }\n  - { name: drifted, address: "127.0.0.1:${driftedPort}" }\n`,
    );
    const o = io();
    const code = await runDnsVerify(
      ['--plan', 'plan.json', '--providers', 'providers.yaml', '--json'],
      o,
    );
    assert.equal(code, 1);
    const doc = JSON.parse(o.out()) as {
      generation: number;
      providers: {
        name: string;
        ok: boolean;
        diffs: { name: string; type: string; kind: string }[];
      }[];
    };
    assert.equal(doc.generation, 1);
    assert.deepEqual(
      doc.providers.map((p) => [p.name, p.ok]),
      [
        ['builtin', true],
        ['drifted', false],
      ],
    );
    const diffs = doc.providers[1]!.diffs.map((d) => `${d.name} ${d.type} ${d.kind}`).sort();
    assert.deepEqual(diffs, [
      `docs.${ZONE} CNAME missing`,
      `www.${ZONE} A records`,
      `www.${ZONE} AAAA ttl`,
    ]);
  });

  it('reads the active plan from a SQLite state file', async () => {
    const file = join(dir, 'state.db');
    const store = await openSqlitePlanStore({ file });
    const w = await store.putPlan(
      createPlanDraft({ content: CONTENT, plannerId: 'p', createdAtMs: 0 }),
      ctx,
    );
    assert.equal(w.outcome, 'written');
    await store.addTarget('builtin', ctx);
    await store.activate('builtin', 1, ctx);
    await store.close();
    const o = io();
    const code = await runDnsVerify(
      [
        '--state',
        'state.db',
        '--target',
        'builtin',
        '--provider',
        `a=127.0.0.1:${goodPort}`,
        '--json',
      ],
      o,
    );
    assert.equal(code, 0, o.out());
    assert.equal((JSON.parse(o.out()) as { generation: number }).generation, 1);
  });

  it('reports a provider that does not answer as an error, exit 1', async () => {
    const dead = await freePort();
    const o = io();
    const code = await runDnsVerify(
      [
        '--plan',
        'plan.json',
        '--provider',
        `dead=127.0.0.1:${dead}`,
        '--timeout-ms',
        '200',
        '--zone',
        `www.${ZONE}`,
      ],
      o,
    );
    assert.equal(code, 1);
    assert.match(o.out(), /DIFF dead .*2 checked, 2 differ/);
    assert.match(o.out(), /error/);
  });

  it('exit 2 with a message naming the problem for bad input', async () => {
    const cases: [string[], RegExp][] = [
      [['--provider', 'x=127.0.0.1:53'], /exactly one of --state FILE or --plan FILE/],
      [['--plan', 'plan.json'], /no provider/],
      [['--plan', 'plan.json', '--provider', 'nohost'], /NAME=HOST:PORT/],
      [['--plan', 'plan.json', '--provider', 'a=1.2.3.4:99999'], /HOST:PORT/],
      [['--plan', 'missing.json', '--provider', 'a=127.0.0.1:53'], /missing\.json: cannot be read/],
      [['--state', 'nope.db', '--provider', 'a=127.0.0.1:53'], /nope\.db: no such file/],
      [['--plan', 'plan.json', '--provider', 'a=127.0.0.1:53', '--bogus'], /bogus/],
      [
        ['--plan', 'plan.json', '--provider', 'a=127.0.0.1:53', '--provider', 'a=127.0.0.1:54'],
        /twice/,
      ],
    ];
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ recordSets: [{ name: 'x', type: 'A', records: ['nope'] }] }),
    );
    cases.push([
      ['--plan', 'bad.json', '--provider', 'a=127.0.0.1:53'],
      /bad\.json.*records\[0\]/s,
    ]);
    for (const [argv, re] of cases) {
      const o = io();
      assert.equal(await runDnsVerify(argv, o), 2, argv.join(' '));
      assert.match(o.err(), re, argv.join(' '));
    }
  });

  it('prints its help', async () => {
    const o = io();
    assert.equal(await runDnsVerify(['--help'], o), 0);
    assert.match(o.out(), /usage: breakwater dns verify/);
  });
});
