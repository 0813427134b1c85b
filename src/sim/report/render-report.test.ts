import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from './render-report.js';
import type { ReportOptions } from './render-report.js';
import { uplotAssets } from './uplot-assets.js';

const EVIL = '</script><script>alert(1)</script><!-- & "quoted" \'single\'';

const OPTIONS: ReportOptions = {
  title: `Report ${EVIL}`,
  subtitle: 'a subtitle',
  sections: [
    {
      heading: `Section ${EVIL}`,
      text: `First paragraph ${EVIL}\n\nSecond paragraph.`,
      charts: [
        {
          title: `Chart ${EVIL}`,
          xLabel: 'time (s)',
          yLabel: 'req/s',
          series: [
            {
              label: `series ${EVIL}`,
              points: [
                [0, 1],
                [1, null],
                [2, 3],
              ],
            },
            { label: 'other', points: [[0.5, 2]], dashed: true, color: '#123456' },
          ],
        },
      ],
      table: { columns: ['name', 'value'], rows: [[EVIL, 1234.5678]], caption: 'caption' },
    },
    { heading: 'Only text', text: 'Nothing to draw.' },
  ],
  footer: 'footer',
};

/** The JSON the page script reads. */
function embeddedData(html: string): unknown {
  const m = /<script type="application\/json" id="bw-report-data">([^]*?)<\/script>/.exec(html);
  assert.ok(m?.[1] !== undefined, 'the data element is there');
  return JSON.parse(m[1]);
}

describe('renderReport', () => {
  it('escapes every piece of text, so nothing the options contain can run', () => {
    const html = renderReport(OPTIONS);
    assert.ok(!html.includes('<script>alert(1)'), 'no injected script element');
    assert.ok(!html.includes('<!-- &'), 'no injected comment');
    assert.ok(html.includes('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('&quot;quoted&quot; &#39;single&#39;'));
    assert.match(html, /<title>Report &lt;\/script&gt;/);
    // Only our three scripts and the data element open a script element.
    assert.equal(html.match(/<script/g)?.length, 3);
  });

  it('embeds the chart data as JSON that reads back unchanged, with < escaped', () => {
    const html = renderReport(OPTIONS);
    const data = embeddedData(html) as {
      charts: { title: string; series: { label: string; points: unknown; dashed?: boolean }[] }[];
    };
    assert.equal(data.charts.length, 1);
    assert.equal(data.charts[0]?.title, `Chart ${EVIL}`);
    assert.equal(data.charts[0]?.series[0]?.label, `series ${EVIL}`);
    assert.deepEqual(data.charts[0]?.series[0]?.points, [
      [0, 1],
      [1, null],
      [2, 3],
    ]);
    assert.equal(data.charts[0]?.series[1]?.dashed, true);
    assert.ok(html.includes('\\u003c/script>'));
  });

  it('is self-contained: uPlot, the style and the script inline, nothing loaded from elsewhere', () => {
    const html = renderReport(OPTIONS);
    const uplot = uplotAssets();
    assert.ok(html.includes(uplot.script.slice(0, 200)), 'uPlot script inline');
    assert.ok(html.includes(uplot.style.slice(0, 100)), 'uPlot style inline');
    assert.doesNotMatch(html, /<script[^>]*\ssrc=/i);
    assert.doesNotMatch(html, /<link[^>]*\shref=/i);
    assert.doesNotMatch(html, /url\(\s*['"]?https?:/i);
    assert.match(html, /id="bw-chart-0"/);
    assert.doesNotMatch(html, /id="bw-chart-1"/);
  });

  it('writes paragraphs, a table with formatted numbers, and the footer', () => {
    const html = renderReport(OPTIONS);
    assert.match(html, /<p>Second paragraph\.<\/p>/);
    assert.match(html, /<td class="num">1,234\.57<\/td>/);
    assert.match(html, /<caption>caption<\/caption>/);
    assert.match(html, /<footer>footer<\/footer>/);
  });

  it('gives the same page for the same options', () => {
    assert.equal(renderReport(OPTIONS), renderReport(OPTIONS));
  });

  it('rejects malformed options, naming the part', () => {
    const chart = (points: [number, number | null][], xScale?: 'log') => ({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ label: 's', points }],
      ...(xScale !== undefined && { xScale }),
    });
    assert.throws(
      () => renderReport({ title: 't', sections: [{ heading: 'h', charts: [chart([[NaN, 1]])] }] }),
      /sections\[0\]\.charts\[0\] series 's' has a point/,
    );
    assert.throws(
      () =>
        renderReport({
          title: 't',
          sections: [{ heading: 'h', charts: [chart([[0, 1]], 'log')] }],
        }),
      /> 0 on a log axis/,
    );
    assert.throws(
      () =>
        renderReport({
          title: 't',
          sections: [{ heading: 'h', table: { columns: ['a', 'b'], rows: [['only one']] } }],
        }),
      /sections\[0\] table row 0 has 1 cells, expected 2/,
    );
    assert.throws(
      () => renderReport({ title: 42 as unknown as string, sections: [] }),
      /title must be a string, got number/,
    );
  });
});
