import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMPTY_PLAN_CONTENT,
  canonicalPlanContent,
  createPlanContent,
  createPlanDraft,
  hashPlanContent,
  lookupRecordSet,
  parsePlanContent,
  planNames,
  planOf,
  recordSetsAt,
  verifyPlanDraft,
} from './plan.js';
import type { PlanDraft } from './plan.js';
import { isPlanValidationError, PlanValidationError } from './errors.js';

const content = createPlanContent([
  { name: 'www.example.com', type: 'CNAME', records: ['api.example.com'] },
  { name: 'api.example.com', type: 'AAAA', ttl: 60, records: ['2001:db8::1'] },
  { name: 'api.example.com', type: 'A', ttl: 60, records: ['192.0.2.2', '192.0.2.1'] },
  { name: 'example.com', type: 'MX', records: [{ preference: 10, exchange: 'mx.example.com' }] },
]);

function issuesOf(fn: () => unknown): { field: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    assert.ok(isPlanValidationError(e));
    return [...e.issues];
  }
  assert.fail('expected a PlanValidationError');
}

describe('parsePlanContent', () => {
  it('sorts record sets by name and type and freezes everything', () => {
    assert.deepEqual(
      content.recordSets.map((s) => `${s.name} ${s.type}`),
      ['api.example.com A', 'api.example.com AAAA', 'example.com MX', 'www.example.com CNAME'],
    );
    assert.ok(Object.isFrozen(content) && Object.isFrozen(content.recordSets));
  });

  it('accepts { recordSets } or a bare array', () => {
    assert.deepEqual(parsePlanContent({ recordSets: content.recordSets }), content);
    assert.deepEqual(parsePlanContent([...content.recordSets]), content);
  });

  it('refuses two record sets of one type at one name', () => {
    const issues = issuesOf(() =>
      createPlanContent([
        { name: 'a.example', type: 'A', records: ['192.0.2.1'] },
        { name: 'A.example.', type: 'A', records: ['192.0.2.2'] },
      ]),
    );
    assert.equal(issues[0]!.field, 'recordSets[1]');
    assert.match(
      issues[0]!.message,
      /a second A record set for 'a.example' \(the first is recordSets\[0\]\)/,
    );
  });

  it('keeps a CNAME alone at its name (RFC 1034 §3.6.2)', () => {
    const issues = issuesOf(() =>
      createPlanContent([
        { name: 'a.example', type: 'CNAME', records: ['b.example'] },
        { name: 'a.example', type: 'TXT', records: ['x'] },
      ]),
    );
    assert.equal(issues[0]!.field, 'recordSets[0]');
    assert.match(issues[0]!.message, /CNAME and also TXT/);
  });

  it('reports every problem at once, with fields', () => {
    const issues = issuesOf(() =>
      parsePlanContent([
        { name: 'a..example', type: 'A', records: ['x'] },
        { type: 'MX', name: 'b.example', records: [{}] },
      ]),
    );
    assert.deepEqual(
      issues.map((i) => i.field),
      [
        'recordSets[0].name',
        'recordSets[0].records[0].address',
        'recordSets[1].records[0].preference',
        'recordSets[1].records[0].exchange',
      ],
    );
    assert.match(new PlanValidationError(issues).message, /invalid plan \(4 problems\)/);
  });

  it('refuses input that is not a list of record sets', () => {
    assert.deepEqual(
      issuesOf(() => parsePlanContent(7)).map((i) => i.field),
      ['recordSets'],
    );
    assert.deepEqual(
      issuesOf(() => parsePlanContent(null, 'plan')).map((i) => i.field),
      ['plan'],
    );
  });
});

describe('hashPlanContent', () => {
  it('is SHA-256 hex of the canonical serialisation, equal for equal content', () => {
    const h = hashPlanContent(content);
    assert.match(h, /^[0-9a-f]{64}$/);
    const same = createPlanContent([
      {
        name: 'example.com.',
        type: 'MX',
        records: [{ preference: 10, exchange: 'MX.example.com' }],
      },
      {
        name: 'api.example.com',
        type: 'A',
        ttl: 60,
        records: ['192.0.2.1', { address: '192.0.2.2', weight: 1 }],
      },
      { name: 'api.example.com', type: 'AAAA', ttl: 60, records: ['2001:DB8:0::1'] },
      { name: 'www.example.com', type: 'CNAME', records: [{ target: 'api.example.com.' }] },
    ]);
    assert.equal(hashPlanContent(same), h);
    assert.equal(canonicalPlanContent(same), canonicalPlanContent(content));
    const other = createPlanContent([
      { name: 'api.example.com', type: 'A', ttl: 60, records: ['192.0.2.1'] },
    ]);
    assert.notEqual(hashPlanContent(other), h);
  });

  it('hashes the empty content too', () => {
    assert.equal(canonicalPlanContent(EMPTY_PLAN_CONTENT), '{"recordSets":[]}');
  });
});

describe('createPlanDraft', () => {
  it('computes the hash and defaults the origin to the planner', () => {
    const d = createPlanDraft({ content, plannerId: 'planner-1', createdAtMs: 5 });
    assert.equal(d.contentHash, hashPlanContent(content));
    assert.deepEqual(d.origin, { kind: 'planner' });
    assert.ok(Object.isFrozen(d));
    const r = createPlanDraft({
      content,
      plannerId: 'op',
      createdAtMs: 5,
      origin: { kind: 'rollback', fromGeneration: 3 },
    });
    assert.deepEqual(r.origin, { kind: 'rollback', fromGeneration: 3 });
  });

  it('validates its input', () => {
    assert.throws(() => createPlanDraft({ content, plannerId: '', createdAtMs: 1 }), /plannerId/);
    assert.throws(
      () => createPlanDraft({ content, plannerId: 'p', createdAtMs: Number.NaN }),
      /createdAtMs/,
    );
  });
});

describe('verifyPlanDraft', () => {
  const draft = createPlanDraft({ content, plannerId: 'p', createdAtMs: 1 });

  it('returns the draft with normalised content', () => {
    const v = verifyPlanDraft(draft);
    assert.equal(v.contentHash, draft.contentHash);
    assert.deepEqual(v.content, content);
  });

  it('rejects a wrong hash, a bad origin, a missing planner', () => {
    assert.deepEqual(
      issuesOf(() => verifyPlanDraft({ ...draft, contentHash: 'x' })).map((i) => i.field),
      ['contentHash'],
    );
    assert.deepEqual(
      issuesOf(() =>
        verifyPlanDraft({ ...draft, origin: { kind: 'magic' } } as unknown as PlanDraft),
      ).map((i) => i.field),
      ['origin'],
    );
    assert.deepEqual(
      issuesOf(() => verifyPlanDraft({ ...draft, plannerId: '', createdAtMs: Infinity })).map(
        (i) => i.field,
      ),
      ['plannerId', 'createdAtMs'],
    );
    assert.throws(() => verifyPlanDraft(null as unknown as PlanDraft), PlanValidationError);
  });
});

describe('planOf', () => {
  it('adds the generation', () => {
    const p = planOf(createPlanDraft({ content, plannerId: 'p', createdAtMs: 1 }), 7);
    assert.equal(p.generation, 7);
    assert.ok(Object.isFrozen(p));
  });
});

describe('lookups', () => {
  it('find record sets by name (normalised) and type, and list names', () => {
    assert.equal(recordSetsAt(content, 'API.example.com.').length, 2);
    assert.equal(lookupRecordSet(content, 'api.example.com', 'AAAA')?.records.length, 1);
    assert.equal(lookupRecordSet(content, 'api.example.com', 'TXT'), undefined);
    assert.deepEqual(planNames(content), ['api.example.com', 'example.com', 'www.example.com']);
  });
});
