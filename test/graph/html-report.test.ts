/**
 * The HTML report really draws: opened in headless Chromium (test/support/browser.ts), the
 * page renders one SVG node per component, junction and domain, marks single points of
 * failure, cycles and shared fate, highlights a blast radius on click, makes no network
 * request and raises no error. A screenshot goes to docs/graph-report.png.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { analyzeCatalogue } from '../../src/graph/analyze.js';
import { formatHtml } from '../../src/graph/format/html.js';
import { readCatalogueFiles } from '../../src/graph/read-catalogue-files.js';
import { screenshot, withPage } from '../support/browser.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function page(file: string): Promise<{ html: string; nodes: number; spofs: number }> {
  const analysis = analyzeCatalogue(await readCatalogueFiles([file], { cwd: root }));
  const html = formatHtml(analysis);
  const nodes = (/"nodes":\[(.*?)\],"edges"/s.exec(html)?.[1] ?? '').split('"key"').length - 1;
  return { html, nodes, spofs: analysis.spofs.length };
}

describe('formatHtml in headless Chromium', () => {
  it('draws multi-region with single points of failure and shared fate marked', async () => {
    const { html, nodes, spofs } = await page('examples/graph/multi-region.yaml');
    await withPage(async (p, diagnostics) => {
      await p.setContent(html, { waitUntil: 'load' });
      await p.waitForSelector('body[data-rendered="true"]');
      assert.ok(nodes >= 14);
      assert.equal(await p.locator('svg g.node').count(), nodes);
      assert.equal(await p.locator('svg g.node.spof').count(), spofs);
      assert.equal(await p.locator('svg g.node.anyOf.shared-fate').count(), 3);
      assert.ok((await p.locator('svg path.edge.shared-fate').count()) >= 2);
      // Boxes are really laid out: non-zero size, apart from each other.
      const app = await p.locator('svg g.node[data-id="app"] .box').boundingBox();
      const iam = await p.locator('svg g.node[data-id="iam"] .box').boundingBox();
      assert.ok(app !== null && iam !== null && app.width > 20 && iam.y > app.y + app.height);
      await screenshot(p, `${root}docs/graph-report.png`);
      // Clicking a domain shows what fails with it.
      await p.locator('svg g.node[data-id="region:us-east-1"]').click();
      assert.equal(await p.locator('svg g.node.hit-failed').count(), 8);
      assert.match(
        (await p.locator('#details').textContent()) ?? '',
        /region:us-east-1 fails → down: analytics, api-use1/,
      );
      assert.deepEqual(diagnostics.errors, []);
      assert.deepEqual(diagnostics.networkRequests, []);
    });
  });

  it('draws the phonebook chain with its cycle and cold-start deadlock marked', async () => {
    const { html, nodes } = await page('examples/graph/phonebook-chain.yaml');
    await withPage(async (p, diagnostics) => {
      await p.setContent(html, { waitUntil: 'load' });
      await p.waitForSelector('body[data-rendered="true"]');
      assert.equal(await p.locator('svg g.node').count(), nodes);
      assert.equal(await p.locator('svg path.edge.cycle').count(), 4);
      assert.equal(await p.locator('svg g.node.deadlock').count(), 9);
      await p.locator('svg g.node[data-id="dynamodb"]').click();
      assert.equal(await p.locator('svg g.node.hit-failed').count(), 8);
      assert.match(
        (await p.locator('#details').textContent()) ?? '',
        /dynamodb fails → down: app, dns/,
      );
      assert.deepEqual(diagnostics.errors, []);
      assert.deepEqual(diagnostics.networkRequests, []);
    });
  });
});
