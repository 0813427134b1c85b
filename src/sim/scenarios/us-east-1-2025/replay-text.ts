/**
 * @module
 * The replay's terminal output: the timelines of as-it-happened and of the forced DNS outage
 * with breakwater side by side (one row per minute in which something happened), a line for
 * the breakwater run, and the headline figures of all three runs against the published ones.
 */
import { OPERATOR_ACTIONS } from './operators.js';
import { formatPdt } from './pdt-time.js';
import type { UsEast1ReplayResult, UsEast1RunResult } from './replay.js';
import { PUBLISHED_KEY_TIMES, clockOrNull } from './summary.js';

const COLUMN = 58;

function wrap(text: string, width: number): string[] {
  const words = text.split(' ');
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

function byMinute(run: UsEast1RunResult): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const e of run.events) {
    const k = formatPdt(e.t);
    const list = m.get(k) ?? [];
    list.push(e.operator === true ? `[ops] ${e.text.replace(/^operators: /, '')}` : e.text);
    m.set(k, list);
  }
  return m;
}

/** Sorts `HH:MM` keys in window order (23:30 … 23:59 before 00:00). */
function windowOrder(a: string, b: string): number {
  const key = (s: string): string => (s >= '23:30' ? `0${s}` : `1${s}`);
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function findRun(result: UsEast1ReplayResult, name: string): UsEast1RunResult {
  const r = result.runs.find((x) => x.name === name);
  if (r === undefined) throw new Error(`replay: no run ${name}`);
  return r;
}

/** The text printed on stdout without `--json`. */
export function usEast1Text(result: UsEast1ReplayResult): string {
  const asIs = findRun(result, 'as-it-happened');
  const forced = findRun(result, 'breakwater-forced-dns-outage');
  const safe = findRun(result, 'breakwater');
  const left = byMinute(asIs);
  const right = byMinute(forced);
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort(windowOrder);
  const out: string[] = [];
  out.push(
    `us-east-1-2025: the DynamoDB DNS outage of 2025-10-20 replayed with ${result.droplets.toLocaleString('en-US')} droplets, ` +
      `seed ${String(result.seed)} — ${result.events.toLocaleString('en-US')} events in ${(result.wallMs / 1000).toFixed(1)} s`,
  );
  out.push('');
  out.push(`PDT    ${pad('as-it-happened', COLUMN)}  breakwater-forced-dns-outage`);
  out.push(`-----  ${'-'.repeat(COLUMN)}  ${'-'.repeat(COLUMN)}`);
  for (const k of keys) {
    const l = (left.get(k) ?? []).flatMap((t) =>
      wrap(t, COLUMN).map((x, i) => (i === 0 ? `• ${x}` : `  ${x}`)),
    );
    const r = (right.get(k) ?? []).flatMap((t) =>
      wrap(t, COLUMN).map((x, i) => (i === 0 ? `• ${x}` : `  ${x}`)),
    );
    const n = Math.max(l.length, r.length);
    for (let i = 0; i < n; i++) {
      out.push(`${i === 0 ? k : '     '}  ${pad(l[i] ?? '', COLUMN)}  ${r[i] ?? ''}`.trimEnd());
    }
  }
  out.push('');
  const race = safe.events.find((e) => /compare-and-set/.test(e.text));
  out.push(
    `breakwater (safe phonebook): ${race === undefined ? 'the same trigger at 23:48' : `${formatPdt(race.t)} ${race.text}`}; ` +
      `the endpoint was never empty (${safe.figures.dnsEmptyMinutes} min), leases never dropped below ${(safe.figures.minLeasedShare * 100).toFixed(1)} %, ` +
      `launch success never below ${(safe.figures.minLaunchSuccess * 100).toFixed(1)} %.`,
  );
  out.push('');
  const fmt = (t: number | null): string => clockOrNull(t) ?? '—';
  const runs = result.runs;
  const rows: string[][] = [
    [
      'minutes of empty DNS',
      ...runs.map((r) => String(r.figures.dnsEmptyMinutes)),
      String(PUBLISHED_KEY_TIMES.dnsEmptyMinutes),
    ],
    [
      'leases restored at',
      ...runs.map((r) => fmt(r.figures.leasesRestoredAt)),
      PUBLISHED_KEY_TIMES.leasesRestoredAt,
    ],
    [
      'launches recovered at',
      ...runs.map((r) => fmt(r.figures.launchesRecoveredAt)),
      PUBLISHED_KEY_TIMES.launchesRecoveredAt,
    ],
    [
      'all normal at',
      ...runs.map((r) => fmt(r.figures.allNormalAt)),
      PUBLISHED_KEY_TIMES.allNormalAt,
    ],
    [
      'recovery after the DNS fix',
      ...runs.map((r) =>
        r.figures.recoveryMinutesAfterDnsFix === null
          ? '—'
          : `${r.figures.recoveryMinutesAfterDnsFix} min`,
      ),
      `${PUBLISHED_KEY_TIMES.recoveryMinutesAfterDnsFix} min`,
    ],
    [
      'operator actions needed',
      ...runs.map((r) => String(r.operatorActions.length)),
      String(OPERATOR_ACTIONS.length),
    ],
    [
      'DWFM work wasted',
      ...runs.map((r) => {
        const t = r.outage.totals;
        return t.dwfmBusyHours > 0
          ? `${Math.round(t.dwfmWastedHours)} h (${Math.round((t.dwfmWastedHours / t.dwfmBusyHours) * 100)} %)`
          : '0 h';
      }),
      '—',
    ],
  ];
  out.push(table(['', ...runs.map((r) => r.name), 'published'], rows));
  out.push('');
  out.push(
    '— = never happened in the window (nothing was lost) · DWFM work wasted: worker-hours spent on lease work that failed',
  );
  return `${out.join('\n')}\n`;
}
