import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalRecordSet,
  capacityOf,
  compareRecordSets,
  formatRecord,
  parseRecordSet,
  recordKey,
} from './record-set.js';
import type { RecordSet } from './record-set.js';
import type { ValidationIssue } from './errors.js';

function parse(input: unknown): { set: RecordSet | undefined; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const set = parseRecordSet(input, 'rs', issues);
  return { set, issues };
}

function fields(input: unknown): string[] {
  return parse(input).issues.map((i) => i.field);
}

describe('parseRecordSet', () => {
  it('normalises names, fills the default TTL and weight, sorts records', () => {
    const { set } = parse({
      name: 'API.Example.COM.',
      type: 'A',
      records: ['192.0.2.9', '192.0.2.1'],
    });
    assert.deepEqual(set, {
      name: 'api.example.com',
      type: 'A',
      ttl: 300,
      records: [
        { address: '192.0.2.1', weight: 1 },
        { address: '192.0.2.9', weight: 1 },
      ],
    });
    assert.ok(Object.isFrozen(set) && Object.isFrozen(set?.records[0]));
  });

  it('writes IPv6 in RFC 5952 form', () => {
    const { set } = parse({
      name: 'v6.example.com',
      type: 'AAAA',
      records: [
        '2001:DB8:0:0:0:0:0:1',
        '2001:db8:0:0:1:0:0:1',
        '::ffff:192.0.2.1',
        '1:0:0:2:0:0:0:3',
      ],
    });
    assert.deepEqual(
      set?.records.map((r) => (r as { address: string }).address),
      ['1:0:0:2::3', '2001:db8::1', '2001:db8::1:0:0:1', '::ffff:192.0.2.1'],
    );
  });

  it('names the field of every problem', () => {
    assert.deepEqual(
      fields({
        name: 'a..b',
        type: 'A',
        ttl: -1,
        records: ['300.1.1.1', { address: '192.0.2.1', weight: -2 }],
      }),
      ['rs.name', 'rs.ttl', 'rs.records[0].address', 'rs.records[1].weight'],
    );
    assert.deepEqual(
      fields({ name: 'x.example', type: 'AAAA', records: ['192.0.2.1', 'fe80::1%eth0'] }),
      ['rs.records[0].address', 'rs.records[1].address'],
    );
    assert.deepEqual(fields({ name: 'x.example', type: 'PTR', records: [] }), ['rs.type']);
    assert.deepEqual(fields({ name: 'x.example', type: 'A', records: 'nope' }), ['rs.records']);
    assert.deepEqual(fields('nope'), ['rs']);
    assert.deepEqual(
      fields({ name: 'x.example', type: 'A', records: [{ address: '192.0.2.1', region: '' }] }),
      ['rs.records[0].region'],
    );
  });

  it('refuses an empty record set (it would serve nothing)', () => {
    const { issues } = parse({ name: 'x.example', type: 'A', records: [] });
    assert.match(issues[0]!.message, /at least one record/);
  });

  it('refuses duplicate records, an address once per set', () => {
    const { issues } = parse({
      name: 'x.example',
      type: 'A',
      records: ['192.0.2.1', { address: '192.0.2.1', weight: 5 }],
    });
    assert.equal(issues[0]!.field, 'rs.records[1]');
    assert.match(issues[0]!.message, /duplicates records\[0\]/);
  });

  it('checks DNS name syntax: labels, length, wildcards, underscores', () => {
    assert.equal(fields({ name: '*.example.com', type: 'A', records: ['192.0.2.1'] }).length, 0);
    assert.equal(
      fields({ name: '_dmarc.example.com', type: 'TXT', records: ['v=DMARC1'] }).length,
      0,
    );
    assert.deepEqual(fields({ name: 'a.*.example', type: 'A', records: ['192.0.2.1'] }), [
      'rs.name',
    ]);
    assert.deepEqual(fields({ name: '-bad.example', type: 'A', records: ['192.0.2.1'] }), [
      'rs.name',
    ]);
    assert.deepEqual(
      fields({ name: `${'a'.repeat(64)}.example`, type: 'A', records: ['192.0.2.1'] }),
      ['rs.name'],
    );
    assert.deepEqual(fields({ name: `${'a.'.repeat(127)}ab`, type: 'A', records: ['192.0.2.1'] }), [
      'rs.name',
    ]);
    assert.deepEqual(fields({ name: '', type: 'A', records: ['192.0.2.1'] }), ['rs.name']);
    assert.deepEqual(fields({ name: 5, type: 'A', records: ['192.0.2.1'] }), ['rs.name']);
  });

  it('holds exactly one CNAME record, not pointing at itself, to a host name', () => {
    assert.deepEqual(
      fields({ name: 'a.example', type: 'CNAME', records: ['b.example', 'c.example'] }),
      ['rs.records'],
    );
    assert.deepEqual(fields({ name: 'a.example', type: 'CNAME', records: ['a.example.'] }), [
      'rs.records[0]',
    ]);
    assert.deepEqual(fields({ name: 'a.example', type: 'CNAME', records: [{ target: '*.x' }] }), [
      'rs.records[0].target',
    ]);
    assert.deepEqual(
      parse({ name: 'a.example', type: 'CNAME', records: ['B.Example.'] }).set?.records,
      [{ target: 'b.example' }],
    );
  });

  it('checks MX and SRV fields, allowing the "." target', () => {
    assert.deepEqual(
      fields({
        name: 'example.com',
        type: 'MX',
        records: [{ preference: 70000, exchange: 'mail' }, { exchange: '1.2' }],
      }),
      ['rs.records[0].preference', 'rs.records[1].preference'],
    );
    assert.equal(
      fields({ name: 'example.com', type: 'MX', records: [{ preference: 0, exchange: '.' }] })
        .length,
      0,
    );
    assert.deepEqual(
      fields({
        name: '_sip._tcp.example.com',
        type: 'SRV',
        records: [{ priority: 1, weight: 2.5, port: 99999, target: 'sip.example.com' }],
      }),
      ['rs.records[0].weight', 'rs.records[0].port'],
    );
    assert.deepEqual(
      fields({
        name: 'sip.example.com',
        type: 'SRV',
        records: [{ priority: 1, weight: 1, port: 5060, target: '.' }],
      }),
      ['rs.name'],
    );
    assert.deepEqual(fields({ name: '_s._t.example', type: 'SRV', records: ['x'] }), [
      'rs.records[0]',
    ]);
  });

  it('caps TXT text at what fits in one RDATA', () => {
    assert.equal(
      fields({ name: 'x.example', type: 'TXT', records: ['a'.repeat(65_280)] }).length,
      0,
    );
    assert.deepEqual(fields({ name: 'x.example', type: 'TXT', records: ['a'.repeat(65_281)] }), [
      'rs.records[0]',
    ]);
    assert.deepEqual(fields({ name: 'x.example', type: 'TXT', records: [{ text: 3 }] }), [
      'rs.records[0].text',
    ]);
  });
});

describe('recordKey', () => {
  it('identifies address records by address only, others by every field', () => {
    assert.equal(recordKey('A', { address: '192.0.2.1', weight: 3 }), '192.0.2.1');
    assert.equal(recordKey('MX', { preference: 10, exchange: 'mx.example' }), '10 mx.example');
    assert.equal(recordKey('SRV', { priority: 1, weight: 2, port: 3, target: 't' }), '1 2 3 t');
    assert.equal(recordKey('TXT', { text: 'a b' }), '"a b"');
    assert.equal(recordKey('CNAME', { target: 'c' }), 'c');
  });
});

describe('formatRecord', () => {
  it('writes record data as a zone file does', () => {
    assert.equal(formatRecord('A', { address: '192.0.2.1', weight: 1 }), '192.0.2.1');
    assert.equal(
      formatRecord('A', { address: '192.0.2.1', weight: 2, region: 'eu' }),
      '192.0.2.1 ; weight=2 region=eu',
    );
    assert.equal(formatRecord('MX', { preference: 10, exchange: 'mx.example' }), '10 mx.example.');
    assert.equal(formatRecord('SRV', { priority: 1, weight: 2, port: 3, target: '.' }), '1 2 3 .');
    assert.equal(formatRecord('CNAME', { target: 'b.example' }), 'b.example.');
    assert.equal(formatRecord('TXT', { text: 'hi "x"' }), '"hi \\"x\\""');
  });
});

describe('canonicalRecordSet', () => {
  it('is the same for equal sets written differently', () => {
    const a = parse({
      name: 'X.example.',
      type: 'A',
      ttl: 60,
      records: ['192.0.2.2', '192.0.2.1'],
    }).set!;
    const b = parse({
      name: 'x.example',
      type: 'A',
      ttl: 60,
      records: [{ address: '192.0.2.1' }, '192.0.2.2'],
    }).set!;
    assert.equal(canonicalRecordSet(a), canonicalRecordSet(b));
    const c = parse({
      name: 'x.example',
      type: 'A',
      ttl: 61,
      records: ['192.0.2.1', '192.0.2.2'],
    }).set!;
    assert.notEqual(canonicalRecordSet(a), canonicalRecordSet(c));
  });
});

describe('compareRecordSets', () => {
  it('orders by name, then type', () => {
    const s = (name: string, type: 'A' | 'TXT'): RecordSet => ({ name, type, ttl: 1, records: [] });
    const sorted = [s('b', 'A'), s('a', 'TXT'), s('a', 'A')].sort(compareRecordSets);
    assert.deepEqual(
      sorted.map((x) => `${x.name}/${x.type}`),
      ['a/A', 'a/TXT', 'b/A'],
    );
  });
});

describe('capacityOf', () => {
  it('sums weights', () => {
    assert.equal(
      capacityOf([
        { address: 'a', weight: 2 },
        { address: 'b', weight: 0.5 },
      ]),
      2.5,
    );
  });
});
