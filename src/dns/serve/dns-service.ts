/**
 * @module
 * The phonebook as one running service (`breakwater dns serve`): health checks feed routing
 * policies, routing feeds the planner, the planner writes plans, the enactors activate them on
 * the built-in server's target by compare-and-set, and every activation is mapped onto zone
 * snapshots and swapped into the {@link DnsServer} whole. The janitor and the reconciler run
 * beside them on timers of the injected clock, so the service keeps invariants I1–I5 with no
 * operator.
 *
 * The data path is the control plane's, never a shortcut around it: a health change only
 * triggers a planner run at once (instead of at the next tick), so fail open, never-empty and
 * the velocity limit apply to health-driven changes exactly as to any other. What the server
 * serves is always the target's *active* plan as the store reports it.
 *
 * Last known good: the server answers from memory. When the store cannot be read (down,
 * stalled, closed, locked), the service keeps the zones it has, marks the server stale with
 * the reason (`status().stale`), and clears the flag on the next successful read. A store
 * that is unreachable at start-up is an error: there is nothing known good yet.
 *
 * Latency of a health change to the wire: failure threshold × probe interval to the verdict,
 * then one planner run, one enactor pass and one store read — milliseconds on the embedded
 * SQLite store (measured in `test/dns-serve/convergence.test.ts`).
 */
import type { Clock, Timer } from '../../core/clock.js';
import type { Disposable, Event } from '../../core/events.js';
import { EventEmitter } from '../../core/events.js';
import type { Rng } from '../../core/rng.js';
import type { Policy } from '../../resilience/policy.js';
import { createEnactors } from '../create-enactors.js';
import type { EnactorLike } from '../create-enactors.js';
import { Enactor } from '../enactor.js';
import { StoreUnavailableError, UnknownTargetError } from '../errors.js';
import { HealthChecker } from '../health/health-checker.js';
import type { HealthCheckStatus } from '../health/health-checker.js';
import {
  checkClock,
  checkId,
  checkNumberIn,
  checkOptionsObject,
  checkRng,
  showValue,
} from '../internal/options.js';
import { PeriodicLoop } from '../internal/periodic-loop.js';
import { Janitor } from '../janitor.js';
import type { VelocityLimit } from '../plan-guards.js';
import type { PlanStore } from '../plan-store/plan-store.js';
import type { Plan } from '../plan.js';
import { Planner } from '../planner.js';
import type { PlannerOutcome } from '../planner.js';
import { Reconciler } from '../reconciler.js';
import type { RecordSetInput } from '../record-set.js';
import { routedInventory } from '../routing/route-endpoints.js';
import { checkRoutedName } from '../routing/routing-policy.js';
import type { RoutedName } from '../routing/routing-policy.js';
import { DnsServer } from '../server/dns-server.js';
import type { DnsServerOptions, DnsServerStatus } from '../server/dns-server.js';
import { StoreTarget } from '../store-target.js';
import { createStorePolicy } from '../store-policy.js';
import type { ValidationIssue } from '../errors.js';
import { InventoryValidationError } from '../errors.js';
import { checkDnsName } from '../internal/dns-name.js';
import { planSnapshots } from './plan-snapshots.js';
import type { ServedZoneOptions } from './plan-snapshots.js';

/** Options of {@link DnsService}. */
export interface DnsServiceOptions {
  readonly clock: Clock;
  readonly rng: Rng;
  /** Where plans live (the CLI opens the embedded SQLite store). Not closed by the service. */
  readonly store: PlanStore;
  /** The zones served (at least one). */
  readonly zones: readonly ServedZoneOptions[];
  /** Names served from endpoints under a routing policy. */
  readonly names?: readonly RoutedName[];
  /** Fixed record sets (CNAME, TXT, MX, SRV, static addresses), passed through as they are. */
  readonly records?: readonly RecordSetInput[];
  /**
   * The health checks the endpoints' `healthCheck` ids refer to. The service starts and stops
   * it. Default: a checker with no checks (every endpoint healthy).
   */
  readonly healthChecker?: HealthChecker;
  /** Listen address, port, latency table, limits. The service passes its clock. */
  readonly server?: Omit<DnsServerOptions, 'clock' | 'zones'>;
  /** The built-in server's target id in the store. Default `'builtin'`. */
  readonly targetId?: string;
  /** The planner's id in plans and the audit log. Default `'planner'`. */
  readonly plannerId?: string;
  /** Plans the janitor keeps below the active one (≥ 2). Default 10. */
  readonly retain?: number;
  /** The planner's velocity limit (fields left out take the defaults). */
  readonly velocity?: Partial<VelocityLimit>;
  /** How many enactors (≥ 1). Default 3. */
  readonly enactors?: number;
  /** Planner loop, ms (health changes run it at once as well). Default 30 000. */
  readonly plannerIntervalMs?: number;
  /** Enactor loops, ms. Default 1000. */
  readonly enactorIntervalMs?: number;
  /** Janitor loop, ms. Default 60 000. */
  readonly janitorIntervalMs?: number;
  /** Reconciler loop, ms. Default 30 000. */
  readonly reconcilerIntervalMs?: number;
  /**
   * How often the served generation is compared with the store's, ms (this also picks up
   * activations made by other processes, such as `breakwater dns rollback`). Default 1000.
   */
  readonly syncIntervalMs?: number;
  /** A store read slower than this marks the server stale, ms. Default 1000. */
  readonly syncTimeoutMs?: number;
  /**
   * After the velocity limit deferred part of a change, run the planner again this much
   * later, ms, so the rest follows as soon as the limit allows. Default 100.
   */
  readonly replanAfterCutMs?: number;
  /** Policy for the planner's, enactors', janitor's and reconciler's store calls. */
  readonly storePolicy?: Policy;
}

/** The last planner run, in {@link DnsServiceStatus}. */
export interface PlannerRunStatus {
  readonly outcome: PlannerOutcome | 'error';
  readonly atMs: number;
  readonly generation: number | undefined;
  readonly reason: string | undefined;
}

/** What {@link DnsService.status} reports. */
export interface DnsServiceStatus {
  readonly running: boolean;
  readonly targetId: string;
  /** The generation served (the SOA serial of every zone), or undefined before the first. */
  readonly servedGeneration: number | undefined;
  /** When it was swapped in, `clock.now()`. */
  readonly servedAtMs: number | undefined;
  /** True while the store cannot be read: answers come from the last known good plan. */
  readonly stale: boolean;
  readonly staleReason: string | undefined;
  readonly staleSinceMs: number | undefined;
  /** The last successful store read. */
  readonly lastSyncAtMs: number | undefined;
  /** The last plan that could not be served (zone build failed), with why. */
  readonly lastServeError: string | undefined;
  readonly planner: PlannerRunStatus | undefined;
  readonly health: readonly Pick<HealthCheckStatus, 'id' | 'healthy' | 'sinceMs'>[];
  readonly server: DnsServerStatus;
}

/** Payload of {@link DnsService.onServe}. */
export interface ServeEvent {
  readonly generation: number;
  readonly atMs: number;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const WHERE = 'DnsService';

/** The serving phonebook. See the module comment. */
export class DnsService {
  /** The authoritative server (listening after `start`). */
  readonly server: DnsServer;
  /** The health checks. */
  readonly healthChecker: HealthChecker;
  /** The planner, the enactors, the janitor and the reconciler, for inspection. */
  readonly planner: Planner;
  readonly enactors: readonly EnactorLike[];
  readonly janitor: Janitor;
  readonly reconciler: Reconciler;
  readonly #targetId: string;
  readonly #clock: Clock;
  readonly #store: PlanStore;
  readonly #zones: readonly ServedZoneOptions[];
  readonly #names: readonly RoutedName[];
  readonly #records: readonly RecordSetInput[];
  readonly #latencyRouted: ReadonlySet<string>;
  readonly #weightRouted: ReadonlySet<string>;
  readonly #syncPolicy: Policy;
  readonly #syncLoop: PeriodicLoop;
  readonly #replanAfterCutMs: number;
  readonly #subscriptions: Disposable[] = [];
  readonly #serveEmitter = new EventEmitter<ServeEvent>();
  readonly #errorEmitter = new EventEmitter<unknown>();
  #running = false;
  #closed = false;
  #servedGeneration: number | undefined;
  #servedAtMs: number | undefined;
  #lastSyncAtMs: number | undefined;
  #lastServeError: string | undefined;
  #plannerStatus: PlannerRunStatus | undefined;
  #replanTask: Promise<void> | undefined;
  #replanAgain = false;
  #replanTimer: Timer | undefined;
  #syncTask: Promise<void> | undefined;
  #syncAgain = false;
  #nextEnactor = 0;
  readonly #stop = new AbortController();

  /** Fires when a new plan is swapped into the server. */
  readonly onServe: Event<ServeEvent> = this.#serveEmitter.event;
  /** Fires for errors of background runs (planner, enactors, janitor, reconciler). */
  readonly onError: Event<unknown> = this.#errorEmitter.event;

  constructor(options: DnsServiceOptions) {
    checkOptionsObject(WHERE, options);
    this.#clock = checkClock(WHERE, options.clock);
    const rng = checkRng(WHERE, options.rng);
    if (typeof (options.store as Partial<PlanStore> | undefined)?.activate !== 'function') {
      throw new TypeError(`${WHERE}: store must be a PlanStore, got ${showValue(options.store)}`);
    }
    this.#store = options.store;
    this.#targetId = checkId(WHERE, 'targetId', options.targetId ?? 'builtin');
    const issues: ValidationIssue[] = [];
    if (!Array.isArray(options.zones) || options.zones.length === 0) {
      throw new RangeError(`${WHERE}: zones must be a non-empty array of { zone }`);
    }
    const zones: readonly ServedZoneOptions[] = options.zones;
    this.#zones = zones.map((z: ServedZoneOptions | undefined, i) => {
      const nc = checkDnsName(z?.zone, false);
      if (!nc.ok) issues.push({ field: `zones[${i}].zone`, message: nc.message });
      return { ...z, zone: nc.ok ? nc.name : String(z?.zone) };
    });
    const names = options.names ?? [];
    names.forEach((n, i) => checkRoutedName(n, `names[${i}]`, issues));
    if (issues.length > 0) throw new InventoryValidationError(issues);
    this.#names = names;
    this.#records = options.records ?? [];
    this.#latencyRouted = new Set(
      names
        .filter((n) => n.policy.kind === 'latency')
        .map((n) => n.name.toLowerCase().replace(/\.$/, '')),
    );
    this.#weightRouted = new Set(
      names
        .filter((n) => n.policy.kind === 'weighted')
        .map((n) => n.name.toLowerCase().replace(/\.$/, '')),
    );
    this.#replanAfterCutMs = checkNumberIn(
      WHERE,
      'replanAfterCutMs',
      options.replanAfterCutMs ?? 100,
      0,
      8.64e7,
    );
    const syncTimeoutMs = checkNumberIn(
      WHERE,
      'syncTimeoutMs',
      options.syncTimeoutMs ?? 1000,
      1,
      8.64e7,
    );
    this.healthChecker = options.healthChecker ?? new HealthChecker({ clock: this.#clock });
    this.server = new DnsServer({ ...options.server, clock: this.#clock });
    const policy = options.storePolicy;
    const withPolicy = policy === undefined ? {} : { policy };
    this.planner = new Planner({
      store: this.#store,
      clock: this.#clock,
      rng: rng.fork('planner'),
      inventory: () => this.#inventory(),
      ...(options.plannerId === undefined ? {} : { id: options.plannerId }),
      intervalMs: options.plannerIntervalMs ?? 30_000,
      ...(options.velocity === undefined ? {} : { velocity: options.velocity }),
      ...withPolicy,
    });
    const target = new StoreTarget(this.#store, this.#targetId);
    this.enactors = createEnactors({
      store: this.#store,
      clock: this.#clock,
      rng: rng.fork('enactors'),
      count: options.enactors ?? 3,
      targets: [target],
      intervalMs: options.enactorIntervalMs ?? 1000,
      ...withPolicy,
    });
    this.janitor = new Janitor({
      store: this.#store,
      clock: this.#clock,
      rng: rng.fork('janitor'),
      intervalMs: options.janitorIntervalMs ?? 60_000,
      ...(options.retain === undefined ? {} : { retain: options.retain }),
      ...withPolicy,
    });
    this.reconciler = new Reconciler({
      store: this.#store,
      clock: this.#clock,
      rng: rng.fork('reconciler'),
      targets: [target],
      intervalMs: options.reconcilerIntervalMs ?? 30_000,
      ...withPolicy,
    });
    // Reads that decide "stale" must fail fast: one retry, a short timeout.
    this.#syncPolicy = createStorePolicy({
      clock: this.#clock,
      rng: rng.fork('sync'),
      timeoutMs: syncTimeoutMs,
      maxAttempts: 2,
      backoffCapMs: 100,
    });
    this.#syncLoop = new PeriodicLoop({
      name: `${WHERE} sync`,
      clock: this.#clock,
      rng: rng.fork('sync-loop'),
      intervalMs: checkNumberIn(WHERE, 'syncIntervalMs', options.syncIntervalMs ?? 1000, 1, 8.64e7),
      jitter: 0.1,
      step: () => this.sync(),
      onError: (e) => this.#errorEmitter.emit(e),
    });
  }

  /** The planner's input now: routed names under the current health verdicts. */
  #inventory(): ReturnType<typeof routedInventory> {
    const health = new Map<string, boolean>();
    for (const id of this.healthChecker.checkIds) health.set(id, this.healthChecker.isHealthy(id));
    return routedInventory(this.#names, health, this.#records);
  }

  /**
   * Registers the target, plans, activates and loads the first plan, binds the server, then
   * starts the health checks and every loop. Resolves with the address and port bound.
   * Rejects (and leaves nothing running) when the store cannot be reached or the first plan
   * cannot be served.
   */
  async start(): Promise<{ address: string; port: number }> {
    if (this.#running || this.#closed) throw new Error(`${WHERE}: start() may be called once`);
    this.#running = true;
    try {
      const ctx = { actor: this.planner.id, atMs: this.#clock.now(), reason: 'dns serve: start' };
      await this.#store.addTarget(this.#targetId, ctx);
      await this.#replanOnce();
      if (this.#servedGeneration === undefined) {
        // The plan may be unchanged (a restart): activate and load whatever is newest.
        await this.#enactOnce();
        await this.sync();
      }
      if (this.#servedGeneration === undefined) {
        throw new StoreUnavailableError(
          `${WHERE}: could not load a plan for target '${this.#targetId}'` +
            (this.server.status().staleReason === undefined
              ? ''
              : ` (${this.server.status().staleReason})`) +
            (this.#lastServeError === undefined ? '' : ` (${this.#lastServeError})`) +
            (this.#plannerStatus?.reason === undefined
              ? ''
              : ` (planner ${this.#plannerStatus.outcome}: ${this.#plannerStatus.reason})`),
        );
      }
      const bound = await this.server.listen();
      this.#subscriptions.push(
        this.healthChecker.onChange(() => void this.replan()),
        ...this.enactors
          .filter((e): e is Enactor => e instanceof Enactor)
          .map((e) =>
            e.onResult((r) => {
              if (r.outcome === 'won') void this.sync();
            }),
          ),
        this.reconciler.onRepair(() => void this.sync()),
        this.planner.onError((e) => this.#errorEmitter.emit(e)),
        this.janitor.onError((e) => this.#errorEmitter.emit(e)),
        this.reconciler.onError((e) => this.#errorEmitter.emit(e)),
      );
      this.healthChecker.start();
      this.planner.start();
      for (const e of this.enactors) e.start();
      this.janitor.start();
      this.reconciler.start();
      this.#syncLoop.start();
      return bound;
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /**
   * Runs the planner now (coalesced: a call during a run makes one more run after it), then,
   * if it wrote a plan, one enactor pass and a store read, so the change is served at once.
   */
  replan(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#replanTask !== undefined) {
      this.#replanAgain = true;
      return this.#replanTask;
    }
    const task = (async (): Promise<void> => {
      try {
        do {
          this.#replanAgain = false;
          await this.#replanOnce();
        } while (this.#replanAgain && !this.#closed);
      } finally {
        this.#replanTask = undefined;
      }
    })();
    this.#replanTask = task;
    return task;
  }

  async #replanOnce(): Promise<void> {
    const signal = this.#stop.signal;
    try {
      const r = await this.planner.runOnce(this.#inventory(), signal);
      this.#plannerStatus = {
        outcome: r.outcome,
        atMs: this.#clock.now(),
        generation: r.plan?.generation,
        reason: r.reason,
      };
      if (r.outcome !== 'written') return;
      await this.#enactOnce();
      await this.sync();
      if (r.events.some((e) => e.kind === 'velocity') && !this.#closed) {
        this.#replanTimer?.cancel();
        this.#replanTimer = this.#clock.setTimer(
          this.#replanAfterCutMs,
          () => {
            this.#replanTimer = undefined;
            void this.replan();
          },
          { unref: true },
        );
      }
    } catch (e) {
      if (this.#closed) return;
      this.#plannerStatus = {
        outcome: 'error',
        atMs: this.#clock.now(),
        generation: undefined,
        reason: message(e),
      };
      this.#errorEmitter.emit(e);
    }
  }

  async #enactOnce(): Promise<void> {
    const e = this.enactors[this.#nextEnactor++ % this.enactors.length]!;
    await e.runOnce(this.#stop.signal);
  }

  /**
   * Reads the target's active generation and, when it moved, swaps the new plan in. Marks the
   * server stale when the store cannot be read, healthy again when it can. Never rejects.
   */
  sync(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#syncTask !== undefined) {
      this.#syncAgain = true;
      return this.#syncTask;
    }
    const task = (async (): Promise<void> => {
      try {
        do {
          this.#syncAgain = false;
          await this.#syncOnce();
        } while (this.#syncAgain && !this.#closed);
      } finally {
        this.#syncTask = undefined;
      }
    })();
    this.#syncTask = task;
    return task;
  }

  async #syncOnce(): Promise<void> {
    let plan: Plan | undefined;
    try {
      const signal = this.#stop.signal;
      const t = await this.#syncPolicy.execute(() => this.#store.getTarget(this.#targetId), signal);
      if (t === undefined) throw new UnknownTargetError(this.#targetId);
      const g = t.activeGeneration;
      // The active generation never decreases (I2); serve only forward.
      if (g !== undefined && (this.#servedGeneration === undefined || g > this.#servedGeneration)) {
        plan = await this.#syncPolicy.execute(() => this.#store.getPlan(g), signal);
      }
      this.#lastSyncAtMs = this.#clock.now();
      const wasStale = this.server.status().stale;
      this.server.markSourceHealthy();
      // Health changes that arrived while the store was gone could not be planned: plan now.
      if (wasStale && this.#running) void this.replan();
    } catch (e) {
      if (this.#closed) return;
      this.server.markSourceUnreachable(
        `plan store unreachable: ${message(e)}; serving the last known good plan` +
          (this.#servedGeneration === undefined ? '' : ` (generation ${this.#servedGeneration})`),
      );
      return;
    }
    if (plan !== undefined) this.#serve(plan);
  }

  #serve(plan: Plan): void {
    // Two reads may race to the same activation; serve each generation once, never backwards.
    if (this.#servedGeneration !== undefined && plan.generation <= this.#servedGeneration) return;
    let snapshots;
    try {
      snapshots = planSnapshots(plan, this.#zones, this.#latencyRouted, this.#weightRouted);
    } catch (e) {
      // Keep the last known good zones; the reconciler and the next plan will move on.
      this.#lastServeError = `plan ${plan.generation} cannot be served: ${message(e)}`;
      this.#errorEmitter.emit(e);
      return;
    }
    this.server.load(snapshots);
    this.#servedGeneration = plan.generation;
    this.#servedAtMs = this.#clock.now();
    this.#lastServeError = undefined;
    if (this.#serveEmitter.hasListeners) {
      this.#serveEmitter.emit({ generation: plan.generation, atMs: this.#servedAtMs });
    }
  }

  /** Where the service stands: served generation, stale flag, planner, health, server. */
  status(): DnsServiceStatus {
    const server = this.server.status();
    const health = this.healthChecker.checkIds.map((id) => {
      const s = this.healthChecker.status(id);
      return { id, healthy: s?.healthy ?? true, sinceMs: s?.sinceMs ?? 0 };
    });
    return {
      running: this.#running && !this.#closed,
      targetId: this.#targetId,
      servedGeneration: this.#servedGeneration,
      servedAtMs: this.#servedAtMs,
      stale: server.stale,
      staleReason: server.staleReason,
      staleSinceMs: server.staleSinceMs,
      lastSyncAtMs: this.#lastSyncAtMs,
      lastServeError: this.#lastServeError,
      planner: this.#plannerStatus,
      health,
      server,
    };
  }

  /** Stops every loop and the health checks, then closes the server. The store stays open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop.abort();
    this.#replanTimer?.cancel();
    this.#replanTimer = undefined;
    for (const s of this.#subscriptions) s.dispose();
    this.#subscriptions.length = 0;
    this.healthChecker.stop();
    await Promise.all([
      this.planner.stop(),
      ...this.enactors.map((e) => e.stop()),
      this.janitor.stop(),
      this.reconciler.stop(),
      this.#syncLoop.stop(),
    ]);
    await Promise.allSettled([this.#replanTask, this.#syncTask]);
    await this.server.close();
    this.#running = false;
  }
}
