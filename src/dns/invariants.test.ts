import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkActivePlanKept,
  checkConvergence,
  checkMonotonic,
  checkNeverEmpty,
  checkProvenance,
  checkSafety,
  formatViolation,
  servedRecordSets,
} from './invariants.js';
import type { DnsSnapshot } from './invariants.js';
import type { AuditEntry } from './audit-log.js';
import { contractDraft } from './plan-store/contract.js';
import { planOf } from './plan.js';
import type { Plan } from './plan.js';

const plan = (g: number, i = g): Plan => planOf(contractDraft(i), g);
const written = (p: Plan, seq: number): AuditEntry => ({
  seq,
  atMs: 0,
  actor: 'planner',
  kind: 'plan-written',
  reason: '',
  generation: p.generation,
  contentHash: p.contentHash,
});

function snap(
  plans: Plan[],
  targets: DnsSnapshot['targets'],
  audit: AuditEntry[] = [],
): DnsSnapshot {
  return {
    plans: new Map(plans.map((p) => [p.generation, p])),
    targets,
    audit: [...plans.map((p, i) => written(p, i + 1)), ...audit],
  };
}

describe('checkNeverEmpty (I1)', () => {
  it('passes a target serving its plan, and one never activated', () => {
    const s = snap(
      [plan(1)],
      [
        { id: 'a', activeGeneration: 1 },
        { id: 'b', activeGeneration: undefined },
      ],
    );
    assert.deepEqual(checkNeverEmpty(s), []);
    assert.equal(servedRecordSets(s, s.targets[1]!).length, 0);
  });

  it('flags a target whose active plan is gone: it serves nothing', () => {
    const v = checkNeverEmpty(snap([plan(2)], [{ id: 'a', activeGeneration: 1 }]));
    assert.equal(v.length, 1);
    assert.equal(v[0]!.invariant, 'I1');
    assert.match(v[0]!.message, /serves nothing: its active plan 1 no longer exists/);
  });

  it('flags an explicit served state that is empty, has an empty set, or misses a name', () => {
    const p = plan(1);
    const [a, txt] = p.content.recordSets;
    const empty = { ...a!, records: [] } as unknown as typeof a;
    assert.equal(
      checkNeverEmpty(snap([p], [{ id: 'x', activeGeneration: 1, served: [] }]))[0]?.invariant,
      'I1',
    );
    assert.match(
      checkNeverEmpty(snap([p], [{ id: 'x', activeGeneration: 1, served: [empty!, txt!] }]))[0]!
        .message,
      /empty A record set/,
    );
    assert.match(
      checkNeverEmpty(snap([p], [{ id: 'x', activeGeneration: 1, served: [txt!] }]))[0]!.message,
      /no records for 'api.example.com'/,
    );
  });
});

describe('checkMonotonic (I2)', () => {
  it('flags a target that went backwards between snapshots', () => {
    const before = snap([plan(1), plan(2)], [{ id: 'a', activeGeneration: 2 }]);
    const after = snap([plan(1), plan(2)], [{ id: 'a', activeGeneration: 1 }]);
    assert.match(checkMonotonic(after, before)[0]!.message, /went from generation 2 back to 1/);
    assert.deepEqual(checkMonotonic(before, after).length, 0);
  });

  it('flags an activation in the log that replaced a higher generation', () => {
    const forced: AuditEntry = {
      seq: 9,
      atMs: 0,
      actor: 'enactor-a',
      kind: 'activation-forced',
      reason: '',
      target: 'a',
      generation: 2,
      previousGeneration: 5,
    };
    const v = checkMonotonic(snap([plan(2)], [{ id: 'a', activeGeneration: 2 }], [forced]));
    assert.equal(v.length, 1);
    assert.match(v[0]!.message, /enactor-a set 'a' to generation 2 over 5/);
  });

  it('reads only the log appended since the previous snapshot', () => {
    const forced: AuditEntry = {
      seq: 2,
      atMs: 0,
      actor: 'x',
      kind: 'activation-won',
      reason: '',
      target: 'a',
      generation: 1,
      previousGeneration: 3,
    };
    const s = snap([plan(1)], [{ id: 'a', activeGeneration: 1 }], [forced]);
    assert.equal(checkMonotonic(s, { ...s, auditLength: s.audit.length }).length, 0);
  });
});

describe('checkActivePlanKept (I3)', () => {
  it('flags an active generation without its plan, and a deletion at or above an active generation', () => {
    const deletion: AuditEntry = {
      seq: 5,
      atMs: 0,
      actor: 'enactor-b',
      kind: 'deletion',
      reason: '',
      generations: [1, 2],
      activeGenerations: { a: 2, b: 9 },
    };
    const v = checkActivePlanKept(snap([plan(3)], [{ id: 'a', activeGeneration: 2 }], [deletion]));
    assert.deepEqual(
      v.map((x) => [x.invariant, x.generation]),
      [
        ['I3', 2],
        ['I3', 2],
      ],
    );
    assert.match(v[1]!.message, /deleted plan 2, not below the active generation of 'a' at 2/);
  });

  it('accepts a deletion below every active generation', () => {
    const deletion: AuditEntry = {
      seq: 5,
      atMs: 0,
      actor: 'janitor',
      kind: 'deletion',
      reason: '',
      generations: [1],
      activeGenerations: { a: 4 },
    };
    assert.deepEqual(
      checkActivePlanKept(snap([plan(4)], [{ id: 'a', activeGeneration: 4 }], [deletion])),
      [],
    );
  });
});

describe('checkProvenance (I4)', () => {
  it('accepts plans written through the store, and flags one without its log entry', () => {
    const p = plan(1);
    assert.deepEqual(checkProvenance(snap([p], [{ id: 'a', activeGeneration: 1 }])), []);
    const noLog: DnsSnapshot = {
      plans: new Map([[1, p]]),
      targets: [{ id: 'a', activeGeneration: 1 }],
      audit: [],
    };
    assert.match(checkProvenance(noLog)[0]!.message, /no 'plan-written' audit entry/);
  });

  it('checks explicit served sets against every written content, deleted plans included', () => {
    const old = plan(1);
    const now = plan(2);
    const s: DnsSnapshot = {
      plans: new Map([[2, now]]),
      targets: [
        {
          id: 'dns',
          activeGeneration: 2,
          served: [old.content.recordSets[0]!, now.content.recordSets[1]!],
        },
      ],
      audit: [written(old, 1), written(now, 2)],
      written: new Map([[old.contentHash, old.content]]),
    };
    assert.deepEqual(checkProvenance(s), []);
    const forged = { ...now.content.recordSets[0]!, ttl: 1 } as (typeof now.content.recordSets)[0];
    const bad: DnsSnapshot = {
      ...s,
      targets: [{ id: 'dns', activeGeneration: 2, served: [forged] }],
    };
    assert.match(checkProvenance(bad)[0]!.message, /that no written plan holds/);
  });
});

describe('checkSafety', () => {
  it('is empty for a healthy state', () => {
    assert.deepEqual(checkSafety(snap([plan(1), plan(2)], [{ id: 'a', activeGeneration: 2 }])), []);
  });
});

describe('checkConvergence (I5)', () => {
  it('wants every target at the newest plan, serving exactly it', () => {
    const ps = [plan(1), plan(2)];
    assert.deepEqual(checkConvergence(snap(ps, [{ id: 'a', activeGeneration: 2 }])), []);
    assert.match(
      checkConvergence(snap(ps, [{ id: 'a', activeGeneration: 1 }]))[0]!.message,
      /at generation 1, not the newest 2/,
    );
    assert.match(
      checkConvergence(
        snap(ps, [{ id: 'a', activeGeneration: 2, served: ps[0]!.content.recordSets }]),
      )[0]!.message,
      /half-applied/,
    );
    assert.match(
      checkConvergence(snap([], [{ id: 'a', activeGeneration: 3 }]))[0]!.message,
      /no plan exists/,
    );
    assert.deepEqual(checkConvergence(snap([], [{ id: 'a', activeGeneration: undefined }])), []);
  });
});

describe('formatViolation', () => {
  it('prints the invariant, where, and what', () => {
    assert.equal(
      formatViolation({ invariant: 'I3', target: 'dns', generation: 5, message: 'gone' }),
      "I3 target 'dns' gen 5: gone",
    );
    assert.equal(formatViolation({ invariant: 'I5', message: 'x' }), 'I5: x');
  });
});
