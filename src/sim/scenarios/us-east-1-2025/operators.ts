/**
 * @module
 * The operators of the as-it-happened run: what AWS's engineers did, at the times the
 * post-event summary gives. Only the pace of the host restarts is calibrated (see
 * `calibration.ts`). The breakwater runs have no operators: nothing in them waits for a person.
 */
import { OPERATORS, PUBLISHED } from './calibration.js';
import { formatPdt } from './pdt-time.js';

/** What an operator action changes in the world of a run. */
export interface OperatorWorld {
  /** Restart DWFM host `h` (clears its queue) and throttle the work it admits. */
  restartDwfmHost(h: number): void;
  /** Number of DWFM hosts. */
  readonly dwfmHosts: number;
  /** Share of launch requests the EC2 API admits. */
  setLaunchAdmitShare(share: number): void;
  /** Turn NLB automatic health-check failover on or off. */
  setNlbFailover(enabled: boolean): void;
}

/** One scripted action. */
export interface OperatorAction {
  /** Window seconds. */
  readonly t: number;
  /** What was done, in words. */
  readonly label: string;
  /** A few words, for chart markers. */
  readonly short: string;
}

/** The script, in time order. */
export const OPERATOR_ACTIONS: readonly OperatorAction[] = Object.freeze([
  {
    t: PUBLISHED.dnsRestored,
    label: 'repair the DynamoDB endpoint’s DNS by hand',
    short: 'DNS repaired',
  },
  {
    t: PUBLISHED.dwfmThrottleAndRestart,
    label: 'throttle incoming work and restart DWFM hosts one by one',
    short: 'throttle, restart DWFM',
  },
  {
    t: PUBLISHED.nlbFailoverDisabled,
    label: 'disable NLB automatic health-check failover',
    short: 'NLB failover off',
  },
  {
    t: PUBLISHED.throttlesRelaxFrom,
    label: 'relax request throttles (gradually, until 13:50)',
    short: 'relax throttles',
  },
  {
    t: PUBLISHED.nlbFailoverEnabled,
    label: 're-enable NLB automatic health-check failover',
    short: 'NLB failover on',
  },
]);

/** `"HH:MM label"` for each action: the JSON's `operatorActions`. */
export function operatorActionStrings(): string[] {
  return OPERATOR_ACTIONS.map((a) => `${formatPdt(a.t)} ${a.label}`);
}

/**
 * The launch API's admitted share at window second `t` under the operators' throttle: 1 before
 * 04:14, `OPERATORS.launchThrottleAdmitShare` until 11:23, rising linearly to 1 at 13:50.
 */
export function launchAdmitShareAt(t: number): number {
  if (t < PUBLISHED.dwfmThrottleAndRestart) return 1;
  const low = OPERATORS.launchThrottleAdmitShare;
  if (t < PUBLISHED.throttlesRelaxFrom) return low;
  if (t >= PUBLISHED.throttlesRemoved) return 1;
  const f =
    (t - PUBLISHED.throttlesRelaxFrom) /
    (PUBLISHED.throttlesRemoved - PUBLISHED.throttlesRelaxFrom);
  return low + (1 - low) * f;
}

/** Whether a manual mitigation (a throttle, failover off) is in force at window second `t`. */
export function mitigationInForce(t: number): boolean {
  return (
    (t >= PUBLISHED.dwfmThrottleAndRestart && t < PUBLISHED.throttlesRemoved) ||
    (t >= PUBLISHED.nlbFailoverDisabled && t < PUBLISHED.nlbFailoverEnabled)
  );
}

/**
 * Schedules the script on `at(t, fn)` (a run's scheduler). The DNS repair is done by the
 * phonebook act itself; here it is only marked.
 */
export function scheduleOperators(
  world: OperatorWorld,
  at: (t: number, fn: () => void) => void,
): void {
  at(PUBLISHED.dwfmThrottleAndRestart, () => {
    for (let h = 0; h < world.dwfmHosts; h++) {
      at(PUBLISHED.dwfmThrottleAndRestart + h * OPERATORS.restartIntervalSeconds, () =>
        world.restartDwfmHost(h),
      );
    }
  });
  at(PUBLISHED.nlbFailoverDisabled, () => world.setNlbFailover(false));
  at(PUBLISHED.nlbFailoverEnabled, () => world.setNlbFailover(true));
}
