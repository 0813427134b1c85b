/**
 * @module
 * Jitter: randomising backoff delays so that clients which failed together do not retry
 * together. Without it every client of a recovering service retries on the same schedule,
 * and each wave of retries knocks it over again — the retry flood of 2025-10-20.
 *
 * The formulas are those of Marc Brooker, "Exponential Backoff And Jitter", AWS Architecture
 * Blog, 2015-03-04 (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/):
 * with `d` the un-jittered delay,
 * - full:         `U(0, d)`
 * - equal:        `d/2 + U(0, d/2)`
 * - decorrelated: `min(cap, U(base, 3 · previous))`, a recurrence on the previous delay
 *   rather than a function of `d` (see {@link decorrelatedDelay}).
 * The blog finds full and decorrelated jitter best (least work and least time to finish
 * under contention), and equal jitter the weakest of the three.
 */
import type { Rng } from '../../core/rng.js';

/** How a backoff randomises its delays. */
export type Jitter = 'none' | 'full' | 'equal' | 'decorrelated';

/** The jitters that apply to any delay (decorrelated needs a base, a cap and a history). */
export type SimpleJitter = Exclude<Jitter, 'decorrelated'>;

/**
 * Applies `jitter` to a delay of `delayMs`: none → `delayMs`; full → `U(0, delayMs)`;
 * equal → `delayMs/2 + U(0, delayMs/2)`. Draws one number from `rng` unless `jitter` is none.
 */
export function jitterDelay(jitter: SimpleJitter, delayMs: number, rng: Rng): number {
  switch (jitter) {
    case 'none':
      return delayMs;
    case 'full':
      return delayMs * rng.float();
    case 'equal':
      return delayMs / 2 + (delayMs / 2) * rng.float();
  }
}

/**
 * Decorrelated jitter, AWS's recurrence: `min(cap, U(base, 3 · previous))`, with `previous`
 * taken as `base` before the first retry (and whenever it is smaller, so the range is never
 * inverted). Each delay grows from the one before by a random factor of up to 3, so clients
 * drift apart quickly.
 *
 * Hazard: once `previous` reaches the cap, two draws in three exceed it and are clamped, so
 * delays bunch up at the cap; Polly measured this ("Decorrelated jitter does not jitter
 * well", https://github.com/App-vNext/Polly/issues/530) and moved to a smoothed formula
 * (Polly.Contrib.WaitAndRetry's `DecorrelatedJitterBackoffV2`, which cockatiel also uses).
 * We keep the blog's formula because the simulator's contention scenario reproduces the
 * blog's comparison, variant by variant.
 */
export function decorrelatedDelay(
  baseMs: number,
  capMs: number,
  previousDelayMs: number,
  rng: Rng,
): number {
  const previous = previousDelayMs > baseMs ? previousDelayMs : baseMs;
  const d = baseMs + (3 * previous - baseMs) * rng.float();
  return d < capMs ? d : capMs;
}
