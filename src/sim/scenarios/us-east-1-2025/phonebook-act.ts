/**
 * @module
 * Act I, the phonebook: the real DNS automation of `src/dns/` — the {@link Planner}, three
 * enactors from {@link createEnactors} and, in safe mode, the {@link Janitor} — running on a
 * {@link MemoryPlanStore} behind a {@link FaultyPlanStore}, under a {@link VirtualClock}
 * (`sim.runAsync`). Nothing here is a model of the DNS automation: it is the code itself, and
 * the empty endpoint comes out of the same race the checker finds.
 *
 * The script, after AWS's account: the planner keeps writing plans for
 * `dynamodb.us-east-1.amazonaws.com` (load-balancer weights change every run). From 23:45
 * enactor-a's apply stalls (the first apply it attempts is held): it checked its plan G "newer
 * than the active one" and now waits. The planner writes more plans, the other enactors
 * apply them, and the clean-ups that would delete G are slow (held too). At 23:48 enactor-a
 * wakes, then the slow clean-ups land:
 *
 * - **legacy**: enactor-a writes G over the newer plan, the clean-up deletes G — now the
 *   active plan — and the name serves nothing. Every later apply is refused ("blocked") until
 *   an operator repairs the target at 02:25.
 * - **safe**: enactor-a's compare-and-set loses (G is not newer), the janitor's delete re-reads
 *   the active generation, and the name never stops serving.
 *
 * The act records when the number of A records served changes — the input of every later act
 * — and a timeline of what the automation did (from the store's audit log).
 */
import { repairLegacyTarget } from '../../../dns/legacy/repair.js';
import { createEnactors } from '../../../dns/create-enactors.js';
import type { DnsMode, EnactorLike } from '../../../dns/create-enactors.js';
import { Janitor } from '../../../dns/janitor.js';
import { MemoryPlanStore } from '../../../dns/plan-store/memory-store.js';
import { FaultyPlanStore, WRITE_METHODS } from '../../../dns/plan-store/faulty-store.js';
import type { FaultHandle } from '../../../dns/plan-store/faulty-store.js';
import { Planner } from '../../../dns/planner.js';
import type { InventoryInput } from '../../../dns/inventory.js';
import type { Seed } from '../../../core/rng.js';
import { Simulation } from '../../kernel/simulation.js';
import { MICROS_PER_SECOND } from '../../units.js';
import { VirtualClock } from '../../virtual-clock.js';
import { PHONEBOOK, PUBLISHED } from './calibration.js';
import { DnsTimeline } from './dns-timeline.js';
import { WINDOW_SECONDS, WINDOW_START_EPOCH_MS } from './pdt-time.js';

/** The DynamoDB regional endpoint, and the target (hosted zone) that serves it. */
export const DYNAMODB_ENDPOINT = 'dynamodb.us-east-1.amazonaws.com';
const TARGET = 'dynamodb-us-east-1';

/** Options for {@link runPhonebookAct}. */
export interface PhonebookActOptions {
  readonly seed: Seed;
  /** `'legacy'` (the 2025 algorithm, as it happened) or `'safe'` (breakwater). */
  readonly mode: DnsMode;
  /** Called with the share of the act done, 0…1. */
  readonly onProgress?: (fraction: number) => void;
}

/** Something the DNS automation did, for the timeline. */
export interface PhonebookEvent {
  /** Window seconds. */
  readonly t: number;
  readonly text: string;
}

/** What the act produced. */
export interface PhonebookActResult {
  readonly mode: DnsMode;
  /** A records served for the endpoint over the window. */
  readonly timeline: DnsTimeline;
  /** What the automation did, in order (the stall, the race, the repair, blocked applies). */
  readonly events: readonly PhonebookEvent[];
  /** Plans the planner wrote during the act. */
  readonly plansWritten: number;
  /** Applies refused because the active plan was gone (legacy only). */
  readonly blockedApplies: number;
  /** Kernel events fired. */
  readonly eventsFired: number;
}

/** Plan n: the endpoint's load balancers with weights that drift a little every run. */
function inventoryOf(run: number): InventoryInput {
  return {
    names: [
      {
        name: DYNAMODB_ENDPOINT,
        ttl: 60,
        endpoints: Array.from({ length: PHONEBOOK.endpoints }, (_, i) => ({
          address: `192.0.2.${i + 10}`,
          // ±2 around 100: a weight change is a (small) capacity removal for the velocity
          // limit, far inside its 50 %-per-plan and 75 %-per-10-min bounds.
          weight: 100 + ((i * 7 + run * 3) % 5) - 2,
        })),
      },
    ],
  };
}

/**
 * Runs the phonebook act from 23:30 until `PHONEBOOK.tailSeconds` after the repair (or after
 * 02:25 in safe mode); from then on the served records are held as they were. See the module
 * comment.
 */
export async function runPhonebookAct(options: PhonebookActOptions): Promise<PhonebookActResult> {
  const { mode } = options;
  const sim = new Simulation({ seed: options.seed, initialCapacity: 4096 });
  const clock = new VirtualClock(sim, { startEpochMs: WINDOW_START_EPOCH_MS });
  const windowSeconds = (): number => sim.now / MICROS_PER_SECOND;
  const inner = new MemoryPlanStore();
  const store = new FaultyPlanStore({ store: inner, clock });
  await inner.addTarget(TARGET, { actor: 'setup', atMs: clock.now() });

  const events: PhonebookEvent[] = [];
  const note = (text: string): void => {
    events.push({ t: windowSeconds(), text });
  };
  const records = (): number => {
    const plan = inner.servedPlan(TARGET);
    let n = 0;
    for (const set of plan?.content.recordSets ?? []) {
      if (set.name === DYNAMODB_ENDPOINT && set.type === 'A') n += set.records.length;
    }
    return n;
  };
  const changes: { t: number; records: number }[] = [];
  const observe = (): void => {
    const n = records();
    const last = changes[changes.length - 1];
    if (last === undefined || last.records !== n) changes.push({ t: windowSeconds(), records: n });
  };
  let blockedApplies = 0;

  let run = 0;
  let plansWritten = 0;
  const planner = new Planner({
    store,
    clock,
    rng: sim.rng('planner'),
    intervalMs: PHONEBOOK.plannerIntervalMs,
    inventory: () => inventoryOf(run++),
  });
  planner.onPlanWritten(() => plansWritten++);
  const enactors: EnactorLike[] = createEnactors({
    store,
    clock,
    rng: sim.rng('enactors'),
    mode,
    intervalMs: PHONEBOOK.enactorIntervalMs,
    ...(mode === 'legacy' ? { cleanupLagGenerations: PHONEBOOK.cleanupLagGenerations } : {}),
  });
  const janitor =
    mode === 'safe'
      ? new Janitor({ store, clock, rng: sim.rng('janitor'), retain: PHONEBOOK.janitorRetain })
      : undefined;

  // The race. enactor-a's first apply from 23:45 is held until 23:48; every clean-up that
  // would delete the plan it holds is held until just after it wakes.
  let held: number | undefined;
  const applyMethod = mode === 'legacy' ? 'forceActivate' : 'activate';
  const cleanupMethod = mode === 'legacy' ? 'deletePlans' : 'deleteOlderThan';
  let stallA: FaultHandle | undefined;
  let slowCleanup: FaultHandle | undefined;
  const stallAt = PHONEBOOK.stallFrom;
  const wakeAt = PUBLISHED.dnsEmpty;
  clock.setTimer(stallAt * 1000, () => {
    stallA = store.inject({
      methods: applyMethod,
      actor: 'enactor-a',
      times: 1,
      // Called for every apply of enactor-a until the rule is removed: hold only the first.
      when: (call) => {
        if (held !== undefined) return false;
        held = call.args[1] as number;
        note(`enactor-a checked plan ${held} (newer than the active plan), then stalled`);
        return true;
      },
      fault: { kind: 'stall' },
    });
    slowCleanup = store.inject({
      methods: cleanupMethod,
      when: (call) =>
        held !== undefined &&
        (mode === 'safe' || (call.args[0] as readonly number[]).includes(held)),
      fault: { kind: 'stall' },
    });
  });
  // Same instant, in this order: enactor-a wakes first, then the slow clean-ups land.
  clock.setTimer(wakeAt * 1000, () => {
    note(`enactor-a woke up holding plan ${String(held)}`);
    stallA?.release();
    stallA?.remove();
  });
  clock.setTimer(wakeAt * 1000, () => {
    slowCleanup?.release();
    slowCleanup?.remove();
  });

  const repairAt = PUBLISHED.dnsRestored;
  let repair: Promise<unknown> | undefined;
  if (mode === 'legacy') {
    clock.setTimer(repairAt * 1000, () => {
      repair = repairLegacyTarget({ store, target: TARGET, actor: 'operator', clock });
    });
  }

  // Before 23:30 the endpoint already serves a plan: write one and apply it, then start the
  // loops.
  await planner.runOnce(inventoryOf(run++));
  await (enactors[0] as EnactorLike).runOnce();
  observe();
  // The race as it executes (the audit log stamps writes with the time they were *issued*).
  let lastApplied: number | undefined;
  store.onCall((e) => {
    if (!e.reachedStore || !WRITE_METHODS.has(e.call.method)) return;
    const { method, args, actor } = e.call;
    if (method === applyMethod && e.error === undefined) {
      const g = args[1] as number;
      const stale = lastApplied !== undefined && g < lastApplied;
      if (mode === 'legacy' && actor === 'enactor-a' && g === held && stale) {
        note(`enactor-a applied its stale plan ${g} over the newer plan ${String(lastApplied)}`);
      }
      if (lastApplied === undefined || g > lastApplied || mode === 'legacy') lastApplied = g;
    }
    const servedBefore = changes[changes.length - 1]?.records ?? 0;
    observe();
    if (method === cleanupMethod && servedBefore > 0 && records() === 0) {
      note(`${String(actor)}'s clean-up deleted plan ${String(held)} — the active plan`);
    }
  });
  planner.start();
  for (const e of enactors) e.start();
  janitor?.start();

  const endSeconds = Math.min(WINDOW_SECONDS, repairAt + PHONEBOOK.tailSeconds);
  const stepSeconds = 600;
  for (let t = stepSeconds; ; t += stepSeconds) {
    const until = Math.min(t, endSeconds);
    await sim.runAsync(until * MICROS_PER_SECOND);
    options.onProgress?.(until / endSeconds);
    if (until >= endSeconds) break;
  }
  await Promise.all([planner.stop(), ...enactors.map((e) => e.stop()), janitor?.stop()]);
  await repair;
  await sim.runAsync(sim.now);

  const audit = inner.snapshot().audit;
  let emptySince: number | undefined;
  for (const entry of audit) {
    if (entry.kind !== 'blocked') continue;
    if (blockedApplies++ === 0) {
      events.push({
        t: (entry.atMs - WINDOW_START_EPOCH_MS) / 1000,
        text: `${entry.actor}'s next apply was refused: the active plan is gone, and every later apply is blocked`,
      });
    }
  }
  for (const c of changes) {
    if (c.records === 0 && emptySince === undefined) {
      emptySince = c.t;
      events.push({ t: c.t, text: `${DYNAMODB_ENDPOINT} serves no records` });
    } else if (c.records > 0 && emptySince !== undefined) {
      events.push({ t: c.t, text: `${DYNAMODB_ENDPOINT} serves ${c.records} records again` });
      emptySince = undefined;
    }
  }
  if (mode === 'safe' && held !== undefined) {
    events.push({
      t: wakeAt,
      text: `enactor-a's write of plan ${held} lost its compare-and-set; the endpoint kept serving`,
    });
  }
  events.sort((a, b) => a.t - b.t);
  return {
    mode,
    timeline: new DnsTimeline(changes),
    events,
    plansWritten,
    blockedApplies,
    eventsFired: sim.eventsFired,
  };
}
