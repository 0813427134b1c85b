/**
 * @module
 * The one interface behind every fleet-wide resilience policy: a store that many instances
 * of a service reach, and that updates a few small records atomically. Three kinds of record
 * cover everything that is shared:
 *
 * - a **token bucket** ({@link SharedState.takeTokens}): the fleet's retry budget and its
 *   global rate limit, with the recovery ramp applied to the bucket itself so the whole fleet
 *   ramps as one;
 * - a **circuit** ({@link SharedState.circuit}): closed / open / half-open per dependency,
 *   opened by a quorum of instances' votes or a fleet-wide failure rate, with half-open probe
 *   slots handed out as leases (`SET NX PX` in Redis);
 * - a **semaphore** ({@link SharedState.holdPermits}): each instance holds a number of permits
 *   under a lease; the store keeps the sum at or below the fleet's limit.
 *
 * Every operation is one atomic step on the store (one Lua script in Redis), decided with the
 * store's own clock, so instances whose clocks disagree still see one timeline. The record's
 * configuration travels with every call instead of living in the store: instances that share
 * a key must use the same options (a rolling change of them takes effect per call).
 *
 * Every operation is also safe to repeat after a timeout whose effect is unknown: a lost
 * bucket grant only wastes tokens, a circuit report only adds a duplicate vote from the same
 * instance (votes are per instance), and a semaphore call sets an absolute holding rather than
 * adding to it. That is what lets the policies time out a slow store without corrupting it.
 *
 * Results may be synchronous: {@link InMemorySharedState} answers at once, so fleets simulated
 * in one process (the simulator's callback models) get exact fleet-wide decisions from the
 * policies' synchronous APIs. Remote stores return promises.
 */
import type { RampShape } from '../recovery-ramp.js';

/** A value, or a promise of one. */
export type MaybePromise<T> = T | Promise<T>;

/** A fleet recovery ramp on a bucket: the refill rate and the capacity follow the fraction. */
export interface BucketRamp {
  /** Share of the full rate when the ramp starts, in (0, 1]. */
  readonly startFraction: number;
  /** How long the ramp takes to reach full rate, ms (> 0). */
  readonly rampMs: number;
  /** `'linear'` or `'exponential'`, as {@link RecoveryRamp}. */
  readonly shape: RampShape;
}

/** The configuration of a shared token bucket, sent with every call. */
export interface BucketSpec {
  /** The most tokens the bucket holds (> 0). */
  readonly capacity: number;
  /** Tokens added per second of store time (≥ 0). */
  readonly refillPerSecond: number;
  /** Tokens in a bucket that does not exist yet (0 ≤ initialTokens ≤ capacity). */
  readonly initialTokens: number;
  /** A recovery ramp, when the bucket has one. */
  readonly ramp?: BucketRamp | undefined;
}

/** What to do to a bucket, in this order: deposit, start a ramp, take. */
export interface BucketRequest {
  /** Tokens to add (≥ 0), capped at the capacity: a retry budget's earned deposits. */
  readonly deposit: number;
  /** Whole tokens wanted (integer ≥ 0); the grant is the most of them the bucket holds. */
  readonly want: number;
  /**
   * Starts the bucket's ramp now, unless one started less than `startRampDedupeMs` ago (so
   * that every instance hearing of the same recovery starts one fleet ramp, not one each).
   * Ignored when the spec has no ramp.
   */
  readonly startRamp?: boolean;
  /** See `startRamp`; ms ≥ 0. */
  readonly startRampDedupeMs?: number;
}

/** The store's answer to {@link SharedState.takeTokens}. */
export interface BucketReply {
  /** Whole tokens taken for the caller (0 … want). */
  readonly granted: number;
  /** Tokens left in the bucket after the call (fractional). */
  readonly tokens: number;
  /** The store's clock at the call, ms. */
  readonly nowMs: number;
  /**
   * How long until the bucket holds one more whole token at the current rate, ms: 0 when it
   * holds one now, Infinity when it never refills.
   */
  readonly retryAfterMs: number;
  /** Store time the current or last ramp started, ms; -Infinity if never. */
  readonly rampStartedAtMs: number;
}

/** The three states a fleet circuit can be in. */
export type FleetCircuitState = 'closed' | 'open' | 'half-open';

/** What opened a fleet circuit. */
export type FleetOpenReason = 'quorum' | 'failure-rate' | 'probe-failure';

/** The configuration of a shared circuit, sent with every call. */
export interface CircuitSpec {
  /** Distinct instances whose votes (within `voteWindowMs`) open the circuit (integer ≥ 1). */
  readonly quorum: number;
  /** How long a vote counts, ms (> 0). */
  readonly voteWindowMs: number;
  /**
   * Fleet-wide failure rate over the last `windowMs`, from the instances' reported counts;
   * opens the circuit on its own. Undefined: only votes open it.
   */
  readonly failureRate?:
    | {
        /** Failures / calls at which it opens, in (0, 1]. */
        readonly threshold: number;
        /** Calls the window must hold before the rate counts (integer ≥ 1). */
        readonly minimumCalls: number;
        /** Window length, ms (> 0); kept as ten buckets of a tenth each. */
        readonly windowMs: number;
      }
    | undefined;
  /** Open time the first time, ms. */
  readonly halfOpenAfterMs: number;
  /** Ceiling of the backed-off open time, ms. */
  readonly maxHalfOpenAfterMs: number;
  /** Growth of the open time per consecutive re-open (≥ 1). */
  readonly halfOpenBackoffFactor: number;
  /**
   * Probe leases that may be held at once, fleet-wide, while half-open (integer ≥ 1). A round
   * grants no new lease once its successes plus the leases out reach
   * `max(halfOpenMaxProbes, halfOpenSuccessesToClose)`.
   */
  readonly halfOpenMaxProbes: number;
  /** Successful probes that close the circuit (integer ≥ 1). */
  readonly halfOpenSuccessesToClose: number;
  /** How long a probe lease lasts if its holder never reports, ms (> 0). */
  readonly probeLeaseMs: number;
}

/** What to do to a circuit. */
export type CircuitRequest =
  | {
      /**
       * Report outcomes of calls made while closed (for the failure rate) and, with `vote`,
       * this instance's opinion that the circuit should open. Answers with the state.
       */
      readonly op: 'report';
      readonly holder: string;
      readonly calls: number;
      readonly failures: number;
      readonly vote: boolean;
    }
  | {
      /**
       * Ask for a probe slot: turns a due open circuit half-open, then tries to lease a free
       * slot (`slot` in the reply, -1 when none is free or the circuit is not half-open).
       */
      readonly op: 'probe';
      readonly holder: string;
    }
  | {
      /** The probe leased in `generation` on `slot` ended; frees the lease. */
      readonly op: 'probe-done';
      readonly holder: string;
      readonly generation: number;
      readonly slot: number;
      readonly outcome: 'success' | 'failure' | 'abandoned';
    }
  | {
      /** Closes the circuit whatever its state, and forgets votes and counts. */
      readonly op: 'reset';
    };

/** The store's answer to {@link SharedState.circuit}. */
export interface CircuitReply {
  readonly state: FleetCircuitState;
  /** Bumped on every transition; starts at 1. */
  readonly generation: number;
  /** Times opened in a row without closing. */
  readonly opens: number;
  /** Open: store time from which a probe may be leased, ms; otherwise NaN. */
  readonly openUntilMs: number;
  /** The store's clock at the call, ms. */
  readonly nowMs: number;
  /** Live votes (closed state only; 0 otherwise). */
  readonly votes: number;
  /** The probe slot leased by this call, or -1. */
  readonly slot: number;
  /** Half-open: probes that succeeded in this round. */
  readonly probeSuccesses: number;
  /** Why it last opened; undefined if never. */
  readonly openedBy: FleetOpenReason | undefined;
}

/** The configuration of a shared semaphore, sent with every call. */
export interface SemaphoreSpec {
  /** The fleet's limit: the sum of every holder's permits never exceeds it (integer ≥ 1). */
  readonly limit: number;
  /** A holding that is not renewed within this long is dropped, ms (> 0). */
  readonly leaseMs: number;
}

/** The store's answer to {@link SharedState.holdPermits}. */
export interface SemaphoreReply {
  /** Permits this holder now holds. */
  readonly held: number;
  /** Permits held by every live holder together (≤ limit). */
  readonly total: number;
  /** The store's clock at the call, ms. */
  readonly nowMs: number;
}

/**
 * A store for fleet-wide resilience state. Keys name a dependency (or any shared record);
 * one key is one bucket, one circuit or one semaphore — do not use the same key for two kinds.
 * Implementations: {@link InMemorySharedState} (one process; tests and the simulator) and
 * `RedisSharedState` (`breakwater/resilience/redis`).
 */
export interface SharedState {
  /** Deposits, possibly starts the ramp, then takes up to `request.want` whole tokens. */
  takeTokens(key: string, spec: BucketSpec, request: BucketRequest): MaybePromise<BucketReply>;
  /** Applies one circuit operation and answers with the circuit's state. */
  circuit(key: string, spec: CircuitSpec, request: CircuitRequest): MaybePromise<CircuitReply>;
  /**
   * Sets `holder`'s permits to `want` (integer ≥ 0) or as many as fit under the limit, and
   * renews its lease. `want` 0 releases everything it held. Dropping holders whose lease ran
   * out comes first, so a crashed instance's permits return to the fleet.
   */
  holdPermits(
    key: string,
    spec: SemaphoreSpec,
    holder: string,
    want: number,
  ): MaybePromise<SemaphoreReply>;
  /** Answers when the store is reachable (the link's recovery probe). */
  ping(): MaybePromise<void>;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
