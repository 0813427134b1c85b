/**
 * @module
 * What the DNS automation's loop components (planner, enactor, reconciler, janitor, legacy
 * enactor) share: the checks every constructor makes in the same order (options object, id,
 * store, clock, random stream), the default store policy, and a {@link PeriodicLoop} with its
 * `intervalMs`/`jitter` options, its `onError` hook and `start`/`stop`/`running`.
 *
 * A subclass calls `super(spec, options)`, then makes its own checks, then
 * {@link ComponentBase.storePolicy} (if it calls the store through a policy) and last
 * {@link ComponentBase.createLoop}: that order is the order in which options were always
 * validated, so the first bad option named in an error is the same as before, and the random
 * stream is forked (`'policy'`, then `'loop'`) in the same order.
 */
import type { Clock } from '../../core/clock.js';
import { EventEmitter } from '../../core/events.js';
import type { Event } from '../../core/events.js';
import type { Rng } from '../../core/rng.js';
import type { Policy } from '../../resilience/policy.js';
import type { PlanStore } from '../plan-store/plan-store.js';
import { createStorePolicy } from '../store-policy.js';
import type { Target } from '../target.js';
import { checkClock, checkId, checkNumberIn, checkOptionsObject, checkRng } from './options.js';
import { PeriodicLoop } from './periodic-loop.js';

/** The options every loop component takes. */
export interface ComponentBaseOptions<S extends PlanStore> {
  readonly id?: string;
  readonly store: S;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly intervalMs?: number;
  readonly jitter?: number;
}

/** How one component differs in the shared part. */
export interface ComponentSpec<S extends PlanStore> {
  /** The class name, at the start of every error message. */
  readonly where: string;
  /** The id when `options.id` is left out; without it the id is required. */
  readonly defaultId?: string;
  /** A method the store must have (a cheap duck-typed check). */
  readonly storeMethod: keyof S;
  /** A further check of the store, for stores with extra operations. */
  readonly isStore?: (store: PlanStore) => boolean;
  /** What the store must do, in the error: `store must <this>`. Default `'be a PlanStore'`. */
  readonly storeRequirement?: string;
  /** Mean pause between loop steps when `options.intervalMs` is left out, ms. */
  readonly defaultIntervalMs: number;
}

/** The shared part of a loop component; see the module comment. */
export abstract class ComponentBase<S extends PlanStore = PlanStore> {
  /** This component's id, in plans and the audit log. */
  readonly id: string;
  protected readonly store: S;
  protected readonly clock: Clock;
  readonly #rng: Rng;
  readonly #spec: ComponentSpec<S>;
  #loop: PeriodicLoop | undefined = undefined;
  readonly #errorEmitter = new EventEmitter<unknown>();

  /** Fires when a loop step fails (the loop carries on). */
  readonly onError: Event<unknown> = this.#errorEmitter.event;

  protected constructor(spec: ComponentSpec<S>, options: ComponentBaseOptions<S>) {
    const where = spec.where;
    checkOptionsObject(where, options);
    // `?? default` only when there is one: a required id that is null is reported as null.
    this.id = checkId(
      where,
      'id',
      spec.defaultId === undefined ? options.id : (options.id ?? spec.defaultId),
    );
    const store = options.store as Partial<S> | undefined;
    if (
      typeof store?.[spec.storeMethod] !== 'function' ||
      (spec.isStore !== undefined && !spec.isStore(options.store))
    ) {
      throw new TypeError(`${where}: store must ${spec.storeRequirement ?? 'be a PlanStore'}`);
    }
    this.store = options.store;
    this.clock = checkClock(where, options.clock);
    this.#rng = checkRng(where, options.rng);
    this.#spec = spec;
  }

  /** The `targets` option, checked: undefined (every target in the store) or an array. */
  protected targetsOption(targets: readonly Target[] | undefined): readonly Target[] | undefined {
    if (targets !== undefined && !Array.isArray(targets)) {
      throw new TypeError(`${this.#spec.where}: targets must be an array of Target`);
    }
    return targets;
  }

  /** `policy`, or else the default {@link createStorePolicy} on this clock and a forked stream. */
  protected storePolicy(policy: Policy | undefined): Policy {
    return policy ?? createStorePolicy({ clock: this.clock, rng: this.#rng.fork('policy') });
  }

  /**
   * Builds the loop (checking `intervalMs` and `jitter`) that runs `step` between `start()`
   * and `stop()`; a step's error goes to `onError`. Call once, last in the constructor.
   */
  protected createLoop(
    options: ComponentBaseOptions<S>,
    step: (signal: AbortSignal) => Promise<unknown>,
  ): void {
    const where = this.#spec.where;
    this.#loop = new PeriodicLoop({
      name: where,
      clock: this.clock,
      rng: this.#rng.fork('loop'),
      intervalMs: checkNumberIn(
        where,
        'intervalMs',
        options.intervalMs ?? this.#spec.defaultIntervalMs,
        1,
        8.64e7,
      ),
      jitter: checkNumberIn(where, 'jitter', options.jitter ?? 0.2, 0, 0.99),
      step,
      onError: (e) => this.#errorEmitter.emit(e),
    });
  }

  /** Starts the loop (a step at once, then every `intervalMs` ± jitter). Idempotent. */
  start(): void {
    this.#theLoop().start();
  }

  /** Stops the loop, abandoning a step in progress; resolves when it has ended. */
  stop(): Promise<void> {
    return this.#theLoop().stop();
  }

  /** True while the loop runs. */
  get running(): boolean {
    return this.#theLoop().running;
  }

  #theLoop(): PeriodicLoop {
    if (this.#loop === undefined) {
      throw new Error(`${this.#spec.where}: the constructor did not create its loop`);
    }
    return this.#loop;
  }
}
