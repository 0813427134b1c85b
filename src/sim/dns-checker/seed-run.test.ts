import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { drainMicrotasks } from '../../core/microtasks.js';
import { checkConvergence } from '../../dns/invariants.js';
import { SeedRun, describeSchedule } from './seed-run.js';
import { drawCheckSchedule } from './check-schedule.js';

async function finish(run: SeedRun): Promise<void> {
  do await drainMicrotasks();
  while (run.step());
}

describe('SeedRun', () => {
  it('runs a safe seed to the end: invariants hold and every target serves the newest plan', async () => {
    const run = new SeedRun({ seed: 7, mode: 'safe' });
    assert.equal(run.done, false);
    assert.throws(() => run.result, /not finished/);
    await finish(run);
    const r = run.result;
    assert.deepEqual([r.violated, r.error, r.timeline], [[], undefined, []]);
    assert.ok(r.steps > 5 && r.events > 50, `${r.steps} steps, ${r.events} events`);
    const s = run.schedule;
    assert.equal(r.virtualMs, s.healAtMs + s.settleMs + s.convergeWithinMs);
    assert.deepEqual(checkConvergence(run.memory.snapshot()), []);
    assert.equal(run.step(), false, 'a finished run fires nothing more');
  });

  it('is deterministic: the same seed gives the same result and timeline', async () => {
    const a = new SeedRun({ seed: 102, mode: 'legacy', timelineCapacity: Infinity });
    const b = new SeedRun({ seed: 102, mode: 'legacy', timelineCapacity: Infinity });
    await finish(a);
    await finish(b);
    assert.deepEqual(a.result, b.result);
    assert.ok(a.result.timeline.length > 20);
    assert.deepEqual(a.result.schedule, describeSchedule(drawCheckSchedule(102, 'legacy')));
  });

  it('keeps the bounded timeline of the steps before the first violation', async () => {
    for (let seed = 1; ; seed++) {
      const run = new SeedRun({ seed, mode: 'legacy', timelineCapacity: 12 });
      await finish(run);
      const r = run.result;
      if (r.violated.length === 0) continue;
      assert.ok(r.timeline.length <= 13, 'at most the capacity, plus the "earlier" line');
      assert.match(r.timeline[r.timeline.length - 1]!, / !! I\d /);
      const first = r.firsts[0]!;
      assert.ok(
        r.timeline.some((l) => l.endsWith(`!! ${first.message}`)),
        r.timeline.join('\n'),
      );
      assert.ok(r.schedule.length > 0);
      break;
    }
  });

  it('validates its options', () => {
    assert.throws(() => new SeedRun({ seed: 1.5, mode: 'safe' }), /seed must be a safe integer/);
    assert.throws(() => new SeedRun({ seed: 1, mode: 'fast' as never }), /mode must be/);
    assert.throws(
      () => new SeedRun({ seed: 1, mode: 'safe', timelineCapacity: 0 }),
      /capacity must be/,
    );
  });
});
