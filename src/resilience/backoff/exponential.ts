/**
 * @module
 * Capped exponential backoff with jitter, after Marc Brooker, "Exponential Backoff And
 * Jitter", AWS Architecture Blog, 2015 (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/):
 * the un-jittered delay before retry `n` is `min(cap, base · factor^n)` (so `2·base` before
 * the first retry with the default factor 2, as in the blog), then jitter spreads it:
 * full `U(0, d)`, equal `d/2 + U(0, d/2)`, or decorrelated `min(cap, U(base, 3·previous))`.
 *
 * Full jitter is the default: the blog finds it and decorrelated jitter clearly best under
 * contention, and AWS's SDKs use full jitter in their standard retry mode.
 */
import type { Rng } from '../../core/rng.js';
import type { Backoff } from './backoff.js';
import type { Jitter } from './jitter.js';
import { decorrelatedDelay, jitterDelay } from './jitter.js';
import { checkAtLeast, checkFinite, checkOneOf } from './internal/options.js';

/** Options for {@link exponentialBackoff}. */
export interface ExponentialBackoffOptions {
  /** The base delay, ms (finite, > 0). The first retry waits up to `base · factor`. */
  readonly baseMs: number;
  /** The largest delay, ms (≥ baseMs; may be Infinity, which is rarely wise). */
  readonly capMs: number;
  /** Growth per retry (finite, ≥ 1). Default 2. Decorrelated jitter ignores it (it uses 3). */
  readonly factor?: number;
  /** How delays are randomised. Default `'full'`. */
  readonly jitter?: Jitter;
}

class ExponentialBackoff implements Backoff {
  constructor(
    private readonly baseMs: number,
    private readonly capMs: number,
    private readonly factor: number,
    private readonly jitter: Jitter,
  ) {}
  next(attempt: number, previousDelayMs: number, rng: Rng): number {
    if (this.jitter === 'decorrelated') {
      return decorrelatedDelay(this.baseMs, this.capMs, previousDelayMs, rng);
    }
    // base > 0, so an overflow to Infinity clamps to the cap instead of becoming NaN.
    const d = this.baseMs * this.factor ** attempt;
    return jitterDelay(this.jitter, d < this.capMs ? d : this.capMs, rng);
  }
}

/**
 * A backoff whose delay doubles (by default) with every retry, up to `capMs`, jittered.
 * With `jitter: 'decorrelated'` the delay follows AWS's recurrence on the previous delay
 * instead (see {@link decorrelatedDelay}).
 */
export function exponentialBackoff(options: ExponentialBackoffOptions): Backoff {
  const baseMs = checkFinite('exponentialBackoff: baseMs', options.baseMs);
  if (baseMs === 0) {
    // 0 · factor^n is 0 forever (and decorrelated jitter's range would collapse to 0).
    throw new RangeError('exponentialBackoff: baseMs must be > 0, got 0');
  }
  const capMs = checkAtLeast('exponentialBackoff: capMs', options.capMs, baseMs);
  const factor = checkFinite('exponentialBackoff: factor', options.factor ?? 2, 1);
  const jitter = checkOneOf('exponentialBackoff: jitter', options.jitter ?? 'full', [
    'none',
    'full',
    'equal',
    'decorrelated',
  ]);
  return new ExponentialBackoff(baseMs, capMs, factor, jitter);
}
