import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { Rng } from '../../core/rng.js';
import { MemoryPlanStore } from '../plan-store/memory-store.js';
import { Planner } from '../planner.js';
import { lookupRecordSet } from '../plan.js';
import type { AddressRecord } from '../record-set.js';
import {
  isEndpointHealthy,
  routeEndpoints,
  routeName,
  routedInventory,
  routedRecordSets,
} from './route-endpoints.js';
import type { RoutedEndpoint, RoutedName, RoutingPolicySpec } from './routing-policy.js';

const SEED = process.env['FC_SEED'] === undefined ? 20261126 : Number(process.env['FC_SEED']);
console.log(`route-endpoints.test: fast-check seed ${SEED} (set FC_SEED to change)`);

const ep = (n: number, extra: Partial<RoutedEndpoint> = {}): RoutedEndpoint => ({
  address: `192.0.2.${n}`,
  healthCheck: `c${n}`,
  ...extra,
});
const down = (...ns: number[]): Map<string, boolean> => new Map(ns.map((n) => [`c${n}`, false]));
const addrs = (es: readonly RoutedEndpoint[]): string[] => es.map((e) => e.address);

describe('isEndpointHealthy', () => {
  it('counts an endpoint without a check, or with a check not reported yet, as healthy', () => {
    assert.equal(isEndpointHealthy({ address: '192.0.2.1' }, down(1)), true);
    assert.equal(isEndpointHealthy(ep(1), new Map()), true);
    assert.equal(isEndpointHealthy(ep(1), down(1)), false);
  });

  it('lets a fixed verdict override the check (drain)', () => {
    assert.equal(isEndpointHealthy(ep(1, { healthy: false }), new Map()), false);
    assert.equal(isEndpointHealthy(ep(1, { healthy: true }), down(1)), true);
  });
});

describe('routeEndpoints', () => {
  it('simple: serves every healthy endpoint', () => {
    const d = routeEndpoints({ kind: 'simple' }, [ep(1), ep(2), ep(3)], down(2));
    assert.deepEqual(addrs(d.selected), ['192.0.2.1', '192.0.2.3']);
    assert.equal(d.failOpen, false);
  });

  it('failover: serves the primary while it is healthy, then the secondary', () => {
    const es = [ep(1, { role: 'primary' }), ep(2, { role: 'secondary' })];
    const f: RoutingPolicySpec = { kind: 'failover' };
    assert.deepEqual(addrs(routeEndpoints(f, es, new Map()).selected), ['192.0.2.1']);
    assert.deepEqual(addrs(routeEndpoints(f, es, down(1)).selected), ['192.0.2.2']);
    assert.deepEqual(addrs(routeEndpoints(f, es, down(2)).selected), ['192.0.2.1']);
  });

  it('failover: fails open to both when primary and secondary are down', () => {
    const es = [ep(1, { role: 'primary' }), ep(2, { role: 'secondary' })];
    const d = routeEndpoints({ kind: 'failover' }, es, down(1, 2));
    assert.deepEqual(addrs(d.selected), ['192.0.2.1', '192.0.2.2']);
    assert.equal(d.failOpen, true);
  });

  it('weighted: leaves zero-weight endpoints out while a weighted one is healthy', () => {
    const es = [ep(1, { weight: 3 }), ep(2, { weight: 1 }), ep(3, { weight: 0 })];
    const w: RoutingPolicySpec = { kind: 'weighted' };
    assert.deepEqual(addrs(routeEndpoints(w, es, new Map()).selected), ['192.0.2.1', '192.0.2.2']);
    assert.deepEqual(addrs(routeEndpoints(w, es, down(1)).selected), ['192.0.2.2']);
  });

  it('weighted: serves zero-weight endpoints only when every weighted one is unhealthy', () => {
    const es = [ep(1, { weight: 3 }), ep(2, { weight: 1 }), ep(3, { weight: 0 })];
    const d = routeEndpoints({ kind: 'weighted' }, es, down(1, 2));
    assert.deepEqual(addrs(d.selected), ['192.0.2.3']);
    assert.equal(d.failOpen, false);
  });

  it('weighted: fails open to every endpoint, zero weights included, when all are down', () => {
    const es = [ep(1, { weight: 3 }), ep(2, { weight: 0 })];
    const d = routeEndpoints({ kind: 'weighted' }, es, down(1, 2));
    assert.deepEqual(addrs(d.selected), ['192.0.2.1', '192.0.2.2']);
    assert.equal(d.failOpen, true);
  });

  it('latency: serves every healthy endpoint with its region', () => {
    const es = [ep(1, { region: 'eu' }), ep(2, { region: 'us' }), ep(3, { region: 'us' })];
    const d = routeEndpoints({ kind: 'latency' }, es, down(2));
    assert.deepEqual(addrs(d.selected), ['192.0.2.1', '192.0.2.3']);
  });

  it('multivalue: serves at most 8 healthy endpoints (or maxRecords), in order', () => {
    const es = Array.from({ length: 12 }, (_, i) => ep(i + 1));
    assert.deepEqual(
      addrs(routeEndpoints({ kind: 'multivalue' }, es, down(1)).selected),
      [2, 3, 4, 5, 6, 7, 8, 9].map((n) => `192.0.2.${n}`),
    );
    assert.equal(
      routeEndpoints({ kind: 'multivalue', maxRecords: 2 }, es, new Map()).selected.length,
      2,
    );
  });

  it('multivalue: fails open when no endpoint is healthy', () => {
    const es = [ep(1), ep(2)];
    const d = routeEndpoints({ kind: 'multivalue' }, es, down(1, 2));
    assert.equal(d.failOpen, true);
    assert.equal(d.selected.length, 2);
  });

  it('selects nothing from no endpoints, without failing open', () => {
    assert.deepEqual(routeEndpoints({ kind: 'simple' }, [], new Map()), {
      selected: [],
      failOpen: false,
    });
  });

  it('never answers a name that has endpoints with nothing (property, I1)', () => {
    const kinds: RoutingPolicySpec[] = [
      { kind: 'simple' },
      { kind: 'failover' },
      { kind: 'weighted' },
      { kind: 'latency' },
      { kind: 'multivalue' },
      { kind: 'multivalue', maxRecords: 1 },
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        fc.array(
          fc.record({
            weight: fc.integer({ min: 0, max: 255 }),
            role: fc.constantFrom('primary' as const, 'secondary' as const),
            healthy: fc.boolean(),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        (policy, specs) => {
          const es = specs.map((s, i) =>
            ep(i + 1, { weight: s.weight, role: s.role, region: 'r' }),
          );
          const health = new Map(specs.map((s, i) => [`c${i + 1}`, s.healthy]));
          const d = routeEndpoints(policy, es, health);
          assert.ok(d.selected.length > 0);
          const anyHealthy = specs.some((s) => s.healthy);
          // Fail open exactly when nothing qualifies; then every endpoint is served.
          if (d.failOpen) assert.equal(d.selected.length, es.length);
          if (!anyHealthy) assert.equal(d.failOpen, true);
          // Outside fail open only healthy endpoints are served.
          if (!d.failOpen) for (const e of d.selected) assert.ok(isEndpointHealthy(e, health));
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('routeName', () => {
  it('routes IPv4 and IPv6 endpoints separately', () => {
    const name: RoutedName = {
      name: 'www.example.test',
      policy: { kind: 'failover' },
      endpoints: [
        ep(1, { role: 'primary' }),
        { address: '2001:db8::1', role: 'primary', healthCheck: 'v6' },
        ep(2, { role: 'secondary' }),
        { address: '2001:db8::2', role: 'secondary' },
      ],
    };
    const d = routeName(name, down(1));
    assert.deepEqual(addrs(d.A.selected), ['192.0.2.2']);
    assert.deepEqual(addrs(d.AAAA.selected), ['2001:db8::1']);
  });
});

describe('routedRecordSets', () => {
  it('gives validated record sets with the TTL, weights and regions', () => {
    const sets = routedRecordSets(
      {
        name: 'API.example.test.',
        ttl: 30,
        policy: { kind: 'weighted' },
        endpoints: [ep(2, { weight: 10, region: 'eu' }), ep(1, { weight: 0 })],
      },
      new Map(),
    );
    assert.equal(sets.length, 1);
    const set = sets[0]!;
    assert.equal(set.name, 'api.example.test');
    assert.equal(set.type, 'A');
    assert.equal(set.ttl, 30);
    assert.deepEqual(set.records, [{ address: '192.0.2.2', weight: 10, region: 'eu' }]);
  });
});

describe('routedInventory', () => {
  it('marks the chosen endpoints healthy and keeps the others listed', () => {
    const inv = routedInventory(
      [
        {
          name: 'www.example.test',
          policy: { kind: 'failover' },
          endpoints: [ep(1, { role: 'primary' }), ep(2, { role: 'secondary' })],
        },
      ],
      new Map(),
      [{ name: 'example.test', type: 'TXT', records: ['hello'] }],
    );
    assert.deepEqual(
      inv.names[0]!.endpoints.map((e) => [e.address, e.healthy]),
      [
        ['192.0.2.1', true],
        ['192.0.2.2', false],
      ],
    );
    assert.equal(inv.records?.length, 1);
  });

  it('lists every endpoint unhealthy on fail open, so the planner fails open and audits it', async () => {
    const names: RoutedName[] = [
      {
        name: 'www.example.test',
        policy: { kind: 'failover' },
        endpoints: [ep(1, { role: 'primary' }), ep(2, { role: 'secondary' })],
      },
    ];
    const inv = routedInventory(names, down(1, 2));
    assert.ok(inv.names[0]!.endpoints.every((e) => e.healthy === false));
    const store = new MemoryPlanStore();
    const planner = new Planner({ store, clock: new ManualClock(), rng: new Rng(1) });
    const r = await planner.runOnce(inv);
    assert.equal(r.outcome, 'written');
    assert.ok(r.events.some((e) => e.kind === 'fail-open'));
    const set = lookupRecordSet(r.plan!.content, 'www.example.test', 'A');
    assert.deepEqual(
      (set?.records as readonly AddressRecord[]).map((x) => x.address),
      ['192.0.2.1', '192.0.2.2'],
    );
  });

  it('lets the velocity limit hold a failover: both are served for one plan, then the secondary', async () => {
    const names: RoutedName[] = [
      {
        name: 'www.example.test',
        policy: { kind: 'failover' },
        endpoints: [ep(1, { role: 'primary' }), ep(2, { role: 'secondary' })],
      },
    ];
    const store = new MemoryPlanStore();
    const planner = new Planner({ store, clock: new ManualClock(), rng: new Rng(1) });
    const served = async (health: Map<string, boolean>): Promise<string[]> => {
      const r = await planner.runOnce(routedInventory(names, health));
      const set = lookupRecordSet(r.plan!.content, 'www.example.test', 'A');
      return (set!.records as readonly AddressRecord[]).map((x) => x.address);
    };
    assert.deepEqual(await served(new Map()), ['192.0.2.1']);
    // Removing the primary is 100 % of the name's capacity: the first plan adds the
    // secondary and defers the removal, the next removes it (50 % of two).
    assert.deepEqual(await served(down(1)), ['192.0.2.1', '192.0.2.2']);
    assert.deepEqual(await served(down(1)), ['192.0.2.2']);
  });
});
