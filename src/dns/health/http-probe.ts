/**
 * @module
 * HTTP(S) probe: one request on a fresh connection (no keep-alive: a pooled connection can
 * outlive the server process behind it and hide that nothing accepts new connections), a
 * status range, and optionally a string or pattern that the first bytes of the body must
 * contain — Route 53's "string matching" searches the first 5,120 bytes, and so do we by
 * default.
 */
import http from 'node:http';
import https from 'node:https';
import type { Clock } from '../../core/clock.js';
import { jsonMismatch } from './json-path.js';
import type { JsonMatch } from './json-path.js';
import type { ProbeResult } from './probe.js';

/** An HTTP or HTTPS endpoint to probe. */
export interface HttpProbeTarget {
  readonly kind: 'http';
  /** `http://` or `https://` URL. */
  readonly url: string;
  /** Default `GET` (`HEAD` cannot check a body). */
  readonly method?: 'GET' | 'HEAD';
  /** Inclusive status range that counts as healthy. Default [200, 399]. */
  readonly expectStatus?: readonly [number, number];
  /** The body's first `maxBodyBytes` must contain this string or match this pattern. */
  readonly bodyMatch?: string | RegExp;
  /** The body must be JSON whose value at `path` satisfies this (see json-path.ts). */
  readonly jsonMatch?: JsonMatch;
  /** Bytes of body searched for `bodyMatch` (or parsed for `jsonMatch`). Default 5120 (Route 53's). */
  readonly maxBodyBytes?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** HTTPS: verify the certificate. Default true. */
  readonly rejectUnauthorized?: boolean;
}

/** Default inclusive range of healthy statuses: 2xx and 3xx, as Route 53 counts them. */
export const DEFAULT_EXPECT_STATUS: readonly [number, number] = Object.freeze<[number, number]>([
  200, 399,
]);

/** Probes an HTTP(S) endpoint. Resolves `ok: false` on any failure; rejects only on abort. */
export function probeHttp(
  target: HttpProbeTarget,
  signal: AbortSignal,
  clock: Clock,
): Promise<ProbeResult> {
  const start = clock.monotonic();
  const [lo, hi] = target.expectStatus ?? DEFAULT_EXPECT_STATUS;
  const maxBody = target.maxBodyBytes ?? 5120;
  return new Promise<ProbeResult>((resolve, reject) => {
    let settled = false;
    const finish = (r: Omit<ProbeResult, 'latencyMs'>): void => {
      if (settled) return;
      settled = true;
      resolve({ ...r, latencyMs: clock.monotonic() - start });
      req.destroy();
    };
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    let url: URL;
    try {
      url = new URL(target.url);
    } catch {
      resolve({ ok: false, latencyMs: 0, error: `bad URL '${target.url}'` });
      return;
    }
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, {
      method: target.method ?? 'GET',
      agent: false,
      headers: { 'user-agent': 'breakwater-health-check', connection: 'close', ...target.headers },
      ...(url.protocol === 'https:'
        ? { rejectUnauthorized: target.rejectUnauthorized ?? true }
        : {}),
    });
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('close', () => signal.removeEventListener('abort', onAbort));
    req.on('error', (e: Error) => finish({ ok: false, error: e.message }));
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status < lo || status > hi) {
        finish({ ok: false, status, error: `status ${status} outside ${lo}–${hi}` });
        return;
      }
      const match = target.bodyMatch;
      const json = target.jsonMatch;
      if ((match === undefined && json === undefined) || target.method === 'HEAD') {
        finish({ ok: true, status });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      const judge = (): void => {
        const body = Buffer.concat(chunks).subarray(0, maxBody).toString('utf8');
        if (match !== undefined) {
          const ok = typeof match === 'string' ? body.includes(match) : match.test(body);
          if (!ok) {
            finish({ ok, status, error: `body does not match ${String(match)}` });
            return;
          }
        }
        const why = json === undefined ? undefined : jsonMismatch(body, json);
        finish(why === undefined ? { ok: true, status } : { ok: false, status, error: why });
      };
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        size += c.length;
        if (size >= maxBody) judge();
      });
      res.on('end', judge);
      res.on('error', (e: Error) => finish({ ok: false, status, error: e.message }));
    });
    req.end();
  });
}
