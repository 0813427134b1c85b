/**
 * @module
 * The page's two small charts as inline SVG — drawn on the server so the page needs no
 * JavaScript and the static export no library: 90 daily uptime bars, and a response-time
 * sparkline. Colours follow the common status-page convention (green, amber, red, grey for no
 * data); every bar carries a `<title>` so the numbers are there for screen readers and hover.
 */
import { escapeHtml, formatPercent, formatTime } from './html.js';

const DAY_MS = 86_400_000;

/** Colour of a day with this uptime. */
export function uptimeColour(u: number | undefined): string {
  if (u === undefined) return '#d0d4d9';
  if (u >= 0.999) return '#2fb344';
  if (u >= 0.95) return '#f59f00';
  return '#d63939';
}

/** Daily uptime bars; `days` oldest first, the last one ending at `todayMs`'s day. */
export function uptimeBars(days: readonly (number | undefined)[], todayMs: number): string {
  const w = 6;
  const gap = 2;
  const h = 28;
  const today = Math.floor(todayMs / DAY_MS);
  const bars = days
    .map((u, i) => {
      const day = (today - (days.length - 1 - i)) * DAY_MS;
      return `<rect x="${i * (w + gap)}" y="0" width="${w}" height="${h}" rx="1" fill="${uptimeColour(u)}"><title>${escapeHtml(formatTime(day).slice(0, 10))}: ${formatPercent(u)}</title></rect>`;
    })
    .join('');
  const width = days.length * (w + gap) - gap;
  return `<svg class="bars" role="img" aria-label="uptime per day, last ${days.length} days" viewBox="0 0 ${width} ${h}" width="100%" height="${h}" preserveAspectRatio="none">${bars}</svg>`;
}

/** A response-time sparkline with its max labelled. */
export function latencySparkline(values: readonly number[]): string {
  const width = 240;
  const height = 36;
  if (values.length === 0) return '<span class="muted">no response times yet</span>';
  const max = Math.max(...values, 1);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`)
    .join(' ');
  const last = values[values.length - 1] ?? 0;
  return `<svg class="spark" role="img" aria-label="response time, last ${values.length} probes, latest ${last} ms" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><polyline fill="none" stroke="#206bc4" stroke-width="1.5" points="${points}"/><text x="${width}" y="10" text-anchor="end" font-size="9" fill="#667">max ${Math.round(max)} ms</text></svg>`;
}
