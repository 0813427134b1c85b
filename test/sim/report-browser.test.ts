/**
 * The simulator's HTML reports in a real browser (headless Chromium through
 * test/support/browser.ts): every chart draws, nothing is fetched from the network, nothing
 * logs an error. Saves a screenshot of the `spike` report to docs/sim-report.png for the README.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { renderReport } from '../../src/sim/report/render-report.js';
import { contentionReport } from '../../src/sim/scenarios/contention-report.js';
import { runContention } from '../../src/sim/scenarios/contention.js';
import { spikeReport } from '../../src/sim/scenarios/spike-report.js';
import { runSpike } from '../../src/sim/scenarios/spike.js';
import { screenshot, withPage } from '../support/browser.js';

const SCREENSHOT = join(import.meta.dirname, '..', '..', 'docs', 'sim-report.png');

interface ChartState {
  readonly id: string;
  readonly drawn: boolean;
  readonly canvasWidth: number;
  readonly canvasHeight: number;
  /** Pixels the chart painted (alpha > 0). */
  readonly painted: number;
  readonly legendItems: number;
}

/** In the page: true once every chart's container says uPlot drew it. */
const ALL_DRAWN = `(() => {
  const charts = document.querySelectorAll('.bw-chart');
  return charts.length > 0 &&
    Array.from(charts).every((c) => c.getAttribute('data-drawn') === 'true');
})()`;

/** In the page: each chart's state, its canvas read back pixel by pixel. */
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
    canvasWidth: canvas ? canvas.width : 0,
    canvasHeight: canvas ? canvas.height : 0,
    painted,
    legendItems: chart.querySelectorAll('.u-legend .u-series').length,
  };
})`;

/** Waits until every chart says it drew, then reads each chart's canvas. */
async function chartStates(page: Page): Promise<ChartState[]> {
  await page.waitForFunction(ALL_DRAWN, undefined, { timeout: 15_000 });
  return page.evaluate<ChartState[]>(CHART_STATES);
}

describe('simulator reports in headless Chromium', () => {
  let dir = '';
  let spikeFile = '';
  let contentionFile = '';

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bw-sim-report-'));
    spikeFile = join(dir, 'spike.html');
    contentionFile = join(dir, 'contention.html');
    writeFileSync(spikeFile, renderReport(spikeReport(runSpike())));
    writeFileSync(
      contentionFile,
      renderReport(contentionReport(runContention({ clients: 40, trials: 10 }))),
    );
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('draws every chart of the spike report, with no network and no errors', async () => {
    await withPage(async (page, diagnostics) => {
      await page.goto(pathToFileURL(spikeFile).href);
      const charts = await chartStates(page);
      assert.equal(charts.length, 5);
      for (const c of charts) {
        assert.ok(c.drawn, `${c.id} drew`);
        assert.ok(c.canvasWidth > 0 && c.canvasHeight > 0, `${c.id} has a canvas`);
        assert.ok(c.painted > 2000, `${c.id} painted ${c.painted} pixels`);
        // x series + 3 variants (+ the offered load in the goodput chart).
        assert.ok(c.legendItems >= 4, `${c.id} has ${c.legendItems} legend entries`);
      }
      assert.match(await page.locator('table').first().innerText(), /breakwater/);
      assert.deepEqual(diagnostics.errors, []);
      assert.deepEqual(diagnostics.networkRequests, []);
      await screenshot(page, SCREENSHOT);
    });
  });

  it('draws every chart of the contention report, with no network and no errors', async () => {
    await withPage(async (page, diagnostics) => {
      await page.goto(pathToFileURL(contentionFile).href);
      const charts = await chartStates(page);
      assert.equal(charts.length, 2);
      for (const c of charts) {
        assert.ok(c.drawn, `${c.id} drew`);
        assert.ok(c.painted > 2000, `${c.id} painted ${c.painted} pixels`);
        assert.equal(c.legendItems, 6, `${c.id}: x + five backoff variants`);
      }
      assert.deepEqual(diagnostics.errors, []);
      assert.deepEqual(diagnostics.networkRequests, []);
    });
  });
});
