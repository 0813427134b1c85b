import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import dnsPacket from 'dns-packet';
import { buildZoneSnapshot } from '../zone-snapshot.js';
import {
  answerZoneTransfer,
  isZoneTransferQuery,
  MAX_TRANSFER_MESSAGE_BYTES,
  normaliseAddress,
} from './zone-transfer.js';

const zone = buildZoneSnapshot({
  zone: 'z.test',
  serial: 5,
  recordSets: [
    { name: 'www.z.test', type: 'A', records: ['192.0.2.1'] },
    { name: 'z.test', type: 'TXT', records: ['hello'] },
  ],
});
const allow = new Set(['127.0.0.1']);

function q(type: string, name = 'z.test', serial?: number): Buffer {
  return dnsPacket.encode({
    id: 99,
    type: 'query',
    questions: [{ name, type: type as 'A' }],
    ...(serial === undefined
      ? {}
      : {
          authorities: [
            {
              name,
              type: 'SOA',
              ttl: 0,
              data: {
                mname: 'a',
                rname: 'b',
                serial,
                refresh: 0,
                retry: 0,
                expire: 0,
                minimum: 0,
              },
            },
          ],
        }),
  });
}

describe('isZoneTransferQuery', () => {
  it('spots AXFR and IXFR queries only', () => {
    assert.equal(isZoneTransferQuery(q('AXFR')), true);
    assert.equal(isZoneTransferQuery(q('IXFR')), true);
    assert.equal(isZoneTransferQuery(q('A')), false);
    assert.equal(isZoneTransferQuery(Buffer.alloc(5)), false);
    const response = Buffer.from(q('AXFR'));
    response[2] = 0x80;
    assert.equal(isZoneTransferQuery(response), false);
  });
});

describe('answerZoneTransfer', () => {
  it('sends the zone between two SOAs, the question in the first message', () => {
    const [m, ...rest] = answerZoneTransfer(q('AXFR'), '127.0.0.1', [zone], allow);
    assert.equal(rest.length, 0);
    const d = dnsPacket.decode(m!);
    assert.equal(d.id, 99);
    assert.equal(d.flag_aa, true);
    assert.equal(d.questions?.length, 1);
    const types = (d.answers ?? []).map((a) => a.type);
    assert.equal(types[0], 'SOA');
    assert.equal(types.at(-1), 'SOA');
    assert.deepEqual(types.slice(1, -1).sort(), ['A', 'NS', 'TXT']);
  });

  it('refuses addresses off the allow-list, NOTAUTH for unknown zones', () => {
    const [r] = answerZoneTransfer(q('AXFR'), '127.0.0.9', [zone], allow);
    assert.equal(r![3]! & 0xf, 5);
    const [n] = answerZoneTransfer(q('AXFR', 'other.test'), '::ffff:127.0.0.1', [zone], allow);
    assert.equal(n![3]! & 0xf, 9);
  });

  it('answers an up-to-date IXFR with one SOA, an older one with the whole zone', () => {
    const [same] = answerZoneTransfer(q('IXFR', 'z.test', 5), '127.0.0.1', [zone], allow);
    assert.deepEqual(
      (dnsPacket.decode(same!).answers ?? []).map((a) => a.type),
      ['SOA'],
    );
    const [older] = answerZoneTransfer(q('IXFR', 'z.test', 4), '127.0.0.1', [zone], allow);
    assert.equal((dnsPacket.decode(older!).answers ?? []).length, 5);
  });

  it('splits a big zone into messages of bounded size, question only in the first', () => {
    const big = buildZoneSnapshot({
      zone: 'big.test',
      serial: 1,
      recordSets: Array.from({ length: 2000 }, (_, i) => ({
        name: `h${i}.big.test`,
        type: 'TXT' as const,
        records: [`record number ${i}`],
      })),
    });
    const msgs = answerZoneTransfer(
      q('AXFR', 'big.test'),
      '127.0.0.1',
      [big],
      new Set(['127.0.0.1']),
    );
    assert.ok(msgs.length > 1);
    let count = 0;
    msgs.forEach((m, i) => {
      assert.ok(m.length <= MAX_TRANSFER_MESSAGE_BYTES + 512);
      const d = dnsPacket.decode(m);
      assert.equal(d.questions?.length, i === 0 ? 1 : 0);
      count += d.answers?.length ?? 0;
    });
    assert.equal(count, 2000 + 3);
  });

  it('answers a malformed transfer query with FORMERR', () => {
    const bad = Buffer.from(q('AXFR')).subarray(0, 20);
    const [r] = answerZoneTransfer(bad, '127.0.0.1', [zone], allow);
    assert.equal(r![3]! & 0xf, 1);
  });
});

describe('normaliseAddress', () => {
  it('strips the IPv4-mapped prefix', () => {
    assert.equal(normaliseAddress('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(normaliseAddress('2001:DB8::1'), '2001:db8::1');
  });
});
