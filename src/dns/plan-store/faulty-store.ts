/**
 * @module
 * A fault-injecting wrapper around any {@link PlanStore}, for tests and the deterministic
 * checker. Faults sit around the inner store's atomic step, never inside it:
 *
 * - before the step — `'latency'` (wait on the clock), `'stall'` (hold the call until
 *   released, or until `ms` passes), `'error'` (fail without reaching the store);
 * - after the step — `'timeout-after-write'` (the write took effect, then the caller gets a
 *   `StoreTimeoutError`: the classic lost answer), `'slow-answer'` (the answer arrives late).
 *
 * A stalled write that is released late still executes — with its compare-and-set evaluated
 * at the moment it runs, exactly like a delayed request reaching a real store. That is the
 * situation of the 2025 enactor, and the one the safe algorithm must survive.
 *
 * Faults are chosen by rules (`inject`: which methods, which actor, a predicate, how many
 * calls to skip and to hit), and optionally at random from a seeded stream. All waiting is on
 * the injected clock. With no rule and no random faults, calls go straight through (one
 * extra `await`), so the shared contract suite runs against it too.
 */
import type { Clock } from '../../core/clock.js';
import { EventEmitter } from '../../core/events.js';
import type { Event } from '../../core/events.js';
import type { Rng } from '../../core/rng.js';
import type { AuditEntry, AuditInput, AuditQuery, WriteContext } from '../audit-log.js';
import { StoreTimeoutError, StoreUnavailableError } from '../errors.js';
import {
  checkClock,
  checkNumberIn,
  checkOptionsObject,
  checkRng,
  showValue,
} from '../internal/options.js';
import { isLegacyPlanStore } from '../legacy/legacy-store-ops.js';
import type { LegacyStoreOps } from '../legacy/legacy-store-ops.js';
import type { Plan, PlanDraft } from '../plan.js';
import type {
  ActivateResult,
  DeleteResult,
  PlanStore,
  PlanStoreMethod,
  PutPlanOptions,
  PutPlanResult,
  TargetRecord,
} from './plan-store.js';

/** A method a fault can hit: the contract's, and the legacy operations. */
export type FaultyMethod = PlanStoreMethod | 'forceActivate' | 'deletePlans';

/** The methods that write. */
export const WRITE_METHODS: ReadonlySet<FaultyMethod> = new Set<FaultyMethod>([
  'putPlan',
  'addTarget',
  'removeTarget',
  'activate',
  'deleteOlderThan',
  'appendAudit',
  'forceActivate',
  'deletePlans',
]);

/** One fault. See the module comment. */
export type StoreFault =
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'stall'; readonly ms?: number }
  | { readonly kind: 'error'; readonly error?: Error }
  | { readonly kind: 'timeout-after-write'; readonly ms?: number }
  | { readonly kind: 'slow-answer'; readonly ms: number };

/** A call as a rule sees it. */
export interface StoreCall {
  /** Numbered from 1 in call order. */
  readonly seq: number;
  readonly method: FaultyMethod;
  readonly args: readonly unknown[];
  /** The writer's id (from the write context or audit entry); undefined for reads. */
  readonly actor: string | undefined;
}

/** Which calls a fault hits. */
export interface FaultRule {
  /** The methods hit; default every method. */
  readonly methods?: FaultyMethod | readonly FaultyMethod[];
  /** Only calls by this actor. */
  readonly actor?: string;
  /** Only calls it accepts. */
  readonly when?: (call: StoreCall) => boolean;
  /** Let this many matching calls through first. Default 0. */
  readonly skip?: number;
  /** Then hit this many (≥ 1, or Infinity). Default Infinity. */
  readonly times?: number;
  readonly fault: StoreFault;
}

/** An injected rule. */
export interface FaultHandle {
  /** Matching calls hit so far. */
  readonly hits: number;
  /** Calls this rule is holding (stalls) right now. */
  readonly held: number;
  /** Lets every call this rule holds proceed. */
  release(): void;
  /** Removes the rule (calls it holds stay held until released). */
  remove(): void;
}

/** Faults drawn at random for every call. */
export interface RandomFaults {
  /** The stream to draw from (fork one for the store). */
  readonly rng: Rng;
  /** Mean added latency before each call, ms (exponentially distributed). Default 0. */
  readonly meanLatencyMs?: number;
  /** Probability that a call fails before reaching the store. Default 0. */
  readonly errorRate?: number;
  /** Probability that a write takes effect and then reports a timeout. Default 0. */
  readonly timeoutAfterWriteRate?: number;
}

/** Reported when a call ends. */
export interface StoreCallEvent {
  readonly call: StoreCall;
  /** The kinds of fault applied to it, in order. */
  readonly faults: readonly StoreFault['kind'][];
  /** Whether the inner store's step ran. */
  readonly reachedStore: boolean;
  /** The error the caller got, if any. */
  readonly error?: unknown;
}

/** Options for {@link FaultyPlanStore}. */
export interface FaultyPlanStoreOptions {
  /** The store to wrap. */
  readonly store: PlanStore;
  /** For latency, stall timers and slow answers. */
  readonly clock: Clock;
  /** Random faults from the start; default none. */
  readonly random?: RandomFaults;
}

class Rule implements FaultHandle {
  hits = 0;
  seen = 0;
  removed = false;
  readonly waiting = new Set<() => void>();
  readonly methods: ReadonlySet<FaultyMethod> | undefined;
  constructor(
    readonly spec: FaultRule,
    private readonly owner: FaultyPlanStore,
  ) {
    const m = spec.methods;
    this.methods = m === undefined ? undefined : new Set(typeof m === 'string' ? [m] : m);
  }
  get held(): number {
    return this.waiting.size;
  }
  matches(call: StoreCall): boolean {
    if (this.removed) return false;
    if (this.methods !== undefined && !this.methods.has(call.method)) return false;
    if (this.spec.actor !== undefined && call.actor !== this.spec.actor) return false;
    if (this.spec.when !== undefined && !this.spec.when(call)) return false;
    this.seen++;
    if (this.seen <= (this.spec.skip ?? 0)) return false;
    if (this.hits >= (this.spec.times ?? Infinity)) return false;
    this.hits++;
    return true;
  }
  release(): void {
    const w = [...this.waiting];
    this.waiting.clear();
    for (const resolve of w) resolve();
  }
  remove(): void {
    this.removed = true;
    this.owner.forget(this);
  }
}

function actorOf(method: FaultyMethod, args: readonly unknown[]): string | undefined {
  let ctx: unknown;
  switch (method) {
    case 'putPlan':
      ctx = args[1];
      break;
    case 'addTarget':
    case 'removeTarget':
    case 'deleteOlderThan':
    case 'deletePlans':
      ctx = args[1];
      break;
    case 'activate':
    case 'forceActivate':
      ctx = args[2];
      break;
    case 'appendAudit':
      ctx = args[0];
      break;
    default:
      return undefined;
  }
  const actor: unknown = (ctx as { actor?: unknown } | undefined)?.actor;
  return typeof actor === 'string' ? actor : undefined;
}

function checkFault(f: StoreFault): void {
  const where = 'FaultyPlanStore.inject';
  if (typeof f !== 'object' || f === null) {
    throw new TypeError(`${where}: fault must be an object, got ${showValue(f)}`);
  }
  switch (f.kind) {
    case 'latency':
    case 'slow-answer':
      checkNumberIn(where, 'fault.ms', f.ms, 0, Infinity);
      return;
    case 'stall':
    case 'timeout-after-write':
      if (f.ms !== undefined) checkNumberIn(where, 'fault.ms', f.ms, 0, Infinity);
      return;
    case 'error':
      return;
    default:
      throw new RangeError(
        `${where}: fault.kind must be 'latency', 'stall', 'error', 'timeout-after-write' or 'slow-answer', got ${showValue((f as { kind?: unknown }).kind)}`,
      );
  }
}

/** A {@link PlanStore} that injects faults around another. See the module comment. */
export class FaultyPlanStore implements PlanStore, LegacyStoreOps {
  /** The wrapped store. */
  readonly inner: PlanStore;
  readonly #clock: Clock;
  #rules: Rule[] = [];
  /** Held calls whose rule was removed. */
  readonly #orphans = new Set<() => void>();
  #random: (Required<Omit<RandomFaults, 'rng'>> & { rng: Rng }) | undefined;
  #seq = 0;
  /** Bumped by heal(): calls in flight skip the faults they have not reached yet. */
  #epoch = 0;
  readonly #callEmitter = new EventEmitter<StoreCallEvent>();

  /** Fires when a call ends (after its faults), for timelines. */
  readonly onCall: Event<StoreCallEvent> = this.#callEmitter.event;

  constructor(options: FaultyPlanStoreOptions) {
    const where = 'FaultyPlanStore';
    checkOptionsObject(where, options);
    if (typeof (options.store as Partial<PlanStore> | undefined)?.activate !== 'function') {
      throw new TypeError(`${where}: store must be a PlanStore, got ${showValue(options.store)}`);
    }
    this.inner = options.store;
    this.#clock = checkClock(where, options.clock);
    this.setRandomFaults(options.random);
  }

  /** Adds a rule; returns a handle to release its stalls or remove it. */
  inject(rule: FaultRule): FaultHandle {
    checkOptionsObject('FaultyPlanStore.inject', rule);
    checkFault(rule.fault);
    if (rule.times !== undefined && !(rule.times >= 1)) {
      throw new RangeError(`FaultyPlanStore.inject: times must be >= 1, got ${rule.times}`);
    }
    if (rule.skip !== undefined && !(Number.isInteger(rule.skip) && rule.skip >= 0)) {
      throw new RangeError(
        `FaultyPlanStore.inject: skip must be an integer >= 0, got ${rule.skip}`,
      );
    }
    const r = new Rule(rule, this);
    this.#rules.push(r);
    return r;
  }

  /** Sets (or, with undefined, stops) random faults. */
  setRandomFaults(random: RandomFaults | undefined): void {
    if (random === undefined) {
      this.#random = undefined;
      return;
    }
    const where = 'FaultyPlanStore: random';
    checkRng(where, random.rng);
    this.#random = {
      rng: random.rng,
      meanLatencyMs: checkNumberIn(where, 'meanLatencyMs', random.meanLatencyMs ?? 0, 0, 8.64e10),
      errorRate: checkNumberIn(where, 'errorRate', random.errorRate ?? 0, 0, 1),
      timeoutAfterWriteRate: checkNumberIn(
        where,
        'timeoutAfterWriteRate',
        random.timeoutAfterWriteRate ?? 0,
        0,
        1,
      ),
    };
  }

  /** Calls held by stalls right now. */
  get heldCalls(): number {
    let n = 0;
    for (const r of this.#rules) n += r.held;
    return n + this.#orphans.size;
  }

  /** Lets every held call proceed. */
  releaseAll(): void {
    for (const r of this.#rules) r.release();
    const o = [...this.#orphans];
    this.#orphans.clear();
    for (const resolve of o) resolve();
  }

  /**
   * Stops every fault: removes the rules, stops random faults, releases held calls, and
   * lets calls in flight skip the faults they have not reached yet.
   */
  heal(): void {
    this.#epoch++;
    const rules = this.#rules;
    this.#rules = [];
    this.#random = undefined;
    for (const r of rules) {
      r.removed = true;
      r.release();
    }
    this.releaseAll();
  }

  /** @internal Called by a removed rule: its held calls stay held (release them later). */
  forget(rule: Rule): void {
    this.#rules = this.#rules.filter((r) => r !== rule);
    for (const w of rule.waiting) this.#orphans.add(w);
    rule.waiting.clear();
  }

  // ---- the contract, each call through #call ----

  putPlan(
    draft: PlanDraft,
    context: WriteContext,
    options?: PutPlanOptions,
  ): Promise<PutPlanResult> {
    return this.#call('putPlan', [draft, context, options], () =>
      this.inner.putPlan(draft, context, options),
    );
  }
  getPlan(generation: number): Promise<Plan | undefined> {
    return this.#call('getPlan', [generation], () => this.inner.getPlan(generation));
  }
  newestPlan(): Promise<Plan | undefined> {
    return this.#call('newestPlan', [], () => this.inner.newestPlan());
  }
  listGenerations(): Promise<readonly number[]> {
    return this.#call('listGenerations', [], () => this.inner.listGenerations());
  }
  addTarget(id: string, context: WriteContext): Promise<TargetRecord> {
    return this.#call('addTarget', [id, context], () => this.inner.addTarget(id, context));
  }
  removeTarget(id: string, context: WriteContext): Promise<boolean> {
    return this.#call('removeTarget', [id, context], () => this.inner.removeTarget(id, context));
  }
  getTarget(id: string): Promise<TargetRecord | undefined> {
    return this.#call('getTarget', [id], () => this.inner.getTarget(id));
  }
  listTargets(): Promise<readonly TargetRecord[]> {
    return this.#call('listTargets', [], () => this.inner.listTargets());
  }
  activate(target: string, generation: number, context: WriteContext): Promise<ActivateResult> {
    return this.#call('activate', [target, generation, context], () =>
      this.inner.activate(target, generation, context),
    );
  }
  deleteOlderThan(retain: number, context: WriteContext): Promise<DeleteResult> {
    return this.#call('deleteOlderThan', [retain, context], () =>
      this.inner.deleteOlderThan(retain, context),
    );
  }
  appendAudit(entry: AuditInput): Promise<AuditEntry> {
    return this.#call('appendAudit', [entry], () => this.inner.appendAudit(entry));
  }
  readAudit(query?: AuditQuery): Promise<readonly AuditEntry[]> {
    return this.#call('readAudit', [query], () => this.inner.readAudit(query));
  }
  close(): Promise<void> {
    return this.inner.close();
  }

  /** Legacy operation, forwarded (with faults) when the inner store offers it. */
  forceActivate(
    target: string,
    generation: number,
    context: WriteContext,
  ): Promise<{ readonly previousGeneration: number | undefined }> {
    return this.#call('forceActivate', [target, generation, context], () =>
      this.#legacy().forceActivate(target, generation, context),
    );
  }

  /** Legacy operation, forwarded (with faults) when the inner store offers it. */
  deletePlans(generations: readonly number[], context: WriteContext): Promise<readonly number[]> {
    return this.#call('deletePlans', [generations, context], () =>
      this.#legacy().deletePlans(generations, context),
    );
  }

  #legacy(): LegacyStoreOps {
    const inner = this.inner;
    if (!isLegacyPlanStore(inner)) {
      throw new TypeError('FaultyPlanStore: the wrapped store has no legacy operations');
    }
    return inner;
  }

  async #call<T>(
    method: FaultyMethod,
    args: readonly unknown[],
    invoke: () => Promise<T>,
  ): Promise<T> {
    const call: StoreCall = { seq: ++this.#seq, method, args, actor: actorOf(method, args) };
    const faults: StoreFault[] = [];
    const rules: (Rule | undefined)[] = [];
    for (const r of this.#rules) {
      if (r.matches(call)) {
        faults.push(r.spec.fault);
        rules.push(r);
      }
    }
    const random = this.#random;
    if (random !== undefined) {
      // Draw the same number of values for every call, so the stream stays aligned.
      const lat = random.meanLatencyMs > 0 ? random.rng.exponential(random.meanLatencyMs) : 0;
      const err = random.rng.float();
      const tow = random.rng.float();
      if (lat > 0) faults.push({ kind: 'latency', ms: lat });
      if (err < random.errorRate) faults.push({ kind: 'error' });
      else if (WRITE_METHODS.has(method) && tow < random.timeoutAfterWriteRate) {
        faults.push({ kind: 'timeout-after-write' });
      }
    }
    if (faults.length === 0 && !this.#callEmitter.hasListeners) {
      await Promise.resolve(); // keep every call asynchronous, faults or not
      return invoke();
    }
    const kinds = faults.map((f) => f.kind);
    const epoch = this.#epoch;
    let reached = false;
    try {
      for (let i = 0; i < faults.length; i++) {
        const f = faults[i]!;
        if (this.#epoch !== epoch) break; // healed meanwhile
        if (f.kind === 'latency') await this.#clock.sleep(f.ms);
        else if (f.kind === 'stall') await this.#hold(rules[i], f.ms);
        else if (f.kind === 'error') {
          throw (
            f.error ?? new StoreUnavailableError(`injected fault: ${method} #${call.seq} failed`)
          );
        }
      }
      reached = true;
      const value = await invoke();
      for (const f of faults) {
        if (this.#epoch !== epoch) break;
        if (f.kind === 'slow-answer') await this.#clock.sleep(f.ms);
        else if (f.kind === 'timeout-after-write') {
          if (f.ms !== undefined && f.ms > 0) await this.#clock.sleep(f.ms);
          throw new StoreTimeoutError(
            `injected fault: ${method} #${call.seq} took effect but its answer was lost`,
          );
        }
      }
      if (this.#callEmitter.hasListeners) {
        this.#callEmitter.emit({ call, faults: kinds, reachedStore: reached });
      }
      return value;
    } catch (error) {
      if (this.#callEmitter.hasListeners) {
        this.#callEmitter.emit({ call, faults: kinds, reachedStore: reached, error });
      }
      throw error;
    }
  }

  #hold(rule: Rule | undefined, ms: number | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: { cancel(): void } | undefined;
      const done = (): void => {
        timer?.cancel();
        rule?.waiting.delete(done);
        this.#orphans.delete(done);
        resolve();
      };
      if (rule !== undefined && !rule.removed) rule.waiting.add(done);
      else this.#orphans.add(done);
      if (ms !== undefined && Number.isFinite(ms)) timer = this.#clock.setTimer(ms, done);
    });
  }
}
