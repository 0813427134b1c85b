import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { isTaskTimeoutError } from '../errors.js';
import { InMemorySharedState } from './in-memory-shared-state.js';
import { SharedLink } from './shared-link.js';
import type { SharedModeChangeEvent } from './shared-link.js';
import type { BucketSpec } from './shared-state.js';

const spec: BucketSpec = { capacity: 10, refillPerSecond: 0, initialTokens: 10 };

function setup(latencyMs = 0) {
  const clock = new ManualClock();
  const state = new InMemorySharedState({ clock, latencyMs });
  const link = new SharedLink({
    state,
    clock,
    expectedInstances: 4,
    instanceId: 'i1',
    timeoutMs: 50,
    failuresToFallBack: 3,
    probeIntervalMs: 1000,
  });
  const modes: SharedModeChangeEvent[] = [];
  link.onModeChange((e) => modes.push(e));
  return { clock, state, link, modes };
}

describe('SharedLink', () => {
  it('passes synchronous answers straight through while shared', () => {
    const { link } = setup();
    const r = link.takeTokens('k', spec, { deposit: 0, want: 3 });
    assert.equal(r !== undefined && !(r instanceof Promise) && r.granted, 3);
    assert.equal(link.mode, 'shared');
    assert.deepEqual(link.stats(), { calls: 1, failures: 0 });
  });

  it('answers undefined for a failed call and turns local after failuresToFallBack in a row', () => {
    const { link, state, modes } = setup();
    state.fault = 'down';
    assert.equal(link.takeTokens('k', spec, { deposit: 0, want: 1 }), undefined);
    assert.equal(link.takeTokens('k', spec, { deposit: 0, want: 1 }), undefined);
    assert.equal(link.mode, 'shared');
    const epoch = link.epoch;
    assert.equal(link.takeTokens('k', spec, { deposit: 0, want: 1 }), undefined);
    assert.equal(link.mode, 'local');
    assert.equal(link.epoch, epoch + 1);
    assert.equal(modes.length, 1);
    assert.equal(modes[0]?.to, 'local');
    // Local: the store is not even called.
    state.fault = undefined;
    const before = state.operations;
    assert.equal(link.takeTokens('k', spec, { deposit: 0, want: 1 }), undefined);
    assert.equal(state.operations, before);
  });

  it('times out a hanging store on the clock and goes local within failuresToFallBack × timeoutMs', async () => {
    const { link, state, clock, modes } = setup();
    state.fault = 'hang';
    const results: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const r = link.takeTokens('k', spec, { deposit: 0, want: 1 });
      assert.ok(r instanceof Promise);
      void r.then((v) => results.push(v));
      await clock.advanceAsync(50);
    }
    assert.deepEqual(results, [undefined, undefined, undefined]);
    assert.equal(link.mode, 'local');
    assert.equal(clock.monotonic(), 150, 'three sequential calls of at most 50 ms each');
    assert.ok(isTaskTimeoutError(modes[0]?.error));
  });

  it('pings every probeIntervalMs while local and turns shared again when the store answers', async () => {
    const { link, state, clock, modes } = setup();
    state.fault = 'down';
    for (let i = 0; i < 3; i++) void link.takeTokens('k', spec, { deposit: 0, want: 1 });
    assert.equal(link.mode, 'local');
    await clock.advanceAsync(1000);
    assert.equal(link.mode, 'local', 'the first ping failed');
    state.fault = undefined;
    await clock.advanceAsync(999);
    assert.equal(link.mode, 'local');
    await clock.advanceAsync(1);
    assert.equal(link.mode, 'shared');
    assert.deepEqual(
      modes.map((m) => m.to),
      ['local', 'shared'],
    );
    const r = link.takeTokens('k', spec, { deposit: 0, want: 1 });
    assert.equal(r !== undefined && !(r instanceof Promise) && r.granted, 1);
    link.dispose();
  });

  it('recovers through a slow store too (pings time out, then answer)', async () => {
    const { link, state, clock } = setup(10);
    state.fault = 'hang';
    for (let i = 0; i < 3; i++) {
      void link.takeTokens('k', spec, { deposit: 0, want: 1 });
    }
    await clock.advanceAsync(50);
    assert.equal(link.mode, 'local');
    state.fault = undefined;
    await clock.advanceAsync(1000 + 10);
    assert.equal(link.mode, 'shared');
  });

  it('stops pinging after dispose', async () => {
    const { link, state, clock } = setup();
    state.fault = 'down';
    for (let i = 0; i < 3; i++) void link.takeTokens('k', spec, { deposit: 0, want: 1 });
    link.dispose();
    state.fault = undefined;
    await clock.advanceAsync(5000);
    assert.equal(link.mode, 'local');
    assert.equal(clock.pendingTimers, 0);
  });

  it('rejects bad options, naming them', () => {
    const clock = new ManualClock();
    const state = new InMemorySharedState({ clock });
    assert.throws(
      () => new SharedLink({ state: {} as never, clock, expectedInstances: 1 }),
      /state/,
    );
    assert.throws(
      () => new SharedLink({ state, clock: undefined as never, expectedInstances: 1 }),
      /clock/,
    );
    assert.throws(
      () => new SharedLink({ state, clock, expectedInstances: 0 }),
      /expectedInstances must be an integer >= 1, got 0/,
    );
    assert.throws(
      () => new SharedLink({ state, clock, expectedInstances: 1, timeoutMs: 0 }),
      /timeoutMs must be a finite number > 0, got 0/,
    );
    assert.throws(
      () => new SharedLink({ state, clock, expectedInstances: 1, instanceId: '' }),
      /instanceId/,
    );
    assert.throws(
      () => new SharedLink({ state, clock, expectedInstances: 1, failuresToFallBack: 1.5 }),
      /failuresToFallBack/,
    );
    const link = new SharedLink({ state, clock, expectedInstances: 1 });
    assert.match(link.instanceId, /^[0-9a-f-]{36}$/);
  });
});
