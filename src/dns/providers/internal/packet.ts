/**
 * @module
 * Typed access to the parts of `dns-packet` its type declarations (`@types/dns-packet`) leave
 * out but the library exports: the per-section codecs and the decoded RCODE.
 */
import dnsPacket from 'dns-packet';

/** One of `dns-packet`'s codecs. */
export interface Codec<T> {
  encode(value: T, buf?: Buffer, offset?: number): Buffer;
  decode(buf: Buffer, offset?: number): T;
  encodingLength(value: T): number;
}

const raw = dnsPacket as unknown as {
  readonly answer: Codec<dnsPacket.Answer>;
  readonly name: Codec<string>;
  readonly question: Codec<dnsPacket.Question>;
};

/** Resource records (the answer, authority and additional sections). */
export const answerCodec: Codec<dnsPacket.Answer> = raw.answer;
/** Domain names, uncompressed. */
export const nameCodec: Codec<string> = raw.name;

/** Encodes one question (its `encode` returns its input, not the buffer: work around it). */
export function encodeQuestion(q: dnsPacket.Question): Buffer {
  const buf = Buffer.alloc(raw.question.encodingLength(q));
  raw.question.encode(q, buf);
  return buf;
}

/** The RCODE name of a decoded message (`NOERROR`, `NXRRSET`, …). */
export function rcodeOf(packet: dnsPacket.DecodedPacket): string {
  return (packet as { rcode?: string }).rcode ?? 'NOERROR';
}
