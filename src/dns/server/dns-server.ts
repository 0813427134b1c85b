/**
 * @module
 * The authoritative DNS server on the network: a {@link DnsResponder} behind one UDP socket
 * and one TCP listener on the same address and port (default 127.0.0.1:5353).
 *
 * It is authoritative only and never recursive (RA=0; REFUSED outside its zones), so it can
 * be neither an open resolver nor much of an amplifier: answers to ANY are one RRset, and
 * large answers over UDP are truncated to the client's EDNS payload size (at most 1232 bytes)
 * with TC=1.
 *
 * Everything it holds is bounded: the response cache (entries and bytes), TCP connections
 * (refused past the limit), queries per connection, idle time per connection, and the UDP
 * send queue (a response is dropped, as a congested router would, rather than queued without
 * end when the socket cannot keep up).
 *
 * Standard secondaries: TCP peers on `allowTransferFrom` may transfer zones (AXFR, and IXFR
 * answered with the whole zone — see `internal/zone-transfer.ts`); everyone else is REFUSED.
 * {@link DnsServer.onZoneSwap} fires on every `load`/`swapZone`, so a `SecondaryNotifier`
 * (`providers/`) can NOTIFY the secondaries (RFC 1996).
 *
 * It also keeps serving when its source of truth is gone: the control plane reports "store
 * unreachable" with {@link DnsServer.markSourceUnreachable}, the server carries on with its
 * last known good zones and says so in {@link DnsServer.status} (`stale: true`) until
 * {@link DnsServer.markSourceHealthy}.
 */
import dgram from 'node:dgram';
import type { RemoteInfo, Socket as UdpSocket } from 'node:dgram';
import net from 'node:net';
import type { Server as TcpServer, Socket } from 'node:net';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import { EventEmitter } from '../../core/events.js';
import type { Event } from '../../core/events.js';
import { DnsResponder } from './dns-responder.js';
import type { DnsResponderOptions, DnsResponderStats } from './dns-responder.js';
import type { ZoneSnapshot } from './zone-snapshot.js';
import { TcpConnection } from './internal/tcp-connection.js';
import { normaliseAddress, ZoneTransferConnection } from './internal/zone-transfer.js';
import { showValue } from '../internal/options.js';

/** Options of {@link DnsServer}. */
export interface DnsServerOptions extends DnsResponderOptions {
  /** Address to listen on. Default `127.0.0.1`. */
  readonly address?: string;
  /** Port for UDP and TCP. Default 5353; 0 picks a free port (the same for both). */
  readonly port?: number;
  /** Timers (TCP idle timeout) and timestamps in the status. Default: the system clock. */
  readonly clock?: Clock;
  /** Use this responder instead of making one (the responder options are then ignored). */
  readonly responder?: DnsResponder;
  /** Listen on UDP. Default true. */
  readonly udp?: boolean;
  /** Listen on TCP. Default true. */
  readonly tcp?: boolean;
  /**
   * Close a TCP connection that has not completed a query for this long, ms. Default 10 000
   * (RFC 7766 §6.2.3 asks for seconds, not minutes; BIND's default tcp-idle-timeout is 30 s).
   */
  readonly tcpIdleTimeoutMs?: number;
  /** Queries answered on one TCP connection before the server closes it. Default 100. */
  readonly tcpMaxQueriesPerConnection?: number;
  /** Concurrent TCP connections; more are closed at once. Default 150 (BIND's tcp-clients). */
  readonly tcpMaxConnections?: number;
  /** UDP responses waiting in the socket's send queue before new ones are dropped. Default 4096. */
  readonly udpMaxSendQueue?: number;
  /**
   * Addresses of the secondaries allowed to transfer zones (AXFR, and IXFR answered with the
   * whole zone) over TCP. Default none: every transfer is REFUSED, as before.
   */
  readonly allowTransferFrom?: readonly string[];
}

/**
 * Replies held for one flush at most. libuv reads at most 32 datagrams per readable event,
 * but several events can fall in one poll phase; this bounds the batch all the same.
 */
const MAX_UDP_BATCH = 1024;

/** One served zone in {@link DnsServerStatus}. */
export interface ServedZoneStatus {
  readonly zone: string;
  readonly serial: number;
  readonly recordSets: number;
}

/** What {@link DnsServer.status} reports. */
export interface DnsServerStatus {
  readonly listening: boolean;
  readonly address: string | undefined;
  readonly port: number | undefined;
  readonly zones: readonly ServedZoneStatus[];
  /**
   * True while the source of zones (the plan store) is unreachable: the server is answering
   * from its last known good zones.
   */
  readonly stale: boolean;
  readonly staleReason: string | undefined;
  /** When the source became unreachable, ms since the epoch. */
  readonly staleSinceMs: number | undefined;
  /** When zones were last loaded (the last known good), ms since the epoch. */
  readonly lastLoadAtMs: number | undefined;
  /** Queries received, UDP and TCP. */
  readonly queries: number;
  /** FORMERR + SERVFAIL answers, dropped messages and UDP responses dropped for a full queue. */
  readonly errors: number;
  readonly tcpConnections: number;
  /** TCP connections refused because `tcpMaxConnections` were open. */
  readonly tcpRefused: number;
  /** UDP responses dropped because the send queue was full. */
  readonly udpSendDropped: number;
  readonly responder: DnsResponderStats;
}

/** Payload of {@link DnsServer.onStaleChange}. */
export interface StaleChangeEvent {
  readonly stale: boolean;
  readonly reason: string | undefined;
}

function intIn(name: string, v: unknown, fallback: number, min: number, max: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new TypeError(`DnsServer: ${name} must be an integer, got ${showValue(v)}`);
  }
  if (v < min || v > max)
    throw new RangeError(`DnsServer: ${name} must be in [${min}, ${max}], got ${v}`);
  return v;
}

/** An authoritative DNS server on UDP and TCP. */
export class DnsServer {
  readonly #responder: DnsResponder;
  readonly #clock: Clock;
  readonly #address: string;
  readonly #port: number;
  readonly #useUdp: boolean;
  readonly #useTcp: boolean;
  readonly #idleMs: number;
  readonly #maxQueries: number;
  readonly #maxConnections: number;
  readonly #maxSendQueue: number;
  #udp: UdpSocket | undefined;
  /** Replies waiting for the end of this event-loop turn (see `#flushUdp`). */
  readonly #outBuf: (Buffer | undefined)[] = [];
  readonly #outPort: number[] = [];
  readonly #outAddr: string[] = [];
  #outCount = 0;
  #tcp: TcpServer | undefined;
  readonly #connections = new Set<TcpConnection | ZoneTransferConnection>();
  readonly #allowTransfer: ReadonlySet<string>;
  readonly #zoneSwapEmitter = new EventEmitter<readonly ZoneSnapshot[]>();
  #boundPort: number | undefined;
  #stale: StaleChangeEvent = { stale: false, reason: undefined };
  #staleSinceMs: number | undefined;
  #lastLoadAtMs: number | undefined;
  #tcpRefused = 0;
  #udpSendDropped = 0;
  #socketErrors = 0;
  readonly #staleEmitter = new EventEmitter<StaleChangeEvent>();

  /** Fires when the stale flag changes. */
  readonly onStaleChange: Event<StaleChangeEvent> = this.#staleEmitter.event;

  /**
   * Fires after `load` or `swapZone` with the zones just put in place (what a NOTIFY to the
   * secondaries is about, RFC 1996).
   */
  readonly onZoneSwap: Event<readonly ZoneSnapshot[]> = this.#zoneSwapEmitter.event;

  constructor(options: DnsServerOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`DnsServer: options must be an object, got ${showValue(options)}`);
    }
    this.#address = options.address ?? '127.0.0.1';
    if (net.isIP(this.#address) === 0) {
      throw new TypeError(
        `DnsServer: address must be an IP address, got '${String(options.address)}'`,
      );
    }
    this.#port = intIn('port', options.port, 5353, 0, 65_535);
    this.#clock = options.clock ?? systemClock;
    this.#useUdp = options.udp ?? true;
    this.#useTcp = options.tcp ?? true;
    if (!this.#useUdp && !this.#useTcp)
      throw new RangeError('DnsServer: udp and tcp cannot both be false');
    this.#idleMs = intIn('tcpIdleTimeoutMs', options.tcpIdleTimeoutMs, 10_000, 1, 3_600_000);
    this.#maxQueries = intIn(
      'tcpMaxQueriesPerConnection',
      options.tcpMaxQueriesPerConnection,
      100,
      1,
      1_000_000,
    );
    this.#maxConnections = intIn('tcpMaxConnections', options.tcpMaxConnections, 150, 1, 100_000);
    this.#maxSendQueue = intIn('udpMaxSendQueue', options.udpMaxSendQueue, 4096, 1, 1_000_000);
    const allow = options.allowTransferFrom ?? [];
    if (!Array.isArray(allow) || allow.some((a) => typeof a !== 'string' || net.isIP(a) === 0)) {
      throw new TypeError(
        `DnsServer: allowTransferFrom must be an array of IP addresses, got ${showValue(allow)}`,
      );
    }
    this.#allowTransfer = new Set(allow.map(normaliseAddress));
    this.#responder = options.responder ?? new DnsResponder(options);
    if (options.zones !== undefined && options.zones.length > 0)
      this.#lastLoadAtMs = this.#clock.now();
  }

  /** The responder answering for this server (shared zones and cache). */
  get responder(): DnsResponder {
    return this.#responder;
  }

  /** The port bound (after `listen`), else undefined. */
  get port(): number | undefined {
    return this.#boundPort;
  }

  /** Replaces every zone at once; see {@link DnsResponder.load}. */
  load(zones: ZoneSnapshot | readonly ZoneSnapshot[]): void {
    this.#responder.load(zones);
    this.#lastLoadAtMs = this.#clock.now();
    if (this.#zoneSwapEmitter.hasListeners) this.#zoneSwapEmitter.emit(this.#responder.zones);
  }

  /** Adds or replaces one zone; see {@link DnsResponder.swapZone}. */
  swapZone(zone: ZoneSnapshot): void {
    this.#responder.swapZone(zone);
    this.#lastLoadAtMs = this.#clock.now();
    if (this.#zoneSwapEmitter.hasListeners) this.#zoneSwapEmitter.emit([zone]);
  }

  /** The control plane cannot reach its store: keep serving, and say so. */
  markSourceUnreachable(reason: string): void {
    const changed = !this.#stale.stale || this.#stale.reason !== reason;
    if (!this.#stale.stale) this.#staleSinceMs = this.#clock.now();
    this.#stale = { stale: true, reason };
    if (changed) this.#staleEmitter.emit(this.#stale);
  }

  /** The store is reachable again. */
  markSourceHealthy(): void {
    if (!this.#stale.stale) return;
    this.#stale = { stale: false, reason: undefined };
    this.#staleSinceMs = undefined;
    this.#staleEmitter.emit(this.#stale);
  }

  /** Binds UDP and TCP. Resolves with the address and port bound. */
  async listen(): Promise<{ address: string; port: number }> {
    if (this.#boundPort !== undefined) throw new Error('DnsServer: already listening');
    // With port 0 the kernel picks the UDP port; TCP must then get the same one, which can
    // be taken: retry a few times with a fresh UDP port.
    for (let attempt = 0; ; attempt++) {
      const port = this.#useUdp ? await this.#bindUdp(this.#port) : this.#port;
      try {
        const tcpPort = this.#useTcp ? await this.#bindTcp(port) : port;
        this.#boundPort = tcpPort;
        return { address: this.#address, port: tcpPort };
      } catch (e) {
        this.#closeUdp();
        if (this.#port !== 0 || attempt >= 5) throw e;
      }
    }
  }

  #bindUdp(port: number): Promise<number> {
    const type = net.isIPv6(this.#address) ? 'udp6' : 'udp4';
    // A synchronous lookup: for an IP literal Node's default defers every send through
    // dns.lookup and process.nextTick, which costs a third of the server's throughput.
    const sock = dgram.createSocket({
      type,
      lookup: (address, _opts, cb) => cb(null, address, type === 'udp6' ? 6 : 4),
    });
    this.#udp = sock;
    sock.on('message', this.#onUdpMessage);
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      sock.once('error', onError);
      sock.bind(port, this.#address, () => {
        sock.off('error', onError);
        sock.on('error', this.#onSocketError);
        resolve(sock.address().port);
      });
    });
  }

  #bindTcp(port: number): Promise<number> {
    const server = net.createServer({ noDelay: true }, this.#onTcpConnection);
    this.#tcp = server;
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => {
        this.#tcp = undefined;
        reject(e);
      };
      server.once('error', onError);
      server.listen({ port, host: this.#address, exclusive: true }, () => {
        server.off('error', onError);
        server.on('error', this.#onSocketError);
        const addr = server.address();
        resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
      });
    });
  }

  readonly #onSocketError = (): void => {
    this.#socketErrors++;
  };

  readonly #onUdpMessage = (msg: Buffer, rinfo: RemoteInfo): void => {
    const out = this.#responder.respond(msg, 'udp', rinfo.address);
    if (out === undefined) return;
    const n = this.#outCount;
    if (n >= MAX_UDP_BATCH) {
      this.#udpSendDropped++;
      return;
    }
    this.#outBuf[n] = out;
    this.#outPort[n] = rinfo.port;
    this.#outAddr[n] = rinfo.address;
    this.#outCount = n + 1;
    if (n === 0) setImmediate(this.#flushUdp);
  };

  /**
   * Sends the answers to every datagram read in this turn of the event loop, back to back.
   *
   * Why not send each at once: libuv reads up to 32 datagrams per readable event, and a
   * burst of replies wakes a sleeping client once instead of once per reply. On a small VM,
   * where waking a thread costs more than answering a query, that alone is worth about 20 %
   * of throughput under load (measured with dnsperf; see bench/dns.ts). The delay is the
   * rest of the current poll phase — microseconds — and a lone query goes out alone.
   * `setImmediate` is not a timer (no time is involved): it is the hook that runs once the
   * poll phase is over, so it does not go through the Clock.
   */
  readonly #flushUdp = (): void => {
    const n = this.#outCount;
    this.#outCount = 0;
    const sock = this.#udp;
    for (let i = 0; i < n; i++) {
      const out = this.#outBuf[i]!;
      this.#outBuf[i] = undefined;
      if (sock === undefined) continue;
      // The kernel takes what it can at once; libuv queues the rest in memory. Past the bound
      // a reply is dropped, as a congested router would, and the client retries.
      if (sock.getSendQueueCount() >= this.#maxSendQueue) {
        this.#udpSendDropped++;
        continue;
      }
      sock.send(out, this.#outPort[i], this.#outAddr[i]);
    }
  };

  readonly #onTcpConnection = (socket: Socket): void => {
    if (this.#connections.size >= this.#maxConnections) {
      this.#tcpRefused++;
      socket.destroy();
      return;
    }
    if (
      this.#allowTransfer.size > 0 &&
      this.#allowTransfer.has(normaliseAddress(socket.remoteAddress ?? ''))
    ) {
      // A secondary: a connection that can answer a transfer with many messages.
      this.#connections.add(
        new ZoneTransferConnection(socket, {
          responder: this.#responder,
          clock: this.#clock,
          idleTimeoutMs: this.#idleMs,
          maxQueries: this.#maxQueries,
          allowFrom: this.#allowTransfer,
          onClose: this.#onConnectionClose,
        }),
      );
      return;
    }
    const conn = new TcpConnection(socket, {
      responder: this.#responder,
      clock: this.#clock,
      idleTimeoutMs: this.#idleMs,
      maxQueries: this.#maxQueries,
      onClose: this.#onConnectionClose,
    });
    this.#connections.add(conn);
  };

  readonly #onConnectionClose = (conn: TcpConnection | ZoneTransferConnection): void => {
    this.#connections.delete(conn);
  };

  #closeUdp(): void {
    const u = this.#udp;
    this.#udp = undefined;
    if (u !== undefined) {
      try {
        u.close();
      } catch {
        // not bound yet / already closed
      }
    }
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    this.#closeUdp();
    const t = this.#tcp;
    this.#tcp = undefined;
    for (const c of this.#connections) c.destroy();
    this.#connections.clear();
    this.#boundPort = undefined;
    if (t !== undefined) await new Promise<void>((resolve) => t.close(() => resolve()));
  }

  /** Serial, zones, counters and the stale flag. */
  status(): DnsServerStatus {
    const r = this.#responder.stats();
    return {
      listening: this.#boundPort !== undefined,
      address: this.#boundPort === undefined ? undefined : this.#address,
      port: this.#boundPort,
      zones: this.#responder.zones.map((z) => ({
        zone: z.zone,
        serial: z.serial,
        recordSets: z.recordSetCount,
      })),
      stale: this.#stale.stale,
      staleReason: this.#stale.reason,
      staleSinceMs: this.#staleSinceMs,
      lastLoadAtMs: this.#lastLoadAtMs,
      queries: r.queries,
      errors: r.formErr + r.servFail + r.dropped + this.#udpSendDropped + this.#socketErrors,
      tcpConnections: this.#connections.size,
      tcpRefused: this.#tcpRefused,
      udpSendDropped: this.#udpSendDropped,
      responder: r,
    };
  }
}
