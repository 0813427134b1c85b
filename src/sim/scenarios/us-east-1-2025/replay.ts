/**
 * @module
 * `breakwater replay us-east-1-2025`: the outage of 2025-10-20 in us-east-1, end to end, three
 * times (times PDT, 23:30 → 16:00):
 *
 * - **as-it-happened**: the legacy phonebook empties `dynamodb.us-east-1.amazonaws.com`
 *   through the 2025 race (real `src/dns/` code under the virtual clock); DWFM, launches,
 *   Network Manager and NLB behave as in 2025; operators act at the published times.
 * - **breakwater**: the same trigger against the safe phonebook: the stale write loses its
 *   compare-and-set, the endpoint never empties, nothing downstream notices.
 * - **breakwater-forced-dns-outage**: DNS is forced empty for the same 2 h 37 min, as if the
 *   phonebook were bypassed, but DWFM and its clients run breakwater's policies; no operator
 *   acts. How long after the DNS fix do leases and launches come back by themselves?
 *
 * The phonebook acts run first (async, real DNS code); the three outage runs are callback
 * models on the kernel. Everything derives from one seed: the same seed gives the same
 * result, to the byte, except the wall-clock time it took.
 */
import type { Clock } from '../../../core/clock.js';
import { systemClock } from '../../../core/clock.js';
import type { Seed } from '../../../core/rng.js';
import { DEFAULT_SCENARIO_SEED } from '../default-seed.js';
import { PUBLISHED } from './calibration.js';
import type { DnsTimeline } from './dns-timeline.js';
import { runOutage } from './outage-run.js';
import type { OutageRunResult } from './outage-run.js';
import { OPERATOR_ACTIONS, operatorActionStrings } from './operators.js';
import { runPhonebookAct } from './phonebook-act.js';
import type { PhonebookActResult } from './phonebook-act.js';
import { clockOrNull, detectEvents, figuresOf } from './summary.js';
import type { RunFigures, TimelineEvent } from './summary.js';

/** The runs, in the order they are reported. */
export const US_EAST_1_RUNS = [
  'as-it-happened',
  'breakwater',
  'breakwater-forced-dns-outage',
] as const;

/** One of {@link US_EAST_1_RUNS}. */
export type UsEast1RunName = (typeof US_EAST_1_RUNS)[number];

/** Default `--droplets`. */
export const DEFAULT_DROPLETS = 100_000;
/** Largest `--droplets` accepted. */
export const MAX_DROPLETS = 1_000_000;

/** Options for {@link runUsEast1Replay}. */
export interface UsEast1ReplayOptions {
  /** Root seed. Default {@link DEFAULT_SCENARIO_SEED}. */
  readonly seed?: Seed;
  /** Droplets in the fleet: an integer in [1000, 1 000 000]. Default 100 000. */
  readonly droplets?: number;
  /** Measures `wallMs` (real time). Default the system clock. */
  readonly wallClock?: Clock;
  /** Called with the share of the whole replay done, 0…1. */
  readonly onProgress?: (fraction: number) => void;
}

/** One run's result. */
export interface UsEast1RunResult {
  readonly name: UsEast1RunName;
  /** A line saying what the run is. */
  readonly description: string;
  readonly dns: DnsTimeline;
  readonly outage: OutageRunResult;
  readonly figures: RunFigures;
  /** Key events, operators' actions and the phonebook's included, in time order. */
  readonly events: readonly TimelineEvent[];
  /** `"HH:MM what"` for each operator action (empty for the breakwater runs). */
  readonly operatorActions: readonly string[];
}

/** The replay's result. */
export interface UsEast1ReplayResult {
  readonly scenario: 'us-east-1-2025';
  readonly seed: Seed;
  readonly droplets: number;
  /** Kernel events fired over all acts and runs. */
  readonly events: number;
  /** Real time the replay took, ms. */
  readonly wallMs: number;
  readonly runs: readonly UsEast1RunResult[];
  /** The phonebook acts (legacy, safe). */
  readonly phonebook: { readonly legacy: PhonebookActResult; readonly safe: PhonebookActResult };
}

/** One run in the `--json` document. */
export interface UsEast1RunJson {
  readonly name: UsEast1RunName;
  readonly dnsEmptyMinutes: number;
  readonly leasesRestoredAt: string | null;
  readonly launchesRecoveredAt: string | null;
  readonly allNormalAt: string | null;
  readonly operatorActions: readonly string[];
  readonly recoveryMinutesAfterDnsFix: number | null;
}

/** The `--json` document (issue 5's exact shape). */
export interface UsEast1Json {
  readonly scenario: 'us-east-1-2025';
  readonly droplets: number;
  readonly events: number;
  readonly wallMs: number;
  readonly runs: readonly UsEast1RunJson[];
}

const DESCRIPTIONS: Readonly<Record<UsEast1RunName, string>> = {
  'as-it-happened':
    'legacy phonebook (the 2025 race); DWFM with an unbounded FIFO queue re-queuing timed-out work; operators act at the published times',
  breakwater:
    'safe phonebook (compare-and-set activation, janitor re-checks the active plan) under the same trigger; breakwater policies downstream',
  'breakwater-forced-dns-outage':
    'DNS forced empty 23:48 → 02:25 anyway; DWFM and its clients use breakwater policies (bounded queue with TTL and fresh-first, breaker, retry budget with jitter, recovery ramp, NLB velocity limit); no operator acts',
};

function checkDroplets(value: number): number {
  if (!Number.isInteger(value) || value < 1000 || value > MAX_DROPLETS) {
    throw new RangeError(
      `us-east-1-2025: droplets must be an integer from 1000 to ${MAX_DROPLETS}, got ${value}`,
    );
  }
  return value;
}

/** Runs the replay; see the module comment. */
export async function runUsEast1Replay(
  options: UsEast1ReplayOptions = {},
): Promise<UsEast1ReplayResult> {
  const seed = options.seed ?? DEFAULT_SCENARIO_SEED;
  const droplets = checkDroplets(options.droplets ?? DEFAULT_DROPLETS);
  const wall = options.wallClock ?? systemClock;
  const startedMs = wall.monotonic();
  // Progress weights: each phonebook act ~1/8, each outage run ~1/4.
  const progress = (from: number, span: number) => (f: number) =>
    options.onProgress?.(from + span * f);

  const legacy = await runPhonebookAct({ seed, mode: 'legacy', onProgress: progress(0, 0.125) });
  const safe = await runPhonebookAct({ seed, mode: 'safe', onProgress: progress(0.125, 0.125) });
  const forcedDns = safe.timeline.withForcedEmpty(PUBLISHED.dnsEmpty, PUBLISHED.dnsRestored);

  const plans: readonly {
    name: UsEast1RunName;
    dns: DnsTimeline;
    act: PhonebookActResult | undefined;
    systems: 'naive' | 'breakwater';
    operators: boolean;
  }[] = [
    {
      name: 'as-it-happened',
      dns: legacy.timeline,
      act: legacy,
      systems: 'naive',
      operators: true,
    },
    { name: 'breakwater', dns: safe.timeline, act: safe, systems: 'breakwater', operators: false },
    {
      name: 'breakwater-forced-dns-outage',
      dns: forcedDns,
      act: undefined,
      systems: 'breakwater',
      operators: false,
    },
  ];
  let events = legacy.eventsFired + safe.eventsFired;
  const runs: UsEast1RunResult[] = [];
  plans.forEach((p, i) => {
    const outage = runOutage({
      seed,
      droplets,
      dns: p.dns,
      systems: p.systems,
      operators: p.operators,
      onProgress: progress(0.25 + 0.25 * i, 0.25),
    });
    events += outage.eventsFired;
    const figures = figuresOf(p.dns, outage.series);
    const timeline: TimelineEvent[] = [...detectEvents(outage.series, figures)];
    if (p.act !== undefined) {
      // The phonebook's own story, from its first sign of trouble.
      for (const e of p.act.events) timeline.push(e);
    } else {
      timeline.push(
        { t: PUBLISHED.dnsEmpty, text: 'DNS for the DynamoDB endpoint forced empty' },
        { t: PUBLISHED.dnsRestored, text: 'forced DNS outage ends: the endpoint serves again' },
      );
    }
    if (p.operators) {
      for (const a of OPERATOR_ACTIONS) {
        timeline.push({ t: a.t, text: `operators: ${a.label}`, operator: true });
      }
    }
    timeline.sort((a, b) => a.t - b.t);
    runs.push({
      name: p.name,
      description: DESCRIPTIONS[p.name],
      dns: p.dns,
      outage,
      figures,
      events: timeline,
      operatorActions: p.operators ? operatorActionStrings() : [],
    });
  });
  options.onProgress?.(1);
  return {
    scenario: 'us-east-1-2025',
    seed,
    droplets,
    events,
    wallMs: Math.round(wall.monotonic() - startedMs),
    runs,
    phonebook: { legacy, safe },
  };
}

/** The `--json` document: exactly `{scenario, droplets, events, wallMs, runs: [...]}`. */
export function usEast1Json(result: UsEast1ReplayResult): UsEast1Json {
  return {
    scenario: 'us-east-1-2025',
    droplets: result.droplets,
    events: result.events,
    wallMs: result.wallMs,
    runs: result.runs.map((r) => ({
      name: r.name,
      dnsEmptyMinutes: r.figures.dnsEmptyMinutes,
      leasesRestoredAt: clockOrNull(r.figures.leasesRestoredAt),
      launchesRecoveredAt: clockOrNull(r.figures.launchesRecoveredAt),
      allNormalAt: clockOrNull(r.figures.allNormalAt),
      operatorActions: r.operatorActions,
      recoveryMinutesAfterDnsFix: r.figures.recoveryMinutesAfterDnsFix,
    })),
  };
}
