/**
 * @module
 * A minimal UDP query for polling loops: one A/AAAA question, the answer's addresses back.
 * Lighter than spawning `dig` ten times a second, so a 100 ms poll measures the server, not
 * process start-up. Encoding and decoding are `dns-packet`'s.
 */
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import dnsPacket from 'dns-packet';
import { systemClock } from '../../src/core/clock.js';

/** Asks `name`/`type` at 127.0.0.1:`port`; resolves with the answer's addresses (sorted). */
export function queryAddresses(
  port: number,
  name: string,
  type: 'A' | 'AAAA' = 'A',
  timeoutMs = 1000,
): Promise<string[]> {
  const sock = dgram.createSocket('udp4');
  const id = randomInt(65_536);
  const query = dnsPacket.encode({
    type: 'query',
    id,
    flags: 0,
    questions: [{ type, name, class: 'IN' }],
  });
  return new Promise<string[]>((resolve, reject) => {
    const timer = systemClock.setTimer(timeoutMs, () => {
      sock.close();
      reject(new Error(`no answer for ${name} ${type} within ${timeoutMs} ms`));
    });
    sock.on('message', (msg) => {
      const r = dnsPacket.decode(msg);
      if (r.id !== id) return;
      timer.cancel();
      sock.close();
      const out: string[] = [];
      for (const a of r.answers ?? []) {
        if ((a.type === 'A' || a.type === 'AAAA') && typeof a.data === 'string') out.push(a.data);
      }
      resolve(out.sort());
    });
    sock.send(query, port, '127.0.0.1');
  });
}
