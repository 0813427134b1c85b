/**
 * @module
 * The public page and the admin page, rendered on the server as one self-contained HTML
 * document each: inline CSS and SVG, no external asset, no JavaScript needed. The same
 * renderer makes the static export (`exported: true`), which adds one small inline script: a
 * page read long after it was published cannot know on its own that nobody has refreshed it,
 * so the script compares the generation time with the reader's clock and shows the stale
 * banner — progressive enhancement; without JavaScript the page still shows its time.
 */
import type { Incident } from '../status-store.js';
import type { MonitorView, StatusSnapshot } from '../status-snapshot.js';
import { escapeHtml, formatPercent, formatTime } from './html.js';
import { latencySparkline, uptimeBars } from './svg-charts.js';

/** Options of {@link renderStatusPage}. */
export interface RenderStatusPageOptions {
  /** Rendering for the static export. */
  readonly exported?: boolean;
}

const CSS = `
*{box-sizing:border-box}body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;background:#f5f7fb;color:#1d273b}
main{max-width:880px;margin:0 auto;padding:24px 16px}h1{font-size:24px;margin:0 0 16px}h2{font-size:18px;margin:28px 0 10px}
.overall{padding:16px 20px;border-radius:8px;color:#fff;font-weight:600;font-size:18px}
.s-none{background:#2fb344}.s-minor{background:#f59f00}.s-major{background:#f76707}.s-critical{background:#d63939}.s-maintenance{background:#206bc4}.s-unknown{background:#6c7a91}
.stale{background:#fff3cd;border:2px solid #f59f00;color:#5c3c00;padding:12px 16px;border-radius:8px;margin:0 0 12px;font-weight:600}
.card{background:#fff;border:1px solid #e6e8eb;border-radius:8px;padding:14px 16px;margin:10px 0}
.row{display:flex;justify-content:space-between;align-items:baseline;gap:8px;flex-wrap:wrap}
.name{font-weight:600}.badge{font-size:13px;font-weight:600;padding:2px 8px;border-radius:10px;color:#fff}
.b-operational{background:#2fb344}.b-partial_outage,.b-degraded_performance{background:#f59f00}.b-major_outage{background:#d63939}.b-under_maintenance{background:#206bc4}
.muted{color:#667382;font-size:13px}.uptime{font-size:13px;color:#49566c}.bars{display:block;margin:8px 0 2px}
table.vp{border-collapse:collapse;font-size:13px;margin-top:6px}table.vp td,table.vp th{padding:2px 10px 2px 0;text-align:left}
.up{color:#2fb344}.down{color:#d63939}.inc{border-left:4px solid #f59f00}.inc.resolved{border-left-color:#2fb344}
.tl{margin:6px 0 0;padding-left:18px}.tl li{margin:4px 0}form{margin:8px 0}input,select,textarea{font:inherit;margin:2px 0;padding:4px}
textarea{width:100%;height:60px}button{font:inherit;padding:4px 12px}footer{margin-top:32px;font-size:12px;color:#667382}
`;

function statusLabel(s: MonitorView['status']): string {
  return {
    operational: 'Operational',
    degraded_performance: 'Degraded',
    partial_outage: 'Partial outage',
    major_outage: 'Down',
    under_maintenance: 'Maintenance',
  }[s];
}

function monitorCard(m: MonitorView, s: StatusSnapshot): string {
  const vps = m.vantages
    .map(
      (v) =>
        `<tr><td>${escapeHtml(v.id)}</td><td class="${v.up ? 'up' : 'down'}">${v.up ? 'up' : 'down'}</td><td>${v.lastLatencyMs === undefined ? '' : `${v.lastLatencyMs} ms`}</td><td class="muted">${v.stale ? 'stale' : escapeHtml(v.lastError ?? '')}</td></tr>`,
    )
    .join('');
  return `<section class="card monitor" id="m-${escapeHtml(m.id)}" data-status="${m.status}">
<div class="row"><span class="name">${escapeHtml(m.name)}</span><span class="badge b-${m.status}">${statusLabel(m.status)}</span></div>
${uptimeBars(m.days, s.generatedMs)}
<div class="row uptime"><span>90 days ago</span><span>24 h ${formatPercent(m.uptime.h24)} · 7 d ${formatPercent(m.uptime.d7)} · 30 d ${formatPercent(m.uptime.d30)} · 90 d ${formatPercent(m.uptime.d90)}</span><span>today</span></div>
<details><summary class="muted">response time and vantage points</summary>${latencySparkline(m.latencyMs)}
<table class="vp"><thead><tr><th>vantage point</th><th>sees</th><th>latency</th><th></th></tr></thead><tbody>${vps}</tbody></table>
<div class="muted">${m.up ? 'up' : 'down'} since ${formatTime(m.sinceMs)}</div></details>
</section>`;
}

function incidentCard(i: Incident): string {
  const tl = [...i.updates]
    .reverse()
    .map(
      (u) =>
        `<li><strong>${escapeHtml(u.status)}</strong> — ${escapeHtml(u.body)} <span class="muted">${formatTime(u.atMs)}</span></li>`,
    )
    .join('');
  return `<section class="card inc${i.status === 'resolved' ? ' resolved' : ''}" id="incident-${i.id}">
<div class="row"><span class="name">${escapeHtml(i.title)}</span><span class="muted">${escapeHtml(i.impact)} impact · ${escapeHtml(i.status)}</span></div>
<ol class="tl" reversed>${tl}</ol></section>`;
}

/** The stale banners' text (one line per silent vantage point). */
export function staleBanner(s: StatusSnapshot): string {
  if (s.stale.length === 0) return '';
  const all =
    s.stale.length >= new Set(s.monitors.flatMap((m) => m.vantages.map((v) => v.id))).size;
  const lines = s.stale
    .map(
      (x) =>
        `data stale since ${formatTime(x.sinceMs)}: vantage point ${escapeHtml(x.vantage)} has stopped reporting`,
    )
    .join('<br>');
  return `<div class="stale" role="alert" id="stale">${all ? 'No fresh data: what follows may be out of date. ' : ''}${lines}</div>`;
}

/**
 * The overall line. When every vantage point has gone quiet the page does not know, and says
 * so in grey rather than repeat its last colour — the failure this page exists to avoid.
 */
function overall(s: StatusSnapshot): string {
  const vantages = new Set(s.monitors.flatMap((m) => m.vantages.map((v) => v.id)));
  const allStale =
    vantages.size > 0 && [...vantages].every((v) => s.stale.some((x) => x.vantage === v));
  return allStale
    ? `<div class="overall s-unknown" id="overall">Status unknown: no fresh data (last known: ${escapeHtml(s.description)})</div>`
    : `<div class="overall s-${s.indicator}" id="overall">${escapeHtml(s.description)}</div>`;
}

/** The public status page. */
export function renderStatusPage(s: StatusSnapshot, options: RenderStatusPageOptions = {}): string {
  const open = s.incidents.filter((i) => i.status !== 'resolved');
  const past = s.incidents.filter((i) => i.status === 'resolved');
  const maint = s.maintenance
    .map(
      (m) =>
        `<section class="card"><div class="row"><span class="name">${escapeHtml(m.title)}</span><span class="muted">${formatTime(m.startsMs)} – ${formatTime(m.endsMs)}</span></div><div>${escapeHtml(m.body)}</div></section>`,
    )
    .join('');
  const script = options.exported
    ? `<script>(function(){var g=${s.generatedMs},a=${s.staleAfterMs},n=Date.now();if(n-g>a){var d=document.createElement('div');d.className='stale';d.setAttribute('role','alert');d.textContent='data stale since '+new Date(g).toISOString().slice(0,16).replace('T',' ')+' UTC: this copy has not been refreshed since';var m=document.querySelector('main');m.insertBefore(d,m.children[1]);}})();</script>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(s.title)}</title>${options.exported ? '' : '<meta http-equiv="refresh" content="60">'}<style>${CSS}</style></head>
<body><main>
<h1>${escapeHtml(s.title)}</h1>
${staleBanner(s)}
${overall(s)}
${open.length > 0 ? `<h2>Active incidents</h2>${open.map(incidentCard).join('')}` : ''}
${maint === '' ? '' : `<h2>Maintenance</h2>${maint}`}
<h2>Services</h2>
${s.monitors.map((m) => monitorCard(m, s)).join('\n')}
${past.length > 0 ? `<h2>Past incidents</h2>${past.map(incidentCard).join('')}` : ''}
<footer>Updated ${formatTime(s.generatedMs)}${options.exported ? ' (static copy)' : ''} · <a href="${options.exported ? 'summary.json' : '/api/v2/summary.json'}">summary.json</a> · breakwater status</footer>
</main>${script}</body></html>`;
}

/** The admin page: forms to open, update and resolve incidents and schedule maintenance. */
export function renderAdminPage(s: StatusSnapshot, message = ''): string {
  const monitors = s.monitors
    .map((m) => `<option value="${escapeHtml(m.id)}">${escapeHtml(m.name)}</option>`)
    .join('');
  const statuses = ['investigating', 'identified', 'monitoring', 'resolved']
    .map((x) => `<option>${x}</option>`)
    .join('');
  const open = s.incidents
    .filter((i) => i.status !== 'resolved')
    .map(
      (
        i,
      ) => `${incidentCard(i)}<form method="post" action="/admin/incidents/${i.id}/updates" class="card">
<label>status <select name="status">${statuses}</select></label>
<textarea name="body" required placeholder="what changed"></textarea><button type="submit">Post update</button></form>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Admin — ${escapeHtml(s.title)}</title><style>${CSS}</style></head>
<body><main><h1>Admin — ${escapeHtml(s.title)}</h1>
${message === '' ? '' : `<div class="card" id="message">${escapeHtml(message)}</div>`}
<h2>Open an incident</h2>
<form method="post" action="/admin/incidents" class="card" id="new-incident">
<input name="title" required placeholder="title" size="50">
<label>impact <select name="impact"><option>minor</option><option>major</option><option>critical</option><option>none</option></select></label>
<label>affects <select name="monitors" multiple>${monitors}</select></label>
<textarea name="body" required placeholder="what we know"></textarea><button type="submit">Open incident</button></form>
<h2>Open incidents</h2>${open === '' ? '<p class="muted">none</p>' : open}
<h2>Schedule maintenance</h2>
<form method="post" action="/admin/maintenance" class="card">
<input name="title" required placeholder="title" size="50">
<label>starts (UTC) <input name="starts" required placeholder="2025-10-21T02:00"></label>
<label>ends (UTC) <input name="ends" required placeholder="2025-10-21T03:00"></label>
<label>affects <select name="monitors" multiple>${monitors}</select></label>
<textarea name="body" placeholder="details"></textarea><button type="submit">Schedule</button></form>
<footer><a href="/">public page</a></footer></main></body></html>`;
}
