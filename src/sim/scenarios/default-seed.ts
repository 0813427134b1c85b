/**
 * @module
 * The root seed the scenarios use when none is given: the date of the outage breakwater
 * rehearses (2025-10-20), so a bare `breakwater replay NAME` always prints the same figures.
 */

/** Default root seed of every scenario. */
export const DEFAULT_SCENARIO_SEED = 20251020;
