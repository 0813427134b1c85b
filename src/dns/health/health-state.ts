/**
 * @module
 * The health of one endpoint as seen from one vantage point, as a pure state machine:
 * consecutive probe results against a failure and a success threshold. An endpoint turns
 * unhealthy after `failureThreshold` failures in a row and healthy again after
 * `successThreshold` successes in a row, so one lost packet does not move traffic and one
 * lucky probe does not bring a sick endpoint back (Route 53's "failure threshold", which it
 * applies in both directions; Kubernetes probes split it into failure/success thresholds).
 *
 * Pure on purpose: the probe engine, the simulator and the tests all drive the same
 * `nextHealthState(state, ok, thresholds)`.
 */

/** How many results in a row flip the state. */
export interface HealthThresholds {
  /** Consecutive failures that make a healthy endpoint unhealthy (≥ 1). */
  readonly failureThreshold: number;
  /** Consecutive successes that make an unhealthy endpoint healthy (≥ 1). */
  readonly successThreshold: number;
}

/** The state after some probe results. Serialisable. */
export interface HealthState {
  readonly healthy: boolean;
  /** Failures since the last success. */
  readonly consecutiveFailures: number;
  /** Successes since the last failure. */
  readonly consecutiveSuccesses: number;
}

/** The state before any probe: healthy by default (fail open until proven down). */
export function initialHealthState(healthy = true): HealthState {
  return { healthy, consecutiveFailures: 0, consecutiveSuccesses: 0 };
}

/** Checks thresholds; throws a RangeError naming the option and value. */
export function checkHealthThresholds(where: string, t: HealthThresholds): HealthThresholds {
  for (const k of ['failureThreshold', 'successThreshold'] as const) {
    const v: unknown = t[k];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
      throw new RangeError(`${where}: ${k} must be an integer >= 1, got ${String(v)}`);
    }
  }
  return t;
}

/** The state after one more probe result. Pure: returns a new state, never mutates. */
export function nextHealthState(state: HealthState, ok: boolean, t: HealthThresholds): HealthState {
  if (ok) {
    const successes = state.consecutiveSuccesses + 1;
    return {
      healthy: state.healthy || successes >= t.successThreshold,
      consecutiveFailures: 0,
      consecutiveSuccesses: successes,
    };
  }
  const failures = state.consecutiveFailures + 1;
  return {
    healthy: state.healthy && failures < t.failureThreshold,
    consecutiveFailures: failures,
    consecutiveSuccesses: 0,
  };
}
