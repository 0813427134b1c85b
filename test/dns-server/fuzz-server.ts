/**
 * @module
 * The server under fuzz, in its own process (so its memory is measured alone): started by
 * `fuzz.test.ts` with `fork`, it serves the example zone on a free loopback port, sends
 * `{ port }` once listening, and answers `'status'` messages with its status and memory after
 * a forced GC (the test runs it with `--expose-gc`).
 */
import { DnsServer } from '../../src/dns/server/dns-server.js';
import { EXAMPLE_LATENCY, exampleZone } from './example-zone.js';

const server = new DnsServer({
  port: 0,
  zones: [exampleZone()],
  latencyTable: EXAMPLE_LATENCY,
  // Small, so that the fuzzer fills and rotates the cache many times over.
  cacheMaxEntries: 2000,
  tcpMaxConnections: 20,
});
const { port } = await server.listen();
process.send?.({ port });
process.on('message', (msg) => {
  if (msg === 'status') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ status: server.status(), memory: process.memoryUsage() });
  } else if (msg === 'stop') {
    void server.close().then(() => process.exit(0));
  }
});
