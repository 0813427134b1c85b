/**
 * @module
 * Builds the set of independent enactors (three by default, `enactor-a`, `enactor-b`,
 * `enactor-c`, as if one per availability zone), each with its own random stream and its
 * own resilience policy, so that one enactor's failures never slow the others.
 *
 * `mode` is the ONLY switch between the safe algorithm and the legacy model of 2025:
 * `'safe'` is the default; `'legacy'` must be asked for by name, and needs a store with the
 * legacy operations. Legacy mode exists to reproduce the outage and as the checker's
 * negative control, never to run a real zone.
 */
import type { Clock } from '../core/clock.js';
import type { Rng } from '../core/rng.js';
import { Enactor } from './enactor.js';
import type { EnactorOptions } from './enactor.js';
import { checkIntegerAtLeast, checkOptionsObject, checkRng } from './internal/options.js';
import { LegacyEnactor } from './legacy/legacy-enactor.js';
import { isLegacyPlanStore } from './legacy/legacy-store-ops.js';
import type { PlanStore } from './plan-store/plan-store.js';

/** Which algorithm the enactors run. */
export type DnsMode = 'safe' | 'legacy';

/** What both kinds of enactor offer: an id, one pass, and a loop. */
export interface EnactorLike {
  readonly id: string;
  runOnce(signal?: AbortSignal): Promise<unknown>;
  start(): void;
  stop(): Promise<void>;
  readonly running: boolean;
}

/** Options for {@link createEnactors}. */
export interface CreateEnactorsOptions extends Omit<
  EnactorOptions,
  'id' | 'rng' | 'store' | 'clock'
> {
  readonly store: PlanStore;
  readonly clock: Clock;
  /** Forked per enactor (by id). */
  readonly rng: Rng;
  /** Default `'safe'`. `'legacy'` builds the 2025 model (see `legacy/legacy-enactor.ts`). */
  readonly mode?: DnsMode;
  /** How many (≥ 1). Default 3. Ignored when `ids` is given. */
  readonly count?: number;
  /** Their ids. Default `enactor-a`, `enactor-b`, … */
  readonly ids?: readonly string[];
  /** Legacy mode only: the pause between check and apply, ms. */
  readonly applyDelayMs?: number;
  /** Legacy mode only: see `LegacyEnactorOptions.cleanupLagGenerations`. */
  readonly cleanupLagGenerations?: number;
}

/** The default id of the `i`-th enactor: `enactor-a`, …, `enactor-z`, `enactor-26`, … */
export function enactorId(i: number): string {
  return i < 26 ? `enactor-${String.fromCharCode(97 + i)}` : `enactor-${i}`;
}

/** Builds the enactors. See the module comment. */
export function createEnactors(options: CreateEnactorsOptions): EnactorLike[] {
  const where = 'createEnactors';
  checkOptionsObject(where, options);
  const rng = checkRng(where, options.rng);
  const mode = options.mode ?? 'safe';
  if (mode !== 'safe' && mode !== 'legacy') {
    throw new RangeError(`${where}: mode must be 'safe' or 'legacy', got '${String(mode)}'`);
  }
  const ids =
    options.ids ??
    Array.from({ length: checkIntegerAtLeast(where, 'count', options.count ?? 3, 1) }, (_, i) =>
      enactorId(i),
    );
  if (ids.length === 0) throw new RangeError(`${where}: ids must not be empty`);
  if (new Set(ids).size !== ids.length) throw new RangeError(`${where}: ids must be distinct`);
  if (mode === 'legacy') {
    const store = options.store;
    if (!isLegacyPlanStore(store)) {
      throw new TypeError(
        `${where}: mode 'legacy' needs a store with the legacy operations (a MemoryPlanStore)`,
      );
    }
    return ids.map(
      (id) =>
        new LegacyEnactor({
          id,
          store,
          clock: options.clock,
          rng: rng.fork(id),
          ...(options.applyDelayMs === undefined ? {} : { applyDelayMs: options.applyDelayMs }),
          ...(options.cleanupLagGenerations === undefined
            ? {}
            : { cleanupLagGenerations: options.cleanupLagGenerations }),
          ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
          ...(options.jitter === undefined ? {} : { jitter: options.jitter }),
        }),
    );
  }
  return ids.map(
    (id) =>
      new Enactor({
        id,
        store: options.store,
        clock: options.clock,
        rng: rng.fork(id),
        ...(options.targets === undefined ? {} : { targets: options.targets }),
        ...(options.policy === undefined ? {} : { policy: options.policy }),
        ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
        ...(options.jitter === undefined ? {} : { jitter: options.jitter }),
      }),
  );
}
