/**
 * @module
 * One DNS-over-TCP connection (RFC 7766): 2-byte length framing, several queries in a row
 * (pipelined: answered in order as they arrive), an idle timeout and a query limit.
 *
 * Bounds, so a client cannot make the server hold more than it chose to: at most one partial
 * frame (≤ 65 537 bytes) plus the socket's own read chunk is buffered; when the client does
 * not read its answers (`write` returns false) we stop reading until it drains; the idle
 * clock restarts only when a *whole* query has been answered, so a client that dribbles a
 * byte at a time is cut off like an idle one (the slowloris defence). One timer per
 * connection, re-armed lazily on the injected Clock rather than reset on every query.
 */
import type { Socket } from 'node:net';
import type { Clock, Timer } from '../../../core/clock.js';
import type { DnsResponder } from '../dns-responder.js';
import { TcpFrameReader } from './tcp-framing.js';

/** What a connection needs from its server. */
export interface TcpConnectionContext {
  readonly responder: DnsResponder;
  readonly clock: Clock;
  readonly idleTimeoutMs: number;
  readonly maxQueries: number;
  /** Called once when the connection is gone. */
  readonly onClose: (conn: TcpConnection) => void;
}

/** Handles one accepted socket until it closes. */
export class TcpConnection {
  readonly #socket: Socket;
  readonly #ctx: TcpConnectionContext;
  readonly #source: string;
  readonly #frames = new TcpFrameReader();
  #queries = 0;
  #lastActivity: number;
  #timer: Timer | undefined;
  #closed = false;
  #ending = false;

  constructor(socket: Socket, ctx: TcpConnectionContext) {
    this.#socket = socket;
    this.#ctx = ctx;
    this.#source = socket.remoteAddress ?? '';
    this.#lastActivity = ctx.clock.monotonic();
    this.#timer = ctx.clock.setTimer(ctx.idleTimeoutMs, this.#onTimer, { unref: true });
    socket.setNoDelay(true);
    socket.on('data', this.#onData);
    socket.on('drain', this.#onDrain);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  /** Queries answered on this connection. */
  get queries(): number {
    return this.#queries;
  }

  /** Closes the connection now. */
  destroy(): void {
    this.#socket.destroy();
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    if (this.#closed) return;
    const idle = this.#ctx.clock.monotonic() - this.#lastActivity;
    if (idle >= this.#ctx.idleTimeoutMs) {
      this.#socket.destroy();
      return;
    }
    this.#timer = this.#ctx.clock.setTimer(this.#ctx.idleTimeoutMs - idle, this.#onTimer, {
      unref: true,
    });
  };

  readonly #onData = (chunk: Buffer): void => {
    if (!this.#frames.push(chunk, this.#answerFrame, this.#isEnding)) this.#socket.destroy();
  };

  readonly #answerFrame = (message: Buffer): void => {
    this.#answer(message);
  };

  readonly #isEnding = (): boolean => this.#ending;

  #answer(msg: Buffer): void {
    const out = this.#ctx.responder.respond(msg, 'tcp', this.#source);
    this.#queries++;
    this.#lastActivity = this.#ctx.clock.monotonic();
    if (out !== undefined) {
      const framed = Buffer.allocUnsafe(out.length + 2);
      framed.writeUInt16BE(out.length, 0);
      out.copy(framed, 2);
      if (!this.#socket.write(framed)) this.#socket.pause();
    }
    if (this.#queries >= this.#ctx.maxQueries) {
      // RFC 7766 §6.2.3: a server may close after answering; end() flushes what is written.
      this.#ending = true;
      this.#socket.end();
    }
  }

  readonly #onDrain = (): void => {
    if (!this.#ending) this.#socket.resume();
  };

  readonly #onError = (): void => {
    // 'close' follows; nothing to report per connection.
  };

  readonly #onClose = (): void => {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#frames.clear();
    this.#ctx.onClose(this);
  };
}
