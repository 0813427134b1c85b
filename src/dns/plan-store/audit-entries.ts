/**
 * @module
 * The audit entries every store writes for the same events, built in one place so that the
 * memory, SQLite and etcd stores cannot drift apart in what they record (the contract suite
 * checks the entries; this keeps their wording and fields identical by construction).
 */
import type { AuditInput, WriteContext } from '../audit-log.js';
import type { ActivateResult } from './plan-store.js';

/** The `activation-won` / `activation-lost` entry for one compare-and-set on a target. */
export function activationAudit(
  context: WriteContext,
  target: string,
  generation: number,
  current: number | undefined,
  result: ActivateResult,
): AuditInput {
  const prev = current === undefined ? {} : { previousGeneration: current };
  return result.outcome === 'won'
    ? {
        atMs: context.atMs,
        actor: context.actor,
        kind: 'activation-won',
        reason: context.reason ?? '',
        target,
        generation,
        ...prev,
      }
    : {
        atMs: context.atMs,
        actor: context.actor,
        kind: 'activation-lost',
        reason:
          result.reason === 'not-newer'
            ? `active generation ${String(current)} is not below ${generation}`
            : `plan ${generation} does not exist`,
        target,
        generation,
        ...prev,
      };
}

/** The `target-removed` entry, with the generation the target had active, if any. */
export function targetRemovedAudit(
  context: WriteContext,
  target: string,
  activeGeneration: number | undefined,
): AuditInput {
  const entry: AuditInput = {
    atMs: context.atMs,
    actor: context.actor,
    kind: 'target-removed',
    reason: context.reason ?? '',
    target,
  };
  return activeGeneration === undefined ? entry : { ...entry, generation: activeGeneration };
}
