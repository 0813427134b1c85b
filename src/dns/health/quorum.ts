/**
 * @module
 * Combining verdicts. Two rules, both pure:
 *
 * - **Quorum of vantage points**: an endpoint is down only when at least `quorum` vantage
 *   points see it down. A single prober with a bad network path (or a partition between it
 *   and the endpoint) must not take an endpoint out of DNS for everyone — Route 53 calls an
 *   endpoint healthy while more than 18 % of its checkers do; we make the number explicit.
 * - **Calculated checks**: healthy when at least K of N child checks are healthy (Route 53's
 *   "calculated health checks"), for "the region is up while 2 of its 3 zones are".
 */

/** The default quorum for `n` vantage points: a strict majority, ⌊n/2⌋ + 1. */
export function majorityQuorum(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * True (healthy) unless at least `quorum` of the verdicts are unhealthy. With fewer
 * verdicts than `quorum`, an endpoint cannot be declared down.
 */
export function quorumHealthy(verdicts: Iterable<boolean>, quorum: number): boolean {
  let down = 0;
  for (const healthy of verdicts) if (!healthy && ++down >= quorum) return false;
  return true;
}

/** True when at least `minHealthy` of the children are healthy. */
export function atLeastHealthy(children: Iterable<boolean>, minHealthy: number): boolean {
  let up = 0;
  for (const healthy of children) if (healthy && ++up >= minHealthy) return true;
  return minHealthy <= 0;
}
