import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import {
  chooseRegion,
  clientSubnetOfAddress,
  compileRegionLatencyTable,
  matchClientSubnet,
  parseIpAddress,
  selectRegion,
} from './latency-routing.js';
import type { ClientSubnet } from './latency-routing.js';

const seed =
  process.env['FC_SEED'] !== undefined ? Number(process.env['FC_SEED']) : randomInt(2 ** 31);
console.log(`latency-routing.test.ts fast-check seed: ${seed} (FC_SEED=${seed} reproduces)`);

const table = compileRegionLatencyTable({
  entries: [
    { prefix: '10.0.0.0/8', latencyMs: { eu: 20, us: 80 } },
    { prefix: '10.9.0.0/16', latencyMs: { eu: 90, us: 10 } },
    { prefix: '2001:db8::/32', latencyMs: { ap: 5, eu: 50 } },
  ],
  defaultLatencyMs: { us: 1, eu: 2 },
});
const all = new Set(['eu', 'us', 'ap']);

function v4(address: string, prefix: number): ClientSubnet {
  const ip = parseIpAddress(address)!;
  return { family: 1, address: ip.bytes, sourcePrefixLength: prefix };
}

describe('matchClientSubnet', () => {
  it('matches the longest prefix the source covers, with a scope past more specific entries', () => {
    // Entries are sorted longest first: [2001:db8::/32, 10.9.0.0/16, 10.0.0.0/8].
    assert.deepEqual(matchClientSubnet(table, v4('10.9.3.0', 24)), {
      entry: 1,
      scopePrefixLength: 16,
    });
    // In 10/8 but not in 10.9/16: scope long enough to exclude 10.9/16 (they differ at bit 12).
    assert.deepEqual(matchClientSubnet(table, v4('10.1.0.0', 24)), {
      entry: 2,
      scopePrefixLength: 13,
    });
    // A /12 source cannot be matched against the /16.
    assert.deepEqual(matchClientSubnet(table, v4('10.0.0.0', 12)), {
      entry: 2,
      scopePrefixLength: 12,
    });
    assert.equal(matchClientSubnet(table, v4('192.0.2.0', 24)).entry, -1);
    assert.equal(matchClientSubnet(table, clientSubnetOfAddress('2001:db8::1')!).entry, 0);
    assert.equal(
      matchClientSubnet(compileRegionLatencyTable({ entries: [] }), v4('10.0.0.0', 24))
        .scopePrefixLength,
      0,
    );
  });
});

describe('chooseRegion', () => {
  it('picks the lowest latency among the regions that have records', () => {
    assert.equal(chooseRegion(table, 1, all), 'us');
    assert.equal(chooseRegion(table, 1, new Set(['eu'])), 'eu');
    assert.equal(chooseRegion(table, 1, new Set(['ap'])), undefined);
    assert.equal(chooseRegion(table, 0, all), 'ap');
    assert.equal(chooseRegion(table, -1, all), 'us', 'the default ranking');
    assert.equal(selectRegion(table, v4('10.200.0.0', 16), all).region, 'eu');
  });
});

describe('compileRegionLatencyTable', () => {
  it('rejects bad prefixes and latencies, naming the entry', () => {
    assert.throws(
      () => compileRegionLatencyTable({ entries: [{ prefix: '10.0.0.0/33', latencyMs: {} }] }),
      /entries\[0\]\.prefix/,
    );
    assert.throws(
      () => compileRegionLatencyTable({ entries: [{ prefix: '10.0.0.1/8', latencyMs: {} }] }),
      /bits set past \/8/,
    );
    assert.throws(
      () => compileRegionLatencyTable({ entries: [{ prefix: 'nope', latencyMs: {} }] }),
      /CIDR/,
    );
    assert.throws(
      () =>
        compileRegionLatencyTable({ entries: [{ prefix: '10.0.0.0/8', latencyMs: { eu: -1 } }] }),
      /latencyMs\.eu/,
    );
    assert.throws(() => compileRegionLatencyTable({} as never), /entries must be an array/);
  });
});

describe('parseIpAddress', () => {
  it('parses IPv4, IPv6 and IPv4-mapped IPv6', () => {
    assert.deepEqual([...parseIpAddress('192.0.2.1')!.bytes], [192, 0, 2, 1]);
    assert.deepEqual(
      [...parseIpAddress('2001:db8::1')!.bytes],
      [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
    );
    assert.deepEqual(
      [...parseIpAddress('::ffff:192.0.2.1')!.bytes].slice(10),
      [0xff, 0xff, 192, 0, 2, 1],
    );
    assert.equal(parseIpAddress('nope'), undefined);
  });
});

describe('matchClientSubnet (property)', () => {
  it('gives every client within the returned scope the same entry', () => {
    const prefix = fc
      .tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }))
      .map(([a, len]) => {
        const masked = len === 0 ? 0 : (a >>> (32 - len)) << (32 - len);
        const m = masked >>> 0;
        return `${m >>> 24}.${(m >>> 16) & 255}.${(m >>> 8) & 255}.${m & 255}/${len}`;
      });
    const bytes = (n: number): Uint8Array =>
      new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
    const mask = (n: number, len: number): number =>
      len === 0 ? 0 : ((n >>> (32 - len)) << (32 - len)) >>> 0;
    fc.assert(
      fc.property(
        fc.uniqueArray(prefix, { maxLength: 12 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (prefixes, a, src, noise) => {
          const t = compileRegionLatencyTable({
            entries: prefixes.map((p) => ({ prefix: p, latencyMs: { r: 1 } })),
          });
          const client = {
            family: 1 as const,
            address: bytes(mask(a, src)),
            sourcePrefixLength: src,
          };
          const m = matchClientSubnet(t, client);
          assert.ok(m.scopePrefixLength <= src);
          // Another client that shares the first `scope` bits, sending the same source length.
          const keep = mask(a, m.scopePrefixLength);
          const other = (keep | (noise & ~mask(0xffffffff, m.scopePrefixLength))) >>> 0;
          const m2 = matchClientSubnet(t, {
            family: 1,
            address: bytes(mask(other, src)),
            sourcePrefixLength: src,
          });
          assert.equal(m2.entry, m.entry);
        },
      ),
      { seed, numRuns: 500 },
    );
  });
});
