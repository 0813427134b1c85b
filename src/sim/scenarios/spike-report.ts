/**
 * @module
 * The HTML report of a `spike` run: what was simulated, a table of the headline figures
 * (requests by outcome, and goodput against offered load once the spike is long over) and
 * per-second charts with the variants overlaid — goodput against the offered load, retries,
 * timeouts, and the server's side (requests in service, requests queued).
 */
import type { ReportOptions, ReportPoint, ReportSeries } from '../report/render-report.js';
import type { SpikePoint, SpikeResult, SpikeServerPoint, SpikeVariantResult } from './spike.js';
import { summarizeSpikeWindow } from './spike.js';

/** Length of the "after the spike" window the headline figures cover, s. */
export const SPIKE_TAIL_SECONDS = 20;

function seriesOf(
  r: SpikeVariantResult,
  pick: (p: SpikePoint) => number,
  label: string = r.variant,
): ReportSeries {
  return { label, points: r.series.map((p): ReportPoint => [p.t, pick(p)]) };
}

function serverSeriesOf(
  r: SpikeVariantResult,
  pick: (p: SpikeServerPoint) => number,
): ReportSeries {
  return { label: r.variant, points: r.server.map((p): ReportPoint => [p.t, pick(p)]) };
}

/** The report of a {@link SpikeResult}, for {@link renderReport}. */
export function spikeReport(result: SpikeResult): ReportOptions {
  const { durationSeconds: end, spikeFromSeconds: from, spikeUntilSeconds: until } = result;
  const tailFrom = Math.max(0, end - SPIKE_TAIL_SECONDS);
  const rows = result.results.map((r) => {
    const w = summarizeSpikeWindow(r, tailFrom, end);
    const t = r.totals;
    return [
      r.variant,
      t.created,
      t.succeeded,
      t.timedOut,
      t.dropped,
      t.failed,
      t.inFlight,
      t.retries,
      t.lateResponses,
      w.offeredPerSecond,
      w.goodputPerSecond,
      `${(w.ratio * 100).toFixed(0)} %`,
    ];
  });
  const first = result.results[0];
  const offered: ReportSeries[] =
    first === undefined
      ? []
      : [{ ...seriesOf(first, (p) => p.offered, 'offered load'), dashed: true, color: '#555' }];
  return {
    title: 'breakwater replay: load spike and metastable failure',
    subtitle: `Poisson load, a spike from ${from} s to ${until} s, ${end} s in all — seed ${String(result.seed)}`,
    sections: [
      {
        heading: 'What was simulated',
        text:
          `Requests arrive as a Poisson process at 40 req/s, 80 req/s from t = ${from} s to t = ${until} s, then 40 req/s again. ` +
          `The server slows down with load: a request takes 1.0 s + 0.01 s × requests in progress, and every request in progress slows ` +
          `down when more arrive. Clients give each attempt 3 s and make up to 3 attempts; every message takes Exp(mean 0.1 s) of network delay. ` +
          `Every variant runs breakwater's real Retry policy through its synchronous decide(); they differ only in configuration.` +
          `\n\n` +
          result.results.map((r) => `${r.variant}: ${r.description}.`).join('\n\n') +
          `\n\nWhat to look for: the spike pushes latency past the timeout; without mitigations, timed-out attempts keep being served for ` +
          `nobody and retries push the load to up to three times the offered load — beyond what the server can ever serve — so goodput ` +
          `stays near zero long after the spike has passed (a metastable failure; Bronson et al., HotOS 2021). Backoff alone delays ` +
          `the retries but does not remove them. With a retry budget, deadlines the server honours, a fresh-first queue and shedding, ` +
          `goodput returns to the offered load soon after the spike ends.`,
        table: {
          columns: [
            'variant',
            'requests',
            'succeeded',
            'timed out',
            'dropped',
            'failed',
            `in flight at ${end} s`,
            'retries',
            'late responses',
            `offered, last ${end - tailFrom} s (req/s)`,
            `goodput, last ${end - tailFrom} s (req/s)`,
            'goodput / offered',
          ],
          rows,
          caption:
            'Every request is accounted for: succeeded + timed out + dropped + failed + in flight = requests. ' +
            'Late responses: answers that reached a client that had given up — work done for nobody.',
        },
      },
      {
        heading: 'Per second',
        charts: [
          {
            title: 'Goodput against offered load',
            xLabel: 'time (s)',
            yLabel: 'requests per second',
            series: [...offered, ...result.results.map((r) => seriesOf(r, (p) => p.goodput))],
          },
          {
            title: 'Retries sent',
            xLabel: 'time (s)',
            yLabel: 'retries per second',
            series: result.results.map((r) => seriesOf(r, (p) => p.retries)),
          },
          {
            title: 'Attempts timed out',
            xLabel: 'time (s)',
            yLabel: 'timeouts per second',
            series: result.results.map((r) => seriesOf(r, (p) => p.timeouts)),
          },
          {
            title: 'Requests in service at the server (mean)',
            xLabel: 'time (s)',
            yLabel: 'requests',
            series: result.results.map((r) => serverSeriesOf(r, (p) => p.inProgress)),
          },
          {
            title: "Requests waiting in the server's queue (mean)",
            xLabel: 'time (s)',
            yLabel: 'requests',
            series: result.results.map((r) => serverSeriesOf(r, (p) => p.queued)),
          },
        ],
      },
    ],
    footer: `Reproduce: breakwater replay spike --seed ${String(result.seed)} --out report.html`,
  };
}
