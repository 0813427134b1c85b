import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/testing/manual-clock.js';
import { StatusStore } from './status-store.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('StatusStore', () => {
  it('computes uptime over 24 h, 7 d and 30 d windows from verdicts', () => {
    const clock = new ManualClock({ startMs: 100 * DAY });
    const store = new StatusStore({ clock });
    // 10 days ago: one hour down; today: all up.
    clock.advance(0);
    const start = clock.now();
    for (let h = 0; h < 240; h++) {
      const t = start + h * HOUR;
      while (clock.now() < t) clock.advance(t - clock.now());
      store.recordSample('web', 'local', true, 10, h !== 5);
    }
    assert.equal(store.uptime('web', DAY), 1);
    assert.ok(Math.abs(store.uptime('web', 30 * DAY)! - 239 / 240) < 1e-12);
    assert.equal(store.uptime('nothing', DAY), undefined);
    const days = store.daily('web', 90);
    assert.equal(days.length, 90);
    assert.equal(days.filter((d) => d.uptime !== undefined).length, 10);
    assert.equal(days[days.length - 1]!.latencyMs, 10);
    store.close();
  });

  it('keeps storage bounded by retention', () => {
    const clock = new ManualClock({ startMs: 0 });
    const store = new StatusStore({ clock, rawRetentionMs: HOUR, retentionMs: 2 * DAY });
    for (let i = 0; i < 5 * 24 * 6; i++) {
      store.recordSample('a', 'local', true, 1, true);
      clock.advance(10 * 60_000);
      if (i % 36 === 0) store.prune();
    }
    store.recordChange('a', false, 'x');
    store.prune();
    const c = store.counts();
    assert.ok(c.samples <= 7, `samples ${c.samples}`);
    assert.ok(c.hours <= 49, `hours ${c.hours}`);
    store.close();
  });

  it('keeps an incident timeline from open to resolved', () => {
    const clock = new ManualClock({ startMs: DAY });
    const store = new StatusStore({ clock });
    const i = store.createIncident({
      title: 'API errors',
      body: 'Looking into it',
      impact: 'major',
      monitors: ['api'],
    });
    assert.equal(i.status, 'investigating');
    clock.advance(60_000);
    store.updateIncident(i.id, 'identified', 'Bad deploy');
    clock.advance(60_000);
    const done = store.updateIncident(i.id, 'resolved', 'Rolled back');
    assert.equal(done.resolvedMs, DAY + 120_000);
    assert.deepEqual(
      done.updates.map((u) => u.status),
      ['investigating', 'identified', 'resolved'],
    );
    assert.equal(store.incidents().length, 1);
    clock.advance(8 * DAY);
    assert.equal(store.incidents().length, 0, 'resolved long ago drops off the page');
    assert.throws(() => store.updateIncident(999, 'resolved', 'x'), /no incident 999/);
    store.close();
  });

  it('schedules maintenance and refuses a window that ends before it starts', () => {
    const clock = new ManualClock({ startMs: 0 });
    const store = new StatusStore({ clock });
    store.createMaintenance({
      title: 'DB upgrade',
      startsMs: 1000,
      endsMs: 2000,
      monitors: ['db'],
    });
    assert.equal(store.maintenance().length, 1);
    clock.advance(2000);
    assert.equal(store.maintenance().length, 0);
    assert.throws(
      () => store.createMaintenance({ title: 'x', startsMs: 5, endsMs: 5 }),
      RangeError,
    );
    store.close();
  });

  it('validates options', () => {
    assert.throws(() => new StatusStore({ clock: undefined as never }), /clock must be a Clock/);
    assert.throws(
      () => new StatusStore({ clock: new ManualClock(), retentionMs: 0 }),
      /retentionMs must be/,
    );
  });
});
