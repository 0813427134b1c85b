import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_VELOCITY_LIMIT, checkVelocityLimit, guardPlan } from './plan-guards.js';
import type { CapacityRemoval, PlanGuardInput, VelocityLimit } from './plan-guards.js';
import { createInventory } from './inventory.js';
import type { EndpointInput, InventoryInput } from './inventory.js';
import { lookupRecordSet } from './plan.js';
import type { PlanContent } from './plan.js';
import type { AddressRecord } from './record-set.js';
import { isPlanValidationError } from './errors.js';

const NAME = 'api.example.com';
const eps = (n: number, unhealthy: number[] = [], weight = 1): EndpointInput[] =>
  Array.from({ length: n }, (_, i) => ({
    address: `192.0.2.${i + 1}`,
    weight,
    healthy: !unhealthy.includes(i + 1),
  }));

function run(
  names: InventoryInput['names'],
  previous?: PlanContent,
  extra: Partial<PlanGuardInput> = {},
): ReturnType<typeof guardPlan> {
  return guardPlan({
    inventory: createInventory({ names }),
    previous,
    history: [],
    nowMs: 1_000_000,
    limit: DEFAULT_VELOCITY_LIMIT,
    ...extra,
  });
}

function addresses(
  content: PlanContent | undefined,
  type: 'A' | 'AAAA' = 'A',
  name = NAME,
): string[] {
  const set = content === undefined ? undefined : lookupRecordSet(content, name, type);
  return (set?.records as readonly AddressRecord[] | undefined)?.map((r) => r.address) ?? [];
}

describe('guardPlan', () => {
  it('keeps healthy endpoints only, A and AAAA by address family', () => {
    const out = run([
      {
        name: NAME,
        endpoints: [
          ...eps(3, [2]),
          { address: '2001:db8::1' },
          { address: '2001:db8::2', healthy: false },
        ],
      },
    ]);
    assert.deepEqual(addresses(out.content), ['192.0.2.1', '192.0.2.3']);
    assert.deepEqual(addresses(out.content, 'AAAA'), ['2001:db8::1']);
    assert.deepEqual(out.events, []);
  });

  it('fails open: when every endpoint of a record set is unhealthy it keeps them all, and says so', () => {
    const out = run([{ name: NAME, endpoints: eps(3, [1, 2, 3]) }]);
    assert.deepEqual(addresses(out.content), ['192.0.2.1', '192.0.2.2', '192.0.2.3']);
    assert.equal(out.events.length, 1);
    assert.equal(out.events[0]!.kind, 'fail-open');
    assert.equal(out.events[0]!.cut, false);
    assert.match(
      out.events[0]!.reason,
      /every A endpoint of api.example.com is unhealthy \(3\).*fail open/,
    );
  });

  it('fails open per record set: an all-unhealthy A set next to a healthy AAAA set', () => {
    const out = run([{ name: NAME, endpoints: [...eps(2, [1, 2]), { address: '2001:db8::1' }] }]);
    assert.deepEqual(addresses(out.content), ['192.0.2.1', '192.0.2.2']);
    assert.equal(out.events[0]!.kind, 'fail-open');
  });

  it('refuses to empty a name listed with no endpoints: keeps its previous records', () => {
    const prev = run([
      { name: NAME, endpoints: eps(2) },
      { name: 'b.example.com', endpoints: eps(1) },
    ]).content!;
    const out = run(
      [
        { name: NAME, endpoints: [] },
        { name: 'b.example.com', endpoints: eps(1) },
      ],
      prev,
    );
    assert.deepEqual(addresses(out.content), ['192.0.2.1', '192.0.2.2']);
    assert.equal(out.events[0]!.kind, 'empty-name');
    assert.match(out.events[0]!.reason, /refused to empty it, keeping its 2 previous record/);
  });

  it('leaves out a new name with no endpoints, and refuses a plan with no record sets at all', () => {
    const out = run([{ name: NAME, endpoints: [] }]);
    assert.equal(out.content, undefined);
    assert.deepEqual(
      out.events.map((e) => e.kind),
      ['empty-name', 'empty-plan'],
    );
    assert.deepEqual(out.removals, []);
  });

  it('removes a name the inventory no longer lists (decommission), unlimited', () => {
    const prev = run([
      { name: NAME, endpoints: eps(4) },
      { name: 'b.example.com', endpoints: eps(1) },
    ]).content!;
    const out = run([{ name: 'b.example.com', endpoints: eps(1) }], prev);
    assert.deepEqual(addresses(out.content), []);
    assert.deepEqual(out.events, []);
  });

  it('cuts a plan that removes more than the per-plan limit, deferring the rest in address order', () => {
    const prev = run([{ name: NAME, endpoints: eps(4) }]).content!;
    // Three of four go unhealthy: 75% > 50% per plan.
    const out = run([{ name: NAME, endpoints: eps(4, [1, 2, 3]) }], prev);
    assert.deepEqual(addresses(out.content), ['192.0.2.3', '192.0.2.4']);
    assert.equal(out.events.length, 1);
    const e = out.events[0]!;
    assert.equal(e.kind, 'velocity');
    assert.equal(e.cut, true);
    assert.match(
      e.reason,
      /removing 75% of api.example.com's capacity exceeds the per-plan limit of 50%; removed 50%, deferred 1 record\(s\): 192.0.2.3/,
    );
    assert.deepEqual(out.removals, [
      { name: NAME, atMs: 1_000_000, removed: 2, capacityBefore: 4 },
    ]);
  });

  it('measures capacity in weights, and counts a weight decrease as removal', () => {
    const prev = run([
      {
        name: NAME,
        endpoints: [
          { address: '192.0.2.1', weight: 8 },
          { address: '192.0.2.2', weight: 2 },
        ],
      },
    ]).content!;
    // Dropping the weight-8 endpoint removes 80%: refused; dropping weight 8 -> 4 removes 40%: fine.
    const cut = run(
      [
        {
          name: NAME,
          endpoints: [
            { address: '192.0.2.1', weight: 8, healthy: false },
            { address: '192.0.2.2', weight: 2 },
          ],
        },
      ],
      prev,
    );
    assert.deepEqual(addresses(cut.content), ['192.0.2.1', '192.0.2.2']);
    const lighter = run(
      [
        {
          name: NAME,
          endpoints: [
            { address: '192.0.2.1', weight: 4 },
            { address: '192.0.2.2', weight: 2 },
          ],
        },
      ],
      prev,
    );
    assert.deepEqual(lighter.events, []);
    assert.equal(
      (lookupRecordSet(lighter.content!, NAME, 'A')!.records[0] as AddressRecord).weight,
      4,
    );
    assert.deepEqual(lighter.removals, [
      { name: NAME, atMs: 1_000_000, removed: 4, capacityBefore: 10 },
    ]);
  });

  it('keeps a deferred record at its previous weight', () => {
    const prev = run([
      {
        name: NAME,
        endpoints: [
          { address: '192.0.2.1', weight: 10 },
          { address: '192.0.2.2', weight: 1 },
        ],
      },
    ]).content!;
    const out = run(
      [
        {
          name: NAME,
          endpoints: [
            { address: '192.0.2.1', weight: 1 },
            { address: '192.0.2.2', weight: 1 },
          ],
        },
      ],
      prev,
    );
    assert.equal(
      (lookupRecordSet(out.content!, NAME, 'A')!.records[0] as AddressRecord).weight,
      10,
    );
    assert.equal(out.events[0]!.kind, 'velocity');
  });

  it('counts records when every weight is 0', () => {
    const zero = (n: number, unhealthy: number[] = []) => eps(n, unhealthy, 0);
    const prev = run([{ name: NAME, endpoints: zero(4) }]).content!;
    const out = run([{ name: NAME, endpoints: zero(4, [1, 2, 3]) }], prev);
    assert.equal(addresses(out.content).length, 2);
  });

  it('limits what one window removes, across plans', () => {
    const limit: VelocityLimit = {
      maxRemovedFractionPerPlan: 0.5,
      maxRemovedFractionPerWindow: 0.5,
      windowMs: 60_000,
    };
    const prev = run([{ name: NAME, endpoints: eps(8) }]).content!;
    const history: CapacityRemoval[] = [
      { name: NAME, atMs: 990_000, removed: 3, capacityBefore: 8 },
    ];
    // Window: 50% of 8 = 4, 3 already removed: only 1 more now although the plan limit allows 4.
    const out = run([{ name: NAME, endpoints: eps(8, [1, 2, 3, 4]) }], prev, { history, limit });
    assert.equal(addresses(out.content).length, 7);
    assert.match(out.events[0]!.reason, /window's limit of 50% \(37.5% already removed\)/);
    // Once the window has passed, the per-plan limit applies again.
    const later = run([{ name: NAME, endpoints: eps(8, [1, 2, 3, 4]) }], prev, {
      history,
      limit,
      nowMs: 1_060_000,
    });
    assert.equal(addresses(later.content).length, 4);
  });

  it('never limits additions', () => {
    const prev = run([{ name: NAME, endpoints: eps(1) }]).content!;
    const out = run([{ name: NAME, endpoints: eps(9) }], prev);
    assert.equal(addresses(out.content).length, 9);
    assert.deepEqual(out.removals, []);
  });

  it('passes fixed record sets through and rejects conflicts with endpoint record sets', () => {
    const inventory = createInventory({
      names: [{ name: NAME, endpoints: eps(1) }],
      records: [
        {
          name: 'example.com',
          type: 'MX',
          records: [{ preference: 10, exchange: 'mx.example.com' }],
        },
      ],
    });
    const out = guardPlan({
      inventory,
      previous: undefined,
      history: [],
      nowMs: 0,
      limit: DEFAULT_VELOCITY_LIMIT,
    });
    assert.equal(out.content?.recordSets.length, 2);
    const bad = createInventory({
      names: [{ name: NAME, endpoints: eps(1) }],
      records: [{ name: NAME, type: 'CNAME', records: ['x.example.com'] }],
    });
    assert.throws(
      () =>
        guardPlan({
          inventory: bad,
          previous: undefined,
          history: [],
          nowMs: 0,
          limit: DEFAULT_VELOCITY_LIMIT,
        }),
      isPlanValidationError,
    );
  });
});

describe('checkVelocityLimit', () => {
  it('accepts fractions in (0, 1] and a positive window, naming the bad field', () => {
    checkVelocityLimit('P', DEFAULT_VELOCITY_LIMIT);
    assert.throws(
      () => checkVelocityLimit('P', { ...DEFAULT_VELOCITY_LIMIT, maxRemovedFractionPerPlan: 0 }),
      /velocity.maxRemovedFractionPerPlan/,
    );
    assert.throws(
      () =>
        checkVelocityLimit('P', { ...DEFAULT_VELOCITY_LIMIT, maxRemovedFractionPerWindow: 1.5 }),
      /velocity.maxRemovedFractionPerWindow/,
    );
    assert.throws(
      () => checkVelocityLimit('P', { ...DEFAULT_VELOCITY_LIMIT, windowMs: 0 }),
      /velocity.windowMs/,
    );
  });
});
