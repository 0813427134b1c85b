/**
 * @module
 * TLS certificate expiry probe: a TLS handshake, then a check that the leaf certificate stays
 * valid for at least `minDaysLeft` more days on the probe's clock. Certificates that lapse
 * are a classic self-inflicted outage; a probe that warns weeks ahead turns it into a chore.
 */
import tls from 'node:tls';
import type { Clock } from '../../core/clock.js';
import type { ProbeResult } from '../../dns/health/probe.js';

/** A TLS endpoint whose certificate is checked. */
export interface TlsExpiryProbeTarget {
  readonly kind: 'tls';
  readonly host: string;
  readonly port: number;
  /** Days the certificate must still be valid for. */
  readonly minDaysLeft: number;
  /** Verify the chain too. Default true. */
  readonly rejectUnauthorized?: boolean;
}

const DAY_MS = 86_400_000;

/** Connects to `target` and judges its certificate. */
export function probeTlsExpiry(
  target: TlsExpiryProbeTarget,
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
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      servername: /^[\d.:]+$/.test(target.host) ? '' : target.host,
      rejectUnauthorized: target.rejectUnauthorized ?? true,
    });
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
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const validTo = Date.parse(cert.valid_to);
      if (!Number.isFinite(validTo)) {
        done({ ok: false, error: 'no certificate' });
        return;
      }
      const daysLeft = (validTo - clock.now()) / DAY_MS;
      done(
        daysLeft >= target.minDaysLeft
          ? { ok: true }
          : {
              ok: false,
              error: `certificate expires in ${daysLeft.toFixed(1)} days (< ${target.minDaysLeft})`,
            },
      );
    });
    socket.once('error', (e: Error) => done({ ok: false, error: e.message }));
  });
}
