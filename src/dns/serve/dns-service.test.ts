import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { Rng } from '../../core/rng.js';
import { HealthChecker } from '../health/health-checker.js';
import { MemoryPlanStore } from '../plan-store/memory-store.js';
import { FaultyPlanStore } from '../plan-store/faulty-store.js';
import type { PlanStore } from '../plan-store/plan-store.js';
import type { RoutedName } from '../routing/routing-policy.js';
import type { AddressRecord } from '../record-set.js';
import { DnsService } from './dns-service.js';
import type { DnsServiceOptions } from './dns-service.js';

const ZONE = 'example.test';
const WWW: RoutedName = {
  name: 'www.example.test',
  policy: { kind: 'failover' },
  endpoints: [
    { address: '192.0.2.1', role: 'primary', healthCheck: 'primary' },
    { address: '192.0.2.2', role: 'secondary', healthCheck: 'secondary' },
  ],
};
const API: RoutedName = {
  name: 'api.example.test',
  policy: { kind: 'weighted' },
  endpoints: [
    { address: '192.0.2.11', weight: 10, healthCheck: 'api-1' },
    { address: '192.0.2.12', weight: 10, healthCheck: 'api-2' },
    { address: '192.0.2.13', weight: 0 },
  ],
};

function setup(store: PlanStore = new MemoryPlanStore(), extra: Partial<DnsServiceOptions> = {}) {
  const clock = new ManualClock({ startMs: 1_700_000_000_000 });
  const healthChecker = new HealthChecker({
    clock,
    vantagePoints: [{ id: 'remote' }],
    checks: ['primary', 'secondary', 'api-1', 'api-2'].map((id) => ({
      id,
      target: { kind: 'tcp' as const, host: '127.0.0.1', port: 9 },
      intervalMs: 1000,
      failureThreshold: 2,
    })),
  });
  const service = new DnsService({
    clock,
    rng: new Rng(7),
    store,
    zones: [{ zone: ZONE }],
    names: [WWW, API],
    records: [
      { name: 'docs.example.test', type: 'CNAME', records: ['www.example.test'] },
      { name: ZONE, type: 'TXT', records: ['v=spf1 -all'] },
    ],
    healthChecker,
    server: { port: 0 },
    ...extra,
  });
  return { clock, store, healthChecker, service };
}

function served(service: DnsService, name: string): string[] {
  const zone = service.server.responder.zones[0]!;
  const set = zone.nodes.get(name)?.sets.get('A');
  return ((set?.records ?? []) as readonly AddressRecord[]).map((r) => r.address);
}

describe('DnsService', () => {
  it('plans, activates and serves the first plan on start', async () => {
    const { service } = setup();
    try {
      const bound = await service.start();
      assert.ok(bound.port > 0);
      const s = service.status();
      assert.equal(s.running, true);
      assert.equal(s.servedGeneration, 1);
      assert.equal(s.stale, false);
      assert.equal(s.planner?.outcome, 'written');
      assert.deepEqual(s.server.zones, [{ zone: ZONE, serial: 1, recordSets: 6 }]);
      assert.deepEqual(served(service, 'www.example.test'), ['192.0.2.1']);
      // The zero-weight endpoint stays out while a weighted one is healthy.
      assert.deepEqual(served(service, 'api.example.test'), ['192.0.2.11', '192.0.2.12']);
    } finally {
      await service.close();
    }
  });

  it('moves health changes through the planner (failover within the velocity limit)', async () => {
    const { service, healthChecker, store, clock } = setup();
    try {
      await service.start();
      const gens: number[] = [];
      service.onServe((e) => gens.push(e.generation));
      healthChecker.report('primary', 'remote', false);
      healthChecker.report('primary', 'remote', false); // the verdict flips: a replan starts
      await service.replan();
      await clock.advanceAsync(150); // the service plans again shortly after a cut
      await service.replan();
      // Plan 2 added the secondary and deferred the primary's removal (100 % of the name's
      // capacity is more than one plan may remove); plan 3 removed it.
      assert.equal((await store.readAudit({ kinds: ['cut'] })).length, 1);
      assert.deepEqual(served(service, 'www.example.test'), ['192.0.2.2']);
      assert.deepEqual(gens, [2, 3]);
      assert.equal(service.status().servedGeneration, 3);
      assert.equal(service.status().health.find((h) => h.id === 'primary')?.healthy, false);
    } finally {
      await service.close();
    }
  });

  it('fails open when every endpoint of a name is down, and audits it', async () => {
    const { service, healthChecker, store } = setup();
    try {
      await service.start();
      for (const id of ['api-1', 'api-2']) {
        healthChecker.report(id, 'remote', false);
        healthChecker.report(id, 'remote', false);
      }
      await service.replan();
      // The zero-weight endpoint is healthy: it is served, and capacity leaves at the
      // velocity limit's pace (the weighted ones stay until the limit allows).
      assert.ok(served(service, 'api.example.test').includes('192.0.2.13'));
      for (const id of ['primary', 'secondary']) {
        healthChecker.report(id, 'remote', false);
        healthChecker.report(id, 'remote', false);
      }
      await service.replan();
      assert.deepEqual(served(service, 'www.example.test'), ['192.0.2.1', '192.0.2.2']);
      const failOpen = await store.readAudit({ kinds: ['refusal'] });
      assert.ok(failOpen.some((e) => /fail open/.test(e.reason ?? '')));
    } finally {
      await service.close();
    }
  });

  it('keeps serving the last known good plan when the store is unreachable, and says so', async () => {
    const clockStore = new ManualClock();
    const faulty = new FaultyPlanStore({ store: new MemoryPlanStore(), clock: clockStore });
    const { service, clock } = setup(faulty);
    try {
      await service.start();
      const fault = faulty.inject({ fault: { kind: 'error' } });
      const p = service.sync();
      await clock.advanceAsync(500);
      await p;
      const s = service.status();
      assert.equal(s.stale, true);
      assert.match(
        s.staleReason ?? '',
        /plan store unreachable.*last known good plan \(generation 1\)/,
      );
      assert.deepEqual(served(service, 'www.example.test'), ['192.0.2.1']);
      assert.equal(s.servedGeneration, 1);
      fault.remove();
      await clock.advanceAsync(6000); // past the sync policy's breaker
      await service.sync();
      assert.equal(service.status().stale, false);
    } finally {
      await service.close();
    }
  });

  it('refuses to start when the store is unreachable (nothing known good yet)', async () => {
    const faulty = new FaultyPlanStore({ store: new MemoryPlanStore(), clock: new ManualClock() });
    faulty.inject({ fault: { kind: 'error' } });
    const { service } = setup(faulty);
    await assert.rejects(service.start());
    assert.equal(service.status().running, false);
    assert.equal(service.server.status().listening, false);
  });

  it('serves the newest plan again after a restart on the same store', async () => {
    const store = new MemoryPlanStore();
    const a = setup(store).service;
    await a.start();
    await a.close();
    const b = setup(store).service;
    try {
      await b.start();
      assert.equal(b.status().servedGeneration, 1);
      assert.equal(b.status().planner?.outcome, 'unchanged');
    } finally {
      await b.close();
    }
  });

  it('validates its options, naming the field', () => {
    const clock = new ManualClock();
    const base = { clock, rng: new Rng(1), store: new MemoryPlanStore() };
    assert.throws(() => new DnsService({ ...base, zones: [] }), RangeError);
    assert.throws(
      () =>
        new DnsService({
          ...base,
          zones: [{ zone: ZONE }],
          names: [{ name: 'x.example.test', policy: { kind: 'failover' }, endpoints: [] }],
        }),
      /names\[0\]\.endpoints/,
    );
    assert.throws(
      () => new DnsService({ ...base, zones: [{ zone: 'bad..zone' }] }),
      /zones\[0\]\.zone/,
    );
    assert.throws(
      () => new DnsService({ ...base, zones: [{ zone: ZONE }], syncTimeoutMs: 0 }),
      /syncTimeoutMs/,
    );
  });
});
