/**
 * @module
 * A target: a place a plan is applied to. Today that is the store's own served state
 * (`StoreTarget`: the store keeps each target's active generation, and the target serves that
 * plan's records); in the serving issue, DNS servers (an RFC 2136 UPDATE whose prerequisite
 * checks a generation sentinel record, so the server itself refuses a stale plan).
 *
 * The contract every target keeps is the generation fence: `apply(plan)` takes effect only if
 * the target's active generation is below `plan.generation` — decided by the target inside
 * the write, never by the caller from an earlier read (invariant I2). A `'repair'` apply may
 * also re-write the records of the generation already active (to finish a half-applied
 * update), and still never goes backwards.
 */
import type { WriteContext } from './audit-log.js';
import type { Plan } from './plan.js';
import type { RecordSet } from './record-set.js';

/**
 * `'advance'`: apply only if the active generation is below the plan's. `'repair'`: also
 * re-apply when it is equal (the reconciler, after finding the served records differ).
 */
export type ApplyMode = 'advance' | 'repair';

/** Who applies, when, why, and how. */
export interface ApplyContext extends WriteContext {
  /** Default `'advance'`. */
  readonly mode?: ApplyMode;
}

/** What `Target.apply` did. */
export type ApplyResult =
  | {
      /** The plan is now active (and served). */
      readonly outcome: 'won';
      readonly previousGeneration: number | undefined;
    }
  | {
      /** The plan's generation was already active (e.g. a retry of a write that took effect). */
      readonly outcome: 'already-active';
    }
  | {
      /** Nothing changed: the target holds a newer generation, or the plan no longer exists. */
      readonly outcome: 'lost';
      readonly reason: 'not-newer' | 'plan-missing';
      readonly currentGeneration: number | undefined;
    };

/** What a target is serving now. */
export interface TargetState {
  readonly id: string;
  /** The active generation (the fence), undefined before the first apply. */
  readonly activeGeneration: number | undefined;
  /**
   * The hash of the content actually served, when it is a whole plan's; undefined when the
   * target serves nothing, or a mix (a half-applied update).
   */
  readonly contentHash: string | undefined;
  /** The record sets served. */
  readonly recordSets: readonly RecordSet[];
}

/** A place a plan is applied to. See the module comment. */
export interface Target {
  /** Stable id; the store's audit entries and active generations are keyed by it. */
  readonly id: string;
  /** Applies `plan` behind the generation fence (see {@link ApplyMode}). */
  apply(plan: Plan, context: ApplyContext): Promise<ApplyResult>;
  /** The active generation only: a cheap read, used to skip targets already up to date. */
  activeGeneration(): Promise<number | undefined>;
  /** The full served state, for the reconciler and the checks. */
  read(): Promise<TargetState>;
}
