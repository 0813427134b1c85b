import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { Rng } from '../../core/rng.js';
import { HealthChecker } from './health-checker.js';
import type { HealthChangeEvent, ProbeEvent } from './health-checker.js';
import type { ProbeResult, ProbeRunner, ProbeTarget } from './probe.js';

const target: ProbeTarget = { kind: 'http', url: 'http://192.0.2.1/health' };

/** A vantage point whose probes answer from a script (true = healthy), counting calls. */
function scripted(results: () => boolean): { probe: ProbeRunner; calls: number } {
  const v = {
    calls: 0,
    probe: (): Promise<ProbeResult> => {
      v.calls++;
      return Promise.resolve({ ok: results(), latencyMs: 1 });
    },
  };
  return v;
}

/** A probe that never answers, but settles when aborted. */
const hanging: ProbeRunner = (_t, signal) =>
  new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });

describe('HealthChecker', () => {
  it('flips to unhealthy after failureThreshold failed probes, on the clock', async () => {
    const clock = new ManualClock();
    let up = true;
    const v = scripted(() => up);
    const hc = new HealthChecker({
      clock,
      vantagePoints: [{ id: 'a', probe: v.probe }],
      checks: [{ id: 'web', target, intervalMs: 1000, failureThreshold: 2, successThreshold: 1 }],
    });
    const events: HealthChangeEvent[] = [];
    hc.onChange((e) => events.push(e));
    hc.start();
    await clock.advanceAsync(0);
    assert.equal(v.calls, 1);
    assert.equal(hc.isHealthy('web'), true);
    up = false;
    await clock.advanceAsync(1000);
    assert.equal(hc.isHealthy('web'), true, 'one failure is not enough');
    await clock.advanceAsync(1000);
    assert.equal(hc.isHealthy('web'), false);
    assert.equal(v.calls, 3);
    assert.deepEqual(events, [
      {
        check: 'web',
        healthy: false,
        atMs: 2000,
        cause: 'probe',
        unhealthyVantages: 1,
        vantages: 1,
      },
    ]);
    up = true;
    await clock.advanceAsync(1000);
    assert.equal(hc.isHealthy('web'), true);
    assert.equal(hc.status('web')?.vantages[0]?.lastResult?.ok, true);
    hc.stop();
    await clock.advanceAsync(10_000);
    assert.equal(v.calls, 4, 'no probes after stop');
  });

  it('counts a probe that hangs past timeoutMs as a failure and aborts it', async () => {
    const clock = new ManualClock();
    let aborted = 0;
    const probe: ProbeRunner = (t, signal) => {
      signal.addEventListener('abort', () => aborted++, { once: true });
      return hanging(t, signal);
    };
    const hc = new HealthChecker({
      clock,
      vantagePoints: [{ id: 'a', probe }],
      checks: [{ id: 'slow', target, intervalMs: 1000, timeoutMs: 300, failureThreshold: 1 }],
    });
    const probes: ProbeEvent[] = [];
    hc.onProbe((e) => probes.push(e));
    hc.start();
    await clock.advanceAsync(299);
    assert.equal(hc.isHealthy('slow'), true);
    await clock.advanceAsync(1);
    assert.equal(hc.isHealthy('slow'), false);
    assert.equal(aborted, 1);
    assert.equal(probes[0]?.result.error, 'timed out after 300 ms');
    assert.equal(probes[0]?.result.latencyMs, 300);
    hc.stop();
  });

  it('declares an endpoint down only when a quorum of vantage points agrees', () => {
    const clock = new ManualClock();
    const hc = new HealthChecker({
      clock,
      vantagePoints: [{ id: 'eu' }, { id: 'us' }, { id: 'ap' }],
      checks: [{ id: 'api', target, failureThreshold: 1, successThreshold: 1 }],
    });
    const events: HealthChangeEvent[] = [];
    hc.onChange((e) => events.push(e));
    assert.equal(hc.report('api', 'eu', false), true, 'one partitioned prober is not a quorum');
    assert.equal(hc.report('api', 'us', false), false);
    assert.equal(events[0]?.unhealthyVantages, 2);
    assert.equal(events[0]?.vantages, 3);
    assert.equal(hc.report('api', 'eu', true), true);
    const strict = new HealthChecker({
      clock,
      vantagePoints: [{ id: 'eu' }, { id: 'us' }],
      checks: [{ id: 'x', target, failureThreshold: 1, quorum: 1 }],
    });
    assert.equal(strict.report('x', 'us', false), false);
  });

  it('derives calculated checks (K of N) and propagates through nested ones', () => {
    const clock = new ManualClock();
    const hc = new HealthChecker({
      clock,
      vantagePoints: [{ id: 'v' }],
      checks: ['z1', 'z2', 'z3'].map((id) => ({
        id,
        target,
        failureThreshold: 1,
        successThreshold: 1,
      })),
      calculatedChecks: [
        { id: 'region', children: ['z1', 'z2', 'z3'], minHealthy: 2 },
        { id: 'service', children: ['region'], minHealthy: 1 },
      ],
    });
    const events: string[] = [];
    hc.onChange((e) => events.push(`${e.check}:${e.healthy ? 'up' : 'down'}:${e.cause}`));
    hc.report('z1', 'v', false);
    assert.equal(hc.isHealthy('region'), true);
    hc.report('z2', 'v', false);
    assert.equal(hc.isHealthy('region'), false);
    assert.equal(hc.isHealthy('service'), false);
    hc.report('z1', 'v', true);
    assert.deepEqual(events, [
      'z1:down:probe',
      'z2:down:probe',
      'region:down:calculated',
      'service:down:calculated',
      'z1:up:probe',
      'region:up:calculated',
      'service:up:calculated',
    ]);
    assert.throws(() => hc.removeCheck('z1'), /used by calculated check 'region'/);
    assert.equal(hc.removeCheck('service'), true);
    assert.equal(hc.removeCheck('region'), true);
    assert.equal(hc.removeCheck('z1'), true);
    assert.deepEqual(hc.checkIds, ['z2', 'z3']);
  });

  it('spreads first probes over the interval with an Rng, and skips a slot still in flight', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    const probe: ProbeRunner = (t, s) => {
      starts.push(clock.now());
      return hanging(t, s);
    };
    const hc = new HealthChecker({
      clock,
      rng: new Rng(7),
      vantagePoints: [{ id: 'a', probe }],
      checks: [{ id: 'c', target, intervalMs: 1000, timeoutMs: 1000 }],
    });
    hc.start();
    await clock.advanceAsync(999);
    assert.equal(starts.length, 1);
    assert.ok(starts[0]! > 0 && starts[0]! < 1000, `first probe at ${starts[0]}`);
    await clock.advanceAsync(3000);
    assert.ok(starts.length >= 2 && starts.length <= 4);
    hc.stop();
  });

  it('ignores results that arrive after stop or removal', async () => {
    const clock = new ManualClock();
    let release: ((r: ProbeResult) => void) | undefined;
    const probe: ProbeRunner = () => new Promise((resolve) => (release = resolve));
    const hc = new HealthChecker({
      clock,
      vantagePoints: [{ id: 'a', probe }],
      checks: [{ id: 'c', target, intervalMs: 1000, failureThreshold: 1 }],
    });
    const done = hc.probeNow('c');
    hc.removeCheck('c');
    release?.({ ok: false, latencyMs: 1 });
    await done;
    assert.equal(hc.status('c'), undefined);
  });

  it('rejects bad options, naming them', () => {
    const clock = new ManualClock();
    const mk = (o: object): HealthChecker =>
      new HealthChecker({
        clock,
        vantagePoints: [{ id: 'a' }],
        checks: [{ id: 'c', target, ...o }],
      });
    assert.throws(() => mk({ intervalMs: 0 }), /intervalMs must be a finite number > 0, got 0/);
    assert.throws(
      () => mk({ intervalMs: 100, timeoutMs: 200 }),
      /timeoutMs \(200\) must not exceed intervalMs \(100\)/,
    );
    assert.throws(() => mk({ failureThreshold: 0 }), /failureThreshold/);
    assert.throws(() => mk({ quorum: 2 }), /quorum must be an integer 1–1, got 2/);
    assert.throws(() => mk({ vantagePoints: ['nope'] }), /unknown vantage point 'nope'/);
    assert.throws(
      () => mk({ target: { kind: 'tcp', host: 'h', port: 0 } }),
      /port must be 1–65535/,
    );
    assert.throws(() => mk({ target: { kind: 'http', url: 'ftp://x' } }), /http\(s\) URL/);
    assert.throws(() => new HealthChecker({ clock: {} as never }), /clock must be a Clock/);
    assert.throws(() => new HealthChecker({ clock, vantagePoints: [] }), /non-empty/);
    const hc = mk({});
    assert.throws(() => hc.addCheck({ id: 'c', target }), /exists already/);
    assert.throws(
      () => hc.addCalculatedCheck({ id: 'k', children: ['zz'], minHealthy: 1 }),
      /unknown child 'zz'/,
    );
    assert.throws(
      () => hc.addCalculatedCheck({ id: 'k', children: ['c'], minHealthy: 2 }),
      /minHealthy must be 1–1, got 2/,
    );
    assert.throws(() => hc.report('c', 'x', true), /no vantage point 'x'/);
    assert.throws(() => hc.isHealthy('nope'), /unknown check/);
  });
});
