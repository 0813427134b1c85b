/**
 * @module
 * The error for bad command-line input. The CLI prints its message and exits with code 2
 * (DESIGN.md: 2 for usage errors, 1 for failures).
 */
import { BreakwaterError } from '../core/errors.js';

/** A mistake in how a command was called: an unknown flag, a missing or malformed value. */
export class UsageError extends BreakwaterError {
  readonly code = 'BW_USAGE' as const;
}

/** Guard for {@link UsageError}. */
export function isUsageError(e: unknown): e is UsageError {
  return e instanceof Error && (e as { code?: unknown }).code === 'BW_USAGE';
}
