import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkAuditInput,
  checkAuditQuery,
  checkWriteContext,
  formatAuditEntry,
  matchesAuditQuery,
} from './audit-log.js';
import type { AuditEntry } from './audit-log.js';

const entry: AuditEntry = {
  seq: 12,
  atMs: Date.UTC(2025, 9, 20, 6, 48),
  actor: 'enactor-b',
  kind: 'activation-won',
  reason: 'newest plan',
  target: 'dns',
  generation: 6,
  previousGeneration: 5,
};

describe('formatAuditEntry', () => {
  it('writes one readable line with who, when, what and why', () => {
    assert.equal(
      formatAuditEntry(entry),
      '#12 2025-10-20T06:48:00.000Z enactor-b activation-won target=dns gen 6 (was 5): newest plan',
    );
    assert.equal(
      formatAuditEntry({
        seq: 1,
        atMs: 0,
        actor: 'j',
        kind: 'deletion',
        reason: '',
        generations: [1, 2],
        name: 'x',
      }),
      '#1 1970-01-01T00:00:00.000Z j deletion name=x gens [1, 2]',
    );
    assert.equal(
      formatAuditEntry({
        seq: 2,
        atMs: 0,
        actor: 'p',
        kind: 'plan-written',
        reason: 'r',
        generation: 3,
      }),
      '#2 1970-01-01T00:00:00.000Z p plan-written gen 3: r',
    );
  });
});

describe('checkAuditInput', () => {
  it('keeps only the known fields and freezes them', () => {
    const out = checkAuditInput({
      atMs: 1,
      actor: 'a',
      kind: 'deletion',
      reason: 'r',
      generations: [1],
      activeGenerations: { t: 5 },
      contentHash: 'h',
      extra: 1,
    } as never);
    assert.deepEqual(out, {
      atMs: 1,
      actor: 'a',
      kind: 'deletion',
      reason: 'r',
      generations: [1],
      contentHash: 'h',
      activeGenerations: { t: 5 },
    });
    assert.ok(Object.isFrozen(out));
  });

  it('throws a TypeError naming the bad field', () => {
    const ok = { atMs: 1, actor: 'a', kind: 'refusal', reason: '' } as const;
    assert.throws(() => checkAuditInput(null as never), /entry must be an object/);
    assert.throws(() => checkAuditInput({ ...ok, actor: '' }), /actor/);
    assert.throws(() => checkAuditInput({ ...ok, reason: 3 as never }), /reason/);
    assert.throws(() => checkAuditInput({ ...ok, target: 3 as never }), /target/);
    assert.throws(() => checkAuditInput({ ...ok, generation: -1 }), /generation/);
    assert.throws(() => checkAuditInput({ ...ok, generations: [1.5] }), /generations/);
    assert.throws(() => checkAuditInput({ ...ok, contentHash: 1 as never }), /contentHash/);
    assert.throws(() => checkAuditInput({ ...ok, name: 1 as never }), /name/);
    assert.throws(
      () => checkAuditInput({ ...ok, activeGenerations: { t: -1 } }),
      /activeGenerations/,
    );
  });
});

describe('checkWriteContext', () => {
  it('requires an actor and a finite time', () => {
    checkWriteContext('x', { actor: 'a', atMs: 0, reason: 'r' });
    assert.throws(() => checkWriteContext('x', null as never), /context must be/);
    assert.throws(() => checkWriteContext('x', { actor: 'a', atMs: Infinity }), /atMs/);
    assert.throws(
      () => checkWriteContext('x', { actor: 'a', atMs: 1, reason: 1 as never }),
      /reason/,
    );
  });
});

describe('matchesAuditQuery', () => {
  it('filters by afterSeq, kinds and target', () => {
    assert.equal(matchesAuditQuery(entry, undefined), true);
    assert.equal(matchesAuditQuery(entry, { afterSeq: 12 }), false);
    assert.equal(
      matchesAuditQuery(entry, { afterSeq: 11, kinds: ['activation-won'], target: 'dns' }),
      true,
    );
    assert.equal(matchesAuditQuery(entry, { kinds: ['deletion'] }), false);
    assert.equal(matchesAuditQuery(entry, { target: 'other' }), false);
    checkAuditQuery(undefined);
    assert.throws(() => checkAuditQuery({ limit: 1.5 }), RangeError);
  });
});
