/**
 * @module
 * Option checks for the shared policies: each throws a `RangeError`/`TypeError` naming the
 * policy, the option and the value received, at construction (house style).
 */

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'object') return value === null ? 'null' : 'an object';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  return `${value as number | boolean | bigint | undefined}`;
}

/** A finite number > 0. */
export function checkPositive(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value > 0)) {
    throw new RangeError(`${where}: ${name} must be a finite number > 0, got ${show(value)}`);
  }
  return value;
}

/** A finite number ≥ `min`. */
export function checkAtLeast(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !(value >= min)) {
    throw new RangeError(`${where}: ${name} must be a finite number >= ${min}, got ${show(value)}`);
  }
  return value;
}

/** An integer ≥ `min`. */
export function checkInteger(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${where}: ${name} must be an integer >= ${min}, got ${show(value)}`);
  }
  return value;
}

/** A number in (0, 1]. */
export function checkFraction(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
    throw new RangeError(`${where}: ${name} must be a number in (0, 1], got ${show(value)}`);
  }
  return value;
}

/** A non-empty string key. */
export function checkKey(where: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(`${where}: key must be a non-empty string, got ${show(value)}`);
  }
  return value;
}

/** Throws unless `link` looks like a `SharedLink`. */
export function checkLink<L>(where: string, link: unknown): L {
  const l = link as { takeTokens?: unknown; epoch?: unknown } | undefined;
  if (typeof l !== 'object' || l === null || typeof l.takeTokens !== 'function') {
    throw new TypeError(`${where}: link must be a SharedLink, got ${show(link)}`);
  }
  return link as L;
}

/** True for promises and other thenables. */
export function isThenable<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return (
    (typeof v === 'object' || typeof v === 'function') &&
    v !== null &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}
