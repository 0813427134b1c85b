/**
 * @module
 * The live status page over `node:http` (no framework: a dozen routes, and the benchmark wants
 * the shortest path). Public: `/` (HTML), `/api/v2/summary.json`, `/api/v2/status.json`,
 * `/badge/<monitor>.svg`. Admin (token): `/admin` and its forms. Probers (probe token):
 * `/api/v2/probe-config`, `/api/v2/report`, `/api/v2/heartbeat/<monitor>`.
 *
 * Rendering is cached: the page is re-rendered when what it shows changed (`onUpdate`) or
 * after `renderCacheMs`, so a burst of readers costs one render, not one per request — the
 * page must stay up precisely when everyone is reloading it. Logs carry the method, path and
 * status only: never a query string or a header.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../core/clock.js';
import { statusBadge } from './render/badge.js';
import { renderAdminPage, renderStatusPage } from './render/status-page.js';
import { statusJson, summaryJson } from './render/summary-json.js';
import { monitorProbeTarget } from './probes/status-probe.js';
import type { StatusMonitor } from './status-monitor.js';
import { takeSnapshot } from './status-snapshot.js';
import type { StatusSnapshot } from './status-snapshot.js';
import type { IncidentImpact, IncidentStatus } from './status-store.js';
import { tokenFromAuthorization, tokensEqual } from './token.js';

/** Options of {@link StatusServer}. */
export interface StatusServerOptions {
  readonly monitor: StatusMonitor;
  readonly clock: Clock;
  /** Token of the admin area; without it the admin area is disabled (404). */
  readonly adminToken?: string;
  /** Token remote probers and heartbeats send; without it they are refused. */
  readonly probeToken?: string;
  /** Longest a rendered page is reused, ms. Default 1000. */
  readonly renderCacheMs?: number;
  /** One line per request (method, path, status). */
  readonly onLog?: (line: string) => void;
}

const INCIDENT_STATUSES: readonly IncidentStatus[] = [
  'investigating',
  'identified',
  'monitoring',
  'resolved',
];
const IMPACTS: readonly IncidentImpact[] = ['none', 'minor', 'major', 'critical'];
const MAX_BODY = 1 << 20;
const HTML_HEADERS = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' };
const JSON_HEADERS = {
  'content-type': 'application/json',
  'cache-control': 'no-cache',
  'access-control-allow-origin': '*',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Rendered bodies are kept as bytes: encoding a large page to UTF-8 per request would cost
 * more than serving it. */
interface Cached {
  atMs: number;
  snapshot: StatusSnapshot;
  html?: Buffer;
  summary?: Buffer;
  status?: Buffer;
}

/** Serves the status page. */
export class StatusServer {
  readonly #monitor: StatusMonitor;
  readonly #clock: Clock;
  readonly #adminToken: string | undefined;
  readonly #probeToken: string | undefined;
  readonly #cacheMs: number;
  readonly #log: ((line: string) => void) | undefined;
  readonly #server: http.Server;
  #cache: Cached | undefined;

  constructor(options: StatusServerOptions) {
    this.#monitor = options.monitor;
    this.#clock = options.clock;
    this.#adminToken = options.adminToken === '' ? undefined : options.adminToken;
    this.#probeToken = options.probeToken === '' ? undefined : options.probeToken;
    this.#cacheMs = options.renderCacheMs ?? 1000;
    if (!(this.#cacheMs >= 0))
      throw new RangeError(`StatusServer: renderCacheMs must be >= 0, got ${this.#cacheMs}`);
    this.#log = options.onLog;
    this.#monitor.onUpdate(() => {
      this.#cache = undefined;
    });
    this.#server = http.createServer((req, res) => {
      if (this.#fast(req, res)) return;
      this.#handle(req, res).catch((e: unknown) => {
        const status = e instanceof HttpError ? e.status : 500;
        const message = e instanceof HttpError ? e.message : 'internal error';
        if (!res.headersSent) {
          const headers: http.OutgoingHttpHeaders = { 'content-type': 'text/plain; charset=utf-8' };
          if (status === 401)
            headers['www-authenticate'] = 'Basic realm="breakwater status admin", charset="UTF-8"';
          res.writeHead(status, headers);
        }
        res.end(`${message}\n`);
        this.#log?.(
          `${req.method ?? ''} ${pathOf(req)} ${status}${status === 500 ? ` ${String(e)}` : ''}`,
        );
      });
    });
    this.#server.keepAliveTimeout = 5000;
  }

  /** Starts listening; resolves with the bound address. */
  listen(port: number, host = '127.0.0.1'): Promise<{ host: string; port: number; url: string }> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        const a = this.#server.address() as AddressInfo;
        resolve({
          host: a.address,
          port: a.port,
          url: `http://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`,
        });
      });
    });
  }

  /** Stops accepting and closes every connection. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  /** The current snapshot (cached like the page). */
  snapshot(): StatusSnapshot {
    return this.#cached().snapshot;
  }

  #cached(): Cached {
    const now = this.#clock.now();
    if (this.#cache === undefined || now - this.#cache.atMs > this.#cacheMs) {
      this.#cache = { atMs: now, snapshot: takeSnapshot(this.#monitor, this.#clock) };
    }
    return this.#cache;
  }

  /**
   * The hot path — GET of the page and the JSON API — synchronous and allocation-light: no
   * promise, no closure, headers built once. Returns false for anything else.
   */
  #fast(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    if (req.method !== 'GET') return false;
    const url = req.url;
    let which: 'html' | 'summary' | 'status';
    if (url === '/' || url === '/index.html') which = 'html';
    else if (url === '/api/v2/summary.json') which = 'summary';
    else if (url === '/api/v2/status.json') which = 'status';
    else return false;
    const c = this.#cached();
    let body: Buffer;
    if (which === 'html') body = c.html ??= Buffer.from(renderStatusPage(c.snapshot));
    else if (which === 'summary')
      body = c.summary ??= Buffer.from(JSON.stringify(summaryJson(c.snapshot)));
    else body = c.status ??= Buffer.from(JSON.stringify(statusJson(c.snapshot)));
    res.writeHead(200, which === 'html' ? HTML_HEADERS : JSON_HEADERS);
    res.end(body);
    this.#log?.(`GET ${url} 200`);
    return true;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = pathOf(req);
    const method = req.method ?? 'GET';
    const send = (
      status: number,
      type: string,
      body: string | Buffer,
      extra: http.OutgoingHttpHeaders = {},
    ): void => {
      res.writeHead(status, {
        'content-type': type,
        'cache-control': 'no-cache',
        'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
        ...extra,
      });
      res.end(method === 'HEAD' ? undefined : body);
      this.#log?.(`${method} ${path} ${status}`);
    };
    const get = method === 'GET' || method === 'HEAD';
    if (get && (path === '/' || path === '/index.html')) {
      const c = this.#cached();
      c.html ??= Buffer.from(renderStatusPage(c.snapshot));
      send(200, 'text/html; charset=utf-8', c.html);
      return;
    }
    if (get && path === '/api/v2/summary.json') {
      const c = this.#cached();
      c.summary ??= Buffer.from(JSON.stringify(summaryJson(c.snapshot)));
      send(200, 'application/json', c.summary, { 'access-control-allow-origin': '*' });
      return;
    }
    if (get && path === '/api/v2/status.json') {
      const c = this.#cached();
      c.status ??= Buffer.from(JSON.stringify(statusJson(c.snapshot)));
      send(200, 'application/json', c.status, { 'access-control-allow-origin': '*' });
      return;
    }
    const badge = /^\/badge\/([^/]+)\.svg$/.exec(path);
    if (get && badge !== null) {
      const m = this.#cached().snapshot.monitors.find(
        (x) => x.id === decodeURIComponent(badge[1]!),
      );
      if (m === undefined) throw new HttpError(404, 'no such monitor');
      send(200, 'image/svg+xml', statusBadge(m.name, m.status));
      return;
    }
    if (get && path === '/favicon.ico') {
      // Browsers ask for it on every visit; an empty answer keeps their consoles clean.
      res.writeHead(204, { 'cache-control': 'max-age=86400' });
      res.end();
      return;
    }
    if (get && path === '/healthz') {
      send(200, 'text/plain', 'ok\n');
      return;
    }
    if (path === '/admin' || path.startsWith('/admin/')) {
      await this.#admin(req, path, method, send, res);
      return;
    }
    if (path === '/api/v2/probe-config' && get) {
      this.#auth(req, this.#probeToken, false);
      const monitors = this.#monitor.monitors
        .filter((m) => m.type !== 'heartbeat')
        .map((m) => ({
          id: m.id,
          vantagePoints: m.vantagePoints,
          intervalMs: m.intervalMs,
          timeoutMs: m.timeoutMs,
          target: monitorProbeTarget(m),
        }));
      send(200, 'application/json', JSON.stringify({ monitors }));
      return;
    }
    if (path === '/api/v2/report' && method === 'POST') {
      this.#auth(req, this.#probeToken, false);
      const body = (await readJson(req)) as { vantage?: unknown; results?: unknown };
      if (typeof body.vantage !== 'string' || !Array.isArray(body.results)) {
        throw new HttpError(
          400,
          'expected {"vantage": "...", "results": [{"monitor","ok","latencyMs"}]}',
        );
      }
      let taken: number;
      try {
        taken = this.#monitor.ingest(body.vantage, body.results as never);
      } catch (e) {
        throw new HttpError(400, (e as Error).message);
      }
      send(200, 'application/json', JSON.stringify({ taken }));
      return;
    }
    const hb = /^\/api\/v2\/heartbeat\/([^/]+)$/.exec(path);
    if (hb !== null && method === 'POST') {
      this.#auth(req, this.#probeToken, false);
      try {
        this.#monitor.heartbeat(decodeURIComponent(hb[1]!));
      } catch (e) {
        throw new HttpError(404, (e as Error).message);
      }
      send(200, 'text/plain', 'ok\n');
      return;
    }
    throw new HttpError(404, 'not found');
  }

  #auth(req: http.IncomingMessage, expected: string | undefined, basic: boolean): void {
    if (expected === undefined)
      throw new HttpError(basic ? 404 : 403, basic ? 'not found' : 'no token configured');
    const given = tokenFromAuthorization(req.headers.authorization);
    if (given === undefined || !tokensEqual(given, expected))
      throw new HttpError(401, 'token required in the Authorization header');
  }

  async #admin(
    req: http.IncomingMessage,
    path: string,
    method: string,
    send: (
      status: number,
      type: string,
      body: string | Buffer,
      extra?: http.OutgoingHttpHeaders,
    ) => void,
    res: http.ServerResponse,
  ): Promise<void> {
    this.#auth(req, this.#adminToken, true);
    const store = this.#monitor.store;
    if (path === '/admin' && (method === 'GET' || method === 'HEAD')) {
      send(
        200,
        'text/html; charset=utf-8',
        renderAdminPage(takeSnapshot(this.#monitor, this.#clock)),
        { 'cache-control': 'no-store' },
      );
      return;
    }
    if (method !== 'POST') throw new HttpError(405, 'method not allowed');
    const form = await readForm(req);
    const redirect = (): void => {
      this.#monitor.touch();
      const wantsJson = (req.headers.accept ?? '').includes('application/json');
      if (wantsJson) send(200, 'application/json', JSON.stringify({ ok: true }));
      else {
        res.writeHead(303, { location: '/admin' });
        res.end();
        this.#log?.(`${method} ${path} 303`);
      }
    };
    const one = (k: string): string => {
      const v = form.get(k)?.[0]?.trim() ?? '';
      if (v === '') throw new HttpError(400, `field '${k}' is required`);
      return v;
    };
    const monitors = (form.get('monitors') ?? []).filter((m) =>
      this.#monitor.monitors.some((x) => x.id === m),
    );
    if (path === '/admin/incidents') {
      const impact = (form.get('impact')?.[0] ?? 'minor') as IncidentImpact;
      if (!IMPACTS.includes(impact))
        throw new HttpError(400, `impact must be one of ${IMPACTS.join(', ')}`);
      store.createIncident({ title: one('title'), body: one('body'), impact, monitors });
      redirect();
      return;
    }
    const upd = /^\/admin\/incidents\/(\d+)\/updates$/.exec(path);
    if (upd !== null) {
      const status = one('status') as IncidentStatus;
      if (!INCIDENT_STATUSES.includes(status))
        throw new HttpError(400, `status must be one of ${INCIDENT_STATUSES.join(', ')}`);
      try {
        store.updateIncident(Number(upd[1]), status, one('body'));
      } catch (e) {
        throw new HttpError(404, (e as Error).message);
      }
      redirect();
      return;
    }
    if (path === '/admin/maintenance') {
      const startsMs = Date.parse(`${one('starts')}Z`.replace(/ZZ$/, 'Z'));
      const endsMs = Date.parse(`${one('ends')}Z`.replace(/ZZ$/, 'Z'));
      if (!Number.isFinite(startsMs) || !Number.isFinite(endsMs) || endsMs <= startsMs) {
        throw new HttpError(
          400,
          'starts and ends must be UTC times like 2025-10-21T02:00, ends after starts',
        );
      }
      store.createMaintenance({
        title: one('title'),
        body: form.get('body')?.[0] ?? '',
        monitors,
        startsMs,
        endsMs,
      });
      redirect();
      return;
    }
    throw new HttpError(404, 'not found');
  }
}

function pathOf(req: http.IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new HttpError(413, 'body too large');
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  try {
    return JSON.parse(await readBody(req)) as unknown;
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw new HttpError(400, 'body is not JSON');
  }
}

async function readForm(req: http.IncomingMessage): Promise<Map<string, string[]>> {
  const text = await readBody(req);
  const out = new Map<string, string[]>();
  if ((req.headers['content-type'] ?? '').includes('application/json')) {
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'body is not JSON');
    }
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
      out.set(k, (Array.isArray(v) ? v : [v]).map(String));
    }
    return out;
  }
  for (const [k, v] of new URLSearchParams(text)) {
    const list = out.get(k);
    if (list === undefined) out.set(k, [v]);
    else list.push(v);
  }
  return out;
}
