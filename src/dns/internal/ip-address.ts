/**
 * @module
 * IPv4 and IPv6 address syntax for A and AAAA records, normalised so that one address has one
 * spelling (and so one content hash). IPv4 is the strict dotted quad (`node:net`'s `isIPv4`,
 * which refuses leading zeros — `010.0.0.1` means 8.0.0.1 to some parsers and 10.0.0.1 to
 * others). IPv6 is written in the RFC 5952 canonical form: lower case, no leading zeros,
 * the longest run of two or more zero groups (the first, on a tie) compressed to `::`, and an
 * IPv4-mapped address (`::ffff:0:0/96`) keeping its dotted tail (RFC 5952 §5). Zone indices
 * (`fe80::1%eth0`) mean nothing outside one host and are refused.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** The canonical IPv4 spelling, or undefined when `value` is not a dotted quad. */
export function canonicalIPv4(value: string): string | undefined {
  return isIPv4(value) ? value : undefined;
}

/** Parses a valid IPv6 address (without zone) into its eight 16-bit groups. */
function ipv6Groups(value: string): number[] {
  let text = value.toLowerCase();
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const octets = last.split('.').map(Number);
    tail.push(((octets[0]! << 8) | octets[1]!) >>> 0, ((octets[2]! << 8) | octets[3]!) >>> 0);
    // Keep one colon, so "::1.2.3.4" becomes "::" and "a::1.2.3.4" becomes "a::".
    text = text.slice(0, lastColon + 1);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const parse = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((g) => parseInt(g, 16));
  const want = 8 - tail.length;
  const gap = text.indexOf('::');
  let groups: number[];
  if (gap === -1) {
    groups = parse(text);
  } else {
    const head = parse(text.slice(0, gap));
    const rest = parse(text.slice(gap + 2));
    groups = [...head, ...new Array<number>(want - head.length - rest.length).fill(0), ...rest];
  }
  return [...groups, ...tail];
}

/** The RFC 5952 spelling of an IPv6 address, or undefined when `value` is not one. */
export function canonicalIPv6(value: string): string | undefined {
  if (value.includes('%') || !isIPv6(value)) return undefined;
  const g = ipv6Groups(value);
  // IPv4-mapped: ::ffff:a.b.c.d (RFC 5952 §5).
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    const v4 = [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff].join('.');
    return `::ffff:${v4}`;
  }
  // Longest run of zero groups, at least two long; the first one on a tie (RFC 5952 §4.2).
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart === -1) return hex.join(':');
  const head = hex.slice(0, bestStart).join(':');
  const rest = hex.slice(bestStart + bestLen).join(':');
  return `${head}::${rest}`;
}
