/**
 * The us-east-1 replay's HTML report in a real browser (headless Chromium through
 * test/support/browser.ts): every chart draws — its canvas painted, one legend entry per run
 * and its event markers on it — nothing is fetched from the network, nothing logs an error.
 * Saves a screenshot to docs/replay-report.png for the README.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderReport } from '../../src/sim/report/render-report.js';
import { usEast1Report } from '../../src/sim/scenarios/us-east-1-2025/replay-report.js';
import { runUsEast1Replay } from '../../src/sim/scenarios/us-east-1-2025/replay.js';
import { screenshot, withPage } from '../support/browser.js';

const SCREENSHOT = join(import.meta.dirname, '..', '..', 'docs', 'replay-report.png');

interface ChartState {
  readonly id: string;
  readonly drawn: boolean;
  readonly painted: number;
  readonly legendItems: number;
}

const ALL_DRAWN = `(() => {
  const charts = document.querySelectorAll('.bw-chart');
  return charts.length > 0 &&
    Array.from(charts).every((c) => c.getAttribute('data-drawn') === 'true');
})()`;

const CHART_STATES = `Array.from(document.querySelectorAll('.bw-chart')).map((chart) => {
  const canvas = chart.querySelector('canvas');
  let painted = 0;
  if (canvas && canvas.width > 0 && canvas.height > 0) {
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
  }
  return {
    id: chart.id,
    drawn: chart.getAttribute('data-drawn') === 'true',
    painted,
    legendItems: chart.querySelectorAll('.u-legend .u-series').length,
  };
})`;

describe('the us-east-1-2025 replay report in headless Chromium', () => {
  let dir = '';
  let file = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bw-replay-report-'));
    file = join(dir, 'replay-report.html');
    const result = await runUsEast1Replay({ droplets: 10_000 });
    writeFileSync(file, renderReport(usEast1Report(result)));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('draws every chart with the three runs, with no network and no errors', async () => {
    await withPage(
      async (page, diagnostics) => {
        await page.goto(pathToFileURL(file).href);
        await page.waitForFunction(ALL_DRAWN, undefined, { timeout: 20_000 });
        const charts = await page.evaluate<ChartState[]>(CHART_STATES);
        assert.equal(charts.length, 9);
        for (const c of charts) {
          assert.ok(c.drawn, `${c.id} drew`);
          assert.ok(c.painted > 2000, `${c.id} painted ${c.painted} pixels`);
          assert.equal(c.legendItems, 4, `${c.id}: the time axis + three runs`);
        }
        // Hovering a chart shows the time under the cursor as a PDT clock time.
        const first = page.locator('.bw-chart .u-over').first();
        const box = await first.boundingBox();
        assert.ok(box !== null);
        await first.hover({ position: { x: box.width * 0.3, y: box.height / 2 } });
        const legend = await page.locator('.bw-chart').first().locator('.u-legend').innerText();
        assert.match(legend, /time \(PDT\)\s*\d\d:\d\d/);
        await page.mouse.move(0, 0);
        await page.evaluate('window.scrollTo(0, 0)');
        const text = await page.locator('main').innerText();
        assert.match(text, /as-it-happened/);
        assert.match(text, /breakwater-forced-dns-outage/);
        assert.match(text, /Calibration/);
        assert.deepEqual(diagnostics.errors, []);
        assert.deepEqual(diagnostics.networkRequests, []);
        await screenshot(page, SCREENSHOT);
      },
      { viewport: { width: 1280, height: 900 } },
    );
  });
});
