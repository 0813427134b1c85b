/**
 * @module
 * The audit log: every plan written, activation won or lost, refusal, cut and deletion, with
 * who, when, which generations and why. The store appends the entries of its own writes
 * inside the same atomic operation as the write (so a crash can never leave a write without
 * its entry, or an entry without its write); components append refusals and repairs with
 * `PlanStore.appendAudit`.
 *
 * The log is also evidence: the invariant checks read it (every activation's generation is
 * above the one it replaced; every served record set comes from a plan a planner wrote).
 */
import { showValue } from './internal/options.js';

/** What an audit entry records. */
export type AuditKind =
  /** A plan was written (`generation`, `contentHash`); `reason` says by what. */
  | 'plan-written'
  /** A compare-and-set activation succeeded: `previousGeneration` → `generation`. */
  | 'activation-won'
  /** A compare-and-set activation lost: `generation` was not newer, or its plan is gone. */
  | 'activation-lost'
  /** Plans were deleted (`generations`), with the active generations at delete time. */
  | 'deletion'
  /** A guard refused (part of) a change; `reason` says which guard and why. */
  | 'refusal'
  /** The velocity limit cut a change down; the rest is deferred. */
  | 'cut'
  /** A target was registered or removed. */
  | 'target-added'
  | 'target-removed'
  /** A reconciler repaired a target (re-applied, re-published). */
  | 'reconcile'
  /** Legacy mode: an unconditional apply (the 2025 algorithm). */
  | 'activation-forced'
  /** Legacy mode: an apply blocked because the target's active plan was deleted. */
  | 'blocked'
  /** Legacy mode: an operator's manual repair of a blocked target. */
  | 'repair';

/** Every {@link AuditKind}. */
export const AUDIT_KINDS: readonly AuditKind[] = Object.freeze([
  'plan-written',
  'activation-won',
  'activation-lost',
  'deletion',
  'refusal',
  'cut',
  'target-added',
  'target-removed',
  'reconcile',
  'activation-forced',
  'blocked',
  'repair',
]);

/** Who does a write, when, and why: passed with every store write. */
export interface WriteContext {
  /** Who: a planner's, enactor's, janitor's or operator's id. */
  readonly actor: string;
  /** When, ms since the epoch: the actor's `clock.now()`. */
  readonly atMs: number;
  /** Why, in words, when the caller has more to say than the kind of write. */
  readonly reason?: string;
}

/** Checks a {@link WriteContext} (a `TypeError` naming the bad field). */
export function checkWriteContext(where: string, context: WriteContext): void {
  if (typeof context !== 'object' || context === null) {
    throw new TypeError(
      `${where}: context must be { actor, atMs, reason? }, got ${showValue(context)}`,
    );
  }
  if (typeof context.actor !== 'string' || context.actor === '') {
    throw new TypeError(
      `${where}: context.actor must be a non-empty string, got ${showValue(context.actor)}`,
    );
  }
  if (typeof context.atMs !== 'number' || !Number.isFinite(context.atMs)) {
    throw new TypeError(
      `${where}: context.atMs must be a finite number, got ${showValue(context.atMs)}`,
    );
  }
  if (context.reason !== undefined && typeof context.reason !== 'string') {
    throw new TypeError(
      `${where}: context.reason must be a string, got ${showValue(context.reason)}`,
    );
  }
}

/** One entry of the log. */
export interface AuditEntry {
  /** Position in the log: strictly increasing, allocated by the store. */
  readonly seq: number;
  /** When, ms since the epoch. */
  readonly atMs: number;
  /** Who. */
  readonly actor: string;
  /** What. */
  readonly kind: AuditKind;
  /** Why, in words. */
  readonly reason: string;
  /** The target concerned, if any. */
  readonly target?: string;
  /** The plan generation concerned (written, activated, refused …). */
  readonly generation?: number;
  /** The generation that was active before (activations). */
  readonly previousGeneration?: number;
  /** Generations concerned (deletions). */
  readonly generations?: readonly number[];
  /** The plan content's hash (plans written). */
  readonly contentHash?: string;
  /** The DNS name concerned (refusals and cuts). */
  readonly name?: string;
  /** Every target's active generation at the time (deletions: the proof they were safe). */
  readonly activeGenerations?: Readonly<Record<string, number>>;
}

/** An entry before the store numbered it. */
export type AuditInput = Omit<AuditEntry, 'seq'>;

/** What to read back from the log. */
export interface AuditQuery {
  /** Only entries with `seq` above this. */
  readonly afterSeq?: number;
  /** At most this many (the oldest first). */
  readonly limit?: number;
  /** Only these kinds. */
  readonly kinds?: readonly AuditKind[];
  /** Only entries about this target. */
  readonly target?: string;
}

function isGen(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Checks an entry's shape before a store appends it (a `TypeError` naming the field) and
 * returns a frozen copy holding only the known fields.
 */
export function checkAuditInput(input: AuditInput): AuditInput {
  const where = 'appendAudit';
  if (typeof input !== 'object' || input === null) {
    throw new TypeError(`${where}: entry must be an object, got ${showValue(input)}`);
  }
  if (typeof input.actor !== 'string' || input.actor === '') {
    throw new TypeError(
      `${where}: actor must be a non-empty string, got ${showValue(input.actor)}`,
    );
  }
  if (typeof input.atMs !== 'number' || !Number.isFinite(input.atMs)) {
    throw new TypeError(`${where}: atMs must be a finite number, got ${showValue(input.atMs)}`);
  }
  if (!AUDIT_KINDS.includes(input.kind)) {
    throw new TypeError(`${where}: kind must be an AuditKind, got ${showValue(input.kind)}`);
  }
  if (typeof input.reason !== 'string') {
    throw new TypeError(`${where}: reason must be a string, got ${showValue(input.reason)}`);
  }
  const out: { -readonly [K in keyof AuditInput]: AuditInput[K] } = {
    atMs: input.atMs,
    actor: input.actor,
    kind: input.kind,
    reason: input.reason,
  };
  if (input.target !== undefined) {
    if (typeof input.target !== 'string') throw new TypeError(`${where}: target must be a string`);
    out.target = input.target;
  }
  for (const k of ['generation', 'previousGeneration'] as const) {
    const v = input[k];
    if (v === undefined) continue;
    if (!isGen(v))
      throw new TypeError(`${where}: ${k} must be an integer >= 0, got ${showValue(v)}`);
    out[k] = v;
  }
  if (input.generations !== undefined) {
    const gens: unknown = input.generations;
    if (!Array.isArray(gens) || !(gens as unknown[]).every(isGen)) {
      throw new TypeError(`${where}: generations must be an array of integers >= 0`);
    }
    out.generations = Object.freeze([...(gens as number[])]);
  }
  if (input.contentHash !== undefined) {
    if (typeof input.contentHash !== 'string') {
      throw new TypeError(`${where}: contentHash must be a string`);
    }
    out.contentHash = input.contentHash;
  }
  if (input.name !== undefined) {
    if (typeof input.name !== 'string') throw new TypeError(`${where}: name must be a string`);
    out.name = input.name;
  }
  if (input.activeGenerations !== undefined) {
    const a = input.activeGenerations as unknown;
    if (typeof a !== 'object' || a === null || !Object.values(a).every(isGen)) {
      throw new TypeError(`${where}: activeGenerations must map target ids to generations`);
    }
    out.activeGenerations = Object.freeze({ ...input.activeGenerations });
  }
  return Object.freeze(out);
}

/** True when `entry` is selected by `query` (ignoring `limit`). */
export function matchesAuditQuery(entry: AuditEntry, query: AuditQuery | undefined): boolean {
  if (query === undefined) return true;
  if (query.afterSeq !== undefined && entry.seq <= query.afterSeq) return false;
  if (query.kinds !== undefined && !query.kinds.includes(entry.kind)) return false;
  if (query.target !== undefined && entry.target !== query.target) return false;
  return true;
}

/** Validates an {@link AuditQuery}'s `limit` (a `RangeError` naming it). */
export function checkAuditQuery(query: AuditQuery | undefined): void {
  if (query?.limit === undefined) return;
  if (!Number.isSafeInteger(query.limit) || query.limit < 0) {
    throw new RangeError(`readAudit: limit must be an integer >= 0, got ${query.limit}`);
  }
}

/**
 * One line per entry, for people and timelines:
 * `#12 2025-10-20T06:48:00.000Z enactor-b activation-won target=dns gen 6 (was 5): …`.
 */
export function formatAuditEntry(entry: AuditEntry): string {
  const parts = [`#${entry.seq}`, new Date(entry.atMs).toISOString(), entry.actor, entry.kind];
  if (entry.target !== undefined) parts.push(`target=${entry.target}`);
  if (entry.name !== undefined) parts.push(`name=${entry.name}`);
  if (entry.generation !== undefined) {
    parts.push(
      entry.previousGeneration !== undefined
        ? `gen ${entry.generation} (was ${entry.previousGeneration})`
        : `gen ${entry.generation}`,
    );
  }
  if (entry.generations !== undefined) parts.push(`gens [${entry.generations.join(', ')}]`);
  return entry.reason === '' ? parts.join(' ') : `${parts.join(' ')}: ${entry.reason}`;
}
