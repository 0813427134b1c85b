import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Packet, Question } from 'dns-packet';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { DnsResponder } from './dns-responder.js';
import type { DnsTransport } from './dns-responder.js';
import { buildZoneSnapshot } from './zone-snapshot.js';
import type { ZoneSnapshotInput } from './zone-snapshot.js';

const seed =
  process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : randomInt(2 ** 31);
console.log(`dns-responder.test.ts fast-check seed: ${seed} (FC_SEED=${seed} reproduces)`);

const ZONE: ZoneSnapshotInput = {
  zone: 'example.test',
  serial: 42,
  nameServers: ['ns1.example.test'],
  recordSets: [
    { name: 'example.test', type: 'TXT', records: ['v=spf1 -all'] },
    {
      name: 'example.test',
      type: 'MX',
      records: [{ preference: 10, exchange: 'mail.example.test' }],
    },
    { name: 'ns1.example.test', type: 'A', records: ['192.0.2.53'] },
    { name: 'mail.example.test', type: 'A', records: ['192.0.2.25'] },
    { name: 'www.example.test', type: 'A', ttl: 60, records: ['192.0.2.10', '192.0.2.11'] },
    { name: 'www.example.test', type: 'AAAA', records: ['2001:db8::10'] },
    { name: 'docs.example.test', type: 'CNAME', records: ['www.example.test'] },
    { name: 'old.example.test', type: 'CNAME', records: ['gone.example.test'] },
    { name: 'ext.example.test', type: 'CNAME', records: ['www.elsewhere.test'] },
    { name: 'loop1.example.test', type: 'CNAME', records: ['loop2.example.test'] },
    { name: 'loop2.example.test', type: 'CNAME', records: ['loop1.example.test'] },
    { name: 'a.b.c.example.test', type: 'A', records: ['192.0.2.30'] },
    { name: '*.wild.example.test', type: 'TXT', records: ['from the wildcard'] },
    {
      name: '_sip._tcp.example.test',
      type: 'SRV',
      records: [{ priority: 1, weight: 5, port: 5060, target: 'www.example.test' }],
    },
    {
      name: 'big.example.test',
      type: 'TXT',
      records: Array.from(
        { length: 10 },
        (_, i) => `${String(i).padStart(2, '0')} ${'x'.repeat(90)}`,
      ),
    },
    {
      name: 'geo.example.test',
      type: 'A',
      records: ['192.0.2.100', '192.0.2.200'],
      variants: { 'eu-west': ['192.0.2.100'], 'us-east': ['192.0.2.200'] },
    },
  ],
};

const LATENCY = {
  entries: [
    { prefix: '10.1.0.0/16', latencyMs: { 'eu-west': 10, 'us-east': 90 } },
    { prefix: '10.2.0.0/16', latencyMs: { 'eu-west': 95, 'us-east': 8 } },
  ],
};

function responder(): DnsResponder {
  return new DnsResponder({ zones: [buildZoneSnapshot(ZONE)], latencyTable: LATENCY });
}

interface QueryOptions {
  id?: number;
  edns?: number;
  dnssecOk?: boolean;
  ecs?: { family: number; sourcePrefixLength: number; scopePrefixLength?: number; ip: string };
  rd?: boolean;
  klass?: 'IN' | 'CH';
}

function query(name: string, type: string, o: QueryOptions = {}): Buffer {
  const packet: Packet = {
    type: 'query',
    id: o.id ?? 4660,
    flags: o.rd === false ? 0 : dnsPacket.RECURSION_DESIRED,
    questions: [{ name, type: type as 'A', class: o.klass ?? 'IN' }],
  };
  if (o.edns !== undefined || o.ecs !== undefined || o.dnssecOk === true) {
    const opt = {
      type: 'OPT',
      name: '.',
      udpPayloadSize: o.edns ?? 1232,
      flags: o.dnssecOk === true ? dnsPacket.DNSSEC_OK : 0,
      options:
        o.ecs === undefined
          ? []
          : [
              {
                code: 8,
                family: o.ecs.family,
                sourcePrefixLength: o.ecs.sourcePrefixLength,
                scopePrefixLength: o.ecs.scopePrefixLength ?? 0,
                ip: o.ecs.ip,
              },
            ],
    };
    // dns-packet's types want the decoded OPT fields too; the encoder needs only these.
    packet.additionals = [opt as unknown as Answer];
  }
  return dnsPacket.encode(packet);
}

/** A decoded response with every section present. */
type Decoded = Omit<DecodedPacket, 'questions' | 'answers' | 'authorities' | 'additionals'> & {
  questions: Question[];
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
};

function ask(
  r: DnsResponder,
  msg: Buffer,
  transport: DnsTransport = 'udp',
  source = '127.0.0.1',
): { raw: Buffer; p: Decoded } {
  const raw = r.respond(msg, transport, source);
  assert.ok(raw !== undefined, 'expected a response');
  const d = dnsPacket.decode(raw);
  return {
    raw,
    p: {
      ...d,
      questions: d.questions ?? [],
      answers: d.answers ?? [],
      authorities: d.authorities ?? [],
      additionals: d.additionals ?? [],
    },
  };
}

function rcodeOf(raw: Buffer): number {
  return raw[3]! & 0x0f;
}

function data(answers: readonly Answer[] | undefined): unknown[] {
  return (answers ?? []).map((a) => ('data' in a ? a.data : undefined));
}

describe('DnsResponder', () => {
  it('answers authoritatively, copies RD, never sets RA', () => {
    const { raw, p } = ask(responder(), query('www.example.test', 'A'));
    assert.equal(p.id, 4660);
    assert.equal(p.type, 'response');
    assert.equal(p.flag_aa, true);
    assert.equal(p.flag_rd, true);
    assert.equal(p.flag_ra, false);
    assert.equal(rcodeOf(raw), 0);
    assert.deepEqual(data(p.answers), ['192.0.2.10', '192.0.2.11']);
    assert.equal(p.answers[0]!.type === 'A' && p.answers[0].ttl, 60);
    const noRd = ask(responder(), query('www.example.test', 'A', { rd: false })).p;
    assert.equal(noRd.flag_rd, false);
  });

  it('answers NXDOMAIN with the SOA in authority, TTL = min(SOA TTL, MINIMUM)', () => {
    const { raw, p } = ask(responder(), query('nope.example.test', 'A'));
    assert.equal(rcodeOf(raw), 3);
    assert.equal(p.flag_aa, true);
    assert.equal(p.answers.length, 0);
    assert.equal(p.authorities.length, 1);
    const soa = p.authorities[0]!;
    assert.equal(soa.type, 'SOA');
    assert.equal(soa.name, 'example.test');
    assert.equal(soa.type === 'SOA' && soa.ttl, 60);
    assert.equal(soa.type === 'SOA' && soa.data.serial, 42);
  });

  it('answers NODATA (NOERROR, no answer, SOA) for a type the name lacks', () => {
    const { raw, p } = ask(responder(), query('mail.example.test', 'AAAA'));
    assert.equal(rcodeOf(raw), 0);
    assert.equal(p.answers.length, 0);
    assert.equal(p.authorities[0]?.type, 'SOA');
  });

  it('answers NODATA, not NXDOMAIN, for empty non-terminals', () => {
    for (const name of ['b.c.example.test', 'c.example.test', 'wild.example.test']) {
      const { raw, p } = ask(responder(), query(name, 'A'));
      assert.equal(rcodeOf(raw), 0, name);
      assert.equal(p.answers.length, 0, name);
      assert.equal(p.authorities[0]?.type, 'SOA', name);
    }
  });

  it('follows a CNAME within the zone and answers the target records', () => {
    const { p } = ask(responder(), query('docs.example.test', 'A'));
    assert.deepEqual(
      p.answers.map((a) => [a.name, a.type]),
      [
        ['docs.example.test', 'CNAME'],
        ['www.example.test', 'A'],
        ['www.example.test', 'A'],
      ],
    );
    const only = ask(responder(), query('docs.example.test', 'CNAME')).p;
    assert.deepEqual(data(only.answers), ['www.example.test']);
  });

  it('gives the rcode of the last name of a chain (RFC 6604) and stops at the zone edge and at loops', () => {
    const dangling = ask(responder(), query('old.example.test', 'A'));
    assert.equal(rcodeOf(dangling.raw), 3);
    assert.equal(dangling.p.answers[0]?.type, 'CNAME');
    assert.equal(dangling.p.authorities[0]?.type, 'SOA');
    const out = ask(responder(), query('ext.example.test', 'A'));
    assert.equal(rcodeOf(out.raw), 0);
    assert.deepEqual(data(out.p.answers), ['www.elsewhere.test']);
    assert.equal(out.p.authorities.length, 0);
    const loop = ask(responder(), query('loop1.example.test', 'A'));
    assert.equal(rcodeOf(loop.raw), 0);
    assert.equal(loop.p.answers.length, 2);
  });

  it('synthesises from a wildcard with the query name as owner (RFC 4592)', () => {
    const { p } = ask(responder(), query('anything.wild.example.test', 'TXT'));
    assert.equal(p.answers.length, 1);
    assert.equal(p.answers[0]!.name, 'anything.wild.example.test');
    const deeper = ask(responder(), query('x.y.wild.example.test', 'TXT'));
    assert.equal(deeper.p.answers[0]!.name, 'x.y.wild.example.test');
    const nodata = ask(responder(), query('anything.wild.example.test', 'A'));
    assert.equal(rcodeOf(nodata.raw), 0);
    assert.equal(nodata.p.answers.length, 0);
  });

  it('answers ANY with one RRset (RFC 8482)', () => {
    const apex = ask(responder(), query('example.test', 'ANY')).p;
    assert.deepEqual(
      apex.answers.map((a) => a.type),
      ['SOA'],
    );
    const www = ask(responder(), query('www.example.test', 'ANY')).p;
    assert.deepEqual(new Set(www.answers.map((a) => a.type)), new Set(['A']));
    const nx = ask(responder(), query('nope.example.test', 'ANY'));
    assert.equal(rcodeOf(nx.raw), 3);
  });

  it('answers SOA and NS at the apex, with glue for in-zone name servers', () => {
    const soa = ask(responder(), query('example.test', 'SOA')).p;
    assert.equal(soa.answers[0]?.type === 'SOA' && soa.answers[0].data.serial, 42);
    const ns = ask(responder(), query('example.test', 'NS')).p;
    assert.deepEqual(data(ns.answers), ['ns1.example.test']);
    assert.deepEqual(data(ns.additionals.filter((a) => a.type === 'A')), ['192.0.2.53']);
  });

  it('adds the addresses of in-zone MX and SRV targets as additional records', () => {
    const mx = ask(responder(), query('example.test', 'MX')).p;
    assert.deepEqual(data(mx.answers), [{ preference: 10, exchange: 'mail.example.test' }]);
    assert.deepEqual(data(mx.additionals), ['192.0.2.25']);
    const srv = ask(responder(), query('_sip._tcp.example.test', 'SRV')).p;
    assert.equal(srv.answers[0]?.type, 'SRV');
    assert.deepEqual(
      srv.additionals.map((a) => a.type),
      ['A', 'A', 'AAAA'],
    );
  });

  it('refuses names outside its zones and classes other than IN, with AA=0', () => {
    for (const msg of [
      query('www.example.com', 'A'),
      query('test', 'A'),
      query('www.example.test', 'A', { klass: 'CH' }),
      query('example.test', 'AXFR'),
    ]) {
      const { raw, p } = ask(responder(), msg);
      assert.equal(rcodeOf(raw), 5);
      assert.equal(p.flag_aa, false);
      assert.equal(p.answers.length + p.authorities.length, 0);
    }
  });

  it('drops messages shorter than a header and messages that are responses', () => {
    const r = responder();
    assert.equal(r.respond(Buffer.alloc(5), 'udp', '127.0.0.1'), undefined);
    const resp = ask(r, query('www.example.test', 'A')).raw;
    assert.equal(r.respond(resp, 'udp', '127.0.0.1'), undefined);
    assert.equal(r.stats().dropped, 2);
  });

  it('answers FORMERR for malformed queries, keeping the ID', () => {
    const r = responder();
    const garbage = Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0x3f, 0x61]);
    const a = ask(r, garbage);
    assert.equal(rcodeOf(a.raw), 1);
    assert.equal(a.raw.readUInt16BE(0), 0x1234);
    const noQuestion = Buffer.from([0, 7, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(rcodeOf(ask(r, noQuestion).raw), 1);
    const two = dnsPacket.encode({
      type: 'query',
      id: 9,
      questions: [
        { name: 'www.example.test', type: 'A' },
        { name: 'api.example.test', type: 'A' },
      ],
    });
    assert.equal(rcodeOf(ask(r, two).raw), 1);
    const badEcs = query('geo.example.test', 'A', {
      ecs: { family: 1, sourcePrefixLength: 24, scopePrefixLength: 8, ip: '10.1.1.0' },
    });
    assert.equal(rcodeOf(ask(r, badEcs).raw), 1);
    const strayBits = query('geo.example.test', 'A', {
      ecs: { family: 1, sourcePrefixLength: 12, ip: '10.255.0.0' },
    });
    assert.equal(rcodeOf(ask(r, strayBits).raw), 1);
    const trailing = Buffer.concat([query('www.example.test', 'A'), Buffer.from([0, 0, 0])]);
    assert.equal(rcodeOf(ask(r, trailing).raw), 1);
    assert.equal(r.stats().formErr, 6);
  });

  it('answers NOTIMP for opcodes other than QUERY', () => {
    const msg = query('example.test', 'SOA');
    for (const opcode of [2, 4, 5]) {
      const m = Buffer.from(msg);
      m[2] = (m[2]! & 0x87) | (opcode << 3);
      const { raw } = ask(responder(), m);
      assert.equal(rcodeOf(raw), 4);
      assert.equal((raw[2]! >> 3) & 0xf, opcode);
    }
  });

  it('answers BADVERS for EDNS versions above 0 (RFC 6891)', () => {
    const m = query('www.example.test', 'A', { edns: 1232 });
    // OPT TTL byte 2 is the version: header 12 + question (18 + 4) + name 1 + type 2 + class 2 + ext-rcode 1.
    m[12 + 22 + 1 + 2 + 2 + 1] = 1;
    const { raw, p } = ask(responder(), m);
    assert.equal(rcodeOf(raw), 0);
    const opt = p.additionals.find((a) => a.type === 'OPT');
    assert.ok(opt !== undefined && opt.type === 'OPT');
    assert.equal(opt.extendedRcode, 1, 'BADVERS = 16 = extended 1, header 0');
  });

  it('answers with OPT only when asked with OPT, advertising 1232 and copying DO', () => {
    const plain = ask(responder(), query('www.example.test', 'A')).p;
    assert.equal(plain.additionals.length, 0);
    const withEdns = ask(
      responder(),
      query('www.example.test', 'A', { edns: 4096, dnssecOk: true }),
    ).p;
    const opt = withEdns.additionals.find((a) => a.type === 'OPT');
    assert.ok(opt !== undefined && opt.type === 'OPT');
    assert.equal(opt.udpPayloadSize, 1232);
    assert.equal(opt.flag_do, true);
  });

  it('truncates over UDP to the payload size, and not over TCP', () => {
    const r = responder();
    const small = ask(r, query('big.example.test', 'TXT'));
    assert.equal(small.p.flag_tc, true);
    assert.equal(small.p.answers.length, 0);
    assert.equal(small.p.questions.length, 1);
    assert.ok(small.raw.length <= 512);
    const edns = ask(r, query('big.example.test', 'TXT', { edns: 4096 }));
    assert.equal(edns.p.flag_tc, false);
    assert.equal(edns.p.answers.length, 10);
    assert.ok(edns.raw.length <= 1232);
    const floor = ask(r, query('big.example.test', 'TXT', { edns: 100 }));
    assert.equal(floor.p.flag_tc, true, 'payload sizes under 512 count as 512');
    const tcp = ask(r, query('big.example.test', 'TXT'), 'tcp');
    assert.equal(tcp.p.flag_tc, false);
    assert.equal(tcp.p.answers.length, 10);
    assert.equal(r.stats().truncated, 2);
  });

  it('compresses names: answer owners point at the question', () => {
    const { raw, p } = ask(responder(), query('www.example.test', 'A'));
    // Question ends at 12 + 18 + 4 = 34; the first answer's owner is the pointer 0xC00C.
    assert.equal(raw[34], 0xc0);
    assert.equal(raw[35], 0x0c);
    assert.equal(p.answers.length, 2);
    const mx = ask(responder(), query('example.test', 'MX')).raw;
    const uncompressed = dnsPacket.encode({ ...dnsPacket.decode(mx), type: 'response' });
    assert.ok(mx.length < uncompressed.length, `${mx.length} < ${uncompressed.length}`);
  });

  it('echoes the question case (0x20) and the ID on cache hits too', () => {
    const r = responder();
    const first = ask(r, query('WwW.ExAmPlE.tEsT', 'A', { id: 1 }));
    assert.equal(first.p.questions[0]!.name, 'WwW.ExAmPlE.tEsT');
    assert.equal(first.p.answers[0]!.name, 'WwW.ExAmPlE.tEsT');
    const second = ask(r, query('wWw.eXaMpLe.TeSt', 'A', { id: 2, rd: false }));
    assert.equal(r.stats().cacheHits, 1);
    assert.equal(second.p.id, 2);
    assert.equal(second.p.flag_rd, false);
    assert.equal(second.p.questions[0]!.name, 'wWw.eXaMpLe.TeSt');
    assert.equal(second.p.answers[0]!.name, 'wWw.eXaMpLe.TeSt');
    assert.deepEqual(data(second.p.answers), data(first.p.answers));
  });

  it('swaps zones atomically and drops the cache with them', () => {
    const r = responder();
    ask(r, query('www.example.test', 'A'));
    ask(r, query('www.example.test', 'A'));
    assert.equal(r.stats().cacheHits, 1);
    r.swapZone(
      buildZoneSnapshot({
        ...ZONE,
        serial: 43,
        recordSets: [{ name: 'www.example.test', type: 'A', records: ['198.51.100.1'] }],
      }),
    );
    const after = ask(r, query('www.example.test', 'A')).p;
    assert.deepEqual(data(after.answers), ['198.51.100.1']);
    const soa = ask(r, query('example.test', 'SOA')).p;
    assert.equal(soa.answers[0]?.type === 'SOA' && soa.answers[0].data.serial, 43);
    assert.equal(r.stats().cacheHits, 1);
    assert.equal(r.removeZone('example.test.'), true);
    assert.equal(rcodeOf(ask(r, query('www.example.test', 'A')).raw), 5);
    assert.equal(r.removeZone('example.test'), false);
  });

  it('routes by latency from the ECS subnet and echoes the scope (RFC 7871)', () => {
    const r = responder();
    const eu = ask(
      r,
      query('geo.example.test', 'A', {
        ecs: { family: 1, sourcePrefixLength: 24, ip: '10.1.7.0' },
      }),
    );
    assert.deepEqual(data(eu.p.answers), ['192.0.2.100']);
    const us = ask(
      r,
      query('geo.example.test', 'A', {
        ecs: { family: 1, sourcePrefixLength: 24, ip: '10.2.7.0' },
      }),
    );
    assert.deepEqual(data(us.p.answers), ['192.0.2.200']);
    const opt = us.p.additionals.find((a) => a.type === 'OPT');
    assert.ok(opt?.type === 'OPT');
    const ecs = opt.options?.[0] as {
      sourcePrefixLength: number;
      scopePrefixLength: number;
      ip: string;
    };
    assert.equal(ecs.sourcePrefixLength, 24);
    assert.equal(ecs.scopePrefixLength, 16);
    assert.equal(ecs.ip, '10.2.7.0');
    const elsewhere = ask(
      r,
      query('geo.example.test', 'A', {
        ecs: { family: 1, sourcePrefixLength: 24, ip: '192.0.2.0' },
      }),
    );
    assert.deepEqual(data(elsewhere.p.answers), ['192.0.2.100', '192.0.2.200']);
    const plain = ask(
      r,
      query('www.example.test', 'A', {
        ecs: { family: 1, sourcePrefixLength: 24, ip: '10.2.7.0' },
      }),
    );
    const plainOpt = plain.p.additionals.find((a) => a.type === 'OPT');
    assert.ok(plainOpt?.type === 'OPT');
    assert.equal((plainOpt.options?.[0] as { scopePrefixLength: number }).scopePrefixLength, 0);
  });

  it('routes by the resolver address without ECS, caching per table entry', () => {
    const r = responder();
    const q = query('geo.example.test', 'A');
    assert.deepEqual(data(ask(r, q, 'udp', '10.1.0.9').p.answers), ['192.0.2.100']);
    assert.deepEqual(data(ask(r, q, 'udp', '10.2.0.9').p.answers), ['192.0.2.200']);
    assert.deepEqual(data(ask(r, q, 'udp', '10.1.99.1').p.answers), ['192.0.2.100']);
    assert.deepEqual(data(ask(r, q, 'udp', '10.2.99.1').p.answers), ['192.0.2.200']);
    assert.equal(r.stats().cacheHits, 2);
    const noTable = new DnsResponder({ zones: [buildZoneSnapshot(ZONE)] });
    assert.deepEqual(data(ask(noTable, q, 'udp', '10.1.0.9').p.answers), [
      '192.0.2.100',
      '192.0.2.200',
    ]);
  });

  it('answers from the cache exactly what it would compute afresh (property)', () => {
    const names = ['www', 'docs', 'old', 'nope', 'a.b.c', 'b.c', 'x.wild', 'geo', 'big', '', 'ns1'];
    const types = ['A', 'AAAA', 'TXT', 'MX', 'SOA', 'NS', 'CNAME', 'ANY', 'SRV'];
    const warm = responder();
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.constantFrom(...types),
        fc.option(fc.integer({ min: 0, max: 4096 }), { nil: undefined }),
        fc.boolean(),
        fc.integer({ min: 0, max: 0xffff }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        fc.constantFrom<DnsTransport>('udp', 'tcp'),
        (label, type, edns, dnssecOk, id, caseBits, transport) => {
          const lower = label === '' ? 'example.test' : `${label}.example.test`;
          const mixed = [...lower].map((c, i) => (caseBits[i % 40] ? c.toUpperCase() : c)).join('');
          const o = { id, ...(edns === undefined ? {} : { edns }), dnssecOk };
          const fromWarm = warm.respond(query(mixed, type, o), transport, '127.0.0.1');
          const fresh = responder().respond(query(mixed, type, o), transport, '127.0.0.1');
          assert.ok(fresh !== undefined && fromWarm !== undefined);
          assert.equal(fromWarm.toString('hex'), fresh.toString('hex'));
        },
      ),
      { seed, numRuns: 400 },
    );
    assert.ok(warm.stats().cacheHits > 0);
  });

  it('bounds the cache however many distinct names are asked', () => {
    const r = new DnsResponder({ zones: [buildZoneSnapshot(ZONE)], cacheMaxEntries: 100 });
    for (let i = 0; i < 5000; i++) r.respond(query(`n${i}.example.test`, 'A'), 'udp', '127.0.0.1');
    assert.ok(r.stats().cacheEntries <= 200, `${r.stats().cacheEntries} entries`);
  });

  it('rejects bad options, naming them', () => {
    assert.throws(() => new DnsResponder({ maxUdpPayloadSize: 100 }), /maxUdpPayloadSize.*100/);
    assert.throws(() => new DnsResponder({ cacheMaxEntries: 1.5 }), /cacheMaxEntries/);
    assert.throws(() => new DnsResponder(null as never), /options must be an object/);
    const z = buildZoneSnapshot(ZONE);
    assert.throws(() => new DnsResponder({ zones: [z, z] }), /given twice/);
  });
});

describe('DnsResponder weighted routing', () => {
  const SEED = process.env['FC_SEED'] === undefined ? 6 : Number(process.env['FC_SEED']);
  console.log(`dns-responder.test.ts weighted seed: ${SEED}`);
  const WEIGHTED: ZoneSnapshotInput = {
    zone: 'w.test',
    serial: 1,
    recordSets: [
      {
        name: 'api.w.test',
        type: 'A',
        ttl: 30,
        weighted: true,
        records: [
          { address: '192.0.2.1', weight: 3 },
          { address: '192.0.2.2', weight: 1 },
          { address: '192.0.2.3', weight: 0 },
        ],
      },
      {
        name: 'spare.w.test',
        type: 'A',
        weighted: true,
        records: [
          { address: '192.0.2.8', weight: 0 },
          { address: '192.0.2.9', weight: 0 },
        ],
      },
      { name: 'alias.w.test', type: 'CNAME', records: [{ target: 'api.w.test' }] },
    ],
  };

  function countAnswers(r: DnsResponder, name: string, n: number): Map<string, number> {
    const counts = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const { p } = ask(r, query(name, 'A', { id: i & 0xffff }));
      const a = p.answers.filter((x) => x.type === 'A').map((x) => (x as { data: string }).data);
      assert.equal(a.length, 1, `one A record per answer, got ${a.join(', ')}`);
      counts.set(a[0]!, (counts.get(a[0]!) ?? 0) + 1);
    }
    return counts;
  }

  it('answers ONE record per query, drawn by weight, mostly from the cache', () => {
    const r = new DnsResponder({ zones: [buildZoneSnapshot(WEIGHTED)], rng: new Rng(SEED) });
    const counts = countAnswers(r, 'api.w.test', 10_000);
    console.log(`responder weighted shares (3:1:0, seed ${SEED}): ${JSON.stringify([...counts])}`);
    assert.ok(Math.abs(counts.get('192.0.2.1')! / 10_000 - 0.75) < 0.02);
    assert.ok(Math.abs(counts.get('192.0.2.2')! / 10_000 - 0.25) < 0.02);
    assert.equal(counts.get('192.0.2.3'), undefined, 'a zero weight is a standby');
    const s = r.stats();
    assert.ok(s.cacheHits >= 9_990, `cache hits ${s.cacheHits}`);
    assert.equal(s.cacheEntries, 1);
  });

  it('draws uniformly when every weight is 0 (the plan kept only standbys)', () => {
    const r = new DnsResponder({ zones: [buildZoneSnapshot(WEIGHTED)], rng: new Rng(SEED) });
    const counts = countAnswers(r, 'spare.w.test', 4_000);
    assert.ok(Math.abs(counts.get('192.0.2.8')! / 4_000 - 0.5) < 0.03);
  });

  it('follows a CNAME to a weighted name and draws there', () => {
    const r = new DnsResponder({ zones: [buildZoneSnapshot(WEIGHTED)], rng: new Rng(SEED) });
    const counts = countAnswers(r, 'alias.w.test', 2_000);
    assert.deepEqual([...counts.keys()].sort(), ['192.0.2.1', '192.0.2.2']);
  });

  it('replays the same answers from the same seed', () => {
    const run = (): string[] => {
      const r = new DnsResponder({ zones: [buildZoneSnapshot(WEIGHTED)], rng: new Rng(SEED) });
      return Array.from(
        { length: 50 },
        () => (ask(r, query('api.w.test', 'A')).p.answers[0] as { data: string }).data,
      );
    };
    assert.deepEqual(run(), run());
  });

  it('rejects an rng that is not an Rng', () => {
    assert.throws(() => new DnsResponder({ rng: {} as never }), /rng must be an Rng/);
  });
});
