/**
 * @module
 * The same delay before every retry, optionally jittered. Fits a dependency with a known
 * recovery time (a lock that expires, a leader election) more than an overloaded one: it
 * does not back off, so put a retry budget behind it. `constantBackoff({ delayMs: 0 })` is
 * "retry at once", the simulator's `none` variant.
 */
import type { Rng } from '../../core/rng.js';
import type { Backoff } from './backoff.js';
import type { SimpleJitter } from './jitter.js';
import { jitterDelay } from './jitter.js';
import { checkFinite, checkOneOf } from './internal/options.js';

/** Options for {@link constantBackoff}. */
export interface ConstantBackoffOptions {
  /** The delay before every retry, ms (finite, ≥ 0). */
  readonly delayMs: number;
  /** Jitter applied to `delayMs`. Default `'none'`. */
  readonly jitter?: SimpleJitter;
}

class ConstantBackoff implements Backoff {
  constructor(
    private readonly delayMs: number,
    private readonly jitter: SimpleJitter,
  ) {}
  next(_attempt: number, _previousDelayMs: number, rng: Rng): number {
    return jitterDelay(this.jitter, this.delayMs, rng);
  }
}

/** A backoff that waits `delayMs` (jittered if asked) before every retry. */
export function constantBackoff(options: ConstantBackoffOptions): Backoff {
  return new ConstantBackoff(
    checkFinite('constantBackoff: delayMs', options.delayMs),
    checkOneOf('constantBackoff: jitter', options.jitter ?? 'none', ['none', 'full', 'equal']),
  );
}
