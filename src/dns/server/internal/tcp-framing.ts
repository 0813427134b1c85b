/**
 * @module
 * DNS over TCP framing (RFC 1035 §4.2.2, RFC 7766): each message is preceded by its length in
 * two bytes. `TcpFrameReader` collects chunks into whole messages; both the query connection
 * and the zone-transfer connection read through it, so the framing rules live in one place.
 */

/** The largest frame: a two-byte length and up to 65,535 bytes of message. */
export const MAX_TCP_FRAME = 2 + 65_535;

/** Splits a TCP byte stream into DNS messages. */
export class TcpFrameReader {
  #pending: Buffer | undefined = undefined;

  /**
   * Feeds one chunk and calls `onMessage` for every complete message, until `stopped()` says
   * to stop (then the rest is discarded). Returns false when a partial frame has grown past
   * {@link MAX_TCP_FRAME} — the peer is not speaking DNS, and the caller should hang up.
   */
  push(chunk: Buffer, onMessage: (message: Buffer) => void, stopped: () => boolean): boolean {
    let buf = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
    let at = 0;
    while (!stopped() && buf.length - at >= 2) {
      const len = buf.readUInt16BE(at);
      if (buf.length - at - 2 < len) break;
      const message = buf.subarray(at + 2, at + 2 + len);
      at += 2 + len;
      onMessage(message);
    }
    if (stopped()) {
      this.#pending = undefined;
      return true;
    }
    buf = at === 0 ? buf : buf.subarray(at);
    // Copy a leftover out of a large chunk so the chunk itself can be collected.
    this.#pending = buf.length === 0 ? undefined : at === 0 ? buf : Buffer.from(buf);
    return this.#pending === undefined || this.#pending.length <= MAX_TCP_FRAME;
  }

  /** Drops any partial frame. */
  clear(): void {
    this.#pending = undefined;
  }
}
