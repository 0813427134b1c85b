/**
 * @module
 * Distributions of durations — service times, network delays, think times — in virtual
 * microseconds. A distribution is built once and sampled with the component's own `Rng`, so
 * sampling allocates nothing and two components never share a random stream by accident.
 *
 * `sample(rng, load)` takes the number of requests in progress at the server that draws it;
 * only load-dependent distributions read it, which is how a model says "1.0 s + 0.01 s × in
 * progress" (the overloaded server of the `spike` scenario, after Bronson et al.,
 * "Metastable Failures in Distributed Systems", HotOS 2021).
 */
import type { Rng } from '../../core/rng.js';

/** A distribution of non-negative durations in microseconds. */
export interface Distribution {
  /**
   * Draws one duration, µs, never negative. `load` is the number of requests in progress
   * (including the one being drawn for); distributions that do not depend on load ignore it.
   */
  sample(rng: Rng, load?: number): number;
  /** A short human description for reports, such as `'exp(mean 100000 µs)'`. */
  readonly description: string;
}

function checkNonNegative(what: string, name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(`${what}: ${name} must be a finite number >= 0, got ${value}`);
  }
}

/** Always `valueUs`. */
export function constant(valueUs: number): Distribution {
  checkNonNegative('constant', 'valueUs', valueUs);
  return { sample: () => valueUs, description: `${valueUs} µs` };
}

/** Uniform on [minUs, maxUs). */
export function uniform(minUs: number, maxUs: number): Distribution {
  checkNonNegative('uniform', 'minUs', minUs);
  checkNonNegative('uniform', 'maxUs', maxUs);
  if (maxUs < minUs) {
    throw new RangeError(`uniform: maxUs must be >= minUs (${minUs}), got ${maxUs}`);
  }
  return {
    sample: (rng) => rng.uniform(minUs, maxUs),
    description: `U(${minUs} µs, ${maxUs} µs)`,
  };
}

/** Exponential with mean `meanUs`: memoryless, the inter-arrival time of a Poisson process. */
export function exponential(meanUs: number): Distribution {
  checkNonNegative('exponential', 'meanUs', meanUs);
  return {
    sample: (rng) => rng.exponential(meanUs),
    description: `exp(mean ${meanUs} µs)`,
  };
}

/** Options for {@link normal}. */
export interface NormalOptions {
  /** Samples below are raised to this. Default 0 (a duration is never negative). */
  readonly minUs?: number;
  /** Samples above are lowered to this. Default Infinity. */
  readonly maxUs?: number;
}

/**
 * Normal(meanUs, sdUs) clamped to [minUs, maxUs]. Clamping piles the cut-off tail onto the
 * bound; use {@link foldedNormal} when a negative draw should mirror instead.
 */
export function normal(meanUs: number, sdUs: number, options: NormalOptions = {}): Distribution {
  checkNonNegative('normal', 'meanUs', meanUs);
  checkNonNegative('normal', 'sdUs', sdUs);
  const minUs = options.minUs ?? 0;
  const maxUs = options.maxUs ?? Infinity;
  checkNonNegative('normal', 'minUs', minUs);
  if (!(maxUs >= minUs)) {
    throw new RangeError(`normal: maxUs must be >= minUs (${minUs}), got ${maxUs}`);
  }
  return {
    sample: (rng) => Math.min(maxUs, Math.max(minUs, rng.normal(meanUs, sdUs))),
    description: `N(${meanUs} µs, ${sdUs} µs) in [${minUs}, ${maxUs}]`,
  };
}

/**
 * |Normal(meanUs, sdUs)|, the folded normal: the network delay of the `contention` scenario,
 * |N(10 ms, 2 ms)| (Marc Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog,
 * 2015, whose simulation this repeats).
 */
export function foldedNormal(meanUs: number, sdUs: number): Distribution {
  checkNonNegative('foldedNormal', 'meanUs', meanUs);
  checkNonNegative('foldedNormal', 'sdUs', sdUs);
  return {
    sample: (rng) => Math.abs(rng.normal(meanUs, sdUs)),
    description: `|N(${meanUs} µs, ${sdUs} µs)|`,
  };
}

/**
 * `base + perInProgressUs × load`: a server that slows down as it gets busier (contention on
 * locks, caches, GC). `base` is a distribution or a constant in µs.
 */
export function loadDependent(base: Distribution | number, perInProgressUs: number): Distribution {
  checkNonNegative('loadDependent', 'perInProgressUs', perInProgressUs);
  const b = typeof base === 'number' ? constant(base) : base;
  return {
    sample: (rng, load = 1) => b.sample(rng, load) + perInProgressUs * load,
    description: `${b.description} + ${perInProgressUs} µs × in progress`,
  };
}
