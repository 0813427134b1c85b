/**
 * @module
 * The circuit breaker's state machine as pure functions: each takes the current
 * {@link Machine}, the time and one input, and returns the next machine — the same object
 * when nothing changes, so callers detect a change with `!==` and nothing is allocated on the
 * paths that change nothing. `CircuitBreaker` is the thin shell that feeds these functions
 * with the clock, the trip strategy's verdicts and the user's calls, and emits events.
 *
 * Transitions (and only these):
 *   closed    → open       a trip strategy says so                                   {@link trip}
 *   open      → half-open  the first call at or after `openUntilMs` (it is a probe)   {@link admit}
 *   half-open → closed     `successesToClose` probes succeeded                       {@link probeSucceeded}
 *   half-open → open       any probe failed; the open time backs off                 {@link probeFailed}
 *   any       → isolated   an operator isolated it                                   {@link isolate}
 *   isolated  → closed     the last isolation handle was released                    {@link release}
 *   any       → closed     an operator reset it                                      {@link reset}
 *
 * Every transition bumps `generation`. A call's admission token carries the generation it was
 * admitted in, so the outcome of a call admitted before a transition (a slow closed-state call
 * that returns while the circuit is half-open, a probe of an earlier half-open round) is told
 * apart and ignored rather than counted against the wrong round.
 */

/** The four states of a circuit. */
export type CircuitState = 'closed' | 'open' | 'half-open' | 'isolated';

/** Immutable state of the machine. Times are monotonic milliseconds. */
export interface Machine {
  readonly state: CircuitState;
  /** Bumped on every transition; admission tokens carry it. Starts at 1. */
  readonly generation: number;
  /** When open: the time from which the next call is let through as a probe. Else NaN. */
  readonly openUntilMs: number;
  /** Times the circuit opened since it was last closed (drives the open-time back-off). */
  readonly opens: number;
  /** Half-open only: probes admitted and not yet finished. */
  readonly probesInFlight: number;
  /** Half-open only: probes that succeeded in this round. */
  readonly probeSuccesses: number;
  /** Isolated only: live isolation handles. */
  readonly isolations: number;
}

/** The fixed parameters of the machine (validated by the breaker). */
export interface MachineConfig {
  readonly halfOpenAfterMs: number;
  readonly maxHalfOpenAfterMs: number;
  readonly halfOpenBackoffFactor: number;
  readonly halfOpenMaxProbes: number;
  readonly halfOpenSuccessesToClose: number;
}

/**
 * An admission token: 0 means refused; otherwise `2 × generation` for a call admitted while
 * closed, `2 × generation + 1` for a half-open probe. Plain numbers, so admitting a call
 * allocates nothing.
 */
export type AdmitToken = number;

/** The token of a refused call. */
export const REFUSED: AdmitToken = 0;

/** True when `token` admitted a half-open probe. */
export function isProbeToken(token: AdmitToken): boolean {
  return token % 2 === 1;
}

/** The token closed-state calls get in `m` (valid only while `m.state` is closed). */
export function closedToken(m: Machine): AdmitToken {
  return m.generation * 2;
}

/** The token probes get in `m` (valid only while `m.state` is half-open). */
export function probeToken(m: Machine): AdmitToken {
  return m.generation * 2 + 1;
}

/** A closed machine at generation 1. */
export function initialMachine(): Machine {
  return closedAt(1);
}

function closedAt(generation: number): Machine {
  return {
    state: 'closed',
    generation,
    openUntilMs: NaN,
    opens: 0,
    probesInFlight: 0,
    probeSuccesses: 0,
    isolations: 0,
  };
}

/**
 * How long the circuit stays open the `opens`-th time in a row: `halfOpenAfterMs ×
 * factor^(opens − 1)`, capped at `maxHalfOpenAfterMs` — exponential back-off, so a dependency
 * that keeps failing its probes is probed less and less often (Polly's and cockatiel's
 * `halfOpenAfter` back-off; Envoy's outlier ejection grows its ejection time the same way).
 */
export function openDurationMs(opens: number, cfg: MachineConfig): number {
  const d = cfg.halfOpenAfterMs * Math.pow(cfg.halfOpenBackoffFactor, Math.max(0, opens - 1));
  return d < cfg.maxHalfOpenAfterMs ? d : cfg.maxHalfOpenAfterMs;
}

function openedAt(m: Machine, nowMs: number, opens: number, cfg: MachineConfig): Machine {
  return {
    state: 'open',
    generation: m.generation + 1,
    openUntilMs: nowMs + openDurationMs(opens, cfg),
    opens,
    probesInFlight: 0,
    probeSuccesses: 0,
    isolations: 0,
  };
}

/**
 * A call asks to run at `nowMs`. Returns `m` itself when the call is refused (open before its
 * probe time, half-open with every probe slot taken, isolated) and when it is admitted in the
 * closed state; otherwise the machine with one more probe in flight (entering half-open first
 * if the open time is over). So: admitted ⇔ closed, or the result differs from `m`.
 */
export function admit(m: Machine, nowMs: number, cfg: MachineConfig): Machine {
  switch (m.state) {
    case 'closed':
    case 'isolated':
      return m;
    case 'open':
      if (!(nowMs >= m.openUntilMs)) return m;
      return {
        state: 'half-open',
        generation: m.generation + 1,
        openUntilMs: NaN,
        opens: m.opens,
        probesInFlight: 1,
        probeSuccesses: 0,
        isolations: 0,
      };
    case 'half-open':
      if (m.probesInFlight >= cfg.halfOpenMaxProbes) return m;
      return { ...m, probesInFlight: m.probesInFlight + 1 };
  }
}

/** The token for the call `admit(m, …)` let through as `next`, or {@link REFUSED}. */
export function tokenFor(m: Machine, next: Machine): AdmitToken {
  if (next.state === 'closed') return closedToken(next);
  return next === m ? REFUSED : probeToken(next);
}

/** The trip strategy asked to open. Only a closed circuit opens this way. */
export function trip(m: Machine, nowMs: number, cfg: MachineConfig): Machine {
  return m.state === 'closed' ? openedAt(m, nowMs, 1, cfg) : m;
}

/** True when `token` is a probe of the current half-open round of `m`. */
export function isCurrentProbe(m: Machine, token: AdmitToken): boolean {
  return m.state === 'half-open' && token === probeToken(m) && m.probesInFlight > 0;
}

/** A probe succeeded: the circuit closes once enough have. Stale tokens change nothing. */
export function probeSucceeded(m: Machine, token: AdmitToken, cfg: MachineConfig): Machine {
  if (!isCurrentProbe(m, token)) return m;
  const successes = m.probeSuccesses + 1;
  if (successes >= cfg.halfOpenSuccessesToClose) return closedAt(m.generation + 1);
  return { ...m, probesInFlight: m.probesInFlight - 1, probeSuccesses: successes };
}

/** A probe failed: open again, for longer. Stale tokens change nothing. */
export function probeFailed(
  m: Machine,
  nowMs: number,
  token: AdmitToken,
  cfg: MachineConfig,
): Machine {
  if (!isCurrentProbe(m, token)) return m;
  return openedAt(m, nowMs, m.opens + 1, cfg);
}

/** A probe ended without telling anything (its caller aborted): free its slot. */
export function probeAbandoned(m: Machine, token: AdmitToken): Machine {
  if (!isCurrentProbe(m, token)) return m;
  return { ...m, probesInFlight: m.probesInFlight - 1 };
}

/** Holds the circuit open by hand; each call takes one more isolation handle. */
export function isolate(m: Machine): Machine {
  if (m.state === 'isolated') return { ...m, isolations: m.isolations + 1 };
  return {
    state: 'isolated',
    generation: m.generation + 1,
    openUntilMs: NaN,
    opens: 0,
    probesInFlight: 0,
    probeSuccesses: 0,
    isolations: 1,
  };
}

/**
 * Releases one isolation handle taken at `generation`; the last one closes the circuit. A
 * handle from before a reset (another generation) changes nothing.
 */
export function release(m: Machine, generation: number): Machine {
  if (m.state !== 'isolated' || m.generation !== generation || m.isolations === 0) return m;
  if (m.isolations > 1) return { ...m, isolations: m.isolations - 1 };
  return closedAt(m.generation + 1);
}

/** Closes the circuit whatever its state, dropping isolations and the back-off. */
export function reset(m: Machine): Machine {
  return m.state === 'closed' ? m : closedAt(m.generation + 1);
}

/**
 * A machine restored from exported fields. Probes in flight do not survive a restart. An
 * isolation restored this way counts as one handle that nobody holds, so only {@link reset}
 * ends it (an operator's isolation must not end because a process restarted).
 */
export function restoredMachine(
  state: CircuitState,
  openUntilMs: number,
  opens: number,
  probeSuccesses: number,
): Machine {
  const m = closedAt(1);
  switch (state) {
    case 'closed':
      return m;
    case 'open':
      return { ...m, state, openUntilMs, opens: Math.max(1, opens) };
    case 'half-open':
      return { ...m, state, opens: Math.max(1, opens), probeSuccesses };
    case 'isolated':
      return { ...m, state, isolations: 1 };
  }
}
