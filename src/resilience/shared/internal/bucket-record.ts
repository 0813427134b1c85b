/**
 * @module
 * The shared token bucket as a pure step on a plain record: `stepBucket(record, spec,
 * request, nowMs)` is exactly what one `takeTokens` call does, in the same order as the Redis
 * Lua script (`redis/internal/scripts.ts`) — refill, deposit, start a ramp, take. The
 * in-memory store runs this function; the contract suite (`test/shared/`) holds the Lua
 * script to the same answers.
 *
 * The ramp arithmetic is {@link RecoveryRamp}'s (the refill integrates the fraction exactly,
 * the capacity shrinks with it, never below one token), restated here because the bucket's
 * ramp lives in the record, on the store's clock, not in a process.
 */
import type { BucketRamp, BucketReply, BucketRequest, BucketSpec } from '../shared-state.js';

/** Slack for whole-token comparisons (ten deposits of 0.1 make one token). */
export const TOKEN_EPSILON = 1e-9;

/** The stored state of one bucket. */
export interface BucketRecord {
  tokens: number;
  /** Store time of the last refill, ms. */
  lastMs: number;
  /** Store time the current or last ramp started, ms (-Infinity: never). */
  rampStartMs: number;
}

/** A bucket that did not exist before `nowMs`. */
export function newBucket(spec: BucketSpec, nowMs: number): BucketRecord {
  return {
    tokens: spec.initialTokens,
    lastMs: nowMs,
    rampStartMs: -Infinity,
  };
}

/** The ramp's fraction of full rate at `t` (1 outside a ramp). */
export function rampFraction(rec: BucketRecord, spec: BucketSpec, t: number): number {
  const ramp = spec.ramp;
  return ramp === undefined ? 1 : fractionAt(ramp, rec.rampStartMs, t);
}

/** The fraction at `t` of a ramp that started at `startMs` (1 before it and after it ends). */
export function fractionAt(ramp: BucketRamp, startMs: number, t: number): number {
  const u = t - startMs;
  if (!(u < ramp.rampMs) || u < 0) return 1;
  const f0 = ramp.startFraction;
  if (ramp.shape === 'exponential' && f0 < 1) {
    return f0 * Math.exp((-Math.log(f0) / ramp.rampMs) * u);
  }
  return f0 + ((1 - f0) / ramp.rampMs) * u;
}

/** ∫ fraction over [a, b] in ms (exact, closed form). */
function rampIntegral(rec: BucketRecord, spec: BucketSpec, a: number, b: number): number {
  const ramp = spec.ramp;
  if (ramp === undefined) return b - a;
  const s = rec.rampStartMs;
  const e = s + ramp.rampMs;
  if (a >= e || b <= s) return b - a;
  let total = 0;
  if (a < s) total += s - a;
  if (b > e) total += b - e;
  const x = Math.max(a, s) - s;
  const y = Math.min(b, e) - s;
  const f0 = ramp.startFraction;
  if (ramp.shape === 'exponential' && f0 < 1) {
    const k = -Math.log(f0) / ramp.rampMs;
    return total + (f0 / k) * (Math.exp(k * y) - Math.exp(k * x));
  }
  const c = (1 - f0) / ramp.rampMs;
  return total + f0 * (y - x) + (c / 2) * (y * y - x * x);
}

/** The capacity at `t`: `capacity × fraction` during a ramp, never below one token. */
export function bucketCapacity(rec: BucketRecord, spec: BucketSpec, t: number): number {
  const f = rampFraction(rec, spec, t);
  if (f >= 1) return spec.capacity;
  return Math.max(spec.capacity * f, Math.min(spec.capacity, 1));
}

function refill(rec: BucketRecord, spec: BucketSpec, nowMs: number): void {
  if (!(nowMs > rec.lastMs)) return;
  const earned =
    spec.refillPerSecond === 0
      ? 0
      : (rampIntegral(rec, spec, rec.lastMs, nowMs) * spec.refillPerSecond) / 1000;
  rec.lastMs = nowMs;
  const t = rec.tokens + earned;
  const cap = bucketCapacity(rec, spec, nowMs);
  rec.tokens = t < cap ? t : cap;
}

/** One `takeTokens` call on `rec` at store time `nowMs`; mutates `rec`. */
export function stepBucket(
  rec: BucketRecord,
  spec: BucketSpec,
  request: BucketRequest,
  nowMs: number,
): BucketReply {
  refill(rec, spec, nowMs);
  if (request.deposit > 0) {
    const t = rec.tokens + request.deposit;
    const cap = bucketCapacity(rec, spec, nowMs);
    rec.tokens = t < cap ? t : cap;
  }
  if (
    request.startRamp === true &&
    spec.ramp !== undefined &&
    !(nowMs - rec.rampStartMs < (request.startRampDedupeMs ?? 0))
  ) {
    rec.rampStartMs = nowMs;
    const cap = bucketCapacity(rec, spec, nowMs);
    if (rec.tokens > cap) rec.tokens = cap;
  }
  let granted = Math.floor(rec.tokens + TOKEN_EPSILON);
  if (granted > request.want) granted = request.want;
  if (granted < 0) granted = 0;
  if (granted > 0) {
    rec.tokens -= granted;
    if (rec.tokens < 0) rec.tokens = 0;
  }
  return {
    granted,
    tokens: rec.tokens,
    nowMs,
    retryAfterMs: retryAfterMs(rec, spec, nowMs),
    rampStartedAtMs: rec.rampStartMs,
  };
}

/**
 * How long until one more whole token, at the rate of `nowMs` (an upper bound during a ramp,
 * whose rate only grows).
 */
function retryAfterMs(rec: BucketRecord, spec: BucketSpec, nowMs: number): number {
  const deficit = 1 - rec.tokens;
  if (deficit <= TOKEN_EPSILON) return 0;
  if (spec.refillPerSecond === 0 || spec.capacity < 1) return Infinity;
  return deficit / ((spec.refillPerSecond / 1000) * rampFraction(rec, spec, nowMs));
}
