/**
 * @module
 * Option checks shared by the backoffs and the retry policy: each throws a `RangeError` or
 * `TypeError` that names the option and the value received (house style), at construction,
 * so the hot path never validates.
 */
/** Throws unless `value` is a finite number ≥ `min` (default 0). */
export function checkFinite(option: string, value: unknown, min = 0): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${option} must be a number, got ${showValue(value)}`);
  }
  if (!Number.isFinite(value) || value < min) {
    throw new RangeError(`${option} must be a finite number >= ${min}, got ${value}`);
  }
  return value;
}

/** Throws unless `value` is a number ≥ `min` (default 0); `Infinity` is allowed. */
export function checkAtLeast(option: string, value: unknown, min = 0): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${option} must be a number, got ${showValue(value)}`);
  }
  if (!(value >= min)) throw new RangeError(`${option} must be >= ${min}, got ${value}`);
  return value;
}

/** Throws unless `value` is one of `allowed`. */
export function checkOneOf<const J extends string>(
  option: string,
  value: unknown,
  allowed: readonly J[],
): J {
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw new RangeError(
      `${option} must be one of ${allowed.map((j) => `'${j}'`).join(', ')}, got ${showValue(value)}`,
    );
  }
  return value as J;
}

/** A short, safe rendering of a received value for an error message. */
export function showValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `'${value}'`;
    case 'function':
      return 'a function';
    case 'object':
      return value === null ? 'null' : 'an object';
    case 'symbol':
      return value.toString();
    default:
      return String(value);
  }
}
