/**
 * @module
 * `--format mermaid`: a Mermaid flowchart (renders in GitHub, GitLab and most wikis). Providers
 * and regions are nested subgraphs, so "multi-region is not multi-provider" shows at a glance;
 * `anyOf` groups are hexagon junctions; other failure domains are rounded nodes joined to their
 * members by dotted links. Single points of failure are drawn in red, cycles in orange, shared
 * fate in purple.
 */
import type { GraphAnalysis } from '../analyze.js';
import { drawing, isNestingDomain } from './internal/drawing.js';
import type { DrawNode } from './internal/drawing.js';

/** Mermaid-safe quoted label (Mermaid's entity codes for quotes and angle brackets). */
function label(text: string): string {
  return `"${text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')}"`;
}

/** The analysis as a Mermaid flowchart. */
export function formatMermaid(a: GraphAnalysis): string {
  const d = drawing(a);
  const out: string[] = [`%% breakwater graph — target ${a.target}`, 'flowchart TD'];
  const name = (i: number): string => `n${i}`;
  const spofs = new Set(a.spofs);
  const shown = (n: DrawNode): string => {
    const title = n.marks.includes('spof') ? `⚠ ${n.label}` : n.label;
    if (n.kind === 'anyOf') return `${label(title)}`;
    return label(title);
  };
  // Nesting: provider → region → components.
  const tree = new Map<string, Map<string, number[]>>();
  const loose: number[] = [];
  d.nodes.forEach((n, i) => {
    if (n.kind !== 'component') return;
    if (n.provider === undefined && n.region === undefined) {
      loose.push(i);
      return;
    }
    const p = n.provider !== undefined ? `provider:${n.provider}` : '';
    const r = n.region !== undefined ? `region:${n.region}` : '';
    const byRegion = tree.get(p) ?? new Map<string, number[]>();
    tree.set(p, byRegion);
    const list = byRegion.get(r) ?? [];
    byRegion.set(r, list);
    list.push(i);
  });
  let sub = 0;
  const styled: string[] = [];
  const openSub = (id: string, indent: string): void => {
    const s = `s${sub++}`;
    out.push(`${indent}subgraph ${s}[${label(spofs.has(id) ? `⚠ ${id} (SPOF)` : id)}]`);
    if (spofs.has(id)) styled.push(`  style ${s} stroke:#c0392b,stroke-width:3px`);
  };
  for (const [p, byRegion] of tree) {
    if (p !== '') openSub(p, '  ');
    const indent = p !== '' ? '    ' : '  ';
    for (const [r, list] of byRegion) {
      if (r !== '') openSub(r, indent);
      const inner = r !== '' ? indent + '  ' : indent;
      for (const i of list) out.push(`${inner}${name(i)}[${shown(d.nodes[i]!)}]`);
      if (r !== '') out.push(`${indent}end`);
    }
    if (p !== '') out.push('  end');
  }
  for (const i of loose) out.push(`  ${name(i)}[${shown(d.nodes[i]!)}]`);
  d.nodes.forEach((n, i) => {
    if (n.kind === 'anyOf') out.push(`  ${name(i)}{{${shown(n)}}}`);
    if (n.kind === 'domain' && !isNestingDomain(n.id)) out.push(`  ${name(i)}([${shown(n)}])`);
  });
  const linkStyles: string[] = [];
  let link = 0;
  for (const e of d.edges) {
    const to = d.nodes[e.to]!;
    if (e.kind === 'member' && isNestingDomain(to.id)) continue;
    const arrow =
      e.kind === 'soft'
        ? '-. soft .->'
        : e.kind === 'member'
          ? '-.-'
          : e.kind === 'branch'
            ? '-.->'
            : '-->';
    out.push(`  ${name(e.from)} ${arrow} ${name(e.to)}`);
    if (e.marks.includes('cycle'))
      linkStyles.push(`  linkStyle ${link} stroke:#e67e22,stroke-width:3px`);
    else if (e.marks.includes('shared-fate'))
      linkStyles.push(`  linkStyle ${link} stroke:#8e44ad,stroke-width:2px`);
    link++;
  }
  out.push(
    '  classDef target fill:#dbeafe,stroke:#1d4ed8,stroke-width:2px',
    '  classDef spof fill:#fde2e1,stroke:#c0392b,stroke-width:3px',
    '  classDef cycle fill:#fdebd0,stroke:#e67e22,stroke-width:2px',
    '  classDef shared fill:#efe1f7,stroke:#8e44ad,stroke-width:2px',
  );
  const byClass = (cls: string, pred: (n: DrawNode) => boolean): void => {
    const ids = d.nodes.flatMap((n, i) =>
      pred(n) && !(n.kind === 'domain' && isNestingDomain(n.id)) ? [name(i)] : [],
    );
    if (ids.length > 0) out.push(`  class ${ids.join(',')} ${cls}`);
  };
  byClass('shared', (n) => n.marks.includes('shared-fate') && !n.marks.includes('spof'));
  byClass('cycle', (n) => n.marks.includes('cycle') && !n.marks.includes('spof'));
  byClass('spof', (n) => n.marks.includes('spof'));
  byClass('target', (n) => n.marks.includes('target'));
  out.push(...styled, ...linkStyles);
  if (d.omitted > 0)
    out.push(`%% ${d.omitted} components not drawn (only ${a.target}'s dependencies are)`);
  return out.join('\n') + '\n';
}
