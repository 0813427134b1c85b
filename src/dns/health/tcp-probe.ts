/**
 * @module
 * TCP probe: healthy when a connection is established (the three-way handshake completes),
 * then closed at once without sending anything — Route 53's TCP health check.
 */
import net from 'node:net';
import type { Clock } from '../../core/clock.js';
import type { ProbeResult } from './probe.js';

/** A TCP endpoint to probe. */
export interface TcpProbeTarget {
  readonly kind: 'tcp';
  readonly host: string;
  readonly port: number;
}

/** Connects to `target`. Resolves `ok: false` on refusal or error; rejects only on abort. */
export function probeTcp(
  target: TcpProbeTarget,
  signal: AbortSignal,
  clock: Clock,
): Promise<ProbeResult> {
  const start = clock.monotonic();
  return new Promise<ProbeResult>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let settled = false;
    const socket = net.connect({ host: target.host, port: target.port });
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(signal.reason);
    };
    const done = (r: Omit<ProbeResult, 'latencyMs'>): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ ...r, latencyMs: clock.monotonic() - start });
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (e: Error) => done({ ok: false, error: e.message }));
  });
}
