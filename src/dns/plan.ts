/**
 * @module
 * The plan: an immutable, complete desired state for a set of DNS names. "Complete" matters:
 * a plan is never a patch on the previous one, so applying any plan alone gives a whole,
 * consistent answer — which is what lets an enactor skip plans, a reconciler re-apply the
 * newest one from any state, and a rollback re-publish an old one.
 *
 * A plan has a content (its record sets), a content hash (SHA-256 over a canonical
 * serialisation, so equal content always hashes equally), the planner's identity, the time
 * it was made, its origin (planner, rollback, or a reconciler's re-publish) and a
 * generation. The generation is allocated by the store, strictly increasing, when the plan is
 * written: until then it is a {@link PlanDraft}.
 *
 * Content validation checks every record set (see `record-set.ts`) and the rules between
 * them: one record set per (name, type), and a name with a CNAME has nothing else
 * (RFC 1034 §3.6.2, RFC 2181 §10.1).
 */
import { createHash } from 'node:crypto';
import { PlanValidationError } from './errors.js';
import type { ValidationIssue } from './errors.js';
import { checkId, checkNumberIn } from './internal/options.js';
import { canonicalRecordSet, compareRecordSets, parseRecordSet } from './record-set.js';
import type { RecordSet, RecordSetInput, RecordType } from './record-set.js';

/** The validated, normalised record sets of a plan, sorted by (name, type). Deeply frozen. */
export interface PlanContent {
  readonly recordSets: readonly RecordSet[];
}

/** Where a plan came from. */
export type PlanOrigin =
  /** Computed by a planner from the endpoint inventory. */
  | { readonly kind: 'planner' }
  /**
   * Written by a rollback: `fromGeneration`'s content again, under a new generation.
   * `replacedContentHash` is the content it replaced (the newest plan's at the time), which
   * tells a planner whether its inputs have changed since the rollback.
   */
  | {
      readonly kind: 'rollback';
      readonly fromGeneration: number;
      readonly replacedContentHash?: string;
    }
  /** Written by a reconciler to repair a target whose active plan is gone. */
  | { readonly kind: 'republish'; readonly fromGeneration: number };

/** A plan before the store gave it a generation. */
export interface PlanDraft {
  /** Who computed it: a planner's id, or the operator behind a rollback. */
  readonly plannerId: string;
  /** When it was computed, ms since the epoch (`clock.now()`). */
  readonly createdAtMs: number;
  /** The record sets. */
  readonly content: PlanContent;
  /** SHA-256 (hex) of the canonical serialisation of `content`. */
  readonly contentHash: string;
  /** How it came about. */
  readonly origin: PlanOrigin;
}

/** A written plan: a draft with the generation the store allocated to it. */
export interface Plan extends PlanDraft {
  /** Strictly increasing per store; never reused, never moves backwards. */
  readonly generation: number;
}

/** The content of a plan with no record sets. */
export const EMPTY_PLAN_CONTENT: PlanContent = Object.freeze({
  recordSets: Object.freeze([] as RecordSet[]),
});

/**
 * Validates and normalises loose input — an array of record sets, or `{ recordSets }` —
 * into {@link PlanContent}. Throws a {@link PlanValidationError} listing every problem, each
 * with its field (`recordSets[2].records[0].address`).
 *
 * @param field the name to use for the record-set array in messages.
 */
export function parsePlanContent(input: unknown, field = 'recordSets'): PlanContent {
  const list: unknown =
    typeof input === 'object' && input !== null && !Array.isArray(input)
      ? (input as { recordSets?: unknown }).recordSets
      : input;
  const issues: ValidationIssue[] = [];
  if (!Array.isArray(list)) {
    throw new PlanValidationError([
      {
        field,
        message: `must be an array of record sets, got ${list === null ? 'null' : typeof list}`,
      },
    ]);
  }
  const sets: RecordSet[] = [];
  const fieldOf = new Map<RecordSet, string>();
  (list as unknown[]).forEach((raw, i) => {
    const f = `${field}[${i}]`;
    const set = parseRecordSet(raw, f, issues);
    if (set !== undefined) {
      sets.push(set);
      fieldOf.set(set, f);
    }
  });
  // Rules between record sets: one per (name, type); a CNAME stands alone at its name.
  const byName = new Map<string, RecordSet[]>();
  for (const s of sets) {
    const at = byName.get(s.name);
    if (at === undefined) byName.set(s.name, [s]);
    else at.push(s);
  }
  for (const [name, at] of byName) {
    const types = new Map<RecordType, RecordSet>();
    for (const s of at) {
      const dup = types.get(s.type);
      if (dup !== undefined) {
        issues.push({
          field: fieldOf.get(s)!,
          message: `a second ${s.type} record set for '${name}' (the first is ${fieldOf.get(dup)!}); merge their records`,
        });
      } else {
        types.set(s.type, s);
      }
    }
    const cname = types.get('CNAME');
    if (cname !== undefined && types.size > 1) {
      const others = [...types.keys()].filter((t) => t !== 'CNAME').join(', ');
      issues.push({
        field: fieldOf.get(cname)!,
        message: `'${name}' has a CNAME and also ${others} records; a CNAME must be the only record set at its name (RFC 1034 §3.6.2)`,
      });
    }
  }
  if (issues.length > 0) throw new PlanValidationError(issues);
  sets.sort(compareRecordSets);
  return Object.freeze({ recordSets: Object.freeze(sets) });
}

/** Typed shorthand for {@link parsePlanContent}: builds content from record sets in code. */
export function createPlanContent(recordSets: readonly RecordSetInput[]): PlanContent {
  return parsePlanContent(recordSets);
}

/**
 * The canonical serialisation of a content: JSON with fixed key order, record sets sorted
 * by (name, type), records sorted. Equal contents give equal strings.
 */
export function canonicalPlanContent(content: PlanContent): string {
  return `{"recordSets":[${content.recordSets.map(canonicalRecordSet).join(',')}]}`;
}

/** SHA-256 (lower-case hex) of {@link canonicalPlanContent}. */
export function hashPlanContent(content: PlanContent): string {
  return createHash('sha256').update(canonicalPlanContent(content), 'utf8').digest('hex');
}

/** Input of {@link createPlanDraft}. */
export interface PlanDraftInput {
  /** Validated content (from {@link parsePlanContent}/{@link createPlanContent}). */
  readonly content: PlanContent;
  /** Who computed it. */
  readonly plannerId: string;
  /** When, ms since the epoch: `clock.now()`. */
  readonly createdAtMs: number;
  /** Default `{ kind: 'planner' }`. */
  readonly origin?: PlanOrigin;
}

const PLANNER_ORIGIN: PlanOrigin = Object.freeze({ kind: 'planner' });

/** A draft ready to hand to `PlanStore.putPlan`: the content hash computed, all frozen. */
export function createPlanDraft(input: PlanDraftInput): PlanDraft {
  checkId('createPlanDraft', 'plannerId', input.plannerId);
  checkNumberIn('createPlanDraft', 'createdAtMs', input.createdAtMs, -8.64e15, 8.64e15);
  return Object.freeze({
    plannerId: input.plannerId,
    createdAtMs: input.createdAtMs,
    content: input.content,
    contentHash: hashPlanContent(input.content),
    origin: input.origin === undefined ? PLANNER_ORIGIN : Object.freeze({ ...input.origin }),
  });
}

/**
 * What a store does with a draft before writing it: re-validate the content (a draft may
 * have been built by hand, or read back from storage) and check that the hash matches it.
 * Returns the draft with normalised, frozen content. Throws {@link PlanValidationError}.
 */
export function verifyPlanDraft(draft: PlanDraft): PlanDraft {
  if (typeof draft !== 'object' || draft === null) {
    throw new PlanValidationError([{ field: 'draft', message: 'must be a PlanDraft object' }]);
  }
  const issues: ValidationIssue[] = [];
  if (typeof draft.plannerId !== 'string' || draft.plannerId === '') {
    issues.push({ field: 'plannerId', message: 'must be a non-empty string' });
  }
  if (typeof draft.createdAtMs !== 'number' || !Number.isFinite(draft.createdAtMs)) {
    issues.push({ field: 'createdAtMs', message: 'must be a finite number (ms since the epoch)' });
  }
  const origin = draft.origin as PlanOrigin | undefined;
  if (
    typeof origin !== 'object' ||
    origin === null ||
    !['planner', 'rollback', 'republish'].includes(origin.kind)
  ) {
    issues.push({
      field: 'origin',
      message: "must be { kind: 'planner' | 'rollback' | 'republish' }",
    });
  }
  if (issues.length > 0) throw new PlanValidationError(issues);
  const content = parsePlanContent(draft.content, 'content.recordSets');
  const hash = hashPlanContent(content);
  if (draft.contentHash !== hash) {
    throw new PlanValidationError([
      {
        field: 'contentHash',
        message: `does not match the content: got ${String(draft.contentHash)}, the content hashes to ${hash}`,
      },
    ]);
  }
  return Object.freeze({
    plannerId: draft.plannerId,
    createdAtMs: draft.createdAtMs,
    content,
    contentHash: hash,
    origin: Object.freeze({ ...origin! }),
  });
}

/** A written plan from a verified draft and its generation (frozen). */
export function planOf(draft: PlanDraft, generation: number): Plan {
  return Object.freeze({
    generation,
    plannerId: draft.plannerId,
    createdAtMs: draft.createdAtMs,
    content: draft.content,
    contentHash: draft.contentHash,
    origin: draft.origin,
  });
}

/** The record sets of `content` at `name` (normalised the same way), in type order. */
export function recordSetsAt(content: PlanContent, name: string): readonly RecordSet[] {
  let n = name.toLowerCase();
  if (n.endsWith('.')) n = n.slice(0, -1);
  return content.recordSets.filter((s) => s.name === n);
}

/** The record set of `type` at `name`, or undefined. */
export function lookupRecordSet(
  content: PlanContent,
  name: string,
  type: RecordType,
): RecordSet | undefined {
  return recordSetsAt(content, name).find((s) => s.type === type);
}

/** The distinct names a content has records for, sorted. */
export function planNames(content: PlanContent): readonly string[] {
  const names: string[] = [];
  for (const s of content.recordSets) if (names[names.length - 1] !== s.name) names.push(s.name);
  return names;
}
