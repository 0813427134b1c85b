/**
 * @module
 * Option and snapshot checks shared by the breaker strategies and the breaker. Options are
 * validated once, at construction, and errors name the option and the value received
 * (STYLE.md, "Names and errors").
 */
import type { BreakerStrategySnapshot } from '../breaker-strategy.js';

/**
 * Shared validation for strategy options: a finite number within [min, max] (`integer`
 * optional). Throws RangeError naming `where.name` and the value received.
 */
export function checkNumber(
  where: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
  integer: boolean,
  minExclusive = false,
): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (minExclusive ? value > min : value >= min) &&
    value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const lo = minExclusive ? `> ${min}` : `>= ${min}`;
    const hi = max === Infinity ? '' : ` and <= ${max}`;
    const kind = integer ? 'an integer' : 'a finite number';
    throw new RangeError(`${where}: ${name} must be ${kind} ${lo}${hi}, got ${describe(value)}`);
  }
  return value;
}

/** Throws TypeError naming `field` unless `snapshot.kind === kind`. */
export function checkSnapshotKind(snapshot: BreakerStrategySnapshot, kind: string): void {
  if (typeof snapshot !== 'object' || snapshot === null || snapshot.kind !== kind) {
    const got =
      typeof snapshot === 'object' && snapshot !== null ? String(snapshot.kind) : typeof snapshot;
    throw new TypeError(`initialState.strategy.kind: expected '${kind}', got '${got}'`);
  }
}

/** Reads an array of non-negative integers from a snapshot field, or throws TypeError. */
export function snapshotCounts(snapshot: BreakerStrategySnapshot, field: string): number[] {
  const v = snapshot[field];
  if (
    !Array.isArray(v) ||
    !v.every((x): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0)
  ) {
    throw new TypeError(
      `initialState.strategy.${field}: expected an array of non-negative integers`,
    );
  }
  return v;
}

/** A short description of a received value for an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'string') return JSON.stringify(value);
  if (
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    typeof value === 'bigint' ||
    value === undefined
  ) {
    return String(value);
  }
  return typeof value;
}
