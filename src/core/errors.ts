/**
 * @module
 * The root of breakwater's errors. Each part has one base class that extends
 * {@link BreakwaterError} with a literal `code` (`'BW_CIRCUIT_OPEN'`), so callers can branch on
 * `err.code` without `instanceof` across package copies. (After undici's `lib/core/errors.js`.)
 */

/** Options accepted by every breakwater error. */
export interface BreakwaterErrorOptions {
  /** The underlying error, passed on as `Error.cause`. */
  readonly cause?: unknown;
}

/** Base class of every error breakwater throws on purpose. */
export abstract class BreakwaterError extends Error {
  /** A stable, machine-readable code such as `'BW_CIRCUIT_OPEN'`. */
  abstract readonly code: string;

  constructor(message: string, options?: BreakwaterErrorOptions) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = new.target.name;
  }
}

/** True when `e` is any breakwater error (duck-typed on `code`, so it works across copies). */
export function isBreakwaterError(e: unknown): e is BreakwaterError {
  if (!(e instanceof Error)) return false;
  const code: unknown = (e as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('BW_');
}
