/**
 * @module
 * `--format html`: one self-contained page — no network, inline style and script — that draws
 * the dependency graph with single points of failure (red), hard cycles (orange) and shared
 * fate (purple) marked, lists the findings by severity, and shows the blast radius of any node
 * when it is clicked (what fails in red, what is degraded in amber).
 *
 * The layout is computed here (`internal/layered-layout.ts`) and shipped as data; the inline
 * script only builds the SVG and handles clicks. The page sets `data-rendered="true"` on
 * `<body>` once drawn, which the headless-Chromium test waits for.
 */
import type { GraphAnalysis } from '../analyze.js';
import { drawing } from './internal/drawing.js';
import { findings, formatAvailability, formatMinutes, formatNumber } from './internal/findings.js';
import { layeredLayout } from './internal/layered-layout.js';

/** Options of {@link formatHtml}. */
export interface FormatHtmlOptions {
  /** Page title; by default names the target. */
  readonly title?: string;
  /** Most components drawn (see the drawing's cut-down rule). Default 300. */
  readonly maxComponents?: number;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe to put inside a `<script>` element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The analysis as a self-contained HTML page. */
export function formatHtml(a: GraphAnalysis, options: FormatHtmlOptions = {}): string {
  const d = drawing(a, { maxComponents: options.maxComponents ?? 300 });
  const charW = 7.2;
  const boxes = d.nodes.map((n) => {
    if (n.kind === 'anyOf') return { width: 64, height: 34 };
    const sub = n.kind === 'component' ? [n.region, n.provider].filter(Boolean).join(' · ') : '';
    const w = Math.max(n.label.length, sub.length * 0.85) * charW + 28;
    return {
      width: Math.max(70, w),
      height: n.kind === 'domain' ? 30 : 44,
      bottom: n.kind === 'domain',
    };
  });
  const layout = layeredLayout(
    boxes,
    d.edges.filter((e) => e.kind !== 'member'),
  );
  const blast: Record<string, { failed: readonly string[]; degraded: readonly string[] }> = {};
  for (const n of d.nodes) if (n.kind !== 'anyOf') blast[n.id] = a.blastRadius.of(n.id);
  const data = {
    target: a.target,
    width: Math.ceil(layout.width),
    height: Math.ceil(layout.height),
    nodes: d.nodes.map((n, i) => ({
      key: n.key,
      kind: n.kind,
      id: n.id,
      label: n.label,
      sub: n.kind === 'component' ? [n.region, n.provider].filter(Boolean).join(' · ') : '',
      marks: n.marks,
      x: Math.round(layout.x[i]!),
      y: Math.round(layout.y[i]!),
      w: Math.round(boxes[i]!.width),
      h: boxes[i]!.height,
    })),
    edges: d.edges.map((e) => ({ from: e.from, to: e.to, kind: e.kind, marks: e.marks })),
    blast,
  };
  const all = findings(a);
  const av = a.availability;
  const title = options.title ?? `breakwater graph — ${a.target}`;
  const card = (label: string, value: string, tone = ''): string =>
    `<div class="card ${tone}"><div class="v">${esc(value)}</div><div class="l">${esc(label)}</div></div>`;
  const cards = [
    card('availability', av ? formatAvailability(av.availability) : 'n/a'),
    card('downtime a year', av ? formatMinutes(av.downtimeMinutesPerYear) : 'n/a'),
    card('expected cost a year', av ? formatNumber(av.expectedYearlyCost) : 'n/a'),
    card('single points of failure', String(a.spofs.length), a.spofs.length > 0 ? 'bad' : 'good'),
    card(`minimal cut sets (order ≤ ${a.maxOrder})`, String(a.cutSets.length)),
    card(
      'anyOf with shared fate',
      String(a.sharedFate.length),
      a.sharedFate.length > 0 ? 'warn' : 'good',
    ),
    card(
      'cold-start deadlocks',
      String(a.coldStart.deadlocked.length),
      a.coldStart.deadlocked.length > 0 ? 'bad' : 'good',
    ),
  ].join('');
  const items = all
    .map(
      (f) =>
        `<li class="finding ${f.severity}" data-ids="${esc(JSON.stringify(f.ids))}"><span class="sev">${f.severity}</span> ${esc(f.title)}` +
        (f.detail !== undefined ? `<div class="detail">${esc(f.detail)}</div>` : '') +
        '</li>',
    )
    .join('\n');
  const omitted =
    d.omitted > 0
      ? `<p class="note">${d.omitted} components are not drawn: only ${esc(a.target)}'s dependencies are.</p>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>${esc(title)}</h1>
  <p class="sources">${esc(a.catalogue.sources.join(', ') || 'catalogue built in code')} · ${a.graph.componentCount} components · ${a.graph.domainCount} failure domains</p>
  <div class="cards">${cards}</div>
</header>
<main>
  <section class="graph-panel">
    <div class="legend">
      <span><i class="sw target"></i>target</span>
      <span><i class="sw spof"></i>single point of failure</span>
      <span><i class="sw cycle"></i>hard cycle</span>
      <span><i class="sw shared"></i>shared fate</span>
      <span><i class="ln soft"></i>soft</span>
      <span><i class="ln branch"></i>anyOf branch</span>
      <span class="hint">click a node for its blast radius · hover a domain for its members</span>
    </div>
    <div id="canvas"></div>
    ${omitted}
    <div id="details" class="details">Click a component or domain to see what fails with it.</div>
  </section>
  <section class="findings-panel">
    <h2>Findings</h2>
    <ol class="findings">
${items}
    </ol>
  </section>
</main>
<script type="application/json" id="graph-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

const STYLE = `
:root{--spof:#c0392b;--cycle:#e67e22;--shared:#8e44ad;--target:#1d4ed8;--ink:#1f2937;--muted:#64748b;--line:#94a3b8;--failed:#fecaca;--degraded:#fde68a}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:#f8fafc}
header{padding:18px 24px 8px;background:#fff;border-bottom:1px solid #e2e8f0}
h1{margin:0 0 2px;font-size:20px}
h2{font-size:16px;margin:0 0 8px}
.sources{margin:0 0 12px;color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{background:#f1f5f9;border-radius:8px;padding:8px 12px;min-width:130px}
.card .v{font-size:18px;font-weight:600}
.card .l{color:var(--muted);font-size:12px}
.card.bad .v{color:var(--spof)} .card.warn .v{color:var(--shared)} .card.good .v{color:#15803d}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(280px,1.2fr);gap:16px;padding:16px 24px}
.graph-panel,.findings-panel{background:#fff;border:1px solid #e2e8f0;border-radius:10px;padding:12px}
#canvas{overflow-x:auto;border-top:1px solid #f1f5f9}
.legend{display:flex;flex-wrap:wrap;gap:14px;align-items:center;color:var(--muted);font-size:12px;margin-bottom:8px}
.legend .hint{margin-left:auto}
.sw{display:inline-block;width:14px;height:10px;border-radius:3px;border:2px solid;margin-right:4px;vertical-align:middle}
.sw.target{border-color:var(--target);background:#dbeafe}.sw.spof{border-color:var(--spof);background:#fde2e1}
.sw.cycle{border-color:var(--cycle);background:#fdebd0}.sw.shared{border-color:var(--shared);background:#efe1f7}
.ln{display:inline-block;width:22px;border-top:2px dashed var(--line);margin-right:4px;vertical-align:middle}
.ln.branch{border-top-style:dotted}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;fill:var(--ink);pointer-events:none}
svg .sub{font-size:10px;fill:var(--muted)}
.node{cursor:pointer}
.node .box{fill:#fff;stroke:#64748b;stroke-width:1.5}
.node.domain .box{fill:#f8fafc;stroke-dasharray:4 3}
.node.anyOf .box{fill:#f1f5f9}
.node.target .box{fill:#dbeafe;stroke:var(--target);stroke-width:2.5}
.node.cycle .box{stroke:var(--cycle);stroke-width:2.5;fill:#fdebd0}
.node.shared-fate .box{stroke:var(--shared);stroke-width:2.5}
.node.anyOf.shared-fate .box{fill:#efe1f7}
.node.spof .box{stroke:var(--spof);stroke-width:3.5;fill:#fde2e1}
.node .badge{font-size:9px;font-weight:700;fill:#fff}
.node .badge-bg{fill:var(--spof);stroke:none}
.node.deadlock .lock{display:inline}
.node .lock{display:none;fill:var(--cycle);font-size:12px}
.edge{fill:none;stroke:var(--line);stroke-width:1.4}
.edge.soft{stroke-dasharray:6 4}
.edge.branch{stroke-dasharray:2 3}
.edge.cycle{stroke:var(--cycle);stroke-width:2.6}
.edge.shared-fate{stroke:var(--shared);stroke-width:2}
.edge.member{display:none;stroke:#cbd5e1;stroke-dasharray:1 3}
.edge.member.show{display:inline}
.node.hit-failed .box{fill:var(--failed)}
.node.hit-degraded .box{fill:var(--degraded)}
.node.selected .box{stroke:#0f172a;stroke-width:3.5}
.node.dim{opacity:.35}
.details{margin-top:8px;color:var(--muted);min-height:2.5em}
.details b{color:var(--ink)}
.findings{margin:0;padding-left:0;list-style:none}
.finding{padding:6px 8px;border-left:4px solid #cbd5e1;margin-bottom:6px;background:#f8fafc;border-radius:4px;cursor:pointer}
.finding .sev{font-size:10px;text-transform:uppercase;font-weight:700;margin-right:4px}
.finding.critical{border-color:var(--spof)}.finding.critical .sev{color:var(--spof)}
.finding.high{border-color:var(--shared)}.finding.high .sev{color:var(--shared)}
.finding.medium{border-color:var(--cycle)}.finding.medium .sev{color:var(--cycle)}
.finding.info .sev{color:var(--muted)}
.finding .detail{color:var(--muted);font-size:12px}
.note{color:var(--muted);font-size:12px}
@media (max-width:900px){main{grid-template-columns:1fr}}
`;

// Plain ES2017 run by the browser; kept free of template-literal syntax on purpose.
const SCRIPT = `
(function () {
  'use strict';
  var NS = 'http://www.w3.org/2000/svg';
  var data = JSON.parse(document.getElementById('graph-data').textContent);
  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  var svg = el('svg', { width: data.width, height: data.height, viewBox: '0 0 ' + data.width + ' ' + data.height, role: 'img' });
  svg.setAttribute('aria-label', 'dependency graph of ' + data.target);
  var defs = el('defs', {}, svg);
  [['arrow', '#94a3b8'], ['arrow-cycle', '#e67e22'], ['arrow-shared', '#8e44ad']].forEach(function (m) {
    var mk = el('marker', { id: m[0], viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, defs);
    el('path', { d: 'M0,0 L10,5 L0,10 z', fill: m[1] }, mk);
  });
  var edgeLayer = el('g', { class: 'edges' }, svg);
  var nodeLayer = el('g', { class: 'nodes' }, svg);
  var nodes = data.nodes;
  function edgePath(a, b) {
    var x1 = a.x, y1 = a.y + a.h / 2, x2 = b.x, y2 = b.y - b.h / 2;
    if (y2 > y1 + 4) {
      var dy = (y2 - y1) / 2;
      return 'M' + x1 + ',' + y1 + ' C' + x1 + ',' + (y1 + dy) + ' ' + x2 + ',' + (y2 - dy) + ' ' + x2 + ',' + y2;
    }
    // Upward or level edge (a cycle's way back): leave and enter on the right side, bowing out.
    var sx = a.x + a.w / 2, sy = a.y, tx = b.x + b.w / 2, ty = b.y;
    var bow = 40 + Math.abs(sy - ty) * 0.25;
    return 'M' + sx + ',' + sy + ' C' + (sx + bow) + ',' + sy + ' ' + (tx + bow) + ',' + ty + ' ' + tx + ',' + ty;
  }
  var memberEdges = {};
  data.edges.forEach(function (e) {
    var a = nodes[e.from], b = nodes[e.to];
    var cls = ['edge', e.kind].concat(e.marks).join(' ');
    var marker = e.kind === 'group' || e.kind === 'member' ? null
      : e.marks.indexOf('cycle') >= 0 ? 'arrow-cycle' : e.marks.indexOf('shared-fate') >= 0 ? 'arrow-shared' : 'arrow';
    var p = el('path', { d: edgePath(a, b), class: cls }, edgeLayer);
    if (marker) p.setAttribute('marker-end', 'url(#' + marker + ')');
    if (e.kind === 'member') (memberEdges[b.key] = memberEdges[b.key] || []).push(p);
  });
  var byId = {};
  var groups = [];
  nodes.forEach(function (n, i) {
    var g = el('g', { class: ['node', n.kind].concat(n.marks).join(' '), transform: 'translate(' + n.x + ',' + n.y + ')', 'data-key': n.key, tabindex: 0 }, nodeLayer);
    g.setAttribute(n.kind === 'anyOf' ? 'data-owner' : 'data-id', n.id);
    var title = el('title', {}, g);
    title.textContent = n.kind === 'anyOf' ? n.label + ' (of ' + n.id + ')' : n.id + (n.marks.length ? ' — ' + n.marks.join(', ') : '');
    if (n.kind === 'anyOf') {
      el('polygon', { class: 'box', points: '0,' + (-n.h / 2) + ' ' + (n.w / 2) + ',0 0,' + (n.h / 2) + ' ' + (-n.w / 2) + ',0' }, g);
      var t = el('text', { 'text-anchor': 'middle', dy: '0.35em', class: 'sub' }, g);
      t.textContent = n.label;
    } else {
      el('rect', { class: 'box', x: -n.w / 2, y: -n.h / 2, width: n.w, height: n.h, rx: n.kind === 'domain' ? n.h / 2 : 8 }, g);
      var label = el('text', { 'text-anchor': 'middle', dy: n.sub ? '-0.15em' : '0.35em' }, g);
      label.textContent = n.label;
      if (n.sub) {
        var s = el('text', { 'text-anchor': 'middle', dy: '1.15em', class: 'sub' }, g);
        s.textContent = n.sub;
      }
      if (n.marks.indexOf('spof') >= 0) {
        el('rect', { class: 'badge-bg', x: n.w / 2 - 32, y: -n.h / 2 - 9, width: 36, height: 15, rx: 7.5 }, g);
        var b = el('text', { class: 'badge', x: n.w / 2 - 14, y: -n.h / 2 + 2, 'text-anchor': 'middle' }, g);
        b.textContent = 'SPOF';
      }
      var lock = el('text', { class: 'lock', x: -n.w / 2 + 4, y: -n.h / 2 + 13 }, g);
      lock.textContent = '\\u27f2';
    }
    if (n.kind !== 'anyOf') byId[n.id] = g;
    groups.push(g);
    if (n.kind === 'domain') {
      g.addEventListener('mouseenter', function () { (memberEdges[n.key] || []).forEach(function (p) { p.classList.add('show'); }); });
      g.addEventListener('mouseleave', function () { (memberEdges[n.key] || []).forEach(function (p) { p.classList.remove('show'); }); });
    }
    g.addEventListener('click', function (ev) { ev.stopPropagation(); if (n.kind !== 'anyOf') select(n.id); });
  });
  function clear() {
    groups.forEach(function (g) { g.classList.remove('hit-failed', 'hit-degraded', 'selected', 'dim'); });
  }
  var details = document.getElementById('details');
  function names(list) { return list.length ? list.join(', ') : 'nothing'; }
  function select(id) {
    clear();
    var r = data.blast[id];
    if (!r) return;
    if (byId[id]) byId[id].classList.add('selected');
    r.failed.forEach(function (x) { if (byId[x]) byId[x].classList.add('hit-failed'); });
    r.degraded.forEach(function (x) { if (byId[x]) byId[x].classList.add('hit-degraded'); });
    details.innerHTML = '';
    var b = document.createElement('b');
    b.textContent = id;
    details.appendChild(b);
    details.appendChild(document.createTextNode(' fails → down: ' + names(r.failed) + '. Degraded: ' + names(r.degraded) + '.'));
  }
  function highlight(ids) {
    clear();
    groups.forEach(function (g) { g.classList.add('dim'); });
    ids.forEach(function (id) { if (byId[id]) { byId[id].classList.remove('dim'); byId[id].classList.add('selected'); } });
  }
  svg.addEventListener('click', function () { clear(); details.textContent = 'Click a component or domain to see what fails with it.'; });
  Array.prototype.forEach.call(document.querySelectorAll('.finding'), function (li) {
    li.addEventListener('click', function () { highlight(JSON.parse(li.getAttribute('data-ids'))); });
  });
  document.getElementById('canvas').appendChild(svg);
  document.body.setAttribute('data-rendered', 'true');
  document.body.setAttribute('data-nodes', String(nodes.length));
})();
`;
