/**
 * @module
 * Brute-force reference for the graph analyses, written to be obviously right rather than fast:
 * "down" is recomputed by naive fixpoint iteration from all-up for every failure combination,
 * and every answer is read off the full table of 2^events combinations. The property tests
 * compare the real, clever analyses with it on small random catalogues (cycles, soft edges,
 * anyOf groups, domains, availabilities of 0 and 1 included).
 */
import type { Catalogue } from '../../src/graph/catalogue.js';

/** A catalogue flattened for the reference: events are components then domains. */
export interface RefGraph {
  readonly ids: readonly string[];
  readonly n: number;
  readonly hard: readonly (readonly number[])[];
  readonly soft: readonly (readonly number[])[];
  readonly groups: readonly (readonly (readonly number[])[])[];
  readonly domains: readonly (readonly number[])[];
  /** Probability each event fails on its own. */
  readonly q: readonly number[];
}

/** Flattens a catalogue. */
export function refGraph(cat: Catalogue): RefGraph {
  const ids = [...cat.components.map((c) => c.id), ...cat.domains.map((d) => d.id)];
  const at = (id: string): number => ids.indexOf(id);
  return {
    ids,
    n: cat.components.length,
    hard: cat.components.map((c) =>
      c.dependsOn.flatMap((d) => (d.kind === 'hard' ? [at(d.id)] : [])),
    ),
    soft: cat.components.map((c) =>
      c.dependsOn.flatMap((d) => (d.kind === 'soft' ? [at(d.id)] : [])),
    ),
    groups: cat.components.map((c) =>
      c.dependsOn.flatMap((d) => (d.kind === 'anyOf' ? [d.ids.map(at)] : [])),
    ),
    domains: cat.components.map((c) => c.domains.map(at)),
    q: [
      ...cat.components.map((c) => 1 - c.availability),
      ...cat.domains.map((d) => 1 - d.availability),
    ],
  };
}

/** Which components are down when exactly the events in `failed` fail (naive least fixpoint). */
export function refDown(g: RefGraph, failed: ReadonlySet<number>): boolean[] {
  const down = new Array<boolean>(g.n).fill(false);
  let changed = true;
  while (changed) {
    changed = false;
    for (let c = 0; c < g.n; c++) {
      if (down[c]) continue;
      const d =
        failed.has(c) ||
        g.domains[c]!.some((e) => failed.has(e)) ||
        g.hard[c]!.some((x) => down[x]) ||
        g.groups[c]!.some((grp) => grp.every((x) => down[x]));
      if (d) {
        down[c] = true;
        changed = true;
      }
    }
  }
  return down;
}

/** Components not down that reach a down one through any edge. */
export function refDegraded(g: RefGraph, down: readonly boolean[]): boolean[] {
  const reaches = (c: number, seen: Set<number>): boolean => {
    if (seen.has(c)) return false;
    seen.add(c);
    const next = [...g.hard[c]!, ...g.soft[c]!, ...g.groups[c]!.flat()];
    return next.some((x) => down[x] || reaches(x, seen));
  };
  return down.map((d, c) => !d && reaches(c, new Set()));
}

function subsets(events: number, maxSize: number): number[][] {
  const out: number[][] = [];
  const rec = (from: number, cur: number[]): void => {
    if (cur.length > 0) out.push([...cur]);
    if (cur.length === maxSize) return;
    for (let e = from; e < events; e++) rec(e + 1, [...cur, e]);
  };
  rec(0, []);
  return out;
}

const sortIds = (a: string[]): string[] => a.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

/** Single points of failure of component t (t itself left out). */
export function refSpofs(g: RefGraph, t: number): string[] {
  const out: string[] = [];
  for (let e = 0; e < g.ids.length; e++) {
    if (e !== t && refDown(g, new Set([e]))[t]) out.push(g.ids[e]!);
  }
  return sortIds(out);
}

/** Minimal cut sets of t up to `maxOrder`, without {t}, sorted like the real analysis. */
export function refCutSets(g: RefGraph, t: number, maxOrder: number): string[][] {
  const kills = (s: readonly number[]): boolean => refDown(g, new Set(s))[t]!;
  const all = subsets(g.ids.length, maxOrder).filter((s) => !(s.length === 1 && s[0] === t));
  const cuts = all.filter(kills);
  const minimal = cuts.filter(
    (s) => !subsets(s.length, s.length - 1).some((idx) => kills(idx.map((i) => s[i]!))),
  );
  return minimal
    .map((s) => sortIds(s.map((e) => g.ids[e]!)))
    .sort((a, b) => a.length - b.length || a.join('\u0000').localeCompare(b.join('\u0000')));
}

/** P(t up) by summing over every combination of failures. */
export function refAvailability(g: RefGraph, t: number): number {
  const E = g.ids.length;
  let up = 0;
  for (let mask = 0; mask < 1 << E; mask++) {
    let p = 1;
    const failed = new Set<number>();
    for (let e = 0; e < E; e++) {
      if (mask & (1 << e)) {
        p *= g.q[e]!;
        failed.add(e);
      } else p *= 1 - g.q[e]!;
    }
    if (p === 0) continue;
    if (!refDown(g, failed)[t]) up += p;
  }
  return up;
}

/** Blast radius of every event by failing it alone. */
export function refBlastRadius(
  g: RefGraph,
): Record<string, { failed: string[]; degraded: string[] }> {
  const out: Record<string, { failed: string[]; degraded: string[] }> = {};
  for (let e = 0; e < g.ids.length; e++) {
    const down = refDown(g, new Set([e]));
    const degraded = refDegraded(g, down);
    out[g.ids[e]!] = {
      failed: sortIds(g.ids.slice(0, g.n).filter((_, c) => down[c] && c !== e)),
      degraded: sortIds(g.ids.slice(0, g.n).filter((_, c) => degraded[c])),
    };
  }
  return out;
}

/** Shared fate of every anyOf with at least two branches: events that alone kill every branch. */
export function refSharedFate(g: RefGraph): { anyOf: string[]; sharedBy: string[] }[] {
  const out: { anyOf: string[]; sharedBy: string[] }[] = [];
  for (let c = 0; c < g.n; c++) {
    for (const grp of g.groups[c]!) {
      const branches = [...new Set(grp)];
      if (branches.length < 2) continue;
      const sharedBy: string[] = [];
      for (let e = 0; e < g.ids.length; e++) {
        const down = refDown(g, new Set([e]));
        if (branches.every((b) => down[b])) sharedBy.push(g.ids[e]!);
      }
      if (sharedBy.length > 0)
        out.push({ anyOf: grp.map((b) => g.ids[b]!), sharedBy: sortIds(sharedBy) });
    }
  }
  return out;
}

/** Components that never come up from a cold start. */
export function refColdStartDeadlocks(g: RefGraph): string[] {
  const up = new Array<boolean>(g.n).fill(false);
  let changed = true;
  while (changed) {
    changed = false;
    for (let c = 0; c < g.n; c++) {
      if (up[c]) continue;
      if (g.hard[c]!.every((x) => up[x]) && g.groups[c]!.every((grp) => grp.some((x) => up[x]))) {
        up[c] = true;
        changed = true;
      }
    }
  }
  return sortIds(g.ids.slice(0, g.n).filter((_, c) => !up[c]));
}

/** Hard cycles as sorted member lists, sorted. */
export function refHardCycles(g: RefGraph): string[][] {
  const reach = (from: number, to: number): boolean => {
    const seen = new Set<number>();
    const stack = [...g.hard[from]!];
    while (stack.length > 0) {
      const x = stack.pop()!;
      if (x === to) return true;
      if (seen.has(x)) continue;
      seen.add(x);
      stack.push(...g.hard[x]!);
    }
    return false;
  };
  const done = new Set<number>();
  const out: string[][] = [];
  for (let c = 0; c < g.n; c++) {
    if (done.has(c) || !reach(c, c)) continue;
    const members = [c];
    for (let d = 0; d < g.n; d++) if (d !== c && reach(c, d) && reach(d, c)) members.push(d);
    for (const m of members) done.add(m);
    out.push(sortIds(members.map((m) => g.ids[m]!)));
  }
  return out.sort((a, b) => a.join(',').localeCompare(b.join(',')));
}
