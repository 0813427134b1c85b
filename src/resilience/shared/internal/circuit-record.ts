/**
 * @module
 * The fleet circuit as a pure step on a plain record: `stepCircuit(record, spec, request,
 * nowMs)` is exactly what one `circuit` call does, and the Redis Lua script
 * (`redis/internal/scripts.ts`) does the same in the same order; the contract suite in
 * `test/shared/` holds both to the same answers.
 *
 * Transitions (and only these):
 *   closed    → open       `quorum` distinct instances voted within `voteWindowMs`, or the
 *                          fleet's reported failure rate over `windowMs` reached `threshold`
 *   open      → half-open  the first probe request at or after `openUntilMs`
 *   half-open → closed     `halfOpenSuccessesToClose` probes succeeded
 *   half-open → open       a probe failed; the open time backs off (×factor, up to the max)
 *   any       → closed     `reset`
 * Every transition bumps `generation`, drops the votes, the counts and every probe lease, so
 * a report or a probe result from an earlier round can never count in a later one.
 *
 * Probe slots are leases with an expiry (`SET slot holder NX PX probeLeaseMs` in Redis): at
 * most `halfOpenMaxProbes` are held at any instant fleet-wide, and a slot whose holder died is
 * free again after `probeLeaseMs`. A round hands out no more probes than it needs: once the
 * successes so far plus the probes still out reach `max(halfOpenMaxProbes,
 * halfOpenSuccessesToClose)`, no new lease is granted — so when every probe succeeds, exactly
 * that many probes run fleet-wide (an abandoned or expired probe is replaced).
 */
import type {
  CircuitReply,
  CircuitRequest,
  CircuitSpec,
  FleetCircuitState,
  FleetOpenReason,
} from '../shared-state.js';

/** A held probe slot. */
export interface ProbeLease {
  readonly holder: string;
  readonly generation: number;
  readonly untilMs: number;
}

/** The stored state of one circuit. */
export interface CircuitRecord {
  state: FleetCircuitState;
  generation: number;
  openUntilMs: number;
  opens: number;
  probeSuccesses: number;
  openedBy: FleetOpenReason | undefined;
  /** holder → store time of its latest vote. */
  readonly votes: Map<string, number>;
  /** Failure-rate window: bucket index → [calls, failures]. */
  readonly window: Map<number, [number, number]>;
  /** Probe slots (length `halfOpenMaxProbes` at most; undefined = free). */
  readonly probes: (ProbeLease | undefined)[];
}

/** A closed circuit at generation 1. */
export function newCircuit(): CircuitRecord {
  return {
    state: 'closed',
    generation: 1,
    openUntilMs: NaN,
    opens: 0,
    probeSuccesses: 0,
    openedBy: undefined,
    votes: new Map(),
    window: new Map(),
    probes: [],
  };
}

/** The open time of the `opens`-th open in a row, as the local breaker's machine computes it. */
export function fleetOpenDurationMs(opens: number, spec: CircuitSpec): number {
  const d = spec.halfOpenAfterMs * Math.pow(spec.halfOpenBackoffFactor, Math.max(0, opens - 1));
  return d < spec.maxHalfOpenAfterMs ? d : spec.maxHalfOpenAfterMs;
}

function clearRound(rec: CircuitRecord): void {
  rec.generation += 1;
  rec.probeSuccesses = 0;
  rec.votes.clear();
  rec.window.clear();
  rec.probes.length = 0;
}

function open(
  rec: CircuitRecord,
  spec: CircuitSpec,
  nowMs: number,
  by: FleetOpenReason,
  opens: number,
): void {
  clearRound(rec);
  rec.state = 'open';
  rec.opens = opens;
  rec.openUntilMs = nowMs + fleetOpenDurationMs(opens, spec);
  rec.openedBy = by;
}

function close(rec: CircuitRecord): void {
  clearRound(rec);
  rec.state = 'closed';
  rec.opens = 0;
  rec.openUntilMs = NaN;
}

/** The failure-rate window's bucket length, ms. */
function bucketMs(spec: CircuitSpec): number {
  return spec.failureRate === undefined ? Infinity : spec.failureRate.windowMs / 10;
}

/** One `circuit` call on `rec` at store time `nowMs`; mutates `rec`. */
export function stepCircuit(
  rec: CircuitRecord,
  spec: CircuitSpec,
  request: CircuitRequest,
  nowMs: number,
): CircuitReply {
  let slot = -1;
  switch (request.op) {
    case 'report': {
      if (rec.state !== 'closed') break;
      if (request.vote) rec.votes.set(request.holder, nowMs);
      for (const [holder, at] of rec.votes) {
        if (at <= nowMs - spec.voteWindowMs) rec.votes.delete(holder);
      }
      const fr = spec.failureRate;
      let tripped: FleetOpenReason | undefined =
        rec.votes.size >= spec.quorum ? 'quorum' : undefined;
      if (tripped === undefined && fr !== undefined) {
        const size = bucketMs(spec);
        const idx = Math.floor(nowMs / size);
        if (request.calls > 0) {
          const cell = rec.window.get(idx);
          if (cell === undefined) rec.window.set(idx, [request.calls, request.failures]);
          else {
            cell[0] += request.calls;
            cell[1] += request.failures;
          }
        }
        let calls = 0;
        let failures = 0;
        for (const [i, cell] of rec.window) {
          if (i <= idx - 10) rec.window.delete(i);
          else {
            calls += cell[0];
            failures += cell[1];
          }
        }
        if (calls >= fr.minimumCalls && failures >= fr.threshold * calls) tripped = 'failure-rate';
      }
      if (tripped !== undefined) open(rec, spec, nowMs, tripped, 1);
      break;
    }
    case 'probe': {
      if (rec.state === 'open' && nowMs >= rec.openUntilMs) {
        clearRound(rec);
        rec.state = 'half-open';
        rec.openUntilMs = NaN;
      }
      if (rec.state !== 'half-open') break;
      // No more probes in a round than it needs: at most `halfOpenMaxProbes` at once, and no
      // new lease once the successes plus the probes still out reach the round's size.
      const live = liveProbes(rec, nowMs);
      const roundSize = Math.max(spec.halfOpenMaxProbes, spec.halfOpenSuccessesToClose);
      if (live >= spec.halfOpenMaxProbes || rec.probeSuccesses + live >= roundSize) break;
      for (let i = 0; i < spec.halfOpenMaxProbes; i++) {
        const lease = rec.probes[i];
        if (lease === undefined || lease.untilMs <= nowMs) {
          rec.probes[i] = {
            holder: request.holder,
            generation: rec.generation,
            untilMs: nowMs + spec.probeLeaseMs,
          };
          slot = i;
          break;
        }
      }
      break;
    }
    case 'probe-done': {
      if (rec.state !== 'half-open' || rec.generation !== request.generation) break;
      const lease = rec.probes[request.slot];
      if (
        lease !== undefined &&
        lease.holder === request.holder &&
        lease.generation === request.generation
      ) {
        rec.probes[request.slot] = undefined;
      }
      if (request.outcome === 'success') {
        rec.probeSuccesses += 1;
        if (rec.probeSuccesses >= spec.halfOpenSuccessesToClose) close(rec);
      } else if (request.outcome === 'failure') {
        open(rec, spec, nowMs, 'probe-failure', rec.opens + 1);
      }
      break;
    }
    case 'reset':
      close(rec);
      break;
  }
  return {
    state: rec.state,
    generation: rec.generation,
    opens: rec.opens,
    openUntilMs: rec.state === 'open' ? rec.openUntilMs : NaN,
    nowMs,
    votes: rec.state === 'closed' ? rec.votes.size : 0,
    slot,
    probeSuccesses: rec.probeSuccesses,
    openedBy: rec.openedBy,
  };
}

/** Probe leases live at `nowMs` (for invariants in tests). */
export function liveProbes(rec: CircuitRecord, nowMs: number): number {
  let n = 0;
  for (const lease of rec.probes) if (lease !== undefined && lease.untilMs > nowMs) n++;
  return n;
}
