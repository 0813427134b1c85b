/**
 * @module
 * A minimal DNS client for the providers: one request over TCP (RFC 7766 framing) whose
 * responses are read until the caller says the exchange is complete (one message for a query
 * or an UPDATE, many for a zone transfer), and one query over UDP.
 *
 * TCP for updates and transfers: an UPDATE carrying a whole plan does not fit 512 bytes, and
 * a transfer is TCP-only (RFC 5936 §4.2). Every exchange is bounded by `timeoutMs` on the
 * injected Clock and cut short by an AbortSignal.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import type { Clock } from '../../../core/clock.js';

/** Where a DNS server listens. */
export interface DnsEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Options of one exchange. */
export interface ExchangeOptions {
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** A DNS exchange that failed at the transport (no answer, connection refused, timeout). */
export class DnsTransportError extends Error {
  override readonly name = 'DnsTransportError';
}

/**
 * Sends `request` over TCP and collects responses until `done(msg, all)` returns true.
 * Rejects with {@link DnsTransportError} on timeout, a closed connection or a socket error.
 */
export function exchangeTcp(
  endpoint: DnsEndpoint,
  request: Buffer,
  options: ExchangeOptions,
  done: (msg: Buffer, all: readonly Buffer[]) => boolean,
): Promise<Buffer[]> {
  if (request.length > 65_535) {
    return Promise.reject(
      new RangeError(`a DNS message holds at most 65535 bytes, this one is ${request.length}`),
    );
  }
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    let pending: Buffer = Buffer.alloc(0);
    let finished = false;
    const socket = net.connect({ host: endpoint.host, port: endpoint.port });
    const finish = (err: Error | undefined): void => {
      if (finished) return;
      finished = true;
      timer.cancel();
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (err === undefined) resolve(out);
      else reject(err);
    };
    const onAbort = (): void =>
      finish(new DnsTransportError(`aborted talking to ${endpoint.host}:${endpoint.port}`));
    const timer = options.clock.setTimer(options.timeoutMs, () =>
      finish(
        new DnsTransportError(
          `no complete answer from ${endpoint.host}:${endpoint.port} within ${options.timeoutMs} ms`,
        ),
      ),
    );
    if (options.signal?.aborted === true) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('connect', () => {
      const framed = Buffer.alloc(request.length + 2);
      framed.writeUInt16BE(request.length, 0);
      request.copy(framed, 2);
      socket.write(framed);
    });
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const len = pending.readUInt16BE(0);
        if (pending.length < 2 + len) break;
        const msg = Buffer.from(pending.subarray(2, 2 + len));
        pending = pending.subarray(2 + len);
        out.push(msg);
        let complete: boolean;
        try {
          complete = done(msg, out);
        } catch (e) {
          finish(e as Error);
          return;
        }
        if (complete) {
          finish(undefined);
          return;
        }
      }
    });
    socket.on('error', (e) =>
      finish(new DnsTransportError(`${endpoint.host}:${endpoint.port}: ${e.message}`)),
    );
    socket.on('close', () =>
      finish(
        new DnsTransportError(
          `${endpoint.host}:${endpoint.port} closed the connection before the answer was complete`,
        ),
      ),
    );
  });
}

/** Sends one datagram and resolves with the first reply whose ID matches, or rejects. */
export function exchangeUdp(
  endpoint: DnsEndpoint,
  request: Buffer,
  options: ExchangeOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const type = net.isIPv6(endpoint.host) ? 'udp6' : 'udp4';
    const sock = dgram.createSocket(type);
    let finished = false;
    const finish = (err: Error | undefined, msg?: Buffer): void => {
      if (finished) return;
      finished = true;
      timer.cancel();
      options.signal?.removeEventListener('abort', onAbort);
      sock.close();
      if (err === undefined) resolve(msg!);
      else reject(err);
    };
    const onAbort = (): void =>
      finish(new DnsTransportError(`aborted talking to ${endpoint.host}:${endpoint.port}`));
    const timer = options.clock.setTimer(options.timeoutMs, () =>
      finish(
        new DnsTransportError(
          `no answer from ${endpoint.host}:${endpoint.port} within ${options.timeoutMs} ms`,
        ),
      ),
    );
    if (options.signal?.aborted === true) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    sock.on('message', (msg) => {
      if (msg.length >= 12 && msg.readUInt16BE(0) === request.readUInt16BE(0)) {
        finish(undefined, msg);
      }
    });
    sock.on('error', (e) =>
      finish(new DnsTransportError(`${endpoint.host}:${endpoint.port}: ${e.message}`)),
    );
    sock.send(request, endpoint.port, endpoint.host, (e) => {
      if (e !== null && e !== undefined) {
        finish(new DnsTransportError(`${endpoint.host}:${endpoint.port}: ${e.message}`));
      }
    });
  });
}

/**
 * Parses `host:port` (`[v6]:port` for IPv6). Throws a TypeError naming `where` and the value.
 */
export function parseEndpoint(text: string, where: string, defaultPort = 53): DnsEndpoint {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  const port = m?.[2] === undefined ? defaultPort : Number(m[2]);
  if (m === null || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new TypeError(`${where}: expected HOST:PORT (e.g. 127.0.0.1:5353), got '${text}'`);
  }
  return { host: m[1]!, port };
}
