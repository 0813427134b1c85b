/**
 * @module
 * The errors of the DNS control plane. One base class, {@link DnsError}, with a literal `code`
 * per error, `cause` passed on, and an `isXError` guard for each (duck-typed on `code`, so
 * they work across two copies of the package). Errors about user input (a plan, an
 * inventory, a state file) name the field or the file.
 *
 * Which errors are worth a retry is decided in one place, {@link isTransientDnsError}: a
 * store that did not answer (or answered late) may answer next time; a plan that fails
 * validation, an unknown target or a missing plan will not change by asking again.
 */
import { BreakwaterError } from '../core/errors.js';
import type { BreakwaterErrorOptions } from '../core/errors.js';

/** Base class of the DNS part's errors. */
export abstract class DnsError extends BreakwaterError {}

function hasCode(e: unknown, code: string): boolean {
  return e instanceof Error && (e as { code?: unknown }).code === code;
}

/** One problem found while validating a plan or an inventory. */
export interface ValidationIssue {
  /** The field, as a path such as `recordSets[2].records[0].address`. */
  readonly field: string;
  /** What is wrong and what was expected. */
  readonly message: string;
}

function describeIssues(what: string, issues: readonly ValidationIssue[]): string {
  const n = issues.length;
  return (
    `invalid ${what} (${n} problem${n === 1 ? '' : 's'}):\n` +
    issues.map((i) => (i.field === '' ? `  ${i.message}` : `  ${i.field}: ${i.message}`)).join('\n')
  );
}

/** A plan's content (its record sets) failed validation; `issues` lists every problem. */
export class PlanValidationError extends DnsError {
  readonly code = 'BW_DNS_PLAN_INVALID' as const;
  /** Every problem found, in field order. */
  readonly issues: readonly ValidationIssue[];
  constructor(issues: readonly ValidationIssue[], options?: BreakwaterErrorOptions) {
    super(describeIssues('plan', issues), options);
    this.issues = issues;
  }
}
/** Guard for {@link PlanValidationError}. */
export const isPlanValidationError = (e: unknown): e is PlanValidationError =>
  hasCode(e, 'BW_DNS_PLAN_INVALID');

/** An endpoint inventory failed validation; `issues` lists every problem. */
export class InventoryValidationError extends DnsError {
  readonly code = 'BW_DNS_INVENTORY_INVALID' as const;
  /** Every problem found, in field order. */
  readonly issues: readonly ValidationIssue[];
  constructor(issues: readonly ValidationIssue[], options?: BreakwaterErrorOptions) {
    super(describeIssues('inventory', issues), options);
    this.issues = issues;
  }
}
/** Guard for {@link InventoryValidationError}. */
export const isInventoryValidationError = (e: unknown): e is InventoryValidationError =>
  hasCode(e, 'BW_DNS_INVENTORY_INVALID');

/** A plan generation that the store does not hold (never written, or deleted). */
export class PlanNotFoundError extends DnsError {
  readonly code = 'BW_DNS_PLAN_NOT_FOUND' as const;
  constructor(
    readonly generation: number,
    options?: BreakwaterErrorOptions,
  ) {
    super(`plan generation ${generation} does not exist (never written, or deleted)`, options);
  }
}
/** Guard for {@link PlanNotFoundError}. */
export const isPlanNotFoundError = (e: unknown): e is PlanNotFoundError =>
  hasCode(e, 'BW_DNS_PLAN_NOT_FOUND');

/**
 * A write conditioned on the newest generation kept finding a newer one (another writer
 * was faster each time). Worth trying again later, not at once.
 */
export class PlanConflictError extends DnsError {
  readonly code = 'BW_DNS_PLAN_CONFLICT' as const;
}
/** Guard for {@link PlanConflictError}. */
export const isPlanConflictError = (e: unknown): e is PlanConflictError =>
  hasCode(e, 'BW_DNS_PLAN_CONFLICT');

/** A target id that is not registered with the store (`addTarget` it first). */
export class UnknownTargetError extends DnsError {
  readonly code = 'BW_DNS_UNKNOWN_TARGET' as const;
  constructor(
    readonly target: string,
    options?: BreakwaterErrorOptions,
  ) {
    super(`unknown target '${target}': register it with addTarget() first`, options);
  }
}
/** Guard for {@link UnknownTargetError}. */
export const isUnknownTargetError = (e: unknown): e is UnknownTargetError =>
  hasCode(e, 'BW_DNS_UNKNOWN_TARGET');

/** The store did not answer: unreachable, busy, or an injected fault. Worth a retry. */
export class StoreUnavailableError extends DnsError {
  readonly code = 'BW_DNS_STORE_UNAVAILABLE' as const;
}
/** Guard for {@link StoreUnavailableError}. */
export const isStoreUnavailableError = (e: unknown): e is StoreUnavailableError =>
  hasCode(e, 'BW_DNS_STORE_UNAVAILABLE');

/**
 * The store's answer did not arrive in time. The write may or may not have taken effect —
 * the caller must not assume either (the fault-injecting store produces exactly this after a
 * write that committed). Worth a retry, because every write is a compare-and-set.
 */
export class StoreTimeoutError extends DnsError {
  readonly code = 'BW_DNS_STORE_TIMEOUT' as const;
}
/** Guard for {@link StoreTimeoutError}. */
export const isStoreTimeoutError = (e: unknown): e is StoreTimeoutError =>
  hasCode(e, 'BW_DNS_STORE_TIMEOUT');

/** A state file that cannot be read: not a database, damaged, or from a newer breakwater. */
export class StoreCorruptError extends DnsError {
  readonly code = 'BW_DNS_STORE_CORRUPT' as const;
  constructor(
    readonly file: string,
    detail: string,
    options?: BreakwaterErrorOptions,
  ) {
    super(`${file}: ${detail}`, options);
  }
}
/** Guard for {@link StoreCorruptError}. */
export const isStoreCorruptError = (e: unknown): e is StoreCorruptError =>
  hasCode(e, 'BW_DNS_STORE_CORRUPT');

/** A call on a store after `close()`. */
export class StoreClosedError extends DnsError {
  readonly code = 'BW_DNS_STORE_CLOSED' as const;
  constructor(options?: BreakwaterErrorOptions) {
    super('the plan store is closed', options);
  }
}
/** Guard for {@link StoreClosedError}. */
export const isStoreClosedError = (e: unknown): e is StoreClosedError =>
  hasCode(e, 'BW_DNS_STORE_CLOSED');

/**
 * Legacy mode only: the target's active plan was deleted, so (as on 2025-10-20) the target is
 * in an inconsistent state that blocks every later apply until an operator repairs it.
 */
export class TargetBlockedError extends DnsError {
  readonly code = 'BW_DNS_TARGET_BLOCKED' as const;
  constructor(
    readonly target: string,
    readonly activeGeneration: number,
    options?: BreakwaterErrorOptions,
  ) {
    super(
      `target '${target}' is blocked: its active plan ${activeGeneration} was deleted; an operator must repair it`,
      options,
    );
  }
}
/** Guard for {@link TargetBlockedError}. */
export const isTargetBlockedError = (e: unknown): e is TargetBlockedError =>
  hasCode(e, 'BW_DNS_TARGET_BLOCKED');

/**
 * True for any error thrown by the DNS part on purpose: an instance of {@link DnsError}, or
 * (across two copies of the package) any error whose `code` starts with `BW_DNS_`.
 */
export function isDnsError(e: unknown): e is DnsError {
  if (e instanceof DnsError) return true;
  if (!(e instanceof Error)) return false;
  const code: unknown = (e as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('BW_DNS_');
}

/**
 * True when asking again may help: the store was unavailable or slow, or the error is not
 * one of ours (a driver error such as `SQLITE_BUSY`, a socket reset). False for every DNS
 * error that says the request itself is wrong, and for a closed store.
 */
export function isTransientDnsError(e: unknown): boolean {
  if (!isDnsError(e)) return true;
  return e.code === 'BW_DNS_STORE_UNAVAILABLE' || e.code === 'BW_DNS_STORE_TIMEOUT';
}
