/**
 * `dig` (BIND's own client) against the built-in server over real UDP and TCP on loopback:
 * every record type and every edge case of the issue, then a differential run against a
 * BIND 9 `named` serving the same zone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DnsServer } from '../../src/dns/server/dns-server.js';
import { dig, ensureDnsTools, freePort, startNamed } from '../support/bind.js';
import type { DigResult, NamedHandle } from '../support/bind.js';
import { EXAMPLE_LATENCY, exampleZone } from './example-zone.js';

ensureDnsTools();

let server: DnsServer;
let port = 0;

before(async () => {
  server = new DnsServer({ port: 0, zones: [exampleZone()], latencyTable: EXAMPLE_LATENCY });
  port = (await server.listen()).port;
});

after(async () => {
  await server.close();
});

const TRANSPORTS = [
  ['UDP', [] as string[]],
  ['TCP', ['+tcp']],
] as const;

function ask(args: readonly string[]): Promise<DigResult> {
  return dig({ port }, args);
}

function datas(r: DigResult, type?: string): string[] {
  return r.answer.filter((a) => type === undefined || a.type === type).map((a) => a.data);
}

describe('DnsServer with dig', () => {
  for (const [transport, extra] of TRANSPORTS) {
    describe(`over ${transport}`, () => {
      it('answers every record type authoritatively, never recursive', async () => {
        const cases: [string, string, string[]][] = [
          ['www.example.test', 'A', ['192.0.2.10', '192.0.2.11']],
          ['www.example.test', 'AAAA', ['2001:db8::10', '2001:db8::11']],
          ['docs.example.test', 'CNAME', ['www.example.test.']],
          ['example.test', 'TXT', ['"breakwater test zone"', '"v=spf1 -all"']],
          ['example.test', 'MX', ['10 mail.example.test.', '20 mail2.example.test.']],
          [
            '_sip._tcp.example.test',
            'SRV',
            ['10 60 5060 www.example.test.', '20 0 5060 api.example.test.'],
          ],
          ['example.test', 'NS', ['ns1.example.test.', 'ns2.example.test.']],
          [
            'example.test',
            'SOA',
            ['ns1.example.test. hostmaster.example.test. 2025102001 7200 900 1209600 60'],
          ],
        ];
        for (const [name, type, want] of cases) {
          const r = await ask([...extra, name, type]);
          assert.equal(r.status, 'NOERROR', `${name} ${type}`);
          assert.equal(r.transport, transport);
          assert.ok(r.flags.includes('aa'), `${name} ${type}: aa in ${r.flags.join(' ')}`);
          assert.ok(!r.flags.includes('ra'), `${name} ${type}: no ra`);
          assert.deepEqual(datas(r, type).sort(), want, `${name} ${type}`);
        }
        const glue = await ask([...extra, 'example.test', 'MX']);
        assert.deepEqual(glue.additional.map((a) => a.data).sort(), ['192.0.2.25', '192.0.2.26']);
      });

      it('tells NXDOMAIN from NODATA, with the SOA for negative caching', async () => {
        const nx = await ask([...extra, 'nope.example.test', 'A']);
        assert.equal(nx.status, 'NXDOMAIN');
        assert.ok(nx.flags.includes('aa'));
        assert.equal(nx.answer.length, 0);
        assert.equal(nx.authority[0]?.type, 'SOA');
        assert.equal(nx.authority[0]?.ttl, 60);
        const nodata = await ask([...extra, 'mail.example.test', 'AAAA']);
        assert.equal(nodata.status, 'NOERROR');
        assert.equal(nodata.answer.length, 0);
        assert.equal(nodata.authority[0]?.type, 'SOA');
        const ent = await ask([...extra, 'b.c.example.test', 'A']);
        assert.equal(ent.status, 'NOERROR', 'an empty non-terminal exists');
        assert.equal(ent.answer.length, 0);
      });

      it('follows CNAME chains in the zone and synthesises wildcards', async () => {
        const chain = await ask([...extra, 'help.example.test', 'A']);
        assert.deepEqual(
          chain.answer.map((a) => `${a.name} ${a.type} ${a.data}`),
          [
            'help.example.test. CNAME docs.example.test.',
            'docs.example.test. CNAME www.example.test.',
            'www.example.test. A 192.0.2.10',
            'www.example.test. A 192.0.2.11',
          ],
        );
        const dangling = await ask([...extra, 'old.example.test', 'A']);
        assert.equal(dangling.status, 'NXDOMAIN');
        assert.equal(dangling.answer[0]?.type, 'CNAME');
        const wild = await ask([...extra, 'anything.wild.example.test', 'A']);
        assert.deepEqual(
          wild.answer.map((a) => `${a.name} ${a.data}`),
          ['anything.wild.example.test. 192.0.2.40'],
        );
      });

      it('answers ANY with one RRset (RFC 8482)', async () => {
        const r = await ask([...extra, 'www.example.test', 'ANY']);
        assert.equal(r.status, 'NOERROR');
        assert.equal(new Set(r.answer.map((a) => a.type)).size, 1);
      });

      it('refuses names outside its zones', async () => {
        for (const name of ['www.example.com', 'com', '.']) {
          const r = await ask([...extra, name, 'A']);
          assert.equal(r.status, 'REFUSED', name);
          assert.ok(!r.flags.includes('aa'));
          assert.equal(r.answer.length, 0);
        }
      });

      it('echoes the question case (0x20)', async () => {
        for (let i = 0; i < 2; i++) {
          const r = await ask([...extra, 'WwW.ExAmPlE.TeSt', 'A']);
          assert.equal(r.answer[0]?.name, 'WwW.ExAmPlE.TeSt.');
          assert.match(r.question[0] ?? '', /^WwW\.ExAmPlE\.TeSt\./);
        }
      });

      it('answers FORMERR, NOTIMP and BADVERS', async () => {
        const noQuestion = await ask([...extra, '+header-only', 'example.test']);
        assert.equal(noQuestion.status, 'FORMERR');
        const notify = await ask([...extra, '+opcode=notify', 'example.test', 'SOA']);
        assert.equal(notify.status, 'NOTIMP');
        const update = await ask([...extra, '+opcode=update', 'example.test', 'SOA']);
        assert.equal(update.status, 'NOTIMP');
        const v1 = await ask([...extra, '+edns=1', '+noednsnegotiation', 'example.test', 'SOA']);
        assert.equal(v1.status, 'BADVERS');
        assert.equal(v1.edns?.version, 0);
      });

      it('routes by EDNS Client Subnet and echoes the scope', async () => {
        const eu = await ask([...extra, '+subnet=10.1.7.0/24', 'geo.example.test', 'A']);
        assert.deepEqual(datas(eu), ['192.0.2.100']);
        assert.equal(eu.clientSubnet, '10.1.7.0/24/16');
        const us = await ask([...extra, '+subnet=10.2.7.0/24', 'geo.example.test', 'A']);
        assert.deepEqual(datas(us), ['192.0.2.200']);
        const plain = await ask([...extra, '+subnet=10.2.7.0/24', 'www.example.test', 'A']);
        assert.equal(plain.clientSubnet, '10.2.7.0/24/0');
      });
    });
  }

  it('speaks EDNS(0) only when asked, advertising 1232 bytes', async () => {
    const withEdns = await ask(['+bufsize=4096', 'www.example.test', 'A']);
    assert.equal(withEdns.edns?.udp, 1232);
    const without = await ask(['+noedns', 'www.example.test', 'A']);
    assert.equal(without.edns, undefined);
    const dnssec = await ask(['+dnssec', 'www.example.test', 'A']);
    assert.ok(dnssec.edns?.flags.includes('do'));
  });

  it('sets TC over UDP when the answer does not fit, and dig retries over TCP', async () => {
    const small = await ask(['+noedns', '+ignore', 'big.example.test', 'TXT']);
    assert.ok(small.flags.includes('tc'), small.flags.join(' '));
    assert.equal(small.answer.length, 0);
    assert.ok(small.size <= 512);
    const bufsize = await ask(['+bufsize=512', '+ignore', 'big.example.test', 'TXT']);
    assert.ok(bufsize.flags.includes('tc'));
    const fits = await ask(['+bufsize=1232', 'big.example.test', 'TXT']);
    assert.ok(!fits.flags.includes('tc'));
    assert.equal(fits.answer.length, 10);
    const retried = await ask(['+noedns', 'big.example.test', 'TXT']);
    assert.equal(retried.transport, 'TCP');
    assert.equal(retried.answer.length, 10);
  });

  it('compresses names in answers', async () => {
    // 12 header + 18 + 4 question; each A answer: 2 (pointer) + 10 + 4 = 16 bytes.
    const r = await ask(['+noedns', 'www.example.test', 'A']);
    assert.equal(r.size, 12 + 22 + 2 * 16);
    const mx = await ask(['+noedns', 'example.test', 'MX']);
    // Uncompressed, each MX exchange alone would take 19 bytes; compressed it is 'mail' + pointer.
    assert.ok(mx.size < 140, `MX response is ${mx.size} bytes`);
  });

  it('reports its zones, serial and counters in status()', () => {
    const s = server.status();
    assert.equal(s.listening, true);
    assert.deepEqual(
      s.zones.map((z) => [z.zone, z.serial]),
      [['example.test', 2025102001]],
    );
    assert.ok(s.queries > 30);
    assert.ok(s.responder.cacheHits > 0);
    assert.equal(s.stale, false);
  });
});

describe('DnsServer against BIND 9 (same zone, same queries)', () => {
  let named: NamedHandle;
  before(async () => {
    named = await startNamed({
      zones: [exampleZone()],
      port: await freePort(),
      extraOptions: 'minimal-any yes;',
    });
  });
  after(async () => {
    await named.stop();
  });

  const queries: [string, string][] = [
    ['www.example.test', 'A'],
    ['www.example.test', 'AAAA'],
    ['api.example.test', 'A'],
    ['docs.example.test', 'A'],
    ['help.example.test', 'AAAA'],
    ['docs.example.test', 'CNAME'],
    ['example.test', 'TXT'],
    ['example.test', 'MX'],
    ['example.test', 'SOA'],
    ['example.test', 'NS'],
    ['_sip._tcp.example.test', 'SRV'],
    ['nope.example.test', 'A'],
    ['mail.example.test', 'TXT'],
    ['b.c.example.test', 'A'],
    ['c.example.test', 'MX'],
    ['old.example.test', 'A'],
    ['ext.example.test', 'A'],
    ['x.wild.example.test', 'TXT'],
    ['x.y.wild.example.test', 'A'],
    ['wild.example.test', 'A'],
    ['www.example.com', 'A'],
    ['big.example.test', 'TXT'],
  ];

  for (const [name, type] of queries) {
    it(`answers ${name} ${type} as BIND does`, async () => {
      const args = ['+nocookie', '+bufsize=1232', name, type];
      const [ours, theirs] = await Promise.all([
        dig({ port }, args),
        dig({ port: named.port }, args),
      ]);
      assert.equal(ours.status, theirs.status);
      assert.deepEqual(
        ours.flags.filter((f) => f !== 'rd'),
        theirs.flags.filter((f) => f !== 'rd'),
      );
      const show = (r: DigResult): string[][] =>
        [r.answer, r.authority].map((sec) =>
          sec.map((a) => `${a.name} ${a.ttl} ${a.type} ${a.data}`).sort(),
        );
      assert.deepEqual(show(ours), show(theirs));
    });
  }
});
