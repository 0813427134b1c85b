import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusSnapshot } from '../status-snapshot.js';
import { statusBadge } from './badge.js';
import { renderAdminPage, renderStatusPage } from './status-page.js';
import { statusJson, summaryJson } from './summary-json.js';
import { uptimeBars } from './svg-charts.js';

const DAY = 86_400_000;
const snap: StatusSnapshot = {
  title: 'Shop <status>',
  generatedMs: 20_000 * DAY,
  indicator: 'major',
  description: 'Partial System Outage',
  staleAfterMs: 60_000,
  monitors: [
    {
      id: 'web',
      name: 'Web & <b>shop</b>',
      type: 'http',
      up: false,
      status: 'major_outage',
      sinceMs: 20_000 * DAY - 60_000,
      uptime: { h24: 0.9875, d7: 0.99 },
      days: [undefined, 1, 0.97, 0.5],
      latencyMs: [10, 20, 15],
      vantages: [{ id: 'local', up: false, stale: false, lastError: 'refused' }],
    },
  ],
  incidents: [
    {
      id: 1,
      title: 'Checkout <errors>',
      status: 'identified',
      impact: 'major',
      monitors: ['web'],
      createdMs: 20_000 * DAY - 1000,
      updatedMs: 20_000 * DAY,
      resolvedMs: undefined,
      updates: [
        { id: 1, atMs: 20_000 * DAY - 1000, status: 'investigating', body: 'Looking' },
        { id: 2, atMs: 20_000 * DAY, status: 'identified', body: 'Found it' },
      ],
    },
  ],
  maintenance: [],
  stale: [{ vantage: 'eu', sinceMs: 20_000 * DAY - 120_000 }],
};

describe('renderStatusPage', () => {
  it('renders a page without scripts, with escaped text, charts and the stale banner', () => {
    const html = renderStatusPage(snap);
    assert.doesNotMatch(html, /<script/);
    assert.doesNotMatch(html, /<b>shop/);
    assert.match(html, /Web &amp; &lt;b&gt;shop/);
    assert.match(
      html,
      /data stale since 2024-10-03 23:58 UTC: vantage point eu has stopped reporting/,
    );
    assert.match(html, /<svg class="bars"/);
    assert.match(html, /<polyline/);
    assert.match(html, /24 h 98\.75%/);
    assert.match(html, /Checkout &lt;errors&gt;/);
    assert.ok(html.indexOf('Found it') < html.indexOf('Looking'), 'newest update first');
  });

  it('does not repeat the last colour when every vantage point has gone quiet', () => {
    const quiet: StatusSnapshot = { ...snap, stale: [{ vantage: 'local', sinceMs: 0 }] };
    const html = renderStatusPage(quiet);
    assert.match(html, /class="overall s-unknown" id="overall">Status unknown: no fresh data/);
    assert.doesNotMatch(renderStatusPage(snap), /class="overall s-unknown"/);
  });

  it('adds the staleness script and relative links only to the export', () => {
    const html = renderStatusPage(snap, { exported: true });
    assert.match(html, /<script>/);
    assert.match(html, /href="summary\.json"/);
    assert.doesNotMatch(html, /http-equiv="refresh"/);
  });

  it('renders the admin forms posting to /admin', () => {
    const html = renderAdminPage(snap);
    assert.match(html, /action="\/admin\/incidents"/);
    assert.match(html, /action="\/admin\/incidents\/1\/updates"/);
    assert.doesNotMatch(html, /token/i);
  });
});

describe('summaryJson', () => {
  it('follows the hosted status page format', () => {
    const j = summaryJson(snap) as {
      page: { name: string };
      components: { id: string; status: string }[];
      incidents: { name: string; incident_updates: { status: string }[] }[];
      status: { indicator: string; description: string };
    };
    assert.equal(j.page.name, 'Shop <status>');
    assert.deepEqual(
      j.components.map((c) => [c.id, c.status]),
      [['web', 'major_outage']],
    );
    assert.equal(j.incidents[0]!.incident_updates[0]!.status, 'identified');
    assert.deepEqual(j.status, { indicator: 'major', description: 'Partial System Outage' });
    assert.deepEqual(statusJson(snap), { page: j.page, status: j.status });
  });
});

describe('statusBadge', () => {
  it('says down in red for an outage, and escapes the label', () => {
    const svg = statusBadge('a<b', 'major_outage');
    assert.match(svg, /^<svg xmlns/);
    assert.match(svg, />down</);
    assert.match(svg, /#d63939/);
    assert.match(svg, /a&lt;b/);
  });
});

describe('uptimeBars', () => {
  it('draws one bar per day, grey without data', () => {
    const svg = uptimeBars([undefined, 1, 0.5], 3 * DAY);
    assert.equal(svg.match(/<rect/g)?.length, 3);
    assert.match(svg, /#d0d4d9/);
    assert.match(svg, /#d63939/);
  });
});
