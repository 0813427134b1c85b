import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('fires timers in due order, ties in creation order, and sets now() to each due time', () => {
    const clock = new ManualClock({ startMs: 1000 });
    const fired: string[] = [];
    clock.setTimer(20, () => fired.push(`b@${clock.now()}`));
    clock.setTimer(10, () => fired.push(`a@${clock.now()}`));
    clock.setTimer(20, () => fired.push(`c@${clock.now()}`));
    clock.advance(15);
    assert.deepEqual(fired, ['a@1010']);
    assert.equal(clock.now(), 1015);
    clock.advance(100);
    assert.deepEqual(fired, ['a@1010', 'b@1020', 'c@1020']);
    assert.equal(clock.now(), 1115);
    assert.equal(clock.pendingTimers, 0);
  });

  it('fires timers scheduled by timers within the same advance', () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    clock.setTimer(5, () => {
      fired.push(clock.now());
      clock.setTimer(5, () => fired.push(clock.now()));
    });
    clock.advance(10);
    assert.deepEqual(fired, [5, 10]);
  });

  it('does not fire a cancelled timer', () => {
    const clock = new ManualClock();
    let fired = false;
    const t = clock.setTimer(5, () => (fired = true));
    t.cancel();
    t.cancel();
    clock.advance(10);
    assert.equal(fired, false);
    assert.equal(clock.nextDue(), undefined);
  });

  it('runs async code that sleeps, with advanceAsync', async () => {
    const clock = new ManualClock();
    const log: number[] = [];
    const task = (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(100);
        log.push(clock.now());
      }
      return 'done';
    })();
    await clock.advanceAsync(1000);
    assert.deepEqual(log, [100, 200, 300]);
    assert.equal(await task, 'done');
  });

  it('sleep rejects with the abort reason, at once when already aborted', async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    const p = clock.sleep(100, ac.signal);
    ac.abort(new Error('stop'));
    await assert.rejects(p, /stop/);
    assert.equal(clock.pendingTimers, 0);
    await assert.rejects(clock.sleep(5, ac.signal), /stop/);
  });

  it('rejects negative advances', () => {
    const clock = new ManualClock();
    assert.throws(() => clock.advance(-1), RangeError);
  });

  it('runAllAsync stops at its limit for timers that reschedule forever', async () => {
    const clock = new ManualClock();
    const tick = (): void => {
      clock.setTimer(1, tick);
    };
    tick();
    assert.equal(await clock.runAllAsync(50), 50);
  });
});
