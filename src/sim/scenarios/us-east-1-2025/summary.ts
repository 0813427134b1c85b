/**
 * @module
 * From a run's per-minute series to the figures the replay reports: when the endpoint was
 * empty, when leases and launches came back, when everything was normal, and the key events
 * of its timeline. Every rule is stated once here, so the terminal, the JSON and the report
 * agree.
 *
 * "Back" always means *for good*: the start of the last stretch, reaching to the end of the
 * window, in which the signal is normal. A signal that was never abnormal has no recovery
 * time (`null`), nor has one still abnormal at 16:00.
 */
import { NORMAL, PUBLISHED } from './calibration.js';
import type { DnsTimeline } from './dns-timeline.js';
import type { OutageSeries } from './outage-run.js';
import { WINDOW_MINUTES, WINDOW_SECONDS, formatPdt } from './pdt-time.js';

/** A key event of a run's timeline. */
export interface TimelineEvent {
  /** Window seconds. */
  readonly t: number;
  readonly text: string;
  /** True for an operator's action. */
  readonly operator?: boolean;
}

/** A run's headline figures. Times are window seconds, or null. */
export interface RunFigures {
  readonly dnsEmptyMinutes: number;
  /** When the endpoint served records again (end of the last empty interval), or null. */
  readonly dnsFixedAt: number | null;
  readonly leasesRestoredAt: number | null;
  readonly launchesRecoveredAt: number | null;
  readonly allNormalAt: number | null;
  /** From the DNS fix until both leases and launches were back, minutes. */
  readonly recoveryMinutesAfterDnsFix: number | null;
  /** Lowest share of droplets with a lease. */
  readonly minLeasedShare: number;
  /** Lowest per-minute launch success rate. */
  readonly minLaunchSuccess: number;
  /** Lowest NLB serving capacity. */
  readonly minNlbServing: number;
}

/**
 * The first minute of the last stretch in which `normal(m)` holds up to the end, as window
 * seconds; null when every minute is normal or the last one is not. A minute with no data
 * (`NaN`) counts as the minute before it.
 */
export function recoveredAt(
  values: Float64Array,
  normal: (v: number) => boolean,
  from = 0,
): number | null {
  let lastBad = -1;
  let state = true;
  for (let m = from; m < values.length; m++) {
    const v = values[m] as number;
    if (!Number.isNaN(v)) state = normal(v);
    if (!state) lastBad = m;
  }
  if (lastBad < 0 || lastBad === values.length - 1) return null;
  return (lastBad + 1) * 60;
}

function minOf(values: Float64Array): number {
  let min = Infinity;
  for (const v of values) if (!Number.isNaN(v) && v < min) min = v;
  return min === Infinity ? NaN : min;
}

/** Whether every signal is normal in minute `m` (and no manual mitigation is in force). */
export function allNormalInMinute(s: OutageSeries, m: number, lastLaunchOk: boolean): boolean {
  return (
    (s.dnsRecords[m] as number) > 0 &&
    (s.dynamoSuccess[m] as number) >= NORMAL.dynamoSuccess &&
    (s.leasedShare[m] as number) >= NORMAL.leasedShare &&
    lastLaunchOk &&
    (s.nlbServing[m] as number) >= NORMAL.nlbServing &&
    s.mitigation[m] === 0
  );
}

/** The headline figures of a run. */
export function figuresOf(dns: DnsTimeline, s: OutageSeries): RunFigures {
  const empty = dns.emptyIntervals(WINDOW_SECONDS);
  const emptySeconds = empty.reduce((sum, i) => sum + (i.to - i.from), 0);
  const dnsFixedAt = empty.length === 0 ? null : (empty[empty.length - 1]?.to ?? null);
  const leasesRestoredAt = recoveredAt(s.leasedShare, (v) => v >= NORMAL.leasedShare);
  const launchesRecoveredAt = recoveredAt(s.launchSuccess, (v) => v >= NORMAL.launchSuccess);
  let lastBad = -1;
  let launchOk = true;
  for (let m = 0; m < WINDOW_MINUTES; m++) {
    const l = s.launchSuccess[m] as number;
    if (!Number.isNaN(l)) launchOk = l >= NORMAL.launchSuccess;
    if (!allNormalInMinute(s, m, launchOk)) lastBad = m;
  }
  const clear = (lastBad + 1 + NORMAL.allClearObservationMinutes) * 60;
  const allNormalAt = lastBad < 0 || clear >= WINDOW_SECONDS ? null : clear;
  let recovery: number | null = null;
  if (dnsFixedAt !== null) {
    const leases = leasesRestoredAt ?? (minOf(s.leasedShare) >= NORMAL.leasedShare ? 0 : null);
    const launches =
      launchesRecoveredAt ?? (minOf(s.launchSuccess) >= NORMAL.launchSuccess ? 0 : null);
    if (leases !== null && launches !== null) {
      recovery = Math.max(0, Math.max(leases, launches) - dnsFixedAt) / 60;
    }
  }
  return {
    dnsEmptyMinutes: Math.round(emptySeconds / 6) / 10,
    dnsFixedAt,
    leasesRestoredAt,
    launchesRecoveredAt,
    allNormalAt,
    recoveryMinutesAfterDnsFix: recovery === null ? null : Math.round(recovery),
    minLeasedShare: minOf(s.leasedShare),
    minLaunchSuccess: minOf(s.launchSuccess),
    minNlbServing: minOf(s.nlbServing),
  };
}

/** First minute (from `from`) where `pred` holds, as window seconds; null if none. */
function firstWhere(values: Float64Array, pred: (v: number) => boolean, from = 0): number | null {
  for (let m = Math.max(0, Math.floor(from / 60)); m < values.length; m++) {
    const v = values[m] as number;
    if (!Number.isNaN(v) && pred(v)) return m * 60;
  }
  return null;
}

/** The key events of a run, detected from its series, in time order. */
export function detectEvents(s: OutageSeries, f: RunFigures): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  // Detected at minute resolution: placed mid-minute, after what the phonebook logged.
  const push = (t: number | null, text: string): void => {
    if (t !== null) out.push({ t: t + 30, text });
  };
  push(
    firstWhere(s.dynamoSuccess, (v) => v < 0.5),
    'most DynamoDB requests fail (DNS answers expired)',
  );
  const leasesGoing = firstWhere(s.leasedShare, (v) => v < NORMAL.leasedShare);
  push(leasesGoing, 'DWFM leases start to time out');
  push(
    firstWhere(s.leasedShare, (v) => v < 0.01),
    'no droplet holds a lease: launches fail ("insufficient capacity")',
  );
  if (f.dnsFixedAt !== null) {
    const caught = firstWhere(s.dynamoSuccess, (v) => v >= NORMAL.dynamoSuccess, f.dnsFixedAt);
    push(caught, 'every client resolves DynamoDB again (negative caches expired)');
    // The retry flood: in the hour after the fix, how much of DWFM's work was wasted.
    const from = Math.floor(f.dnsFixedAt / 60) + 15;
    let wasted = 0;
    let n = 0;
    for (let m = from; m < Math.min(from + 60, s.dwfmWastedShare.length); m++) {
      wasted += s.dwfmWastedShare[m] as number;
      n++;
    }
    if (n > 0 && wasted / n > 0.5 && (f.leasesRestoredAt ?? Infinity) > from * 60) {
      out.push({
        t: from * 60 + 30,
        text: `DWFM in congestive collapse: ${Math.round((wasted / n) * 100)} % of its work times out and is re-queued`,
      });
    }
  }
  push(f.leasesRestoredAt, 'leases held on all droplets again');
  const netFrom = firstWhere(s.networkWaitMinutes, (v) => v > 5);
  push(netFrom, 'network propagation slower than the launch deadline: new instances impaired');
  if (netFrom !== null) {
    push(
      recoveredAt(s.networkWaitMinutes, (v) => v <= 5),
      'network propagation back within the launch deadline',
    );
  }
  const nlbFrom = firstWhere(s.nlbInDns, (v) => v < 0.97);
  push(nlbFrom, 'NLB health checks flap: healthy nodes removed from DNS');
  push(f.launchesRecoveredAt, 'instance launches succeed again');
  push(f.allNormalAt, 'all signals normal');
  return out.sort((a, b) => a.t - b.t);
}

/** `HH:MM` or null. */
export function clockOrNull(t: number | null): string | null {
  return t === null ? null : formatPdt(t);
}

/** The published key times, for the side-by-side comparison. */
export const PUBLISHED_KEY_TIMES = Object.freeze({
  dnsEmptyMinutes: (PUBLISHED.dnsRestored - PUBLISHED.dnsEmpty) / 60,
  leasesRestoredAt: formatPdt(PUBLISHED.leasesRestored),
  launchesRecoveredAt: formatPdt(PUBLISHED.launchesRecovered),
  allNormalAt: formatPdt(PUBLISHED.allNormal),
  recoveryMinutesAfterDnsFix: (PUBLISHED.launchesRecovered - PUBLISHED.dnsRestored) / 60,
});
