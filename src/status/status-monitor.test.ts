import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../core/testing/manual-clock.js';
import type { ProbeResult } from '../dns/health/probe.js';
import { parseStatusConfig } from './config.js';
import type { StatusProbeTarget } from './probes/status-probe.js';
import { StatusMonitor } from './status-monitor.js';
import type { MonitorChangeEvent } from './status-monitor.js';
import { takeSnapshot } from './status-snapshot.js';
import { StatusStore } from './status-store.js';

const CONFIG = `
title: Test
staleAfterSeconds: 30
vantagePoints: [{ id: local }, { id: eu }, { id: ap }]
monitors:
  - { id: web, type: http, url: 'http://web.test/', intervalSeconds: 10, timeoutSeconds: 1, failuresBeforeDown: 2, successesBeforeUp: 1 }
  - { id: job, type: heartbeat, intervalSeconds: 60, graceSeconds: 10 }
`;

function setup(localOk: { ok: boolean }) {
  const clock = new ManualClock({ startMs: 1_000_000 });
  const store = new StatusStore({ clock });
  const config = parseStatusConfig(CONFIG, 't.yaml');
  const probe = (_t: StatusProbeTarget): Promise<ProbeResult> =>
    Promise.resolve(
      localOk.ok ? { ok: true, latencyMs: 12 } : { ok: false, latencyMs: 1, error: 'refused' },
    );
  const monitor = new StatusMonitor({ config, store, clock, probe });
  const changes: MonitorChangeEvent[] = [];
  monitor.onChange((e) => changes.push(e));
  return { clock, store, monitor, changes };
}

describe('StatusMonitor', () => {
  it('is down only when a quorum of vantage points agrees', async () => {
    const local = { ok: false };
    const { clock, monitor, changes } = setup(local);
    monitor.start();
    await clock.advanceAsync(25_000); // local sees it down (2 failures)
    monitor.ingest('eu', [{ monitor: 'web', ok: true, latencyMs: 30 }]);
    assert.equal(monitor.checker.isHealthy('web'), true, 'one of three is not a quorum');
    const snap = takeSnapshot(monitor, clock);
    assert.equal(snap.monitors[0]!.status, 'partial_outage');
    assert.deepEqual(
      snap.monitors[0]!.vantages.map((v) => [v.id, v.up]),
      [
        ['local', false],
        ['eu', true],
        ['ap', true],
      ],
    );
    monitor.ingest('ap', [{ monitor: 'web', ok: false, latencyMs: 0, error: 'timeout' }]);
    monitor.ingest('ap', [{ monitor: 'web', ok: false, latencyMs: 0, error: 'timeout' }]);
    assert.equal(monitor.checker.isHealthy('web'), false);
    assert.equal(changes.length, 1);
    assert.equal(changes[0]!.up, false);
    assert.equal(changes[0]!.downVantages, 2);
    assert.equal(takeSnapshot(monitor, clock).indicator, 'critical');
    monitor.stop();
  });

  it('turns a heartbeat down when check-ins stop, and up on the next one', async () => {
    const { clock, monitor, changes } = setup({ ok: true });
    monitor.start();
    monitor.heartbeat('job');
    await clock.advanceAsync(69_000);
    assert.equal(monitor.checker.isHealthy('job'), true);
    await clock.advanceAsync(2_000);
    assert.equal(monitor.checker.isHealthy('job'), false);
    assert.match(changes.find((c) => c.monitor === 'job')!.detail, /no check-in/);
    monitor.heartbeat('job');
    assert.equal(monitor.checker.isHealthy('job'), true);
    assert.throws(() => monitor.heartbeat('web'), /not a heartbeat monitor/);
    monitor.stop();
  });

  it('says its data is stale, and since when, when reports stop', async () => {
    const { clock, monitor } = setup({ ok: true });
    const t0 = clock.now();
    let updates = 0;
    monitor.onUpdate(() => updates++);
    monitor.start();
    monitor.ingest('eu', [{ monitor: 'web', ok: true, latencyMs: 5 }]);
    monitor.ingest('ap', [{ monitor: 'web', ok: true, latencyMs: 5 }]);
    await clock.advanceAsync(20_000);
    assert.deepEqual(takeSnapshot(monitor, clock).stale, []);
    await clock.advanceAsync(20_000);
    const stale = takeSnapshot(monitor, clock).stale;
    assert.deepEqual(stale, [
      { vantage: 'eu', sinceMs: t0 },
      { vantage: 'ap', sinceMs: t0 },
    ]);
    assert.ok(updates >= 1, 'staleness is an update (it re-exports)');
    monitor.ingest('eu', [{ monitor: 'web', ok: true, latencyMs: 5 }]);
    assert.deepEqual(
      takeSnapshot(monitor, clock).stale.map((s) => s.vantage),
      ['ap'],
    );
    assert.throws(() => monitor.ingest('local', []), /not a remote vantage point/);
    monitor.stop();
  });

  it('records samples for uptime and response times', async () => {
    const { clock, monitor, store } = setup({ ok: true });
    monitor.start();
    await clock.advanceAsync(60_000);
    const s = takeSnapshot(monitor, clock).monitors[0]!;
    assert.equal(s.uptime.h24, 1);
    assert.ok(s.latencyMs.length >= 5);
    assert.equal(s.latencyMs[0], 12);
    assert.ok(store.counts().samples >= 5);
    monitor.stop();
  });

  it('resumes from the last recorded verdict after a restart', () => {
    const clock = new ManualClock({ startMs: 0 });
    const store = new StatusStore({ clock });
    store.recordChange('web', false, 'local: refused');
    const monitor = new StatusMonitor({ config: parseStatusConfig(CONFIG), store, clock });
    assert.equal(monitor.checker.isHealthy('web'), false);
  });
});
