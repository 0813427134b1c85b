/**
 * @module
 * The analysis as a list of findings by severity, shared by the text and HTML reports so both
 * tell the same story in the same order. Severity follows what a finding means for the target:
 * *critical* — it goes down (or never starts) on one failure; *high* — redundancy that one
 * failure defeats; *medium* — combinations of independent failures; *info* — the numbers.
 */
import type { GraphAnalysis } from '../../analyze.js';

/** How bad a finding is. */
export type Severity = 'critical' | 'high' | 'medium' | 'info';

/** One finding. */
export interface Finding {
  readonly severity: Severity;
  /** What kind of finding (stable, for styling and tests). */
  readonly kind:
    'deadlock' | 'cycle' | 'spof' | 'shared-fate' | 'cut-set' | 'availability' | 'blast-radius';
  /** One line. */
  readonly title: string;
  /** Optional second line. */
  readonly detail?: string;
  /** The ids the finding is about (for highlighting). */
  readonly ids: readonly string[];
}

/** Formats a count with its noun. */
export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}

/** A number with thousands separators and at most `digits` decimals (locale-independent). */
export function formatNumber(x: number, digits = 0): string {
  const fixed = x.toFixed(digits);
  const [int, frac] = fixed.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return frac !== undefined && /[1-9]/.test(frac)
    ? `${grouped}.${frac.replace(/0+$/, '')}`
    : grouped;
}

/** Availability as a percentage with enough digits to show its nines. */
export function formatAvailability(a: number): string {
  if (a >= 1) return '100%';
  const nines = Math.max(0, Math.floor(-Math.log10(1 - a)));
  return `${(a * 100).toFixed(Math.min(8, Math.max(2, nines)))}%`;
}

/** Minutes as a human duration. */
export function formatMinutes(min: number): string {
  if (min < 1) return `${formatNumber(min * 60, 1)} s`;
  if (min < 120) return `${formatNumber(min, 1)} min`;
  if (min < 48 * 60) return `${formatNumber(min / 60, 1)} h`;
  return `${formatNumber(min / 1440, 1)} days`;
}

/** Builds the findings of an analysis, most severe first. */
export function findings(a: GraphAnalysis): Finding[] {
  const out: Finding[] = [];
  const g = a.graph;
  const isDomain = (id: string): boolean => (g.indexOf.get(id) ?? 0) >= g.componentCount;
  const br = a.blastRadius;

  if (a.coldStart.deadlocked.length > 0) {
    const dl = a.coldStart.deadlocked;
    out.push({
      severity: 'critical',
      kind: 'deadlock',
      title: `cold-start deadlock: ${plural(dl.length, 'component')} never come${dl.length === 1 ? 's' : ''} up from a cold start; an operator must break the loop`,
      detail: `never up: ${dl.join(', ')}`,
      ids: dl,
    });
  }
  for (const cycle of a.cycles) {
    out.push({
      severity: 'critical',
      kind: 'cycle',
      title: `hard-dependency cycle: ${[...cycle, cycle[0]!].join(' → ')}`,
      ids: cycle,
    });
  }
  for (const id of a.spofs) {
    const r = br.of(id);
    out.push({
      severity: 'critical',
      kind: 'spof',
      title: `single point of failure of ${a.target}: ${id} (${isDomain(id) ? 'domain' : 'component'})`,
      detail:
        `its failure takes down ${plural(r.failed.length, 'component')}` +
        (r.degraded.length > 0 ? ` and degrades ${r.degraded.length}` : ''),
      ids: [id],
    });
  }
  for (const s of a.sharedFate) {
    out.push({
      severity: 'high',
      kind: 'shared-fate',
      title: `shared fate: ${s.component} needs any of [${s.anyOf.join(', ')}] — redundancy defeated by ${s.sharedBy.join(', ')}`,
      ids: [...s.anyOf, ...s.sharedBy],
    });
  }
  for (const set of a.cutSets) {
    if (set.length < 2) continue;
    out.push({
      severity: 'medium',
      kind: 'cut-set',
      title: `cut set of order ${set.length}: {${set.join(', ')}} fail together → ${a.target} is down`,
      ids: set,
    });
  }
  const av = a.availability;
  if (av !== undefined) {
    const cost = g.outageCostPerHour[g.indexOf.get(a.target)!]!;
    out.push({
      severity: 'info',
      kind: 'availability',
      title:
        `availability of ${a.target}: ${formatAvailability(av.availability)} — ${formatMinutes(av.downtimeMinutesPerYear)} down a year` +
        (Number.isNaN(cost)
          ? ' (no outageCostPerHour, so no cost)'
          : `, expected cost ${formatNumber(av.expectedYearlyCost)} a year at ${formatNumber(cost)}/h`),
      detail: `exact, over ${plural(av.variables, 'event')} that can fail (decision diagram of ${plural(av.bddNodes, 'node')})`,
      ids: [a.target],
    });
  } else {
    out.push({
      severity: 'info',
      kind: 'availability',
      title: `availability of ${a.target}: not computed — ${a.availabilityError ?? 'too large'}`,
      ids: [a.target],
    });
  }
  // The widest blast radius says where a failure hurts most.
  const counts = br.counts();
  let best = -1;
  for (let e = 0; e < g.eventCount; e++) {
    if (best === -1 || counts.failed[e]! > counts.failed[best]!) best = e;
  }
  if (best >= 0 && counts.failed[best]! > 0) {
    out.push({
      severity: 'info',
      kind: 'blast-radius',
      title: `widest blast radius: ${g.ids[best]!} — takes down ${plural(counts.failed[best]!, 'component')}, degrades ${counts.degraded[best]!}`,
      ids: [g.ids[best]!],
    });
  }
  return out;
}
