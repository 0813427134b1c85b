/**
 * @module
 * The zone the DNS integration tests, the fuzzer and the benchmark serve: the shape of
 * `examples/phonebook.yaml` (www, api, docs → www, TXT and MX at the apex) plus one name for
 * each edge case — empty non-terminals, a wildcard, a dangling CNAME, a CNAME leaving the
 * zone, a CNAME loop, an SRV, an answer too big for 512 bytes, and a latency-routed name.
 */
import { buildZoneSnapshot } from '../../src/dns/server/zone-snapshot.js';
import type { ZoneSnapshot, ZoneSnapshotInput } from '../../src/dns/server/zone-snapshot.js';

/** Input of the test zone `example.test`. */
export const EXAMPLE_ZONE: ZoneSnapshotInput = {
  zone: 'example.test',
  serial: 2025102001,
  nameServers: ['ns1.example.test', 'ns2.example.test'],
  recordSets: [
    { name: 'example.test', type: 'TXT', records: ['v=spf1 -all', 'breakwater test zone'] },
    {
      name: 'example.test',
      type: 'MX',
      records: [
        { preference: 10, exchange: 'mail.example.test' },
        { preference: 20, exchange: 'mail2.example.test' },
      ],
    },
    { name: 'ns1.example.test', type: 'A', records: ['192.0.2.53'] },
    { name: 'ns2.example.test', type: 'A', records: ['192.0.2.54'] },
    { name: 'mail.example.test', type: 'A', records: ['192.0.2.25'] },
    { name: 'mail2.example.test', type: 'A', records: ['192.0.2.26'] },
    { name: 'www.example.test', type: 'A', ttl: 60, records: ['192.0.2.10', '192.0.2.11'] },
    { name: 'www.example.test', type: 'AAAA', ttl: 60, records: ['2001:db8::10', '2001:db8::11'] },
    {
      name: 'api.example.test',
      type: 'A',
      ttl: 30,
      records: ['192.0.2.20', '192.0.2.21', '192.0.2.22'],
    },
    { name: 'docs.example.test', type: 'CNAME', records: ['www.example.test'] },
    { name: 'help.example.test', type: 'CNAME', records: ['docs.example.test'] },
    { name: 'old.example.test', type: 'CNAME', records: ['gone.example.test'] },
    { name: 'ext.example.test', type: 'CNAME', records: ['www.elsewhere.test'] },
    { name: 'a.b.c.example.test', type: 'A', records: ['192.0.2.30'] },
    { name: '*.wild.example.test', type: 'TXT', records: ['from the wildcard'] },
    { name: '*.wild.example.test', type: 'A', records: ['192.0.2.40'] },
    {
      name: '_sip._tcp.example.test',
      type: 'SRV',
      records: [
        { priority: 10, weight: 60, port: 5060, target: 'www.example.test' },
        { priority: 20, weight: 0, port: 5060, target: 'api.example.test' },
      ],
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
      variants: { 'eu-west-1': ['192.0.2.100'], 'us-east-1': ['192.0.2.200'] },
    },
  ],
};

/** Region latencies for `geo.example.test`. */
export const EXAMPLE_LATENCY = {
  entries: [
    { prefix: '10.1.0.0/16', latencyMs: { 'eu-west-1': 12, 'us-east-1': 85 } },
    { prefix: '10.2.0.0/16', latencyMs: { 'eu-west-1': 90, 'us-east-1': 9 } },
  ],
};

/** The built snapshot of {@link EXAMPLE_ZONE}. */
export function exampleZone(): ZoneSnapshot {
  return buildZoneSnapshot(EXAMPLE_ZONE);
}
