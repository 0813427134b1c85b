/**
 * @module
 * Option checks shared by the DNS components: each throws a `RangeError` or `TypeError` that
 * names the option and the value received (house style), when a component is built.
 */
import type { Clock } from '../../core/clock.js';
import type { Rng } from '../../core/rng.js';

/** A short, safe rendering of a received value for an error message. */
export function showValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return `'${value}'`;
    case 'function':
      return 'a function';
    case 'object':
      return value === null ? 'null' : Array.isArray(value) ? 'an array' : 'an object';
    case 'symbol':
      return value.toString();
    default:
      return String(value);
  }
}

/** Throws unless `options` is an object. */
export function checkOptionsObject(where: string, options: unknown): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${where}: options must be an object, got ${showValue(options)}`);
  }
}

/** Throws unless `value` is a {@link Clock}. */
export function checkClock(where: string, value: unknown): Clock {
  const c = value as Partial<Clock> | undefined;
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.now !== 'function' ||
    typeof c.sleep !== 'function' ||
    typeof c.setTimer !== 'function'
  ) {
    throw new TypeError(`${where}: clock must be a Clock, got ${showValue(value)}`);
  }
  return value as Clock;
}

/** Throws unless `value` is an {@link Rng}. */
export function checkRng(where: string, value: unknown): Rng {
  const r = value as Partial<Rng> | undefined;
  if (typeof r !== 'object' || r === null || typeof r.float !== 'function') {
    throw new TypeError(`${where}: rng must be an Rng, got ${showValue(value)}`);
  }
  return value as Rng;
}

/** Throws unless `value` is a non-empty string. */
export function checkId(where: string, option: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${where}: ${option} must be a non-empty string, got ${showValue(value)}`);
  }
  return value;
}

/** Throws unless `value` is a finite number in [min, max]. */
export function checkNumberIn(
  where: string,
  option: string,
  value: unknown,
  min: number,
  max: number,
): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${where}: ${option} must be a number, got ${showValue(value)}`);
  }
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(
      `${where}: ${option} must be a finite number in [${min}, ${max}], got ${value}`,
    );
  }
  return value;
}

/** Throws unless `value` is an integer ≥ `min`. */
export function checkIntegerAtLeast(
  where: string,
  option: string,
  value: unknown,
  min: number,
): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${where}: ${option} must be a number, got ${showValue(value)}`);
  }
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${where}: ${option} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

/** Throws unless `value` is a positive safe integer: a plan generation. */
export function checkGeneration(where: string, value: unknown, option = 'generation'): number {
  return checkIntegerAtLeast(where, option, value, 1);
}
