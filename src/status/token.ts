/**
 * @module
 * Token checks for the admin area and the probers' reports. Tokens travel only in the
 * `Authorization` header (Bearer, or Basic with the token as password so a browser's own login
 * prompt works without JavaScript) — never in URLs, which end up in logs, proxies and browser
 * history. The comparison hashes both sides with SHA-256 and compares the digests with
 * `crypto.timingSafeEqual`: constant time whatever the inputs, and no early exit on length
 * (`timingSafeEqual` alone throws on unequal lengths, which leaks the length).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** True when `given` equals `expected`, in time independent of where they differ. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && expected !== '';
}

/** The token an `Authorization` header carries (Bearer, or Basic's password), or undefined. */
export function tokenFromAuthorization(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer !== null) return bearer[1]!.trim();
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (basic === null) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}
