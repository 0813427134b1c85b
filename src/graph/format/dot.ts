/**
 * @module
 * `--format dot`: a Graphviz digraph (`dot -Tsvg`). Providers and regions are nested clusters;
 * `anyOf` groups are small diamond junctions; other failure domains are hexagons joined to
 * their members by dotted edges. Single points of failure are red, cycle edges orange, shared
 * fate purple, the target blue.
 */
import type { GraphAnalysis } from '../analyze.js';
import { drawing, isNestingDomain } from './internal/drawing.js';
import type { DrawNode } from './internal/drawing.js';

/** Escapes text for inside a DOT double-quoted string. */
function escapeDot(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** A DOT double-quoted string. */
function q(text: string): string {
  return `"${escapeDot(text)}"`;
}

function nodeAttrs(n: DrawNode): string {
  const a = new Map<string, string>();
  // `\n` is DOT's centred line break.
  a.set('label', n.marks.includes('spof') ? `"${escapeDot(n.label)}\\nSPOF"` : q(n.label));
  if (n.kind === 'anyOf') {
    a.set('shape', 'diamond').set('fontsize', '9').set('width', '0.3').set('height', '0.3');
  } else if (n.kind === 'domain') a.set('shape', 'hexagon');
  else a.set('shape', 'box').set('style', '"rounded,filled"').set('fillcolor', '"#ffffff"');
  if (n.marks.includes('target'))
    a.set('fillcolor', '"#dbeafe"').set('style', '"rounded,filled,bold"');
  if (n.marks.includes('spof')) {
    a.set('color', '"#c0392b"').set('penwidth', '3').set('fontcolor', '"#c0392b"');
  } else if (n.marks.includes('cycle')) a.set('color', '"#e67e22"').set('penwidth', '2');
  else if (n.marks.includes('shared-fate')) a.set('color', '"#8e44ad"').set('penwidth', '2');
  return [...a].map(([k, v]) => `${k}=${v}`).join(', ');
}

/** The analysis as a Graphviz digraph. */
export function formatDot(a: GraphAnalysis): string {
  const d = drawing(a);
  const spofs = new Set(a.spofs);
  const out: string[] = [
    `// breakwater graph — target ${a.target}`,
    'digraph breakwater {',
    '  rankdir=TB; compound=true; fontname="Helvetica";',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  const tree = new Map<string, Map<string, number[]>>();
  d.nodes.forEach((n, i) => {
    if (n.kind !== 'component') return;
    const p = n.provider !== undefined ? `provider:${n.provider}` : '';
    const r = n.region !== undefined ? `region:${n.region}` : '';
    const byRegion = tree.get(p) ?? new Map<string, number[]>();
    tree.set(p, byRegion);
    const list = byRegion.get(r) ?? [];
    byRegion.set(r, list);
    list.push(i);
  });
  let cluster = 0;
  const open = (id: string, indent: string): void => {
    out.push(`${indent}subgraph cluster_${cluster++} {`);
    out.push(
      `${indent}  label=${q(spofs.has(id) ? `${id} (SPOF)` : id)}; style="rounded,dashed";` +
        (spofs.has(id)
          ? ' color="#c0392b"; penwidth=3; fontcolor="#c0392b";'
          : ' color="#94a3b8";'),
    );
  };
  for (const [p, byRegion] of tree) {
    if (p !== '') open(p, '  ');
    const indent = p !== '' ? '    ' : '  ';
    for (const [r, list] of byRegion) {
      if (r !== '') open(r, indent);
      const inner = r !== '' ? indent + '  ' : indent;
      for (const i of list) out.push(`${inner}n${i} [${nodeAttrs(d.nodes[i]!)}];`);
      if (r !== '') out.push(`${indent}}`);
    }
    if (p !== '') out.push('  }');
  }
  d.nodes.forEach((n, i) => {
    if (n.kind === 'anyOf' || (n.kind === 'domain' && !isNestingDomain(n.id))) {
      out.push(`  n${i} [${nodeAttrs(n)}];`);
    }
  });
  for (const e of d.edges) {
    if (e.kind === 'member' && isNestingDomain(d.nodes[e.to]!.id)) continue;
    const attrs: string[] = [];
    if (e.kind === 'soft') attrs.push('style=dashed', 'label="soft"');
    if (e.kind === 'branch') attrs.push('style=dashed');
    if (e.kind === 'group') attrs.push('arrowhead=none');
    if (e.kind === 'member') attrs.push('style=dotted', 'arrowhead=none', 'color="#94a3b8"');
    if (e.marks.includes('cycle')) attrs.push('color="#e67e22"', 'penwidth=2.5');
    if (e.marks.includes('shared-fate')) attrs.push('color="#8e44ad"', 'penwidth=2');
    out.push(`  n${e.from} -> n${e.to}${attrs.length > 0 ? ` [${attrs.join(', ')}]` : ''};`);
  }
  if (d.omitted > 0)
    out.push(`  // ${d.omitted} components not drawn (only ${a.target}'s dependencies are)`);
  out.push('}');
  return out.join('\n') + '\n';
}
