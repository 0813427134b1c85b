/**
 * @module
 * One seed of the checker: the REAL planner, three real enactors (safe or legacy), and in
 * safe mode the real janitor and reconciler, running their own loops against the
 * fault-injecting memory store, under a {@link VirtualClock} on a {@link Simulation} —
 * deterministic simulation testing as FoundationDB does
 * it (Will Wilson, "Testing Distributed Systems w/ Deterministic Simulation", Strange Loop
 * 2014): one process, one seed, simulated time, faults injected on purpose, every
 * interleaving reproducible from the seed. Legacy mode runs no janitor or reconciler: the
 * 2025 clean-up ran inside the enactors, and nothing repaired a broken target.
 *
 * The world: `MemoryPlanStore` ← {@link CheckedPlanStore} (checks I1–I4 after every atomic
 * step that changed anything) ← `FaultyPlanStore` (latency at every call, errors, timeouts
 * after the write took effect, the stalls) ← the components. The schedule
 * ({@link drawCheckSchedule}) becomes kernel events: inventory changes, arming a stall,
 * crashes (`stop()` mid-pass) and restarts (`start()` after the down time), healing (every
 * fault stops, held calls are released, everything down is restarted), then the planner is
 * stopped once it has caught up, and after `convergeWithinMs` every target must serve the
 * newest plan (I5).
 *
 * A run is stepped from outside, one kernel event at a time ({@link SeedRun.step}); the
 * caller lets promise continuations run between two steps (`drainMicrotasks`). That lets a
 * sweep interleave many independent seeds and pay for one drain per round instead of one
 * per event (see `sweep-seeds.ts`): no state is shared between runs, so each run's own
 * events and continuations happen in exactly the order they would alone.
 */
import { Rng } from '../../core/rng.js';
import { Simulation } from '../kernel/simulation.js';
import { DEFAULT_START_EPOCH_MS, VirtualClock } from '../virtual-clock.js';
import type { AuditEntry } from '../../dns/audit-log.js';
import { createEnactors } from '../../dns/create-enactors.js';
import type { DnsMode } from '../../dns/create-enactors.js';
import { checkConvergence, checkSafety, formatViolation } from '../../dns/invariants.js';
import type { DnsSnapshot, InvariantId, InvariantViolation } from '../../dns/invariants.js';
import type { InventoryInput } from '../../dns/inventory.js';
import { Janitor } from '../../dns/janitor.js';
import { FaultyPlanStore } from '../../dns/plan-store/faulty-store.js';
import type { FaultyMethod, StoreCall, StoreCallEvent } from '../../dns/plan-store/faulty-store.js';
import { MemoryPlanStore } from '../../dns/plan-store/memory-store.js';
import { Planner } from '../../dns/planner.js';
import { Reconciler } from '../../dns/reconciler.js';
import { drawCheckSchedule } from './check-schedule.js';
import type { CheckSchedule, StallSpec } from './check-schedule.js';
import { CheckedPlanStore } from './checked-plan-store.js';
import { Timeline, formatDuration } from './timeline.js';

/** Options for {@link SeedRun}. */
export interface SeedRunOptions {
  readonly seed: number;
  readonly mode: DnsMode;
  /**
   * Timeline entries kept: the most recent ones before the first violation. Default
   * {@link DEFAULT_TIMELINE_CAPACITY}; `Infinity` keeps the whole run (a replay).
   */
  readonly timelineCapacity?: number;
}

/** The first violation of one invariant in a run. */
export interface FirstViolation {
  readonly invariant: InvariantId;
  /** Virtual time, µs from the start. */
  readonly atUs: number;
  /** `formatViolation`'s line. */
  readonly message: string;
}

/** What one seed found. Plain data (it crosses worker threads). */
export interface SeedResult {
  readonly seed: number;
  readonly mode: DnsMode;
  /** The invariants broken, sorted; empty when all held. */
  readonly violated: readonly InvariantId[];
  /** The first violation of each broken invariant, in time order. */
  readonly firsts: readonly FirstViolation[];
  /**
   * The timeline as lines: with a bounded capacity, the entries that led to the first
   * violation (empty when there was none); with `Infinity`, the whole run.
   */
  readonly timeline: readonly string[];
  /** The schedule in words (empty for a clean seed of a sweep). */
  readonly schedule: readonly string[];
  /** Store steps that changed state (each checked for I1–I4). */
  readonly steps: number;
  /** Kernel events fired. */
  readonly events: number;
  /** Virtual time at the end, ms. */
  readonly virtualMs: number;
  /** Set when the run itself failed (a bug in the checker or a component threw). */
  readonly error?: string;
}

/** Default {@link SeedRunOptions.timelineCapacity}: enough to see a stall and what followed. */
export const DEFAULT_TIMELINE_CAPACITY = 80;

/** Distinct violation lines a run keeps on its timeline (a broken legacy run repeats them). */
const MAX_VIOLATION_LINES = 64;

/** A component the schedule can crash and restart. */
interface Component {
  readonly id: string;
  start(): void;
  stop(): Promise<void>;
  readonly running: boolean;
}

/** µs per ms: the kernel counts microseconds, the components milliseconds. */
const US = 1000;

/** The schedule in words, for the head of a report. */
export function describeSchedule(s: CheckSchedule): string[] {
  const f = s.storeFaults;
  const lines = [
    `mode ${s.mode}; targets ${s.targets.join(', ')}${s.lateTarget === undefined ? '' : `; ${s.lateTarget.id} added at +${formatDuration(s.lateTarget.atMs)}`}`,
    `inventory: ${s.inventory.names.map((n) => `${n.name} (${n.endpoints.length} endpoints)`).join(', ')}; ${s.changes.length} changes until +${formatDuration(s.changes[s.changes.length - 1]?.atMs ?? 0)}`,
    `store faults: latency mean ${f.meanLatencyMs.toFixed(1)} ms, errors ${(f.errorRate * 100).toFixed(1)}%, lost answers ${(f.timeoutAfterWriteRate * 100).toFixed(1)}%`,
    `stalls of ${s.stalledEnactor}: ${s.stalls.map((x) => `${x.point === 'write' ? 'its next write' : 'its next call'} from +${formatDuration(x.atMs)} for ${formatDuration(x.durationMs)}`).join('; ')}`,
    `crashes: ${s.crashes.length === 0 ? 'none' : s.crashes.map((c) => `${c.component} at +${formatDuration(c.atMs)} (down ${formatDuration(c.downMs)})`).join('; ')}`,
    `intervals: planner ${formatDuration(s.intervals.plannerMs)}, enactors ${formatDuration(s.intervals.enactorMs)}${s.mode === 'safe' ? `, janitor ${formatDuration(s.intervals.janitorMs)} (retain ${s.retain}), reconciler ${formatDuration(s.intervals.reconcilerMs)}` : ' (legacy clean-up inside the enactors)'}`,
    `faults stop at +${formatDuration(s.healAtMs)}; planner stopped at +${formatDuration(s.healAtMs + s.settleMs)}; I5 checked at +${formatDuration(s.healAtMs + s.settleMs + s.convergeWithinMs)}`,
  ];
  return lines;
}

function describeCall(call: StoreCall): string {
  const args = call.args
    .filter((a) => typeof a === 'number' || typeof a === 'string')
    .map(String)
    .join(', ');
  return `${call.method}(${args})`;
}

/** One seed's world. See the module comment. */
export class SeedRun {
  readonly seed: number;
  readonly mode: DnsMode;
  readonly schedule: CheckSchedule;
  readonly sim: Simulation;
  /** The components' clock: the simulation's, with timers that never fire early. */
  readonly clock: VirtualClock;
  /** The store holding the state (for tests and reports). */
  readonly memory: MemoryPlanStore;

  readonly #timeline: Timeline;
  readonly #faulty: FaultyPlanStore;
  readonly #audit: readonly AuditEntry[];
  readonly #components = new Map<string, Component>();
  readonly #stopping = new Set<string>();
  /** Store calls a stall has caught (by call number). */
  readonly #stalledCalls = new Set<number>();
  readonly #planner: Planner;
  #inventory: InventoryInput;
  #previous: DnsSnapshot | undefined = undefined;
  readonly #violated = new Set<InvariantId>();
  readonly #firsts: FirstViolation[] = [];
  readonly #violationLines = new Set<string>();
  #violationTimeline: string[] | undefined = undefined;
  #healed = false;
  #plannerRetired = false;
  #steps = 0;
  #events = 0;
  #result: SeedResult | undefined = undefined;

  constructor(options: SeedRunOptions) {
    const { seed, mode } = options;
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`SeedRun: seed must be a safe integer, got ${String(seed)}`);
    }
    if (mode !== 'safe' && mode !== 'legacy') {
      throw new RangeError(`SeedRun: mode must be 'safe' or 'legacy', got '${String(mode)}'`);
    }
    this.seed = seed;
    this.mode = mode;
    this.#timeline = new Timeline(options.timelineCapacity ?? DEFAULT_TIMELINE_CAPACITY);
    const s = (this.schedule = drawCheckSchedule(seed, mode));
    const root = new Rng(seed);
    this.sim = new Simulation({ seed, initialCapacity: 64 });
    const clock = (this.clock = new VirtualClock(this.sim));
    this.memory = new MemoryPlanStore();
    this.#audit = this.memory.snapshot().audit;
    const checked = new CheckedPlanStore({
      store: this.memory,
      onStep: (from) => this.#afterStep(from),
    });
    const faulty = (this.#faulty = new FaultyPlanStore({
      store: checked,
      clock,
      random: { rng: root.fork('store'), ...s.storeFaults },
    }));
    faulty.onCall((e) => this.#onCall(e));
    for (const id of s.targets) void checked.addTarget(id, { actor: 'setup', atMs: clock.now() });
    this.#inventory = s.inventory;

    const planner = (this.#planner = new Planner({
      store: faulty,
      clock,
      rng: root.fork('planner'),
      inventory: () => this.#inventory,
      intervalMs: s.intervals.plannerMs,
    }));
    this.#add('planner', planner);
    const enactors = createEnactors({
      store: faulty,
      clock,
      rng: root.fork('enactors'),
      mode,
      intervalMs: s.intervals.enactorMs,
    });
    for (const e of enactors) this.#add(e.id, e);
    if (mode === 'safe') {
      this.#add(
        'janitor',
        new Janitor({
          store: faulty,
          clock,
          rng: root.fork('janitor'),
          retain: s.retain,
          intervalMs: s.intervals.janitorMs,
        }),
      );
      this.#add(
        'reconciler',
        new Reconciler({
          store: faulty,
          clock,
          rng: root.fork('reconciler'),
          intervalMs: s.intervals.reconcilerMs,
        }),
      );
    }
    this.#scheduleWorld();
  }

  /** True once the run has ended (its result is ready). */
  get done(): boolean {
    return this.#result !== undefined;
  }

  /** The result; throws before the run has ended. */
  get result(): SeedResult {
    if (this.#result === undefined) throw new Error(`SeedRun ${this.seed}: not finished`);
    return this.#result;
  }

  /**
   * Fires the next kernel event. Returns false once the run has ended. The caller must let
   * promise continuations run (`drainMicrotasks`) before the next call. Never throws: an
   * error ends the run with `result.error` set.
   */
  step(): boolean {
    if (this.#result !== undefined) return false;
    try {
      if (this.sim.nextEventTime() === Infinity) {
        this.#finish('no event pending before the end of the run (the run deadlocked)');
        return false;
      }
      this.sim.step();
      this.#events++;
    } catch (error) {
      this.#finish(error instanceof Error ? (error.stack ?? error.message) : String(error));
      return false;
    }
    return this.#result === undefined;
  }

  #add(id: string, c: { start(): void; stop(): Promise<void>; readonly running: boolean }): void {
    this.#components.set(id, {
      id,
      start: () => c.start(),
      stop: () => c.stop(),
      get running() {
        return c.running;
      },
    });
  }

  #note(text: string): void {
    this.#timeline.push({ atUs: this.sim.now, kind: 'note', text });
  }

  #at(ms: number, fn: () => void): void {
    this.sim.scheduleFn(ms * US, fn);
  }

  #scheduleWorld(): void {
    const s = this.schedule;
    this.#at(0, () => {
      for (const c of this.#components.values()) c.start();
    });
    for (const change of s.changes) {
      this.#at(change.atMs, () => {
        this.#inventory = change.inventory;
        const n = change.inventory.names.find((x) => x.name === change.name);
        const left = n?.endpoints.length ?? 0;
        const healthy = n?.endpoints.filter((e) => e.healthy !== false).length ?? 0;
        const what =
          change.kind === 'add'
            ? `+${change.address}`
            : change.kind === 'remove'
              ? `-${change.address}`
              : `${change.address} ${change.healthy === true ? 'healthy' : 'UNHEALTHY'}`;
        this.#note(`inventory: ${change.name} ${what} (${left} endpoints, ${healthy} healthy)`);
      });
    }
    for (const stall of s.stalls) this.#at(stall.atMs, () => this.#armStall(stall));
    for (const crash of s.crashes) {
      this.#at(crash.atMs, () => this.#crash(crash.component, crash.downMs));
    }
    const late = s.lateTarget;
    if (late !== undefined) {
      this.#at(late.atMs, () => {
        this.#note(`operator registers a new target '${late.id}'`);
        void this.#faulty.inner.addTarget(late.id, { actor: 'operator', atMs: this.clock.now() });
      });
    }
    this.#at(s.healAtMs, () => this.#heal());
    this.#at(s.healAtMs + s.settleMs, () => {
      this.#plannerRetired = true;
      this.#note('the planner has caught up and is stopped: the newest plan is final');
      void this.#planner.stop();
    });
    this.#at(s.healAtMs + s.settleMs + s.convergeWithinMs, () => this.#end());
  }

  #armStall(stall: StallSpec): void {
    if (this.#healed) return;
    const actor = this.schedule.stalledEnactor;
    const methods: FaultyMethod[] | undefined =
      stall.point === 'any' ? undefined : [this.mode === 'legacy' ? 'forceActivate' : 'activate'];
    let first = true;
    this.#faulty.inject({
      ...(methods === undefined ? {} : { methods }),
      actor,
      times: 1,
      fault: { kind: 'stall', ms: stall.durationMs },
      when: (call) => {
        // One stall per call: a second stall armed before the first caught its call waits
        // for the next one, rather than stacking on the same call.
        if (!first || this.#stalledCalls.has(call.seq)) return !first;
        first = false;
        this.#stalledCalls.add(call.seq);
        this.#note(
          `STALL: ${actor}'s ${describeCall(call)} is held for ${formatDuration(stall.durationMs)}`,
        );
        return true;
      },
    });
    this.#note(
      `stall armed: ${actor}'s next ${methods === undefined ? 'store call' : methods.join('/')} will be held for ${formatDuration(stall.durationMs)}`,
    );
  }

  #crash(id: string, downMs: number): void {
    const c = this.#components.get(id);
    if (c === undefined || !c.running || this.#stopping.has(id)) return;
    if (id === 'planner' && this.#plannerRetired) return;
    this.#stopping.add(id);
    this.#note(`CRASH: ${id} stops mid-pass (down ${formatDuration(downMs)})`);
    void c.stop().then(() => {
      this.#stopping.delete(id);
      if (this.#result !== undefined) return;
      if (this.#healed) this.#restart(id);
      else this.#at(downMs, () => this.#restart(id));
    });
  }

  #restart(id: string): void {
    const c = this.#components.get(id);
    if (c === undefined || c.running || this.#stopping.has(id)) return;
    if (id === 'planner' && this.#plannerRetired) return;
    this.#note(`restart: ${id}`);
    c.start();
  }

  #heal(): void {
    this.#healed = true;
    const held = this.#faulty.heldCalls;
    this.#note(
      `faults stop: no more latency, errors or stalls${held === 0 ? '' : `; ${held} stalled call${held === 1 ? '' : 's'} released now`}; everything down is restarted`,
    );
    this.#faulty.heal();
    for (const id of this.#components.keys()) this.#restart(id);
  }

  #onCall(e: StoreCallEvent): void {
    let what: string | undefined;
    const kinds = e.faults;
    if (kinds.includes('stall')) {
      what = e.error === undefined ? 'lands after its stall' : 'lands after its stall, and fails';
    } else if (e.error !== undefined && !e.reachedStore) {
      what = 'fails before reaching the store (injected error)';
    } else if (kinds.includes('timeout-after-write')) {
      what = 'took effect, but its answer is lost (timeout after the write)';
    }
    if (what === undefined) return;
    const who = e.call.actor === undefined ? 'a read' : e.call.actor;
    this.#note(`${who} ${describeCall(e.call)} ${what}`);
  }

  #afterStep(from: number): void {
    const atUs = this.sim.now;
    const audit = this.#audit;
    for (let i = from; i < audit.length; i++) {
      this.#timeline.push({ atUs, kind: 'audit', entry: audit[i]! });
    }
    this.#steps++;
    const snapshot = this.memory.snapshot();
    const violations = checkSafety(snapshot, this.#previous);
    this.#previous = snapshot;
    if (violations.length > 0) this.#record(violations, atUs);
  }

  #record(violations: readonly InvariantViolation[], atUs: number): void {
    for (const v of violations) {
      const line = formatViolation(v);
      if (!this.#violated.has(v.invariant)) {
        this.#violated.add(v.invariant);
        this.#firsts.push({ invariant: v.invariant, atUs, message: line });
      }
      if (!this.#violationLines.has(line) && this.#violationLines.size < MAX_VIOLATION_LINES) {
        this.#violationLines.add(line);
        this.#timeline.push({ atUs, kind: 'violation', violation: v });
      }
    }
    if (this.#violationTimeline === undefined && this.#timeline.capacity !== Infinity) {
      this.#violationTimeline = this.#timeline.format(DEFAULT_START_EPOCH_MS);
    }
  }

  #end(): void {
    this.#note('I5: every target must serve the newest plan by now');
    const violations = checkConvergence(this.memory.snapshot());
    if (violations.length > 0) this.#record(violations, this.sim.now);
    this.#finish(undefined);
  }

  #finish(error: string | undefined): void {
    const startEpochMs = DEFAULT_START_EPOCH_MS;
    const full = this.#timeline.capacity === Infinity;
    if (error !== undefined) this.#note(`checker error: ${error.split('\n')[0] ?? error}`);
    this.#result = {
      seed: this.seed,
      mode: this.mode,
      violated: [...this.#violated].sort(),
      firsts: this.#firsts,
      timeline: full
        ? this.#timeline.format(startEpochMs)
        : (this.#violationTimeline ??
          (error === undefined ? [] : this.#timeline.format(startEpochMs))),
      // Described only when someone will read it: a sweep of clean seeds skips the strings.
      schedule:
        full || error !== undefined || this.#violated.size > 0
          ? describeSchedule(this.schedule)
          : [],
      steps: this.#steps,
      events: this.#events,
      virtualMs: this.sim.now / US,
      ...(error === undefined ? {} : { error }),
    };
  }
}
