import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/testing/manual-clock.js';
import { Rng } from '../core/rng.js';
import { createEnactors, enactorId } from './create-enactors.js';
import { Enactor } from './enactor.js';
import { LegacyEnactor } from './legacy/legacy-enactor.js';
import { MemoryPlanStore } from './plan-store/memory-store.js';
import { openSqlitePlanStore } from './plan-store/sqlite-store.js';

describe('createEnactors', () => {
  it('builds three safe enactors by default, enactor-a/b/c', () => {
    const es = createEnactors({
      store: new MemoryPlanStore(),
      clock: new ManualClock(),
      rng: new Rng(1),
    });
    assert.deepEqual(
      es.map((e) => e.id),
      ['enactor-a', 'enactor-b', 'enactor-c'],
    );
    assert.ok(es.every((e) => e instanceof Enactor));
  });

  it('builds the legacy model only when asked for by name', () => {
    const es = createEnactors({
      store: new MemoryPlanStore(),
      clock: new ManualClock(),
      rng: new Rng(1),
      mode: 'legacy',
      count: 2,
      applyDelayMs: 10,
      cleanupLagGenerations: 3,
      intervalMs: 100,
      jitter: 0,
    });
    assert.equal(es.length, 2);
    assert.ok(es.every((e) => e instanceof LegacyEnactor));
    assert.equal((es[0] as LegacyEnactor).applyDelayMs, 10);
    assert.equal((es[0] as LegacyEnactor).cleanupLagGenerations, 3);
  });

  it('refuses legacy mode over a store without the legacy operations', async () => {
    const store = await openSqlitePlanStore({ file: ':memory:' });
    assert.throws(
      () => createEnactors({ store, clock: new ManualClock(), rng: new Rng(1), mode: 'legacy' }),
      /needs a store with the legacy operations/,
    );
    await store.close();
  });

  it('takes explicit ids and validates count, ids and mode', () => {
    const base = { store: new MemoryPlanStore(), clock: new ManualClock(), rng: new Rng(1) };
    assert.deepEqual(
      createEnactors({ ...base, ids: ['x', 'y'] }).map((e) => e.id),
      ['x', 'y'],
    );
    assert.throws(() => createEnactors({ ...base, count: 0 }), /count/);
    assert.throws(() => createEnactors({ ...base, ids: [] }), /ids must not be empty/);
    assert.throws(() => createEnactors({ ...base, ids: ['x', 'x'] }), /distinct/);
    assert.throws(
      () => createEnactors({ ...base, mode: 'yolo' as never }),
      /mode must be 'safe' or 'legacy'/,
    );
  });
});

describe('enactorId', () => {
  it('names enactors by letter, then by number', () => {
    assert.equal(enactorId(0), 'enactor-a');
    assert.equal(enactorId(25), 'enactor-z');
    assert.equal(enactorId(26), 'enactor-26');
  });
});
