/**
 * @module
 * Every number of the us-east-1 replay, in one place, with where it comes from. Three kinds:
 *
 * - **published**: a time or fact from AWS's post-event summary, "Summary of the Amazon
 *   DynamoDB Service Disruption in the Northern Virginia (US-EAST-1) Region"
 *   (https://aws.amazon.com/message/101925/), times in PDT. The operators' script uses these
 *   times as they are.
 * - **calibrated**: chosen (by running the model) so that the *as-it-happened* run's emergent
 *   times fall near the published ones. {@link CALIBRATION} lists them with their targets, and
 *   the report prints that table.
 * - **assumed**: a plausible figure AWS did not publish (the lease timeout, DWFM's capacity);
 *   the shapes of the three runs — not their exact minutes — are what these decide.
 *
 * Rates and capacities that grow with the fleet are given per 100 000 droplets and scaled by
 * `--droplets`, so a smaller fleet (the tests use 10 000) keeps the same timeline.
 */
import { pdt } from './pdt-time.js';

/** The fleet size the per-fleet figures below are given for. */
export const REFERENCE_DROPLETS = 100_000;

/** Published times (PDT), as window seconds. */
export const PUBLISHED = Object.freeze({
  /** "at 11:48 PM PDT ... an incorrect empty DNS record for the service's regional endpoint". */
  dnsEmpty: pdt('23:48'),
  /** "By 2:25 AM, all DNS information was restored". */
  dnsRestored: pdt('02:25'),
  /** "as cached DNS records expired between 2:25 AM and 2:40 AM". */
  cachesExpired: pdt('02:40'),
  /** "At 4:14 AM, engineers throttled incoming work and began selective restarts of DWFM hosts". */
  dwfmThrottleAndRestart: pdt('04:14'),
  /** "By 5:28 AM, DWFM established leases with all droplets". */
  leasesRestored: pdt('05:28'),
  /** "Starting at 5:30 AM ... NLB experienced increased connection errors". */
  nlbErrorsFrom: pdt('05:30'),
  /** "at 6:21 AM, Network Manager started to experience increased latencies". */
  networkLatencyFrom: pdt('06:21'),
  /** "At 9:36 AM, engineers disabled automatic health check failovers for NLB". */
  nlbFailoverDisabled: pdt('09:36'),
  /** "By 10:36 AM, network configuration propagation times had returned to normal levels". */
  launchesRecovered: pdt('10:36'),
  /** "at 11:23 AM, our engineers began relaxing request throttles". */
  throttlesRelaxFrom: pdt('11:23'),
  /** "At 1:50 PM, all EC2 APIs and new EC2 instance launches were operating normally". */
  throttlesRemoved: pdt('13:50'),
  /** "we re-enabled automatic DNS health check failover at 2:09 PM". */
  nlbFailoverEnabled: pdt('14:09'),
  /** "the event ... ended at 2:20 PM PDT on October 20". */
  allNormal: pdt('14:20'),
});

/** The phonebook act: the real DNS automation of `src/dns/`. */
export const PHONEBOOK = Object.freeze({
  /** The planner's mean pause between runs, ms (the planner's own default). */
  plannerIntervalMs: 10_000,
  /** Each enactor's mean pause between passes, ms. */
  enactorIntervalMs: 5_000,
  /**
   * Legacy clean-up: delete plans more than this many generations older than the plan the
   * enactor just applied ("many generations older"; LegacyEnactor's default).
   */
  cleanupLagGenerations: 5,
  /** Safe janitor: plans kept below the oldest active generation. */
  janitorRetain: 10,
  /** When enactor-a's apply starts to stall (it holds the plan it checked until 23:48). */
  stallFrom: pdt('23:45'),
  /** Load balancers behind the endpoint (A records of a plan). */
  endpoints: 8,
  /** After the repair, how long the act keeps running before the DNS state is held. */
  tailSeconds: 30 * 60,
});

/** DynamoDB clients and their resolvers. */
export const RESOLVERS = Object.freeze({
  /** TTL of the endpoint's A records, s (the inventory's default TTL). */
  positiveTtlSeconds: 60,
  /**
   * Longest time a resolver caches the empty answer, s. Calibrated: each resolver caps
   * negative caching at its own value in [60 s, this], so the last clients recover 15 min
   * after the fix — "cached DNS records expired between 2:25 AM and 2:40 AM".
   */
  maxNegativeTtlSeconds: 900,
  /** Shortest negative-cache cap, s. */
  minNegativeTtlSeconds: 60,
  /** Client resolvers in the population whose success rate the report charts. */
  clientPopulation: 400,
});

/** EC2's DropletWorkflow Manager. */
export const DWFM = Object.freeze({
  /**
   * Droplets per lease batch: DynamoDB's BatchWriteItem writes at most 25 items per request
   * (Amazon DynamoDB API reference, BatchWriteItem), so one lease-check request covers up to
   * 25 droplets. A work item is one batch: this is what keeps the model at batch granularity.
   */
  batchSize: 25,
  /** DWFM hosts; each owns an equal share of the droplets, its own queue and resolver. */
  hosts: 20,
  /** Lease timeout, s (assumed): a lease not renewed within it expires. */
  leaseTimeoutSeconds: 180,
  /** A lease is renewed this often, s (assumed). */
  renewIntervalSeconds: 60,
  /** Worker time to renew one batch, s (assumed). */
  renewCostSeconds: 0.15,
  /** Mean worker time to (re-)establish the leases of one batch, s (assumed); ±20 % jitter. */
  establishCostSeconds: 5,
  /**
   * Worker time of a call that fails because the endpoint does not resolve, s: the SDK's own
   * retries of the failed resolution, with their backoff, before it reports the error.
   */
  failCostSeconds: 1,
  /**
   * DWFM worker time per second per droplet (assumed): 100 000 droplets get 70 worker-
   * seconds per second, so normal renewals use about a seventh of it and re-establishing every
   * lease at full speed takes about 6 min — twice the lease timeout, which is what makes a
   * FIFO backlog of all of them collapse (every item is older than the lease timeout when
   * its turn comes).
   */
  workerSecondsPerDropletSecond: 7e-4,
  /** The lease scanner looks at each batch this often, s. */
  scanPeriodSeconds: 4,
});

/** The operators of the as-it-happened run (published times; the pace is calibrated). */
export const OPERATORS = Object.freeze({
  /**
   * After 04:14 the DWFM hosts are restarted one after another, this far apart, s. Calibrated
   * so that the last host has all its leases at 05:28.
   */
  restartIntervalSeconds: 203,
  /** A restarted host admits lease establishments at this share of its capacity (throttle). */
  dwfmThrottleShare: 0.5,
  /** Share of launch requests the EC2 API throttle admits from 04:14 until 11:23 (assumed). */
  launchThrottleAdmitShare: 0.3,
});

/** breakwater's policies in the two breakwater runs. */
export const BREAKWATER = Object.freeze({
  /** Work queue bound per DWFM host (about what a host can do within one lease timeout). */
  queueCapacity: 100,
  /** Establishment admission rate, as a share of a host's establishment capacity. */
  admitShare: 0.8,
  /** Recovery ramp after the breaker closes: start share and length. */
  rampStartFraction: 0.2,
  rampMs: 120_000,
  /** Breaker: consecutive failures that open it; first and longest open time. */
  breakerThreshold: 5,
  halfOpenAfterMs: 5_000,
  maxHalfOpenAfterMs: 30_000,
  /** Retry backoff (exponential, full jitter). */
  retryBaseMs: 2_000,
  retryCapMs: 60_000,
  /** A batch whose retries were refused (budget) is looked at again after this, s. */
  resweepSeconds: 30,
  /** NLB: capacity-removal velocity limit (the planner's guard, `src/dns/plan-guards.ts`). */
  nlbMaxRemovedPerPlan: 0.1,
  nlbMaxRemovedPerWindow: 0.25,
  nlbWindowMs: 600_000,
});

/** EC2 launches. */
export const LAUNCHES = Object.freeze({
  /** New launch requests per minute per 100 000 droplets (assumed). */
  perMinute: 600,
  /** A customer retries a failed launch after this (fixed, as an auto-scaling group), s. */
  naiveRetrySeconds: 120,
  /** Attempts a customer makes before giving up. */
  maxAttempts: 8,
  /** A launched instance without network state after this is impaired (a failed launch), s. */
  connectivityDeadlineSeconds: 300,
});

/** Network Manager: network-state propagation. */
export const NETWORK = Object.freeze({
  /** Propagations per second per 100 000 droplets (calibrated: backlog gone at 10:36). */
  capacityPerSecond: 20,
  /**
   * Network state changes (terminations, attachments) per droplet-hour (assumed). While a
   * droplet has no lease they are held, and released once it has one again.
   */
  changesPerDropletHour: 0.25,
  /**
   * Held changes are pushed to Network Manager by a reconciliation sweep at this rate per
   * 100 000 droplets, per second (calibrated: latency above the launch deadline from 06:21).
   */
  sweepPerSecond: 5,
});

/** NLB health checks. */
export const NLB = Object.freeze({
  /** Load-balancer nodes in DNS (one name). */
  nodes: 120,
  /** Health-check round, s. */
  checkIntervalSeconds: 30,
  /** Propagation wait below which health checks are unaffected, s. */
  affectedAboveWaitSeconds: 60,
  /** Wait at which the share of failing checks reaches its maximum, s. */
  saturatedAtWaitSeconds: 1800,
  /** Largest share of nodes whose checks fail in one round. */
  maxFailingShare: 0.45,
});

/** How the report decides that everything is back to normal. */
export const NORMAL = Object.freeze({
  /** Leased droplets at or above this share count as "leases restored". */
  leasedShare: 0.99,
  /** Launch success rate (of admitted launches, per minute) at or above this is normal. */
  launchSuccess: 0.95,
  /** DynamoDB success rate at or above this is normal. */
  dynamoSuccess: 0.99,
  /** NLB serving capacity at or above this is normal. */
  nlbServing: 0.99,
  /**
   * Minutes every signal must have been normal, with no manual mitigation in force, before
   * the event counts as over. Calibrated: AWS re-enabled NLB failover at 14:09 and declared
   * the event over at 14:20.
   */
  allClearObservationMinutes: 11,
});

/** A calibrated parameter, for the report's table. */
export interface CalibrationEntry {
  readonly parameter: string;
  readonly value: string;
  readonly target: string;
  /** Which emergent time of the as-it-happened run it was calibrated on. */
  readonly on: 'clients-resolve' | 'leases' | 'network-slow' | 'launches' | 'all-normal';
}

/** The calibrated parameters and what each was calibrated to. */
export const CALIBRATION: readonly CalibrationEntry[] = Object.freeze([
  {
    parameter: 'resolver negative-cache cap',
    value: `uniform in [${RESOLVERS.minNegativeTtlSeconds} s, ${RESOLVERS.maxNegativeTtlSeconds} s] per resolver`,
    target: 'clients recover 02:25 → 02:40 ("as cached DNS records expired")',
    on: 'clients-resolve',
  },
  {
    parameter: 'DWFM host restart spacing (operators)',
    value: `${OPERATORS.restartIntervalSeconds} s between hosts from 04:14, each throttled to ${OPERATORS.dwfmThrottleShare * 100} % of its capacity`,
    target: 'leases with all droplets at 05:28',
    on: 'leases',
  },
  {
    parameter: 'Network Manager capacity',
    value: `${NETWORK.capacityPerSecond} propagations/s per 100k droplets`,
    target: 'propagation back to normal, launches succeeding, at 10:36',
    on: 'launches',
  },
  {
    parameter: 'held network-change sweep rate',
    value: `${NETWORK.sweepPerSecond} changes/s per 100k droplets`,
    target: 'propagation latency above the launch deadline from about 06:21',
    on: 'network-slow',
  },
  {
    parameter: 'all-clear observation window',
    value: `${NORMAL.allClearObservationMinutes} min`,
    target: 'NLB failover re-enabled 14:09 → event over 14:20',
    on: 'all-normal',
  },
]);
