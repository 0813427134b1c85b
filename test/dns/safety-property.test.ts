/**
 * Property tests of the control plane under random interleavings: the real planner, three
 * real enactors, the janitor and the reconciler run against the fault-injecting memory store
 * on a ManualClock, while a random schedule starts their steps (without waiting for them),
 * stalls chosen calls, releases them, injects errors and lost answers, and moves time. After
 * every command the invariants I1–I4 must hold; once faults stop, every target must converge
 * to the newest plan (I5).
 *
 * The negative control runs the legacy enactors on random schedules of the same kind and
 * must find the 2025 race (I1 or I3 broken).
 *
 * Reproduce a failure with `FC_SEED=<seed printed below>`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManualClock } from '../../src/core/testing/manual-clock.js';
import { Rng } from '../../src/core/rng.js';
import { drainMicrotasks } from '../../src/core/microtasks.js';
import { MemoryPlanStore } from '../../src/dns/plan-store/memory-store.js';
import { FaultyPlanStore } from '../../src/dns/plan-store/faulty-store.js';
import type { FaultyMethod } from '../../src/dns/plan-store/faulty-store.js';
import { Planner } from '../../src/dns/planner.js';
import { Janitor } from '../../src/dns/janitor.js';
import { Reconciler } from '../../src/dns/reconciler.js';
import { createEnactors } from '../../src/dns/create-enactors.js';
import type { EnactorLike } from '../../src/dns/create-enactors.js';
import { checkConvergence, checkSafety, formatViolation } from '../../src/dns/invariants.js';
import type { DnsSnapshot } from '../../src/dns/invariants.js';
import type { InventoryInput } from '../../src/dns/inventory.js';
import { formatAuditEntry } from '../../src/dns/audit-log.js';

const envSeed = process.env['FC_SEED'];
const seed = envSeed !== undefined && envSeed !== '' ? Number(envSeed) : 20251020;
const numRuns = Number(process.env['FC_RUNS'] ?? 60);
console.log(`dns safety properties: seed ${seed}, ${numRuns} runs (FC_SEED to replay)`);

const ACTORS = ['planner', 'enactor-a', 'enactor-b', 'enactor-c', 'janitor', 'reconciler'] as const;
const METHODS: FaultyMethod[] = [
  'newestPlan',
  'listTargets',
  'getTarget',
  'getPlan',
  'activate',
  'putPlan',
  'deleteOlderThan',
  'appendAudit',
];
const TARGETS = ['dns-1', 'dns-2'];

type Command =
  | { readonly kind: 'plan'; readonly healthy: readonly boolean[]; readonly count: number }
  | { readonly kind: 'enact'; readonly who: number }
  | { readonly kind: 'janitor' }
  | { readonly kind: 'reconcile' }
  | { readonly kind: 'stall'; readonly actor: string; readonly method: FaultyMethod }
  | { readonly kind: 'fault'; readonly method: FaultyMethod; readonly lostAnswer: boolean }
  | { readonly kind: 'release' }
  | { readonly kind: 'advance'; readonly ms: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('plan' as const),
      healthy: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      count: fc.integer({ min: 1, max: 6 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('enact' as const),
      who: fc.integer({ min: 0, max: 2 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('janitor' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconcile' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('stall' as const),
      actor: fc.constantFrom(...ACTORS),
      method: fc.constantFrom(...METHODS),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('fault' as const),
      method: fc.constantFrom(...METHODS),
      lostAnswer: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.integer({ min: 0, max: 20_000 }),
    }),
  },
);

/**
 * Schedules for the legacy model: the 2025 system had no janitor (the enactors cleaned up)
 * and no reconciler, so only plans, enactor passes, stalls of the enactors' unsafe writes,
 * releases and time.
 */
const legacyCommand: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('plan' as const),
      healthy: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      count: fc.integer({ min: 1, max: 6 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('enact' as const),
      who: fc.integer({ min: 0, max: 2 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('stall' as const),
      actor: fc.constantFrom('enactor-a', 'enactor-b', 'enactor-c'),
      method: fc.constantFrom<FaultyMethod>('forceActivate', 'deletePlans'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      ms: fc.integer({ min: 0, max: 20_000 }),
    }),
  },
);

const inventory = (healthy: readonly boolean[], count: number): InventoryInput => ({
  names: [
    {
      name: 'api.example.com',
      endpoints: Array.from({ length: count }, (_, i) => ({
        address: `192.0.2.${i + 1}`,
        healthy: healthy[i] ?? true,
      })),
    },
  ],
});

interface World {
  readonly clock: ManualClock;
  readonly inner: MemoryPlanStore;
  readonly store: FaultyPlanStore;
  readonly planner: Planner;
  readonly enactors: EnactorLike[];
  readonly janitor: Janitor;
  readonly reconciler: Reconciler;
  readonly pending: Promise<unknown>[];
}

async function makeWorld(mode: 'safe' | 'legacy', worldSeed: number): Promise<World> {
  const clock = new ManualClock({ startMs: 1_760_942_880_000 });
  const inner = new MemoryPlanStore();
  const store = new FaultyPlanStore({ store: inner, clock });
  for (const t of TARGETS) await inner.addTarget(t, { actor: 'setup', atMs: clock.now() });
  const rng = new Rng(worldSeed);
  return {
    clock,
    inner,
    store,
    planner: new Planner({ store, clock, rng: rng.fork('planner') }),
    enactors: createEnactors({
      store,
      clock,
      rng: rng.fork('enactors'),
      mode,
      cleanupLagGenerations: 2,
    }),
    janitor: new Janitor({ store, clock, rng: rng.fork('janitor'), retain: 2 }),
    reconciler: new Reconciler({ store, clock, rng: rng.fork('reconciler') }),
    pending: [],
  };
}

async function apply(w: World, c: Command): Promise<void> {
  const track = (p: Promise<unknown>): void => {
    w.pending.push(p.catch(() => undefined));
  };
  switch (c.kind) {
    case 'plan':
      track(w.planner.runOnce(inventory(c.healthy, c.count)));
      break;
    case 'enact':
      track(w.enactors[c.who]!.runOnce());
      break;
    case 'janitor':
      track(w.janitor.runOnce());
      break;
    case 'reconcile':
      track(w.reconciler.runOnce());
      break;
    case 'stall':
      w.store.inject({ methods: c.method, actor: c.actor, times: 1, fault: { kind: 'stall' } });
      break;
    case 'fault':
      w.store.inject({
        methods: c.method,
        times: 1,
        fault: { kind: c.lostAnswer ? 'timeout-after-write' : 'error' },
      });
      break;
    case 'release':
      w.store.releaseAll();
      break;
    case 'advance':
      await w.clock.advanceAsync(c.ms);
      break;
  }
  await drainMicrotasks();
}

function timeline(w: World): string {
  return w.inner.snapshot().audit.slice(-40).map(formatAuditEntry).join('\n');
}

/**
 * Runs the schedule, checking I1–I4 after every command. Returns the violations found: the
 * first step's only, or (`all`) every step's.
 */
async function runSchedule(w: World, commands: readonly Command[], all = false): Promise<string[]> {
  let previous: DnsSnapshot | undefined;
  const found: string[] = [];
  for (const c of commands) {
    await apply(w, c);
    const now = w.inner.snapshot();
    const v = checkSafety(now, previous);
    if (v.length > 0) {
      found.push(`after ${JSON.stringify(c)}:`, ...v.map(formatViolation));
      if (!all) return found;
    }
    previous = now;
  }
  return found;
}

/** Stops all faults and lets the components run until every target serves the newest plan. */
async function settle(w: World): Promise<string[]> {
  w.store.heal();
  for (let round = 0; round < 30; round++) {
    const steps = [
      ...w.enactors.map((e) => e.runOnce()),
      w.reconciler.runOnce(),
      w.janitor.runOnce(),
    ];
    for (const s of steps) w.pending.push(s.catch(() => undefined));
    await w.clock.advanceAsync(10_000);
    await Promise.all(w.pending.splice(0));
    if (checkConvergence(w.inner.snapshot()).length === 0) break;
  }
  return checkConvergence(w.inner.snapshot()).map(formatViolation);
}

describe('safe mode under random interleavings and faults', () => {
  it(`keeps I1–I4 after every step, and converges once faults stop (I5) (seed ${seed})`, async () => {
    let worldSeed = 0;
    const totals: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40 }), async (commands) => {
        const w = await makeWorld('safe', ++worldSeed);
        const broken = await runSchedule(w, commands);
        assert.deepEqual(
          broken,
          [],
          `${broken.join('\n')}\n--- last audit entries ---\n${timeline(w)}`,
        );
        // A planner run after the schedule makes sure a plan exists to converge to.
        w.store.heal();
        await Promise.resolve(w.planner.runOnce(inventory([true], 1))).catch(() => undefined);
        const unconverged = await settle(w);
        assert.deepEqual(unconverged, [], `${unconverged.join('\n')}\n${timeline(w)}`);
        const after = checkSafety(w.inner.snapshot());
        assert.deepEqual(after.map(formatViolation), []);
        for (const e of w.inner.snapshot().audit) totals[e.kind] = (totals[e.kind] ?? 0) + 1;
      }),
      { seed, numRuns },
    );
    // What the runs exercised (so a change that makes them vacuous shows).
    console.log(`safe runs exercised: ${JSON.stringify(totals)}`);
    assert.ok((totals['activation-lost'] ?? 0) > 0 && (totals['deletion'] ?? 0) > 0);
  });
});

describe('legacy mode under random interleavings (negative control)', () => {
  it(`is caught breaking I1 or I3 by random schedules (seed ${seed})`, async () => {
    let found: string[] | undefined;
    let tried = 0;
    const schedules = fc.sample(fc.array(legacyCommand, { minLength: 10, maxLength: 40 }), {
      seed,
      numRuns: 400,
    });
    for (const commands of schedules) {
      if (found !== undefined) break;
      tried++;
      const w = await makeWorld('legacy', tried);
      const broken = await runSchedule(w, commands, true);
      w.store.heal();
      await w.clock.runAllAsync();
      await Promise.all(w.pending.splice(0));
      if (broken.some((line) => /^I[13] /.test(line))) found = broken;
    }
    console.log(`legacy race found after ${tried} random schedule(s)`);
    assert.ok(found !== undefined, 'the legacy model must break I1 or I3 on some schedule');
    console.log(found.slice(0, 6).join('\n'));
  });
});
