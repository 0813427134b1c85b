/**
 * @module
 * Option checks shared by {@link WorkQueue} and {@link WorkerPool}: each throws a `RangeError`
 * or `TypeError` that names the option and the value received, as the house style asks.
 */

/** Largest number of priority levels; tickets encode the level, so it stays small. */
export const MAX_PRIORITIES = 256;

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Throws unless `value` is an integer in [min, max]. */
export function checkInt(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${name} must be an integer ${range}, got ${show(value)}`);
  }
  return value;
}

/** Throws unless `value` is a number > 0 (Infinity allowed when `allowInfinity`). */
export function checkPositive(name: string, value: unknown, allowInfinity: boolean): number {
  if (typeof value !== 'number' || !(value > 0) || (!allowInfinity && value === Infinity)) {
    const what = allowInfinity ? 'a number > 0 (or Infinity)' : 'a finite number > 0';
    throw new RangeError(`${name} must be ${what}, got ${show(value)}`);
  }
  return value;
}

/** Throws unless `value` is one of `allowed`. */
export function checkOneOf<const A extends readonly string[]>(
  name: string,
  value: unknown,
  allowed: A,
): A[number] {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new RangeError(
      `${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(value)}`,
    );
  }
  return value;
}

/** The per-offer priority check, kept cheap for the hot path. */
export function checkPriority(value: number, levels: number): number {
  if (!(value >>> 0 === value && value < levels)) {
    throw new RangeError(`priority must be an integer in [0, ${levels - 1}], got ${show(value)}`);
  }
  return value;
}

/** The per-offer TTL check, kept cheap for the hot path. */
export function checkTtl(value: number): number {
  if (typeof value !== 'number' || !(value > 0)) {
    throw new RangeError(`ttlMs must be a number > 0 (or Infinity), got ${show(value)}`);
  }
  return value;
}
