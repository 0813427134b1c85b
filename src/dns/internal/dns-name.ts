/**
 * @module
 * Syntax of DNS owner names and host names as plans use them, normalised to one spelling so
 * that equal names hash equally: lower case (DNS compares names case-insensitively,
 * RFC 4343), no trailing dot (every name in a plan is absolute).
 *
 * The rules: at most 253 characters in all and 1–63 per label (RFC 1035 §2.3.4); letters,
 * digits and hyphens, a label neither starting nor ending with a hyphen (RFC 1123 §2.1);
 * underscores are allowed because service labels need them (`_sip._tcp`, RFC 2782; `_dmarc`,
 * RFC 7489); `*` only as a whole leftmost label (a wildcard, RFC 4592).
 */

/** A normalised name, or a message saying what is wrong with the input. */
export type NameCheck =
  { readonly ok: true; readonly name: string } | { readonly ok: false; readonly message: string };

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/**
 * Checks and normalises a DNS name. `wildcard` allows a leftmost `*` label (owner names may
 * have one; CNAME, MX and SRV targets may not).
 */
export function checkDnsName(value: unknown, wildcard: boolean): NameCheck {
  if (typeof value !== 'string') {
    return { ok: false, message: `must be a DNS name (a string), got ${typeof value}` };
  }
  let name = value.toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.length === 0) return { ok: false, message: 'must be a DNS name, got an empty name' };
  if (name.length > 253) {
    return { ok: false, message: `must be at most 253 characters, got ${name.length}` };
  }
  const labels = name.split('.');
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label === '*' && i === 0 && wildcard) continue;
    if (label.length === 0) return { ok: false, message: `has an empty label in '${value}'` };
    if (label.length > 63) {
      return { ok: false, message: `label '${label}' is longer than 63 characters` };
    }
    if (!LABEL.test(label)) {
      return {
        ok: false,
        message:
          `label '${label}' in '${value}' is not valid: use letters, digits, '-' and '_', ` +
          `not starting or ending with '-'${wildcard ? ", and '*' only as the whole first label" : ''}`,
      };
    }
  }
  return { ok: true, name };
}
