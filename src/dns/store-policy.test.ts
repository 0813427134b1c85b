import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../core/testing/manual-clock.js';
import { Rng } from '../core/rng.js';
import { createStorePolicy, isRetryableStoreError } from './store-policy.js';
import {
  PlanValidationError,
  StoreTimeoutError,
  StoreUnavailableError,
  UnknownTargetError,
} from './errors.js';
import { BrokenCircuitError, TaskTimeoutError } from '../resilience/errors.js';

describe('isRetryableStoreError', () => {
  it('retries what asking again can fix, and nothing else', () => {
    assert.equal(isRetryableStoreError(new StoreUnavailableError('x')), true);
    assert.equal(isRetryableStoreError(new StoreTimeoutError('x')), true);
    assert.equal(isRetryableStoreError(new TaskTimeoutError(5)), true);
    assert.equal(
      isRetryableStoreError(Object.assign(new Error('x'), { code: 'SQLITE_BUSY' })),
      true,
    );
    assert.equal(isRetryableStoreError(new PlanValidationError([])), false);
    assert.equal(isRetryableStoreError(new UnknownTargetError('t')), false);
    assert.equal(isRetryableStoreError(new BrokenCircuitError('open', 1, 1)), false);
    assert.equal(isRetryableStoreError(new TypeError('bug')), false);
    assert.equal(isRetryableStoreError(new RangeError('bug')), false);
  });
});

describe('createStorePolicy', () => {
  it('retries a transient failure with jittered backoff on the clock', async () => {
    const clock = new ManualClock();
    const policy = createStorePolicy({ clock, rng: new Rng(1) });
    let calls = 0;
    const run = policy.execute(() => {
      calls++;
      if (calls < 3) throw new StoreUnavailableError('down');
      return 'ok';
    });
    await clock.runAllAsync();
    assert.equal(await run, 'ok');
    assert.equal(calls, 3);
  });

  it('does not retry a validation error', async () => {
    const policy = createStorePolicy({ clock: new ManualClock(), rng: new Rng(1) });
    let calls = 0;
    await assert.rejects(
      policy.execute(() => {
        calls++;
        throw new PlanValidationError([]);
      }),
      PlanValidationError,
    );
    assert.equal(calls, 1);
  });

  it('times out a stalled attempt', async () => {
    const clock = new ManualClock();
    const policy = createStorePolicy({ clock, rng: new Rng(1), timeoutMs: 100, maxAttempts: 1 });
    const run = policy.execute(() => new Promise<never>(() => undefined)).catch((e: unknown) => e);
    await clock.advanceAsync(100);
    assert.ok((await run) instanceof TaskTimeoutError);
  });

  it('opens its breaker after consecutive failures and fails fast', async () => {
    const clock = new ManualClock();
    const policy = createStorePolicy({
      clock,
      rng: new Rng(1),
      maxAttempts: 1,
      breakerThreshold: 2,
    });
    const fail = (): never => {
      throw new StoreUnavailableError('down');
    };
    await assert.rejects(policy.execute(fail));
    await assert.rejects(policy.execute(fail));
    let called = false;
    await assert.rejects(
      policy.execute(() => {
        called = true;
      }),
      BrokenCircuitError,
    );
    assert.equal(called, false);
  });

  it('validates its options, naming them', () => {
    const clock = new ManualClock();
    const rng = new Rng(1);
    assert.throws(() => createStorePolicy(null as never), /options must be an object/);
    assert.throws(() => createStorePolicy({ clock: {} as never, rng }), /clock/);
    assert.throws(() => createStorePolicy({ clock, rng: {} as never }), /rng/);
    assert.throws(() => createStorePolicy({ clock, rng, timeoutMs: 0 }), /timeoutMs/);
    assert.throws(() => createStorePolicy({ clock, rng, maxAttempts: 0 }), /maxAttempts/);
    assert.throws(
      () => createStorePolicy({ clock, rng, backoffBaseMs: 100, backoffCapMs: 50 }),
      /backoffCapMs/,
    );
    assert.throws(
      () => createStorePolicy({ clock, rng, breakerThreshold: 1.5 }),
      /breakerThreshold/,
    );
    assert.throws(() => createStorePolicy({ clock, rng, halfOpenAfterMs: -1 }), /halfOpenAfterMs/);
  });
});
