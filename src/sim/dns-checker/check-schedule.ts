/**
 * @module
 * What one seed of the checker does, drawn up front as plain data from the seed alone: the
 * targets and the starting inventory, a schedule of inventory changes (endpoints added,
 * removed, health flips) that the real planner turns into plans, the store's random faults
 * (latency at every call, errors, timeouts after the write took effect), long stalls of one
 * enactor, crashes and restarts of components, and when the faults stop.
 *
 * Drawing the whole schedule before the run keeps it readable (the timeline prints it) and
 * keeps the streams apart: the schedule has its own fork of the root `Rng(seed)`, and each
 * component and the store's faults get theirs (see `seed-run.ts`), so a change in how one
 * component draws never shifts the schedule.
 *
 * The stall is the heart of it. On 2025-10-20 one enactor was "delayed unusually long"
 * between picking up its plan and writing it, while the others moved on and cleaned up. So
 * the stall usually sits on the stalled enactor's write (`'write'`: `forceActivate` in legacy
 * mode, the compare-and-set `activate` in safe mode), and lasts minutes to hours
 * (see {@link drawCheckSchedule}); the changes keep coming meanwhile.
 *
 * Size. Every minute of virtual time costs the real loops' passes, each a few store calls
 * through the resilience pipeline, so the schedule is sized for the target of 200 seeds per
 * second on two cores: 6–14 changes over about ten minutes, loop intervals of tens of
 * seconds, a stall of minutes (hours in one seed in ten) and a 4-minute bound for I5 — about
 * 26 minutes of virtual time and 600 kernel events per seed on average.
 */
import { Rng } from '../../core/rng.js';
import type { DnsMode } from '../../dns/create-enactors.js';
import type { InventoryInput } from '../../dns/inventory.js';

/** An endpoint in the checker's inventory. */
export interface CheckEndpoint {
  readonly address: string;
  readonly weight: number;
  readonly healthy: boolean;
}

/** One change of the inventory, and the inventory it leaves. */
export interface InventoryChange {
  /** When, ms of virtual time from the start. */
  readonly atMs: number;
  readonly kind: 'add' | 'remove' | 'health';
  readonly name: string;
  readonly address: string;
  /** For `'health'`: the new health. */
  readonly healthy?: boolean;
  /** The whole inventory after the change. */
  readonly inventory: InventoryInput;
}

/** Where a stall holds the stalled enactor. */
export type StallPoint =
  /** Its next write: `forceActivate` (legacy) or `activate` (safe) — between check and write. */
  | 'write'
  /** Its next store call of any kind. */
  | 'any';

/** One stall of the stalled enactor. */
export interface StallSpec {
  /** When the stall is armed, ms; it holds the enactor's next matching call. */
  readonly atMs: number;
  /** How long the held call waits before it reaches the store, ms. */
  readonly durationMs: number;
  readonly point: StallPoint;
}

/** A crash (`stop()` mid-pass) and the restart after `downMs`. */
export interface CrashSpec {
  readonly atMs: number;
  /** The component's id: `planner`, `enactor-a`…, `janitor`, `reconciler`. */
  readonly component: string;
  readonly downMs: number;
}

/** The store's random faults while faults are on. */
export interface StoreFaultSpec {
  /** Mean added latency before every call, ms (exponential). */
  readonly meanLatencyMs: number;
  /** Probability that a call fails before it reaches the store. */
  readonly errorRate: number;
  /** Probability that a write takes effect and then reports a timeout. */
  readonly timeoutAfterWriteRate: number;
}

/** The loop intervals of the components, ms. */
export interface CheckIntervals {
  readonly plannerMs: number;
  readonly enactorMs: number;
  readonly janitorMs: number;
  readonly reconcilerMs: number;
}

/** Everything one seed does. See the module comment. */
export interface CheckSchedule {
  readonly seed: number;
  readonly mode: DnsMode;
  /** Targets registered before the start. */
  readonly targets: readonly string[];
  /** A target registered during the run (a new DNS server), if any. */
  readonly lateTarget?: { readonly id: string; readonly atMs: number };
  /** The inventory at the start. */
  readonly inventory: InventoryInput;
  /** The changes, in time order. */
  readonly changes: readonly InventoryChange[];
  /** The stalled enactor's id. */
  readonly stalledEnactor: string;
  readonly stalls: readonly StallSpec[];
  readonly crashes: readonly CrashSpec[];
  readonly storeFaults: StoreFaultSpec;
  readonly intervals: CheckIntervals;
  /** The janitor's `retain` (safe mode). */
  readonly retain: number;
  /** When every fault stops (store healed, held calls released, components restarted), ms. */
  readonly healAtMs: number;
  /** After healing, the planner runs this long more and is then stopped, ms. */
  readonly settleMs: number;
  /** Then every target must serve the newest plan within this bound (I5), ms. */
  readonly convergeWithinMs: number;
}

/** The enactors' ids, as `createEnactors` names them. */
export const CHECK_ENACTORS: readonly string[] = Object.freeze([
  'enactor-a',
  'enactor-b',
  'enactor-c',
]);

/** The DNS names of the checker's inventory, and the address block each draws from. */
const NAMES: readonly (readonly [string, string])[] = [
  ['api.example.com', '192.0.2.'],
  ['db.example.com', '198.51.100.'],
];

/**
 * The I5 bound: four minutes of virtual time after the planner stopped. Above what the
 * components need once faults stop (the breaker probes after 5 s, the enactors pass every
 * ≤ 75 s, the reconciler every ≤ 3 min), so missing it means a state nothing repairs — not a
 * slow repair.
 */
export const CONVERGE_WITHIN_MS = 240_000;

/** A log-uniform draw in [min, max): minutes to hours are equally likely per decade. */
function logUniform(rng: Rng, min: number, max: number): number {
  return Math.exp(rng.uniform(Math.log(min), Math.log(max)));
}

function inventoryOf(state: Map<string, CheckEndpoint[]>): InventoryInput {
  return {
    names: [...state].map(([name, endpoints]) => ({
      name,
      endpoints: endpoints.map((e) => ({ ...e })),
    })),
  };
}

/**
 * Draws the schedule of `seed` in `mode`. Pure: the same arguments give the same schedule.
 * Both modes face the same world: the same draws, except that legacy mode drops the crashes
 * of the components it does not run (the janitor and the reconciler).
 */
export function drawCheckSchedule(seed: number, mode: DnsMode): CheckSchedule {
  const rng = new Rng(seed).fork('schedule');
  const targets = Array.from({ length: rng.int(1, 3) }, (_, i) => `dns-${i + 1}`);

  // The inventory: 1–2 names, 2–5 endpoints each, weights 1–3.
  const state = new Map<string, CheckEndpoint[]>();
  const nextHost = new Map<string, number>();
  for (const [name, block] of NAMES.slice(0, rng.int(1, 2))) {
    const n = rng.int(2, 5);
    state.set(
      name,
      Array.from({ length: n }, (_, i) => ({
        address: `${block}${i + 1}`,
        weight: rng.int(1, 3),
        healthy: true,
      })),
    );
    nextHost.set(name, n + 1);
  }
  const inventory = inventoryOf(state);

  // Changes: 6–14 of them, exponential gaps with a mean of 20 s to 2 min.
  const changes: InventoryChange[] = [];
  const meanGapMs = rng.uniform(20_000, 120_000);
  let t = 0;
  const names = [...state.keys()];
  for (let i = 0, count = rng.int(6, 14); i < count; i++) {
    t += rng.exponential(meanGapMs);
    const name = rng.pick(names);
    const endpoints = state.get(name)!;
    const block = NAMES.find(([n]) => n === name)![1];
    const roll = rng.float();
    let change: Omit<InventoryChange, 'inventory'>;
    if (roll < 0.45 || endpoints.length === 0) {
      const host = nextHost.get(name)!;
      nextHost.set(name, host + 1);
      const address = `${block}${((host - 1) % 254) + 1}`;
      if (endpoints.some((e) => e.address === address)) continue;
      endpoints.push({ address, weight: rng.int(1, 3), healthy: true });
      change = { atMs: Math.round(t), kind: 'add', name, address };
    } else if (roll < 0.75) {
      const [gone] = endpoints.splice(rng.int(0, endpoints.length - 1), 1);
      change = { atMs: Math.round(t), kind: 'remove', name, address: gone!.address };
    } else {
      const j = rng.int(0, endpoints.length - 1);
      const e = endpoints[j]!;
      endpoints[j] = { ...e, healthy: !e.healthy };
      change = {
        atMs: Math.round(t),
        kind: 'health',
        name,
        address: e.address,
        healthy: !e.healthy,
      };
    }
    changes.push({ ...change, inventory: inventoryOf(state) });
  }
  const lastChangeMs = changes[changes.length - 1]?.atMs ?? 0;

  // The stalled enactor: one long stall, armed while the changes still come — minutes
  // (1–30 min, log-uniform) in 90% of seeds, hours (30 min–2 h) in 10% — and sometimes a
  // short second one (10 s to 5 min). Hours cost the most to simulate (every other loop keeps
  // running) and add least: by then the changes are over and the world is quiet.
  const stalledEnactor = rng.pick(CHECK_ENACTORS);
  const armWindowMs = Math.max(1, lastChangeMs * 0.6);
  const longStall = rng.bool(0.1);
  const stalls: StallSpec[] = [
    {
      atMs: Math.round(rng.uniform(0, armWindowMs)),
      durationMs: Math.round(
        longStall ? logUniform(rng, 1_800_000, 7_200_000) : logUniform(rng, 60_000, 1_800_000),
      ),
      point: rng.bool(0.75) ? 'write' : 'any',
    },
  ];
  if (rng.bool(0.3)) {
    stalls.push({
      atMs: Math.round(rng.uniform(0, armWindowMs)),
      durationMs: Math.round(logUniform(rng, 10_000, 300_000)),
      point: rng.bool(0.5) ? 'write' : 'any',
    });
  }
  stalls.sort((a, b) => a.atMs - b.atMs);
  const stallEndMs = Math.max(...stalls.map((s) => s.atMs + s.durationMs));
  const healAtMs = Math.max(lastChangeMs, stallEndMs) + 30_000;

  // Crashes: 0–3. Drawn from every component in both modes (so the draws, and everything
  // after them, are the same in both); legacy mode has no janitor or reconciler to crash.
  const components = ['planner', ...CHECK_ENACTORS, 'janitor', 'reconciler'];
  const crashes: CrashSpec[] = [];
  for (let i = 0, count = rng.int(0, 3); i < count; i++) {
    crashes.push({
      atMs: Math.round(rng.uniform(0, healAtMs)),
      component: rng.pick(components),
      downMs: Math.round(logUniform(rng, 1_000, 600_000)),
    });
  }
  crashes.sort((a, b) => a.atMs - b.atMs);
  const modeCrashes =
    mode === 'safe'
      ? crashes
      : crashes.filter((c) => c.component !== 'janitor' && c.component !== 'reconciler');

  const storeFaults: StoreFaultSpec = {
    meanLatencyMs: logUniform(rng, 1, 300),
    errorRate: rng.bool(0.5) ? 0 : rng.uniform(0, 0.15),
    timeoutAfterWriteRate: rng.bool(0.5) ? 0 : rng.uniform(0, 0.1),
  };
  const intervals: CheckIntervals = {
    plannerMs: Math.round(rng.uniform(45_000, 120_000)),
    enactorMs: Math.round(rng.uniform(30_000, 75_000)),
    janitorMs: Math.round(rng.uniform(120_000, 300_000)),
    reconcilerMs: Math.round(rng.uniform(60_000, 180_000)),
  };
  const lateTarget = rng.bool(0.2)
    ? { id: `dns-${targets.length + 1}`, atMs: Math.round(rng.uniform(0, healAtMs)) }
    : undefined;
  return {
    seed,
    mode,
    targets,
    ...(lateTarget === undefined ? {} : { lateTarget }),
    inventory,
    changes,
    stalledEnactor,
    stalls,
    crashes: modeCrashes,
    storeFaults,
    intervals,
    retain: rng.int(2, 4),
    healAtMs,
    settleMs: intervals.plannerMs + 30_000,
    convergeWithinMs: CONVERGE_WITHIN_MS,
  };
}
