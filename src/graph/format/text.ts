/**
 * @module
 * The default human report of `breakwater graph analyze`: findings by severity (see
 * `internal/findings.ts`), then the target's dependency tree with what each node means for it,
 * then the what-if when failures were given. Long lists are cut with a count of what was left
 * out, so a 10,000-component catalogue still prints a readable page.
 */
import type { GraphAnalysis } from '../analyze.js';
import type { CompiledGraph } from '../compiled-graph.js';
import {
  findings,
  formatAvailability,
  formatMinutes,
  formatNumber,
  plural,
} from './internal/findings.js';
import type { Severity } from './internal/findings.js';

/** Options of {@link formatText}. */
export interface FormatTextOptions {
  /** Most findings shown per severity. Default 25. */
  readonly maxFindingsPerSeverity?: number;
  /** Most lines of the dependency tree. Default 200. */
  readonly maxTreeLines?: number;
}

const MARK: Record<Severity, string> = { critical: '✖', high: '▲', medium: '●', info: 'ℹ' };

/** The analysis as text. */
export function formatText(a: GraphAnalysis, options: FormatTextOptions = {}): string {
  const maxFindings = options.maxFindingsPerSeverity ?? 25;
  const maxTree = options.maxTreeLines ?? 200;
  const g = a.graph;
  const lines: string[] = [];
  const groups = g.groupOwner.length;
  lines.push(`breakwater graph — target ${a.target}`);
  lines.push(
    `catalogue: ${a.catalogue.sources.join(', ') || '(in memory)'} — ` +
      `${plural(g.componentCount, 'component')}, ${plural(g.domainCount, 'failure domain')}, ` +
      `${plural(groups, 'anyOf group')}`,
  );
  const all = findings(a);
  for (const severity of ['critical', 'high', 'medium', 'info'] as const) {
    const list = all.filter((f) => f.severity === severity);
    if (list.length === 0) continue;
    lines.push('', severity.toUpperCase());
    for (const f of list.slice(0, maxFindings)) {
      lines.push(`  ${MARK[severity]} ${f.title}`);
      if (f.detail !== undefined) lines.push(`      ${f.detail}`);
    }
    if (list.length > maxFindings) lines.push(`  … and ${list.length - maxFindings} more`);
  }
  if (!all.some((f) => f.kind === 'spof')) {
    lines.push(
      '',
      `No single point of failure: no one component or domain takes ${a.target} down.`,
    );
  }
  lines.push('', ...tree(a, maxTree));
  if (a.whatIf !== undefined) lines.push('', ...whatIfLines(a));
  return lines.join('\n') + '\n';
}

function tree(a: GraphAnalysis, maxLines: number): string[] {
  const g = a.graph;
  const spof = new Set(a.spofs);
  const inCycle = new Set(a.cycles.flat());
  const deadlocked = new Set(a.coldStart.deadlocked);
  const depth = a.dependencies.reduce((m, d) => Math.max(m, d.depth), 0);
  const out = [
    `DEPENDENCIES OF ${a.target} (${plural(a.dependencies.length, 'component or domain', 'components and domains')}, ${plural(depth, 'level')} deep)`,
  ];
  const tags = (c: number): string => {
    const id = g.ids[c]!;
    const t: string[] = [];
    if (spof.has(id)) t.push('SPOF');
    if (inCycle.has(id)) t.push('cycle');
    if (deadlocked.has(id)) t.push('no cold start');
    const where: string[] = [];
    const spec = a.catalogue.components[c];
    if (spec?.region !== undefined) where.push(spec.region);
    if (spec?.provider !== undefined) where.push(spec.provider);
    for (const d of spec?.domains ?? []) {
      if (!d.startsWith('region:') && !d.startsWith('provider:')) where.push(d);
    }
    return (
      (where.length > 0 ? `  (${where.join(' · ')})` : '') +
      (t.length > 0 ? `  ${t.join(', ')}` : '')
    );
  };
  const shown = new Set<number>();
  let budget = maxLines;
  let cut = 0;
  const walk = (c: number, prefix: string, label: string, last: boolean, root: boolean): void => {
    if (budget <= 0) {
      cut++;
      return;
    }
    budget--;
    const branch = root ? '' : last ? '└─ ' : '├─ ';
    const seen = shown.has(c);
    out.push(`${prefix}${branch}${label}${g.ids[c]!}${seen ? '  (see above)' : tags(c)}`);
    if (seen) return;
    shown.add(c);
    const kids = children(g, c);
    const next = root ? '' : prefix + (last ? '   ' : '│  ');
    kids.forEach((k, i) => walk(k.c, next, k.label, i === kids.length - 1, false));
  };
  const t = g.indexOf.get(a.target)!;
  walk(t, '', '', true, true);
  if (cut > 0) out.push(`… ${cut} more lines not shown`);
  return out;
}

function children(g: CompiledGraph, c: number): { c: number; label: string }[] {
  const kids: { c: number; label: string }[] = [];
  for (let e = g.hard.start[c]!; e < g.hard.start[c + 1]!; e++)
    kids.push({ c: g.hard.to[e]!, label: '' });
  for (let e = g.groups.start[c]!; e < g.groups.start[c + 1]!; e++) {
    const grp = g.groups.to[e]!;
    const n = g.branches.start[grp + 1]! - g.branches.start[grp]!;
    for (let k = g.branches.start[grp]!; k < g.branches.start[grp + 1]!; k++) {
      kids.push({ c: g.branches.to[k]!, label: `(any of ${n}) ` });
    }
  }
  for (let e = g.soft.start[c]!; e < g.soft.start[c + 1]!; e++)
    kids.push({ c: g.soft.to[e]!, label: '(soft) ' });
  return kids;
}

function whatIfLines(a: GraphAnalysis): string[] {
  const w = a.whatIf!;
  const by = (s: string): string[] => Object.keys(w.states).filter((id) => w.states[id] === s);
  const failed = by('failed');
  const degraded = by('degraded');
  const up = by('up');
  const target = w.states[a.target] ?? 'up';
  return [
    `WHAT IF ${w.failed.join(', ')} ${w.failed.length === 1 ? 'FAILS' : 'FAIL'}: ${a.target} is ${target.toUpperCase()}`,
    `  failed (${failed.length}): ${failed.join(', ') || '—'}`,
    `  degraded (${degraded.length}): ${degraded.join(', ') || '—'}`,
    `  up (${up.length}): ${up.join(', ') || '—'}`,
  ];
}

/** Several architectures side by side (`--compare`): the numbers, then each one's weak spots. */
export function formatTextComparison(analyses: readonly GraphAnalysis[]): string {
  const names = analyses.map((a) => a.catalogue.sources.join(' + ') || '(in memory)');
  const rows: [string, ...string[]][] = [
    ['', ...names],
    ['target', ...analyses.map((a) => a.target)],
    [
      'availability',
      ...analyses.map((a) =>
        a.availability ? formatAvailability(a.availability.availability) : 'n/a',
      ),
    ],
    [
      'downtime a year',
      ...analyses.map((a) =>
        a.availability ? formatMinutes(a.availability.downtimeMinutesPerYear) : 'n/a',
      ),
    ],
    [
      'expected cost a year',
      ...analyses.map((a) =>
        a.availability ? formatNumber(a.availability.expectedYearlyCost) : 'n/a',
      ),
    ],
    ['single points of failure', ...analyses.map((a) => String(a.spofs.length))],
    [
      `cut sets (order ≤ ${Math.max(...analyses.map((a) => a.maxOrder))})`,
      ...analyses.map((a) => String(a.cutSets.length)),
    ],
    ['anyOf with shared fate', ...analyses.map((a) => String(a.sharedFate.length))],
    ['hard cycles', ...analyses.map((a) => String(a.cycles.length))],
    ['cold-start deadlocks', ...analyses.map((a) => String(a.coldStart.deadlocked.length))],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = ['breakwater graph — comparison', ''];
  for (const r of rows)
    lines.push(
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('   ')
        .trimEnd(),
    );
  const base = analyses[0]?.availability;
  if (base !== undefined) {
    lines.push('');
    analyses.slice(1).forEach((a, i) => {
      if (a.availability === undefined) return;
      const saved = base.expectedYearlyCost - a.availability.expectedYearlyCost;
      const minutes = base.downtimeMinutesPerYear - a.availability.downtimeMinutesPerYear;
      lines.push(
        `${names[i + 1]!} vs ${names[0]!}: ${minutes >= 0 ? formatMinutes(minutes) + ' less' : formatMinutes(-minutes) + ' more'} downtime a year, ` +
          `expected cost ${saved >= 0 ? 'lower by ' + formatNumber(saved) : 'higher by ' + formatNumber(-saved)} a year`,
      );
    });
  }
  for (const [i, a] of analyses.entries()) {
    lines.push('', `${names[i]!}:`);
    lines.push(`  SPOFs: ${a.spofs.join(', ') || 'none'}`);
    for (const s of a.sharedFate) {
      lines.push(
        `  shared fate: ${s.component} any of [${s.anyOf.join(', ')}] defeated by ${s.sharedBy.join(', ')}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
