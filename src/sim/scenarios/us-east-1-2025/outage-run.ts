/**
 * @module
 * One run of the replay after the phonebook act: DynamoDB's clients, DWFM, EC2 launches,
 * Network Manager and NLB health checks, wired on one {@link Simulation} and driven by a
 * one-second tick (launches every 10 s, health checks every 30 s, samples every minute) — a
 * callback model with a handful of events per simulated second, whatever the fleet size.
 *
 * The output is a per-minute series of every signal the report draws, and the totals the
 * headline figures need.
 */
import type { Seed } from '../../../core/rng.js';
import { Simulation } from '../../kernel/simulation.js';
import type { HandlerId } from '../../kernel/simulation.js';
import { MICROS_PER_SECOND } from '../../units.js';
import { VirtualClock } from '../../virtual-clock.js';
import { DWFM, NETWORK, RESOLVERS } from './calibration.js';
import type { DnsTimeline } from './dns-timeline.js';
import { Dwfm } from './dwfm.js';
import { DynamoDbClients } from './dynamodb-clients.js';
import { Ec2Launches, LAUNCH_TICK_SECONDS } from './ec2-launches.js';
import { NetworkManager } from './network-manager.js';
import { NlbHealth } from './nlb-health.js';
import { launchAdmitShareAt, mitigationInForce, scheduleOperators } from './operators.js';
import { WINDOW_MINUTES, WINDOW_SECONDS, WINDOW_START_EPOCH_MS } from './pdt-time.js';

/** How a run's systems behave. */
export interface OutageRunOptions {
  readonly seed: Seed;
  readonly droplets: number;
  /** The DNS of the DynamoDB endpoint over the window. */
  readonly dns: DnsTimeline;
  /** `'naive'`: the 2025 systems; `'breakwater'`: breakwater's policies. */
  readonly systems: 'naive' | 'breakwater';
  /** Whether the operators' script runs (as it happened). */
  readonly operators: boolean;
  /** Called with the share of the run done. */
  readonly onProgress?: (fraction: number) => void;
}

/** Per-minute series of a run (index = minute of the window). `NaN` = no data. */
export interface OutageSeries {
  /** Fewest A records served for the endpoint in the minute. */
  readonly dnsRecords: Float64Array;
  /** Share of DynamoDB requests that resolve (clients with addresses cached). */
  readonly dynamoSuccess: Float64Array;
  /** Share of droplets holding a lease (end of minute). */
  readonly leasedShare: Float64Array;
  /** DWFM work items queued, all hosts (lease batches; end of minute). */
  readonly dwfmQueue: Float64Array;
  /** Droplets whose lease work succeeded in the minute. */
  readonly dwfmGoodput: Float64Array;
  /** Droplets whose lease work was retried in the minute. */
  readonly dwfmRetries: Float64Array;
  /** Share of DWFM's busy worker time spent on work that failed. */
  readonly dwfmWastedShare: Float64Array;
  /** Successful launches / admitted launches whose outcome was known in the minute. */
  readonly launchSuccess: Float64Array;
  /** Launch requests admitted, and throttled, in the minute. */
  readonly launchesAdmitted: Float64Array;
  readonly launchesThrottled: Float64Array;
  /** Wait for network state of a launch made now, minutes (end of minute). */
  readonly networkWaitMinutes: Float64Array;
  /** NLB: share of nodes in DNS, and share in DNS and really serving (mean of the rounds). */
  readonly nlbInDns: Float64Array;
  readonly nlbServing: Float64Array;
  /** 1 while a manual mitigation is in force. */
  readonly mitigation: Float64Array;
}

/** Totals of a run. */
export interface OutageTotals {
  /** DWFM worker-hours, and worker-hours spent on work that failed. */
  readonly dwfmBusyHours: number;
  readonly dwfmWastedHours: number;
  /** Launches that succeeded, and admitted launches that failed. */
  readonly launchesSucceeded: number;
  readonly launchesFailed: number;
  /** Network propagations done for launches that had already failed. */
  readonly networkWasted: number;
}

/** A run's result. */
export interface OutageRunResult {
  readonly series: OutageSeries;
  readonly totals: OutageTotals;
  readonly eventsFired: number;
}

const TICK_SECONDS = 1;
const NLB_TICK_SECONDS = 30;

/** Runs one outage run; see the module comment. */
export function runOutage(options: OutageRunOptions): OutageRunResult {
  const { droplets, dns, systems } = options;
  const sim = new Simulation({ seed: options.seed, initialCapacity: 256 });
  const clock = new VirtualClock(sim, { startEpochMs: WINDOW_START_EPOCH_MS });
  const minutes = WINDOW_MINUTES;
  const ticks = WINDOW_SECONDS / LAUNCH_TICK_SECONDS;
  const resolverTtl = RESOLVERS;

  const hostClients = new DynamoDbClients(
    dns,
    WINDOW_SECONDS,
    DWFM.hosts,
    sim.rng('dwfm-resolvers'),
    resolverTtl,
  );
  const population = new DynamoDbClients(
    dns,
    WINDOW_SECONDS,
    RESOLVERS.clientPopulation,
    sim.rng('client-resolvers'),
    resolverTtl,
  );

  let launchTick = 0;
  const launches = new Ec2Launches({
    clock,
    rng: sim.rng('launches'),
    mode: systems,
    droplets,
    ticks,
  });
  const network = new NetworkManager({
    clock,
    mode: systems,
    droplets,
    onLaunchesReady: (n) => launches.ready(n),
    onLaunchesFailed: (n) => launches.impaired(n, systems === 'breakwater' ? launchTick : -1),
  });
  const dwfm = new Dwfm({
    sim,
    clock,
    rng: sim.rng('dwfm'),
    mode: systems,
    droplets,
    reachable: (h, t) => hostClients.reachable(h, t),
    onLeaseRestored: (n, seconds) =>
      network.hold((NETWORK.changesPerDropletHour * n * seconds) / 3600),
  });
  const nlb = new NlbHealth({ rng: sim.rng('nlb'), mode: systems });

  const series: OutageSeries = {
    dnsRecords: new Float64Array(minutes),
    dynamoSuccess: population.successByMinute(minutes),
    leasedShare: new Float64Array(minutes),
    dwfmQueue: new Float64Array(minutes),
    dwfmGoodput: new Float64Array(minutes),
    dwfmRetries: new Float64Array(minutes),
    dwfmWastedShare: new Float64Array(minutes),
    launchSuccess: new Float64Array(minutes),
    launchesAdmitted: new Float64Array(minutes),
    launchesThrottled: new Float64Array(minutes),
    networkWaitMinutes: new Float64Array(minutes),
    nlbInDns: new Float64Array(minutes),
    nlbServing: new Float64Array(minutes),
    mitigation: new Float64Array(minutes),
  };
  for (let m = 0; m < minutes; m++) {
    series.dnsRecords[m] = dns.minRecords(m * 60, (m + 1) * 60);
    series.mitigation[m] = options.operators && mitigationInForce(m * 60 + 30) ? 1 : 0;
  }

  if (options.operators) {
    scheduleOperators(
      {
        dwfmHosts: dwfm.hosts.length,
        restartDwfmHost: (h) => dwfm.restartHost(h),
        setLaunchAdmitShare: (s) => (launches.admitShare = s),
        setNlbFailover: (on) => (nlb.failoverEnabled = on),
      },
      (t, fn) => {
        sim.scheduleAt(
          t * MICROS_PER_SECOND,
          sim.register(() => fn()),
        );
      },
    );
  }

  let leasedShare = dwfm.leased(0) / droplets;
  let nlbInDns = 0;
  let nlbServing = 0;
  let nlbRounds = 0;
  let launchesSucceeded = 0;
  let launchesFailed = 0;
  const changesPerSecondPerDroplet = NETWORK.changesPerDropletHour / 3600;

  const tick: HandlerId = sim.register((s) => {
    const t = s.now / MICROS_PER_SECOND;
    dwfm.tick(t, TICK_SECONDS);
    // Changes of instances on leased droplets flow normally; on the others they are held.
    network.change(changesPerSecondPerDroplet * leasedShare * droplets * TICK_SECONDS, t);
    network.tick(t, TICK_SECONDS);
    const second = Math.round(t);
    if (second % LAUNCH_TICK_SECONDS === 0) {
      leasedShare = dwfm.leased(t) / droplets;
      if (options.operators) launches.admitShare = launchAdmitShareAt(t);
      launchTick = second / LAUNCH_TICK_SECONDS;
      const placed = launches.tick(Math.min(launchTick, ticks - 1), leasedShare);
      network.launch(placed, t);
    }
    if (second % NLB_TICK_SECONDS === 0) {
      const r = nlb.round(t, network.launchWaitSeconds());
      nlbInDns += r.inDns;
      nlbServing += r.serving;
      nlbRounds++;
    }
    if (second % 60 === 59) {
      const m = Math.floor(second / 60);
      const c = dwfm.drainCounters();
      const l = launches.drainCounters();
      series.leasedShare[m] = dwfm.leased(t) / droplets;
      series.dwfmQueue[m] = dwfm.queued();
      series.dwfmGoodput[m] = c.goodput;
      series.dwfmRetries[m] = c.retries;
      series.dwfmWastedShare[m] = c.busySeconds > 0 ? c.wastedSeconds / c.busySeconds : 0;
      const ok = l.succeeded;
      const failed = l.noCapacity + l.noNetwork;
      launchesSucceeded += ok;
      launchesFailed += failed;
      series.launchSuccess[m] = ok + failed > 0 ? ok / (ok + failed) : NaN;
      series.launchesAdmitted[m] = l.admitted;
      series.launchesThrottled[m] = l.throttled;
      series.networkWaitMinutes[m] = network.launchWaitSeconds() / 60;
      series.nlbInDns[m] = nlbRounds > 0 ? nlbInDns / nlbRounds : 1;
      series.nlbServing[m] = nlbRounds > 0 ? nlbServing / nlbRounds : 1;
      nlbInDns = 0;
      nlbServing = 0;
      nlbRounds = 0;
    }
    if (t + TICK_SECONDS < WINDOW_SECONDS) s.schedule(TICK_SECONDS * MICROS_PER_SECOND, tick);
  });
  sim.schedule(TICK_SECONDS * MICROS_PER_SECOND, tick);

  const chunk = 1800;
  for (let t = chunk; t <= WINDOW_SECONDS; t += chunk) {
    sim.run(t * MICROS_PER_SECOND);
    options.onProgress?.(t / WINDOW_SECONDS);
  }
  const totals = dwfm.totals;
  return {
    series,
    totals: {
      dwfmBusyHours: totals.busySeconds / 3600,
      dwfmWastedHours: totals.wastedSeconds / 3600,
      launchesSucceeded,
      launchesFailed,
      networkWasted: network.wasted,
    },
    eventsFired: sim.eventsFired,
  };
}
