/**
 * The phonebook config loader (`src/dns/config.ts`): the example file, relative names, routing
 * policies, health, stores and guards, every error with its line and field — and a property:
 * whatever endpoints a config lists, the inventory plans from exactly those.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { systemClock } from '../../src/core/clock.js';
import {
  DEFAULT_TARGET_ID,
  configInventory,
  isDnsConfigError,
  loadDnsConfig,
  parseDnsConfig,
} from '../../src/dns/config.js';
import type { ConfigIssue, DnsConfig } from '../../src/dns/config.js';
import { DEFAULT_VELOCITY_LIMIT, guardPlan } from '../../src/dns/plan-guards.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/phonebook.yaml', import.meta.url));

function issuesOf(text: string): ConfigIssue[] {
  try {
    parseDnsConfig(text, 'c.yaml', { baseDir: '/cfg' });
  } catch (e) {
    assert.ok(isDnsConfigError(e), String(e));
    return [...e.issues];
  }
  assert.fail('expected the config to be refused');
}

function one(text: string, field: RegExp | string, message: RegExp): ConfigIssue {
  const issues = issuesOf(text);
  const hit = issues.find((i) =>
    typeof field === 'string' ? i.field === field : field.test(i.field),
  );
  assert.ok(hit, `no issue at ${String(field)}: ${JSON.stringify(issues, null, 1)}`);
  assert.match(hit.message, message);
  return hit;
}

const zone = (names: string): string => `zones:\n  example.test:\n    names:\n${names}`;

describe('loadDnsConfig', () => {
  it('reads examples/phonebook.yaml: www failover, api weighted, docs → www, TXT and MX at the apex', async () => {
    const c = await loadDnsConfig(EXAMPLE);
    assert.deepEqual(c.store, { kind: 'sqlite', path: undefined });
    assert.deepEqual(c.targets, ['served']);
    assert.equal(c.enactors.count, 3);
    assert.equal(c.janitor.retain, 10);
    const z = c.zones[0]!;
    assert.equal(z.zone, 'example.test');
    assert.deepEqual(z.nameServers, ['ns1.example.test', 'ns2.example.test']);
    const byName = new Map(z.names.map((n) => [n.name, n]));
    const www = byName.get('www.example.test')!;
    assert.equal(www.routing, 'failover');
    assert.equal(www.ttl, 60);
    assert.deepEqual(
      www.endpoints.map((e) => [e.address, e.failover, e.healthCheck]),
      [
        ['192.0.2.10', 'primary', 'www-primary'],
        ['2001:db8::10', 'primary', 'www-primary'],
        ['192.0.2.11', 'secondary', 'www-secondary'],
        ['2001:db8::11', 'secondary', 'www-secondary'],
      ],
    );
    const api = byName.get('api.example.test')!;
    assert.equal(api.routing, 'weighted');
    assert.deepEqual(
      api.endpoints.map((e) => [e.weight, e.region]),
      [
        [3, 'us-east-1'],
        [2, 'us-west-2'],
        [1, 'eu-west-1'],
      ],
    );
    assert.deepEqual(byName.get('docs.example.test')!.records[0], {
      name: 'docs.example.test',
      type: 'CNAME',
      ttl: 300,
      records: [{ target: 'www.example.test' }],
    });
    const apex = byName.get('example.test')!;
    assert.deepEqual(
      apex.records.map((s) => s.type),
      ['MX', 'TXT'],
    );
    assert.deepEqual(
      c.healthChecks.map((h) => [h.id, h.target.kind]),
      [
        ['www-primary', 'http'],
        ['www-secondary', 'tcp'],
      ],
    );
    // The inventory gives a plan the guards accept as it is.
    const inv = configInventory(c);
    const g = guardPlan({
      inventory: inv,
      previous: undefined,
      history: [],
      nowMs: 0,
      limit: c.planner.velocity,
    });
    assert.deepEqual(g.events, []);
    const types = g.content!.recordSets.map((s) => `${s.name} ${s.type}`);
    for (const t of [
      'www.example.test A',
      'www.example.test AAAA',
      'api.example.test A',
      'docs.example.test CNAME',
      'example.test TXT',
      'example.test MX',
    ]) {
      assert.ok(types.includes(t), t);
    }
  });

  it('reports a file that cannot be read, naming it', async () => {
    await assert.rejects(loadDnsConfig('no/such.yaml', { cwd: '/tmp' }), (e: unknown) => {
      assert.ok(isDnsConfigError(e));
      assert.match(e.message, /no\/such\.yaml: cannot read: no such file/);
      return true;
    });
  });
});

describe('parseDnsConfig', () => {
  it('fills the defaults: sqlite store, served target, 3 enactors, retain 10, default velocity', () => {
    const c = parseDnsConfig(zone('      www: { endpoints: [192.0.2.1] }\n'), 'c.yaml');
    assert.deepEqual(c.store, { kind: 'sqlite', path: undefined });
    assert.deepEqual(c.targets, [DEFAULT_TARGET_ID]);
    assert.deepEqual(c.planner, { id: 'planner', velocity: DEFAULT_VELOCITY_LIMIT });
    assert.equal(c.janitor.retain, 10);
    assert.equal(c.zones[0]!.names[0]!.ttl, 60, 'endpoint names default to 60 s');
  });

  it('resolves names relative to the zone: @, relative, dotted-relative, absolute', () => {
    const c = parseDnsConfig(
      zone(`      '@': { txt: apex }
      www: { endpoints: [192.0.2.1] }
      _sip._tcp: { srv: [{ priority: 1, weight: 1, port: 5060, target: www }] }
      abs.example.test.: { txt: x }
      also.example.test: { txt: y }
      mx-out: { mx: [{ preference: 1, exchange: mail.elsewhere.test. }, { preference: 2, exchange: '.' }] }
`),
      'c.yaml',
    );
    assert.deepEqual(
      c.zones[0]!.names.map((n) => n.name),
      [
        '_sip._tcp.example.test',
        'abs.example.test',
        'also.example.test',
        'example.test',
        'mx-out.example.test',
        'www.example.test',
      ],
    );
    const srv = c.zones[0]!.names[0]!.records[0]!;
    assert.deepEqual(srv.records, [
      { priority: 1, weight: 1, port: 5060, target: 'www.example.test' },
    ]);
    const mx = c.zones[0]!.names.find((n) => n.name === 'mx-out.example.test')!.records[0]!;
    assert.deepEqual(
      mx.records.map((r) => (r as { exchange: string }).exchange),
      ['mail.elsewhere.test', '.'],
    );
  });

  it('applies TTLs: the name’s, else the zone’s, else 60 s for endpoints and 300 s for fixed sets', () => {
    const c = parseDnsConfig(
      `zones:
  a.test:
    names:
      e: { endpoints: [192.0.2.1] }
      f: { txt: x }
      g: { ttl: 5, endpoints: [192.0.2.2], txt: y }
  b.test:
    ttl: 120
    names:
      e: { endpoints: [192.0.2.1] }
      f: { txt: x }
`,
      'c.yaml',
    );
    const ttl = (z: number, i: number) => {
      const n = c.zones[z]!.names[i]!;
      return [n.ttl, n.records[0]?.ttl];
    };
    assert.deepEqual(ttl(0, 0), [60, undefined]);
    assert.deepEqual(ttl(0, 1)[1], 300);
    assert.deepEqual(ttl(0, 2), [5, 5]);
    assert.deepEqual(ttl(1, 0), [120, undefined]);
    assert.deepEqual(ttl(1, 1)[1], 120);
  });

  it('reads the stores: sqlite path relative to the config folder, memory, etcd', () => {
    const sqlite = parseDnsConfig(
      `store: { kind: sqlite, path: state/x.db, busyTimeoutMs: 100 }\n${zone('      w: { txt: x }\n')}`,
      'c.yaml',
      { baseDir: '/cfg' },
    );
    assert.deepEqual(sqlite.store, { kind: 'sqlite', path: '/cfg/state/x.db', busyTimeoutMs: 100 });
    const memory = parseDnsConfig(`store: { kind: memory }\n${zone('      w: { txt: x }\n')}`, 'c');
    assert.deepEqual(memory.store, { kind: 'memory' });
    const etcd = parseDnsConfig(
      `store:\n  kind: etcd\n  endpoints: ['http://10.0.0.1:2379', 'http://10.0.0.2:2379']\n  prefix: /x/\n${zone('      w: { txt: x }\n')}`,
      'c',
    );
    assert.deepEqual(etcd.store, {
      kind: 'etcd',
      endpoints: ['http://10.0.0.1:2379', 'http://10.0.0.2:2379'],
      prefix: '/x/',
    });
    const defaultPrefix = parseDnsConfig(
      `store: { kind: etcd, endpoints: 'http://10.0.0.1:2379' }\n${zone('      w: { txt: x }\n')}`,
      'c',
    );
    assert.equal(
      defaultPrefix.store.kind === 'etcd' && defaultPrefix.store.prefix,
      '/breakwater/dns/',
    );
  });

  it('reads the planner guards, janitor, enactors, targets and health checks', () => {
    const c = parseDnsConfig(
      `planner:
  id: p-1
  velocity: { maxRemovedFractionPerPlan: 0.25, windowMs: 60000 }
janitor: { retain: 3 }
enactors: { count: 5 }
targets: [zone-a, zone-b]
healthChecks:
  h1: { https: 'https://192.0.2.1/health', method: HEAD, expectStatus: [200, 204], bodyMatch: ok, intervalMs: 5000, timeoutMs: 1000, failureThreshold: 2, successThreshold: 4 }
  h2: { tcp: '[2001:db8::1]:443' }
${zone('      w: { endpoints: [{ address: 192.0.2.1, healthCheck: h1 }] }\n')}`,
      'c',
    );
    assert.deepEqual(c.planner, {
      id: 'p-1',
      velocity: {
        maxRemovedFractionPerPlan: 0.25,
        maxRemovedFractionPerWindow: 0.75,
        windowMs: 60000,
      },
    });
    assert.equal(c.janitor.retain, 3);
    assert.equal(c.enactors.count, 5);
    assert.deepEqual(c.targets, ['zone-a', 'zone-b']);
    assert.deepEqual(c.healthChecks, [
      {
        id: 'h1',
        target: {
          kind: 'http',
          url: 'https://192.0.2.1/health',
          method: 'HEAD',
          expectStatus: [200, 204],
          bodyMatch: 'ok',
        },
        intervalMs: 5000,
        timeoutMs: 1000,
        failureThreshold: 2,
        successThreshold: 4,
      },
      { id: 'h2', target: { kind: 'tcp', host: '2001:db8::1', port: 443 } },
    ]);
  });

  describe('routing policies (validated here, served by the DNS server)', () => {
    it('accepts each policy with what it needs', () => {
      const c = parseDnsConfig(
        zone(`      s: { routing: simple, endpoints: [192.0.2.1] }
      f: { routing: failover, endpoints: [{ address: 192.0.2.1, failover: primary }, { address: 192.0.2.2, failover: secondary }] }
      w: { routing: weighted, endpoints: [{ address: 192.0.2.1, weight: 0 }, { address: 192.0.2.2, weight: 5 }] }
      m: { routing: multivalue, endpoints: [192.0.2.1, 192.0.2.2, '2001:db8::1'] }
      l: { routing: latency, endpoints: [{ address: 192.0.2.1, region: eu }, { address: 192.0.2.2, region: us }] }
`),
        'c',
      );
      assert.deepEqual(
        c.zones[0]!.names.map((n) => `${n.name.split('.')[0]!}:${n.routing}`),
        ['f:failover', 'l:latency', 'm:multivalue', 's:simple', 'w:weighted'],
      );
    });

    it('failover needs a role on every endpoint, and a primary and a secondary', () => {
      one(
        zone('      f: { routing: failover, endpoints: [{ address: 192.0.2.1 }] }\n'),
        /endpoints\[0\]\.failover$/,
        /failover routing needs failover: primary \| secondary/,
      );
      one(
        zone(
          '      f: { routing: failover, endpoints: [{ address: 192.0.2.1, failover: primary }] }\n',
        ),
        /names\.f\.endpoints$/,
        /needs at least one secondary endpoint/,
      );
      one(
        zone('      f: { routing: failover, endpoints: [192.0.2.1] }\n'),
        /endpoints\[0\]$/,
        /failover routing needs \{ address, failover/,
      );
      one(
        zone('      f: { endpoints: [{ address: 192.0.2.1, failover: primary }] }\n'),
        /endpoints\[0\]\.failover$/,
        /applies only with routing: failover \(this name's routing is simple\)/,
      );
    });

    it('latency needs a region on every endpoint; weighted a weight above 0', () => {
      one(
        zone('      l: { routing: latency, endpoints: [{ address: 192.0.2.1 }] }\n'),
        /endpoints\[0\]\.region$/,
        /latency routing needs a region on every endpoint/,
      );
      one(
        zone('      w: { routing: weighted, endpoints: [{ address: 192.0.2.1, weight: 0 }] }\n'),
        /names\.w\.endpoints$/,
        /at least one endpoint with weight > 0/,
      );
      one(
        zone('      w: { routing: geo, endpoints: [192.0.2.1] }\n'),
        /names\.w\.routing$/,
        /expected one of simple, failover, weighted, multivalue, latency, got 'geo'/,
      );
      one(
        zone('      w: { routing: simple, txt: x }\n'),
        /names\.w\.routing$/,
        /applies to names with endpoints/,
      );
    });
  });

  describe('health', () => {
    const cfg = `healthChecks:
  up: { tcp: '192.0.2.1:80' }
${zone(`      w:
        endpoints:
          - { address: 192.0.2.1, healthCheck: up }
          - { address: 192.0.2.2, healthy: false }
          - { address: 192.0.2.3 }
`)}`;

    it('takes a fixed verdict, else the check’s, else healthy (a check not yet probed starts up)', () => {
      const c = parseDnsConfig(cfg, 'c');
      const health = (inv: ReturnType<typeof configInventory>) =>
        inv.names[0]!.endpoints.map((e) => e.healthy);
      assert.deepEqual(health(configInventory(c)), [true, false, true]);
      assert.deepEqual(health(configInventory(c, () => false)), [false, false, true]);
      assert.deepEqual(health(configInventory(c, () => undefined)), [true, false, true]);
    });

    it('refuses an unknown check (with the nearest), both verdict kinds, and bad probe targets', () => {
      one(
        `healthChecks: { www-1: { tcp: 'a:1' } }\n${zone('      w: { endpoints: [{ address: 192.0.2.1, healthCheck: www1 }] }\n')}`,
        /healthCheck$/,
        /no health check 'www1' under healthChecks; did you mean 'www-1'\?/,
      );
      one(
        `healthChecks: { h: { tcp: 'a:1' } }\n${zone('      w: { endpoints: [{ address: 192.0.2.1, healthCheck: h, healthy: true }] }\n')}`,
        /healthCheck$/,
        /give healthy \(a fixed verdict\) or healthCheck, not both/,
      );
      one(
        `healthChecks: { h: { tcp: 'host' } }\n${zone('      w: { txt: x }\n')}`,
        'healthChecks.h.tcp',
        /expected 'host:port'/,
      );
      one(
        `healthChecks: { h: { http: 'ftp://x/' } }\n${zone('      w: { txt: x }\n')}`,
        'healthChecks.h.http',
        /http:\/\/ or https:\/\//,
      );
      one(
        `healthChecks: { h: { intervalMs: 5 } }\n${zone('      w: { txt: x }\n')}`,
        'healthChecks.h',
        /needs what to probe/,
      );
      one(
        `healthChecks: { h: { tcp: 'a:1', intervalMs: 1000, timeoutMs: 2000 } }\n${zone('      w: { txt: x }\n')}`,
        'healthChecks.h.timeoutMs',
        /must not exceed intervalMs \(1000\)/,
      );
    });
  });

  describe('errors: every one with its line, field and the expected form', () => {
    it('suggests the nearest valid key for an unknown key, at every level', () => {
      const top = one(`zonez: {}\n`, 'zonez', /unknown key 'zonez'; did you mean 'zones'\?/);
      assert.deepEqual([top.file, top.line, top.column], ['c.yaml', 1, 1]);
      one(
        zone('      w: { endpoint: [192.0.2.1] }\n'),
        /names\.w\.endpoint$/,
        /did you mean 'endpoints'\?/,
      );
      one(
        zone('      w: { endpoints: [{ adress: 192.0.2.1 }] }\n'),
        /adress$/,
        /did you mean 'address'\?/,
      );
      one(
        `store: { kind: etcd, endpoint: 'http://a:1' }\n${zone('      w: { txt: x }\n')}`,
        'store.endpoint',
        /did you mean 'endpoints'\?/,
      );
      one(
        `store: { kind: sqlite, prefix: /x/ }\n${zone('      w: { txt: x }\n')}`,
        'store.prefix',
        /unknown key 'prefix' \(expected one of: kind, path, busyTimeoutMs\)/,
      );
      one(
        `planner: { velocity: { maxRemovedFractionPerPlna: 0.3 } }\n${zone('      w: { txt: x }\n')}`,
        /velocity\.maxRemovedFractionPerPlna$/,
        /did you mean 'maxRemovedFractionPerPlan'\?/,
      );
    });

    it('names the line of a bad value deep in the file', () => {
      const text = `zones:
  example.test:
    names:
      www:
        endpoints:
          - 192.0.2.1
          - 192.0.2.999
`;
      const i = one(
        text,
        'zones[example.test].names.www.endpoints[1]',
        /expected an IPv4 or IPv6 address \(192\.0\.2\.1, 2001:db8::1\), got '192\.0\.2\.999'/,
      );
      assert.equal(i.line, 7);
      assert.equal(i.column, 13);
    });

    it('reports YAML syntax errors, duplicate keys and the unquoted apex with their lines', () => {
      const syntax = issuesOf('zones:\n  a.test: [\n');
      assert.match(syntax[0]!.message, /^YAML: /);
      assert.ok(syntax[0]!.line >= 2);
      const dup = issuesOf(zone('      w: { txt: x }\n      w: { txt: y }\n'));
      assert.match(dup[0]!.message, /YAML: Map keys must be unique/);
      assert.equal(dup[0]!.line, 5);
      const at = issuesOf(zone('      @: { txt: x }\n'));
      assert.match(at[0]!.message, /write the apex as '@', in quotes/);
      one('', '', /the file is empty/);
      one('store: { kind: memory }\n', 'zones', /missing: a config needs `zones:`/);
    });

    it('refuses names outside the zone, names defined twice, and ambiguous targets', () => {
      one(
        zone('      www.other.test.: { txt: x }\n'),
        /names\[www\.other\.test\.\]$/,
        /is not in the zone example\.test/,
      );
      const twice = issuesOf(`zones:
  example.test:
    names:
      a.sub: { txt: x }
  sub.example.test:
    names:
      a: { txt: y }
`);
      assert.match(twice[0]!.message, /'a\.sub\.example\.test' is already defined at c\.yaml:4/);
      one(
        zone('      d: { cname: www.other.test }\n'),
        /cname$/,
        /'www\.other\.test' is ambiguous: write 'www\.other\.test\.'/,
      );
      one(
        zone('      d: { cname: www, txt: x }\n'),
        /cname$/,
        /a CNAME must be the only record set at its name/,
      );
      one(zone('      bad_-: { txt: x }\n'), /names\.bad_-$/, /the name label/);
    });

    it('checks numbers, ranges and shapes with the expected form', () => {
      one(
        `janitor: { retain: 1 }\n${zone('      w: { txt: x }\n')}`,
        'janitor.retain',
        /expected an integer in \[2, 1000000\], got 1/,
      );
      one(
        `planner: { velocity: { maxRemovedFractionPerWindow: 1.5 } }\n${zone('      w: { txt: x }\n')}`,
        'planner.velocity.maxRemovedFractionPerWindow',
        /expected a number in \[0, 1\]/,
      );
      one(
        `planner: { velocity: { maxRemovedFractionPerPlan: 0 } }\n${zone('      w: { txt: x }\n')}`,
        'planner.velocity.maxRemovedFractionPerPlan',
        /in \(0, 1\], got 0/,
      );
      one(
        zone('      w: { ttl: -1, txt: x }\n'),
        /names\.w\.ttl$/,
        /expected an integer in \[0, 2147483647\] \(seconds\), got -1/,
      );
      one(zone('      w: { endpoints: [] }\n'), /names\.w\.endpoints$/, /at least one endpoint/);
      one(
        zone('      w: { endpoints: [192.0.2.1, 192.0.2.1] }\n'),
        /endpoints\[1\]$/,
        /192\.0\.2\.1 is already listed at endpoints\[0\]/,
      );
      one(
        zone('      w: {}\n'),
        /names\.w$/,
        /has no records: give endpoints, or a cname, txt, mx or srv/,
      );
      one(zone('      w: { mx: [{ preference: 10 }] }\n'), /mx\[0\]\.exchange$/, /missing/);
      one(
        `store: { kind: etcd }\n${zone('      w: { txt: x }\n')}`,
        'store.endpoints',
        /needs endpoints/,
      );
      one(
        `store: { kind: etcd, endpoints: ['10.0.0.1:2379'] }\n${zone('      w: { txt: x }\n')}`,
        'store.endpoints[0]',
        /expected http:\/\/host:port/,
      );
      one(
        `store: { kind: etcd, endpoints: ['http://a:1'], prefix: /x }\n${zone('      w: { txt: x }\n')}`,
        'store.prefix',
        /ending in '\/'/,
      );
      one(`targets: [a, a]\n${zone('      w: { txt: x }\n')}`, 'targets[1]', /'a' is listed twice/);
      one(
        `version: 2\n${zone('      w: { txt: x }\n')}`,
        'version',
        /expected an integer in \[1, 1\]/,
      );
    });

    it('lists every problem at once, in file order', () => {
      const issues = issuesOf(`store: { kind: sqllite }
janitor: { retain: 0 }
${zone('      w: { ttl: x, txt: x }\n')}`);
      assert.deepEqual(
        issues.map((i) => i.field),
        ['store.kind', 'janitor.retain', 'zones[example.test].names.w.ttl'],
      );
      assert.deepEqual(
        issues.map((i) => i.line),
        [1, 2, 6],
      );
    });
  });

  describe('configInventory (property)', () => {
    const envSeed = process.env['FC_SEED'];
    const seed =
      envSeed !== undefined && envSeed !== '' ? Number(envSeed) : systemClock.now() % 1_000_000;
    console.log(`config property seed: ${seed} (set FC_SEED to replay)`);

    it(`plans from exactly the endpoints the config lists (seed ${seed})`, () => {
      const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
      const endpoint = fc.record({
        address: fc
          .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 }))
          .map(([a, b]) => `198.51.${a}.${b}`),
        weight: fc.integer({ min: 0, max: 100 }),
        healthy: fc.boolean(),
      });
      const name = fc.record({
        ttl: fc.integer({ min: 0, max: 86_400 }),
        endpoints: fc.uniqueArray(endpoint, {
          minLength: 1,
          maxLength: 6,
          selector: (e) => e.address,
        }),
      });
      fc.assert(
        fc.property(fc.dictionary(label, name, { minKeys: 1, maxKeys: 8 }), (names) => {
          const text = stringify({ zones: { 'example.test': { names } } });
          const c: DnsConfig = parseDnsConfig(text, 'p.yaml');
          const inv = configInventory(c);
          const want = Object.entries(names)
            .map(([k, v]) => ({
              name: `${k}.example.test`,
              ttl: v.ttl,
              endpoints: v.endpoints.map((e) => ({
                address: e.address,
                weight: e.weight,
                healthy: e.healthy,
              })),
            }))
            .sort((a, b) => (a.name < b.name ? -1 : 1));
          assert.deepEqual(
            inv.names.map((n) => ({
              name: n.name,
              ttl: n.ttl,
              endpoints: n.endpoints.map((e) => ({ ...e })),
            })),
            want,
          );
        }),
        { seed, numRuns: 200 },
      );
    });
  });
});
