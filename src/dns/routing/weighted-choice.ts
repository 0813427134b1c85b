/**
 * @module
 * Weighted routing as Route 53 does it: each query is answered with ONE record, drawn with
 * probability weight / (sum of weights) among the healthy records whose weight is above 0.
 * Zero-weight records are a standby: they are drawn (uniformly) only when no weighted record
 * is healthy; when nothing is healthy every record counts as healthy again (fail open).
 * See "Weighted routing" and "How Amazon Route 53 chooses records when health checking is
 * configured" in the Route 53 Developer Guide.
 *
 * The draw is split in two so the server's hot path stays cheap: {@link weightedChoice}
 * turns the weights into cumulative sums once per plan, and {@link pickWeightedIndex} maps
 * one uniform number to an index with a scan over them (a handful of records per name, so a
 * linear scan beats a binary search or an alias table).
 */
import type { Rng } from '../../core/rng.js';
import { isEndpointHealthy } from './route-endpoints.js';
import type { HealthVerdicts } from './route-endpoints.js';
import type { RoutedEndpoint } from './routing-policy.js';

/** Cumulative weights of the candidates of one weighted name, ready to draw from. */
export interface WeightedChoice {
  /** `cumulative[i]` = sum of the weights of candidates 0 … i; the last is the total. */
  readonly cumulative: readonly number[];
}

/**
 * The choice among records with weights `weights`. Zero weights are never drawn while any
 * weight is above 0; when every weight is 0 (only standbys left, or all failed open) the
 * draw is uniform. Throws RangeError on an empty list or a weight that is not finite and >= 0.
 */
export function weightedChoice(weights: readonly number[]): WeightedChoice {
  if (weights.length === 0) throw new RangeError('weightedChoice: weights must not be empty');
  let total = 0;
  for (const w of weights) {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new RangeError(`weightedChoice: weights must be finite numbers >= 0, got ${String(w)}`);
    }
    total += w;
  }
  const uniform = total === 0;
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += uniform ? 1 : w));
  return Object.freeze({ cumulative: Object.freeze(cumulative) });
}

/**
 * The candidate index that the uniform number `u` in [0, 1) selects: the first `i` with
 * `u × total < cumulative[i]`, so candidate i is selected with probability weight_i / total.
 */
export function pickWeightedIndex(choice: WeightedChoice, u: number): number {
  const c = choice.cumulative;
  const last = c.length - 1;
  const x = u * c[last]!;
  for (let i = 0; i < last; i++) if (x < c[i]!) return i;
  return last;
}

/**
 * Picks ONE endpoint of one address family for one query under Route 53 weighted routing:
 * by weight among the healthy endpoints with weight > 0 (default weight 1); else uniformly
 * among the healthy zero-weight ones; else (nothing healthy) by weight among all (fail
 * open). Undefined only when `endpoints` is empty.
 */
export function pickWeightedEndpoint(
  endpoints: readonly RoutedEndpoint[],
  health: HealthVerdicts,
  rng: Rng,
): RoutedEndpoint | undefined {
  if (endpoints.length === 0) return undefined;
  const healthy = endpoints.filter((e) => isEndpointHealthy(e, health));
  const weighted = healthy.filter((e) => (e.weight ?? 1) > 0);
  const pool = weighted.length > 0 ? weighted : healthy.length > 0 ? healthy : endpoints;
  const choice = weightedChoice(pool.map((e) => e.weight ?? 1));
  return pool[pickWeightedIndex(choice, rng.float())];
}
