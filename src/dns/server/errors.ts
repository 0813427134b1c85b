/**
 * @module
 * Errors of the authoritative server: a zone snapshot that fails validation. It extends the
 * DNS part's {@link DnsError} base and carries every problem with its field, as plan
 * validation does, so a config file's mistakes are all reported at once.
 */
import type { BreakwaterErrorOptions } from '../../core/errors.js';
import { DnsError } from '../errors.js';
import type { ValidationIssue } from '../errors.js';

/** A zone snapshot's input failed validation; `issues` lists every problem. */
export class ZoneSnapshotError extends DnsError {
  readonly code = 'BW_DNS_ZONE_INVALID' as const;
  /** Every problem found, in field order. */
  readonly issues: readonly ValidationIssue[];
  constructor(zone: string, issues: readonly ValidationIssue[], options?: BreakwaterErrorOptions) {
    const n = issues.length;
    super(
      `invalid zone '${zone}' (${n} problem${n === 1 ? '' : 's'}):\n` +
        issues
          .map((i) => (i.field === '' ? `  ${i.message}` : `  ${i.field}: ${i.message}`))
          .join('\n'),
      options,
    );
    this.issues = issues;
  }
}

/** Guard for {@link ZoneSnapshotError} (duck-typed on `code`). */
export const isZoneSnapshotError = (e: unknown): e is ZoneSnapshotError =>
  e instanceof Error && (e as { code?: unknown }).code === 'BW_DNS_ZONE_INVALID';
