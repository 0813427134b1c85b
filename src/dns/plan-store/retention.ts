/**
 * @module
 * The janitor's rule, as a pure function every store adapter evaluates INSIDE its atomic
 * delete (so the active generations it sees are the ones current at delete time — the
 * re-check that the 2025 clean-up lacked). Also the generation allocator's rule and the
 * checks of their arguments, so memory, SQLite and etcd stores agree exactly.
 *
 * A plan `g` may be deleted only when all of these hold:
 * - some target has an active generation (with none, any plan may be about to be applied);
 * - `g < min(active generations) − retain`, so no active plan, nothing at or above any
 *   active generation, and the `retain` plans below the oldest active one stay (for a
 *   rollback, and for an enactor that is applying one of them right now);
 * - `g` is not the newest plan (the one every target is converging to; if an active plan
 *   were ever found missing, it is what a reconciler re-publishes).
 */
import { checkIntegerAtLeast } from '../internal/options.js';
import { MIN_RETAIN } from './plan-store.js';

/** What the rule decides. */
export interface Deletable {
  /** The generations to delete, ascending. */
  readonly deletable: readonly number[];
  /** min(active) − retain, or undefined when no target has an active generation. */
  readonly floor: number | undefined;
}

/**
 * Which of `generations` (every plan held) may be deleted, given every target's active
 * generation (undefined for a target never activated) and `retain`.
 */
export function deletableGenerations(
  generations: Iterable<number>,
  activeGenerations: Iterable<number | undefined>,
  retain: number,
): Deletable {
  let minActive = Infinity;
  for (const a of activeGenerations) if (a !== undefined && a < minActive) minActive = a;
  if (minActive === Infinity) return { deletable: [], floor: undefined };
  const floor = minActive - retain;
  let newest = -Infinity;
  const all: number[] = [];
  for (const g of generations) {
    all.push(g);
    if (g > newest) newest = g;
  }
  const deletable = all.filter((g) => g < floor && g < newest).sort((a, b) => a - b);
  return { deletable, floor };
}

/** Throws a `RangeError`/`TypeError` naming `retain` unless it is an integer ≥ 2. */
export function checkRetain(where: string, retain: unknown): number {
  return checkIntegerAtLeast(where, 'retain', retain, MIN_RETAIN);
}

/**
 * The next generation to allocate: above the allocator's counter (generations are never
 * reused, even after their plan was deleted), above every plan held, and above every active
 * generation (so a plan written to repair a target always wins its compare-and-set, even if
 * the store's state was damaged).
 */
export function nextGeneration(
  counter: number,
  newestPlan: number | undefined,
  maxActive: number | undefined,
): number {
  return Math.max(counter, (newestPlan ?? 0) + 1, (maxActive ?? 0) + 1, 1);
}
