/**
 * @module
 * The HTML report of a `contention` run: what was simulated, a table of the headline figures
 * (mean completion time and conditional writes per backoff variant) and two charts with the
 * variants overlaid — clients done over time, and conditional writes so far. Time is on a log axis: un-jittered exponential backoff takes more than ten times
 * as long as the rest, which a linear axis would squeeze into a corner.
 */
import type { ReportOptions, ReportPoint } from '../report/render-report.js';
import type { ContentionResult, ContentionVariantResult } from './contention.js';

const LABELS: Readonly<Record<string, string>> = {
  none: 'none (retry at once)',
  exponential: 'exponential, no jitter',
  full: 'full jitter',
  equal: 'equal jitter',
  decorrelated: 'decorrelated jitter',
};

function labelOf(r: ContentionVariantResult): string {
  return LABELS[r.backoff] ?? r.backoff;
}

/** Points per series on the log time axis, at most (plus each variant's last bucket). */
const LOG_POINTS = 400;

/**
 * Bucket counts at which to sample the cumulative curves: about {@link LOG_POINTS} values
 * spaced evenly on a log scale from 1 to the longest series, plus the last bucket of every
 * variant, shared by all variants so their points line up.
 */
function logGrid(result: ContentionResult): number[] {
  const lengths = result.results.map((r) => r.series.length);
  const longest = Math.max(1, ...lengths);
  const grid = new Set<number>(lengths.filter((n) => n > 0));
  for (let i = 0; i <= LOG_POINTS; i++) grid.add(Math.round(longest ** (i / LOG_POINTS)));
  return [...grid].sort((a, b) => a - b);
}

/**
 * A cumulative curve of a variant at the grid's bucket counts, while the variant still has
 * buckets: x = end of the `b`-th bucket, ms (> 0, for the log axis).
 */
function cumulativePoints(
  r: ContentionVariantResult,
  grid: readonly number[],
  bucketMs: number,
  value: (upTo: number) => number,
): ReportPoint[] {
  const points: ReportPoint[] = [];
  for (const b of grid) {
    if (b > r.series.length) break;
    points.push([b * bucketMs, round(value(b))]);
  }
  return points;
}

/** Running totals of a variant's writes, by bucket count. */
function writesSoFar(r: ContentionVariantResult): (upTo: number) => number {
  const sums = new Float64Array(r.series.length + 1);
  r.series.forEach((p, i) => (sums[i + 1] = (sums[i] as number) + p.writes));
  return (upTo) => sums[upTo] as number;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The report of a {@link ContentionResult}, for {@link renderReport}. */
export function contentionReport(result: ContentionResult): ReportOptions {
  const { clients, trials, bucketMs } = result;
  const grid = logGrid(result);
  const none = result.results.find((r) => r.backoff === 'none');
  const rows = result.results.map((r) => [
    labelOf(r),
    r.meanCompletionMs,
    r.minCompletionMs,
    r.maxCompletionMs,
    r.meanWriteCalls,
    r.meanWriteCalls / clients,
    none === undefined ? '—' : `${((r.meanWriteCalls / none.meanWriteCalls) * 100).toFixed(0)} %`,
  ]);
  return {
    title: 'breakwater replay: retry contention',
    subtitle: `${clients} clients update one row with optimistic concurrency — mean of ${trials} trials per backoff variant, seed ${String(result.seed)}`,
    sections: [
      {
        heading: 'What was simulated',
        text:
          `Each client reads the row's version, then sends a conditional write that succeeds only if the version is unchanged; ` +
          `every message takes |Normal(10 ms, 2 ms)| of network delay. A client whose write fails sends its next read after one network delay ` +
          `plus backoff(attempt), with base ${result.baseMs} ms and cap ${result.capMs} ms, and tries again until it succeeds. ` +
          `The backoffs are breakwater's own (exponentialBackoff and constantBackoff from breakwater/resilience). ` +
          `This repeats the simulation of Marc Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog, 2015.` +
          `\n\nWhat to look for: without jitter, exponential backoff keeps the clients in lock-step, so every round still collides and the ` +
          `waits grow — it takes by far the longest. Jitter spreads the clients out: a fraction of the writes of retrying at once, ` +
          `for a somewhat longer completion time than retrying at once and a far shorter one than un-jittered exponential backoff.`,
        table: {
          columns: [
            'backoff',
            'mean completion (ms)',
            'fastest trial (ms)',
            'slowest trial (ms)',
            'mean conditional writes',
            'writes per client',
            'writes vs none',
          ],
          rows,
          caption: `Mean over ${trials} trials; completion = virtual time when the last of the ${clients} clients is done.`,
        },
      },
      {
        heading: 'Over time',
        text:
          `Means over the trials, sampled at the end of ${bucketMs} ms buckets. Time is on a log axis: ` +
          `each curve ends when the slowest trial of its variant ended.`,
        charts: [
          {
            title: 'Clients done',
            xLabel: 'virtual time (ms, log scale)',
            yLabel: 'clients done',
            xScale: 'log',
            series: result.results.map((r) => ({
              label: labelOf(r),
              points: cumulativePoints(r, grid, bucketMs, (b) => r.series[b - 1]?.done ?? 0),
            })),
          },
          {
            title: 'Conditional writes so far',
            xLabel: 'virtual time (ms, log scale)',
            yLabel: 'conditional writes',
            xScale: 'log',
            series: result.results.map((r) => {
              const sum = writesSoFar(r);
              return { label: labelOf(r), points: cumulativePoints(r, grid, bucketMs, sum) };
            }),
          },
        ],
      },
    ],
    footer: `Reproduce: breakwater replay contention --clients ${clients} --trials ${trials} --seed ${String(result.seed)} --out report.html`,
  };
}
