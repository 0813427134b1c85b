/**
 * @module
 * Exact availability of a target when every component and domain fails independently with
 * probability `1 − availability`, and what that means per year.
 *
 * "The target is down" is built as a binary decision diagram over the events that can fail
 * (0 < availability < 1; the others are constants), following the same equations as every other
 * analysis: down(c) = fails(c) ∨ ⋁ domains ∨ ⋁ hard deps ∨ ⋁_{anyOf} ⋀ branches, with cycles
 * solved by Kleene iteration from "up" (the least fixpoint; BDDs are canonical, so "no change"
 * is an identity test). Its probability is then exact — no sampling (see `internal/bdd.ts`).
 *
 * Variable order: depth-first from the target, a component's own event and its domains before
 * its dependencies — the "depth-first left-most" heuristic of fault-tree BDD tools, which keeps
 * events that combine close together.
 */
import type { CompiledGraph } from './compiled-graph.js';
import { eventIndex } from './compiled-graph.js';
import { Bdd, FALSE, TRUE } from './internal/bdd.js';
import { failSccs } from './internal/memo.js';

/** Minutes in a Julian year (365.25 days), the usual basis of "nines" downtime tables. */
export const MINUTES_PER_YEAR = 365.25 * 24 * 60;
/** Hours in a Julian year. */
export const HOURS_PER_YEAR = 365.25 * 24;

/** Options of {@link availability}. */
export interface AvailabilityOptions {
  /**
   * Node budget of the decision diagram (work is bounded to 16 steps per node); exceeding it
   * throws RangeError. Default 1,000,000, about a second of work.
   */
  readonly maxBddNodes?: number;
}

/** Availability of a target and what its downtime costs. */
export interface AvailabilityResult {
  /** P(target up), exact up to floating-point rounding. */
  readonly availability: number;
  /** P(target down), computed directly (not as 1 − availability, to keep its digits). */
  readonly unavailability: number;
  /** Expected minutes down per year. */
  readonly downtimeMinutesPerYear: number;
  /** Expected yearly cost of the target's downtime; 0 when it has no `outageCostPerHour`. */
  readonly expectedYearlyCost: number;
  /** Events that can fail (the diagram's variables). */
  readonly variables: number;
  /** Size of the decision diagram. */
  readonly bddNodes: number;
}

/** Computes the exact availability of `target`; see the module comment. */
export function availability(
  graph: CompiledGraph,
  target: string,
  options: AvailabilityOptions = {},
): AvailabilityResult {
  const maxNodes = options.maxBddNodes ?? 1_000_000;
  if (!Number.isInteger(maxNodes) || maxNodes < 16) {
    throw new RangeError(`availability: maxBddNodes must be an integer ≥ 16, got ${maxNodes}`);
  }
  const t = eventIndex(graph, target, 'component');
  if (t >= graph.componentCount) {
    throw new TypeError(`availability: '${target}' is a failure domain, not a component`);
  }
  const g = graph;
  const n = g.componentCount;
  const q = g.failureProbability;

  // Variable order: depth-first from the target (iterative, so deep chains are fine).
  const varOf = new Int32Array(g.eventCount).fill(-1);
  const probs: number[] = [];
  const inClosure = new Uint8Array(n);
  const assign = (e: number): void => {
    if (varOf[e] !== -1) return;
    const p = q[e]!;
    if (p > 0 && p < 1) {
      varOf[e] = probs.length;
      probs.push(p);
    } else varOf[e] = -2; // a constant: never fails (p = 0) or always failed (p = 1)
  };
  // First the closure, then the order: failure domains shared by many components go first
  // (every component under them is a function of them), then components depth-first.
  const order: number[] = [];
  const stack = [t];
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (inClosure[c] === 1) continue;
    inClosure[c] = 1;
    order.push(c);
    for (let e = g.fail.start[c + 1]! - 1; e >= g.fail.start[c]!; e--) {
      const d = g.fail.to[e]!;
      if (inClosure[d] === 0) stack.push(d);
    }
  }
  const members = new Int32Array(g.eventCount);
  for (const c of order) {
    for (let e = g.domains.start[c]!; e < g.domains.start[c + 1]!; e++)
      members[g.domains.to[e]!]!++;
  }
  const domainsByUse: number[] = [];
  for (let e = n; e < g.eventCount; e++) if (members[e]! > 0) domainsByUse.push(e);
  domainsByUse.sort((a, b) => members[b]! - members[a]! || a - b);
  for (const e of domainsByUse) assign(e);
  for (const c of order) assign(c);

  const bdd = new Bdd(maxNodes);
  const leaf = (e: number): number => {
    const v = varOf[e]!;
    if (v >= 0) return bdd.variable(v);
    return q[e]! >= 1 ? TRUE : FALSE;
  };
  const fn = new Int32Array(n); // BDD of "c is down"; FALSE until computed
  const formula = (c: number): number => {
    let f = leaf(c);
    for (let e = g.domains.start[c]!; e < g.domains.start[c + 1]!; e++) {
      f = bdd.or(f, leaf(g.domains.to[e]!));
    }
    for (let e = g.hard.start[c]!; e < g.hard.start[c + 1]!; e++) f = bdd.or(f, fn[g.hard.to[e]!]!);
    for (let e = g.groups.start[c]!; e < g.groups.start[c + 1]!; e++) {
      const grp = g.groups.to[e]!;
      let all = TRUE;
      for (let k = g.branches.start[grp]!; k < g.branches.start[grp + 1]!; k++) {
        all = bdd.and(all, fn[g.branches.to[k]!]!);
      }
      f = bdd.or(f, all);
    }
    return f;
  };
  const sccs = failSccs(g);
  try {
    for (let s = 0; s < sccs.count; s++) {
      const ms = sccs.members.start[s]!;
      const me = sccs.members.start[s + 1]!;
      if (inClosure[sccs.members.to[ms]!] === 0) continue;
      if (sccs.cyclic[s] === 0) {
        const c = sccs.members.to[ms]!;
        fn[c] = formula(c);
        continue;
      }
      let changed = true;
      while (changed) {
        changed = false;
        for (let k = ms; k < me; k++) {
          const c = sccs.members.to[k]!;
          const f = formula(c);
          if (f !== fn[c]) {
            fn[c] = f;
            changed = true;
          }
        }
      }
    }
  } catch (err) {
    if (err instanceof Error && (err.name === 'BddTooLargeError' || err instanceof RangeError)) {
      throw new RangeError(
        `availability of '${target}': the exact computation is too large (${err.message}); ` +
          'raise maxBddNodes or analyse a smaller part of the catalogue',
        { cause: err },
      );
    }
    throw err;
  }
  const down = bdd.probability(fn[t]!, Float64Array.from(probs));
  const cost = g.outageCostPerHour[t]!;
  return {
    availability: 1 - down,
    unavailability: down,
    downtimeMinutesPerYear: down * MINUTES_PER_YEAR,
    expectedYearlyCost: Number.isNaN(cost) ? 0 : down * HOURS_PER_YEAR * cost,
    variables: probs.length,
    bddNodes: bdd.size,
  };
}
