/**
 * @module
 * A delay that grows by a fixed step per retry, up to a cap: `min(cap, base + step·(n − 1))`
 * for retry `n`. Gentler than exponential growth; resilience4j and Polly offer the same.
 */
import type { Rng } from '../../core/rng.js';
import type { Backoff } from './backoff.js';
import type { SimpleJitter } from './jitter.js';
import { jitterDelay } from './jitter.js';
import { checkAtLeast, checkFinite, checkOneOf } from './internal/options.js';

/** Options for {@link linearBackoff}. */
export interface LinearBackoffOptions {
  /** The delay before the first retry, ms (finite, ≥ 0). */
  readonly baseMs: number;
  /** How much each further retry adds, ms (finite, ≥ 0). Default `baseMs`. */
  readonly stepMs?: number;
  /** The largest delay before jitter, ms (≥ baseMs; may be Infinity). Default Infinity. */
  readonly capMs?: number;
  /** Jitter applied to the capped delay. Default `'none'`. */
  readonly jitter?: SimpleJitter;
}

class LinearBackoff implements Backoff {
  constructor(
    private readonly baseMs: number,
    private readonly stepMs: number,
    private readonly capMs: number,
    private readonly jitter: SimpleJitter,
  ) {}
  next(attempt: number, _previousDelayMs: number, rng: Rng): number {
    const d = this.baseMs + this.stepMs * (attempt - 1);
    return jitterDelay(this.jitter, d < this.capMs ? d : this.capMs, rng);
  }
}

/** A backoff that waits `baseMs`, then `baseMs + stepMs`, `baseMs + 2·stepMs`, … up to `capMs`. */
export function linearBackoff(options: LinearBackoffOptions): Backoff {
  const baseMs = checkFinite('linearBackoff: baseMs', options.baseMs);
  const stepMs = checkFinite('linearBackoff: stepMs', options.stepMs ?? baseMs);
  const capMs = checkAtLeast('linearBackoff: capMs', options.capMs ?? Infinity, baseMs);
  const jitter = checkOneOf('linearBackoff: jitter', options.jitter ?? 'none', [
    'none',
    'full',
    'equal',
  ]);
  return new LinearBackoff(baseMs, stepMs, capMs, jitter);
}
