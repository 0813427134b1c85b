/**
 * @module
 * How the etcd plan store serialises plans and audit entries. A plan is stored with its
 * canonical content and re-validated (its hash included) when read, so a value damaged in
 * etcd — or written by hand with `etcdctl put` — is reported as `StoreCorruptError`, never
 * served (the SQLite store does the same).
 */
import type { AuditEntry, AuditInput } from '../../audit-log.js';
import { StoreCorruptError } from '../../errors.js';
import { canonicalPlanContent, hashPlanContent, parsePlanContent, planOf } from '../../plan.js';
import type { Plan, PlanOrigin } from '../../plan.js';

/** A plan as the value of its `plans/G` key (JSON, content in canonical form). */
export function encodePlan(plan: Plan): Buffer {
  return Buffer.from(
    `{"generation":${plan.generation},"plannerId":${JSON.stringify(plan.plannerId)},` +
      `"createdAtMs":${plan.createdAtMs},"contentHash":"${plan.contentHash}",` +
      `"origin":${JSON.stringify(plan.origin)},"content":${canonicalPlanContent(plan.content)}}`,
  );
}

interface StoredPlan {
  generation?: unknown;
  plannerId?: unknown;
  createdAtMs?: unknown;
  contentHash?: unknown;
  origin?: unknown;
  content?: unknown;
}

/** Reads a `plans/G` value back, checking it thoroughly. */
export function decodePlan(label: string, generation: number, value: Buffer): Plan {
  try {
    const raw = JSON.parse(value.toString('utf8')) as StoredPlan;
    if (raw.generation !== generation) {
      throw new Error(`it says generation ${String(raw.generation)}`);
    }
    if (typeof raw.plannerId !== 'string' || raw.plannerId === '') {
      throw new Error('plannerId is missing');
    }
    if (typeof raw.createdAtMs !== 'number' || !Number.isFinite(raw.createdAtMs)) {
      throw new Error('createdAtMs is missing');
    }
    const origin = raw.origin as PlanOrigin | undefined;
    if (
      typeof origin !== 'object' ||
      origin === null ||
      !['planner', 'rollback', 'republish'].includes(origin.kind)
    ) {
      throw new Error('origin is missing or unknown');
    }
    const content = parsePlanContent(raw.content, 'content.recordSets');
    const hash = hashPlanContent(content);
    if (hash !== raw.contentHash) {
      throw new Error(`content hashes to ${hash}, the value says ${String(raw.contentHash)}`);
    }
    return planOf(
      {
        plannerId: raw.plannerId,
        createdAtMs: raw.createdAtMs,
        content,
        contentHash: hash,
        origin: Object.freeze({ ...origin }),
      },
      generation,
    );
  } catch (e) {
    throw new StoreCorruptError(
      label,
      `plan generation ${generation} is damaged: ${(e as Error).message}`,
      { cause: e },
    );
  }
}

/** An audit entry as the value of its `audit/…` key. */
export function encodeAudit(input: AuditInput): Buffer {
  return Buffer.from(JSON.stringify(input));
}

/** Reads an audit value back; `seq` is the key's create revision. */
export function decodeAudit(label: string, seq: number, value: Buffer): AuditEntry {
  let input: AuditInput;
  try {
    input = JSON.parse(value.toString('utf8')) as AuditInput;
  } catch (e) {
    throw new StoreCorruptError(label, `audit entry ${seq} is damaged: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return Object.freeze({ seq, ...input });
}
