/**
 * @module
 * Virtual time is kept in integer microseconds (fine enough for network delays, coarse
 * enough that 2^53 µs is ~285 years). These helpers turn human units into microseconds, so a
 * model reads `timeoutUs: seconds(3)` rather than `3_000_000`.
 */

/** Microseconds in a millisecond. */
export const MICROS_PER_MS = 1000;

/** Microseconds in a second. */
export const MICROS_PER_SECOND = 1_000_000;

/** `x` milliseconds, in microseconds. */
export function ms(x: number): number {
  return x * MICROS_PER_MS;
}

/** `x` seconds, in microseconds. */
export function seconds(x: number): number {
  return x * MICROS_PER_SECOND;
}
