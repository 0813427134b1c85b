/**
 * @module
 * Self-contained HTML reports of simulation runs: a title, then sections with a paragraph or
 * two, line charts (several series overlaid — the variants of a scenario) and a table of
 * headline figures. Generic on purpose: the `contention` and `spike` scenarios use it, and so
 * will the us-east-1 replay.
 *
 * "Self-contained" means the file opens anywhere with no network: the chart library (uPlot,
 * see {@link uplotAssets}), the page's script and style, and the data are all inline. Every
 * piece of text is escaped, and the data travels as JSON in a
 * `<script type="application/json">` element with `<` escaped (see `internal/html-text.ts`),
 * so a label such as `</script><script>alert(1)</script>` shows as text and runs nothing.
 * The output depends only on the options (no timestamps), so the same run gives the same file.
 */
import { escapeHtml, inlineSafe, jsonForScript } from './internal/html-text.js';
import { PAGE_SCRIPT } from './internal/page-script.js';
import { uplotAssets } from './uplot-assets.js';

/** A point of a series: x, and y or `null` for a gap. */
export type ReportPoint = readonly [x: number, y: number | null];

/** One line of a chart. */
export interface ReportSeries {
  /** Legend label; series with the same label share a colour across the page. */
  readonly label: string;
  readonly points: readonly ReportPoint[];
  /** CSS colour of the line; default: one from the page's palette, by label. */
  readonly color?: string;
  /** Draw dashed (for a reference line such as the offered load). Default false. */
  readonly dashed?: boolean;
}

/** A vertical line across a chart at `x`, labelled (an event: a trigger, an operator action). */
export interface ReportMarker {
  readonly x: number;
  readonly label: string;
  /** CSS colour; default a dark grey. */
  readonly color?: string;
}

/** A line chart with any number of series overlaid. */
export interface ReportChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ReportSeries[];
  /** Scale of the x axis. `'log'` needs every x > 0. Default `'linear'`. */
  readonly xScale?: 'linear' | 'log';
  /**
   * How x values are shown: `'number'` (default), or `'clock'` — x is hours since a midnight
   * (negative before it, above 24 the next day) and ticks read `HH:MM`.
   */
  readonly xFormat?: 'number' | 'clock';
  /** Vertical event lines drawn over the chart, labelled. */
  readonly markers?: readonly ReportMarker[];
}

/** A table of figures. Numbers are formatted with up to two decimals and right-aligned. */
export interface ReportTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  /** A line under the table. */
  readonly caption?: string;
}

/** A part of a report. */
export interface ReportSection {
  readonly heading: string;
  /** Prose; a blank line starts a new paragraph. */
  readonly text?: string;
  readonly charts?: readonly ReportChart[];
  readonly table?: ReportTable;
}

/** What {@link renderReport} draws. */
export interface ReportOptions {
  readonly title: string;
  readonly subtitle?: string;
  readonly sections: readonly ReportSection[];
  /** A closing line (how to reproduce the run, say). */
  readonly footer?: string;
}

const NUMBER_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

const STYLE = `
  :root { color-scheme: light; }
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24;
    margin: 0; background: #f6f7f9; }
  main { max-width: 1100px; margin: 0 auto; padding: 24px 20px 48px; }
  header h1 { font-size: 26px; margin: 0 0 4px; }
  header p { margin: 0; color: #57606a; }
  section { background: #fff; border: 1px solid #d8dee4; border-radius: 8px; padding: 16px 20px;
    margin-top: 20px; }
  section h2 { font-size: 19px; margin: 0 0 8px; }
  .bw-figure { margin: 16px 0 8px; }
  .bw-figure h3 { font-size: 15px; margin: 0 0 6px; font-weight: 600; }
  .bw-chart { width: 100%; min-height: 300px; }
  .bw-table { overflow-x: auto; margin-top: 12px; }
  table { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
  th, td { padding: 4px 12px; border-bottom: 1px solid #d8dee4; text-align: left; }
  td.num { text-align: right; }
  th { background: #f6f8fa; }
  caption { caption-side: bottom; text-align: left; color: #57606a; padding-top: 6px; }
  footer { margin-top: 24px; color: #57606a; font-size: 13px; }
  code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
`;

function checkText(what: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`renderReport: ${what} must be a string, got ${typeof value}`);
  }
  return value;
}

function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join('\n');
}

function cell(value: string | number): string {
  if (typeof value === 'number') {
    const text = Number.isFinite(value) ? NUMBER_FORMAT.format(value) : String(value);
    return `<td class="num">${escapeHtml(text)}</td>`;
  }
  return `<td>${escapeHtml(checkText('a table cell', value))}</td>`;
}

function table(t: ReportTable, where: string): string {
  const width = t.columns.length;
  t.rows.forEach((row, i) => {
    if (row.length !== width) {
      throw new RangeError(
        `renderReport: ${where} table row ${i} has ${row.length} cells, expected ${width}`,
      );
    }
  });
  const head = t.columns.map((c) => `<th>${escapeHtml(checkText('a column', c))}</th>`).join('');
  const body = t.rows.map((row) => `<tr>${row.map(cell).join('')}</tr>`).join('\n');
  const caption = t.caption === undefined ? '' : `<caption>${escapeHtml(t.caption)}</caption>`;
  return `<div class="bw-table"><table>${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

function checkChart(chart: ReportChart, where: string): void {
  checkText(`${where} title`, chart.title);
  checkText(`${where} xLabel`, chart.xLabel);
  checkText(`${where} yLabel`, chart.yLabel);
  const log = chart.xScale === 'log';
  if (chart.xScale !== undefined && chart.xScale !== 'linear' && !log) {
    throw new RangeError(
      `renderReport: ${where} xScale must be 'linear' or 'log', got '${String(chart.xScale)}'`,
    );
  }
  if (chart.xFormat !== undefined && chart.xFormat !== 'number' && chart.xFormat !== 'clock') {
    throw new RangeError(
      `renderReport: ${where} xFormat must be 'number' or 'clock', got '${String(chart.xFormat)}'`,
    );
  }
  (chart.markers ?? []).forEach((m, j) => {
    checkText(`${where} markers[${j}].label`, m.label);
    if (!Number.isFinite(m.x)) {
      throw new RangeError(
        `renderReport: ${where} markers[${j}].x must be finite, got ${String(m.x)}`,
      );
    }
  });
  chart.series.forEach((s, j) => {
    checkText(`${where} series ${j} label`, s.label);
    for (const p of s.points) {
      const [x, y] = p;
      if (!Number.isFinite(x) || (log && !(x > 0)) || !(y === null || Number.isFinite(y))) {
        throw new RangeError(
          `renderReport: ${where} series '${s.label}' has a point that is not [finite x (> 0 on a log axis), finite y or null]: [${String(x)}, ${String(y)}]`,
        );
      }
    }
  });
}

/**
 * Renders a report as one self-contained HTML document; see the module comment. Throws a
 * `TypeError`/`RangeError` naming the part of the options that is malformed (a label that is
 * not a string, a non-finite point, a table row of the wrong width).
 */
export function renderReport(options: ReportOptions): string {
  const title = checkText('title', options.title);
  const charts: ReportChart[] = [];
  const body = options.sections
    .map((section, s) => {
      const heading = checkText(`sections[${s}].heading`, section.heading);
      const parts = [`<h2>${escapeHtml(heading)}</h2>`];
      if (section.text !== undefined) parts.push(paragraphs(section.text));
      (section.charts ?? []).forEach((chart, c) => {
        checkChart(chart, `sections[${s}].charts[${c}]`);
        const id = charts.length;
        charts.push(chart);
        parts.push(
          `<figure class="bw-figure"><h3>${escapeHtml(chart.title)}</h3>` +
            `<div class="bw-chart" id="bw-chart-${id}" data-chart="${id}"></div></figure>`,
        );
      });
      if (section.table !== undefined) parts.push(table(section.table, `sections[${s}]`));
      return `<section>\n${parts.join('\n')}\n</section>`;
    })
    .join('\n');
  const data = {
    charts: charts.map((c) => ({
      title: c.title,
      xLabel: c.xLabel,
      yLabel: c.yLabel,
      ...(c.xScale === 'log' ? { xLog: true } : {}),
      ...(c.xFormat === 'clock' ? { xClock: true } : {}),
      ...(c.markers === undefined || c.markers.length === 0
        ? {}
        : {
            markers: c.markers.map((m) => ({
              x: m.x,
              label: m.label,
              ...(m.color === undefined ? {} : { color: m.color }),
            })),
          }),
      series: c.series.map((s) => ({
        label: s.label,
        points: s.points,
        ...(s.color === undefined ? {} : { color: s.color }),
        ...(s.dashed === true ? { dashed: true } : {}),
      })),
    })),
  };
  const uplot = uplotAssets();
  const subtitle =
    options.subtitle === undefined
      ? ''
      : `\n<p>${escapeHtml(checkText('subtitle', options.subtitle))}</p>`;
  const footer =
    options.footer === undefined ? '' : `\n<footer>${escapeHtml(options.footer)}</footer>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${inlineSafe(uplot.style, 'style')}</style>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(title)}</h1>${subtitle}
</header>
${body}${footer}
</main>
<noscript>The charts need JavaScript; the tables above show the headline figures.</noscript>
<script type="application/json" id="bw-report-data">${jsonForScript(data)}</script>
<script>${inlineSafe(uplot.script, 'script')}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
