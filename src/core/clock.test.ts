import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SystemClock } from './clock.js';
import { BreakwaterError, isBreakwaterError } from './errors.js';

describe('SystemClock', () => {
  it('sleeps, cancels timers and reads monotonic time that does not go backwards', async () => {
    const clock = new SystemClock();
    const t0 = clock.monotonic();
    await clock.sleep(2);
    assert.ok(clock.monotonic() >= t0);
    let fired = false;
    clock.setTimer(1, () => (fired = true), { unref: true }).cancel();
    await clock.sleep(5);
    assert.equal(fired, false);
    assert.ok(clock.now() > 1_600_000_000_000);
  });

  it('sleep rejects when the signal aborts', async () => {
    const ac = new AbortController();
    const p = new SystemClock().sleep(60_000, ac.signal);
    ac.abort(new Error('cancelled'));
    await assert.rejects(p, /cancelled/);
  });
});

describe('BreakwaterError', () => {
  class DemoError extends BreakwaterError {
    readonly code = 'BW_DEMO' as const;
  }
  it('carries code, name and cause', () => {
    const cause = new Error('root');
    const e = new DemoError('boom', { cause });
    assert.equal(e.code, 'BW_DEMO');
    assert.equal(e.name, 'DemoError');
    assert.equal(e.cause, cause);
    assert.ok(isBreakwaterError(e));
    assert.ok(!isBreakwaterError(new Error('x')));
    assert.ok(!isBreakwaterError('BW_DEMO'));
  });
});
