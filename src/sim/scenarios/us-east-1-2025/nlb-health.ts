/**
 * @module
 * Network Load Balancer health checks and DNS failover. Every round the health checker probes
 * each load-balancer node; a node that fails is taken out of the load balancer's DNS name, a
 * node that passes is put back. On 2025-10-20 the checks themselves were wrong: new nodes and
 * the health-check fleet were launched while network state propagation lagged, so checks
 * failed and passed by turns, and nodes flapped in and out of DNS, removing capacity that was
 * there (05:30 → 14:09, until operators turned automatic failover off).
 *
 * Here the share of failing checks follows the wait for network propagation of new instances:
 * none below a minute's wait, up to `NLB.maxFailingShare` at half an hour. Half of the failing
 * nodes are really unreachable (their own network state is late), half are false failures.
 *
 * Which nodes stay in DNS is decided by the planner's own guard, {@link guardPlan} from
 * `src/dns/` (fail open when every node fails, velocity limit): as it happened with no
 * velocity limit (every failing node is removed at once); with breakwater with a
 * capacity-removal velocity limit, so a bad health signal can take out only a bounded share of
 * the fleet per plan and per window.
 */
import type { Rng } from '../../../core/rng.js';
import type { Inventory } from '../../../dns/inventory.js';
import { guardPlan } from '../../../dns/plan-guards.js';
import type { CapacityRemoval, VelocityLimit } from '../../../dns/plan-guards.js';
import type { PlanContent } from '../../../dns/plan.js';
import { BREAKWATER, NLB, PUBLISHED } from './calibration.js';

const NAME = 'nlb.us-east-1.example';
const NO_LIMIT: VelocityLimit = {
  maxRemovedFractionPerPlan: 1,
  maxRemovedFractionPerWindow: 1,
  windowMs: 1,
};

/** What one health-check round left in service. */
export interface NlbRound {
  /** Share of nodes in DNS. */
  readonly inDns: number;
  /** Share of nodes in DNS and really serving: the capacity clients can use. */
  readonly serving: number;
  /** Share of nodes whose check failed this round. */
  readonly failing: number;
}

/** Options for {@link NlbHealth}. */
export interface NlbHealthOptions {
  readonly rng: Rng;
  readonly mode: 'naive' | 'breakwater';
}

/** NLB health checks and failover; see the module comment. */
export class NlbHealth {
  readonly mode: 'naive' | 'breakwater';
  /** False while operators have turned automatic failover off. */
  failoverEnabled = true;
  readonly #rng: Rng;
  readonly #addresses: string[];
  readonly #broken: Uint8Array;
  readonly #limit: VelocityLimit;
  #previous: PlanContent | undefined;
  #history: CapacityRemoval[] = [];

  constructor(options: NlbHealthOptions) {
    this.mode = options.mode;
    this.#rng = options.rng;
    this.#addresses = Array.from(
      { length: NLB.nodes },
      (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.1`,
    );
    this.#broken = new Uint8Array(NLB.nodes);
    this.#limit =
      options.mode === 'breakwater'
        ? {
            maxRemovedFractionPerPlan: BREAKWATER.nlbMaxRemovedPerPlan,
            maxRemovedFractionPerWindow: BREAKWATER.nlbMaxRemovedPerWindow,
            windowMs: BREAKWATER.nlbWindowMs,
          }
        : NO_LIMIT;
  }

  /** Share of checks that fail when new instances wait `waitSeconds` for network state. */
  static failingShare(waitSeconds: number): number {
    const x =
      (waitSeconds - NLB.affectedAboveWaitSeconds) /
      (NLB.saturatedAtWaitSeconds - NLB.affectedAboveWaitSeconds);
    return NLB.maxFailingShare * Math.min(1, Math.max(0, x));
  }

  /** One round at window second `t`, with new instances waiting `waitSeconds` for network. */
  round(t: number, waitSeconds: number): NlbRound {
    const share = NlbHealth.failingShare(waitSeconds);
    const rng = this.#rng;
    const n = NLB.nodes;
    const endpoints = [];
    let failing = 0;
    for (let i = 0; i < n; i++) {
      const fails = share > 0 && rng.float() < share;
      this.#broken[i] = fails && rng.float() < 0.5 ? 1 : 0;
      if (fails) failing++;
      endpoints.push({ address: this.#addresses[i] as string, weight: 1, healthy: !fails });
    }
    let inDnsSet: ReadonlySet<string>;
    if (!this.failoverEnabled) {
      inDnsSet = new Set(this.#addresses);
    } else {
      const inventory: Inventory = { names: [{ name: NAME, ttl: 60, endpoints }], records: [] };
      const nowMs = (t - PUBLISHED.dnsEmpty) * 1000;
      const out = guardPlan({
        inventory,
        previous: this.#previous,
        history: this.#history,
        nowMs,
        limit: this.#limit,
      });
      if (out.content !== undefined) {
        this.#previous = out.content;
        this.#history = [...this.#history, ...out.removals].filter(
          (r) => r.atMs > nowMs - this.#limit.windowMs,
        );
      }
      const set = new Set<string>();
      for (const rs of this.#previous?.recordSets ?? []) {
        if (rs.type === 'A') for (const r of rs.records) set.add(r.address);
      }
      inDnsSet = set;
    }
    let inDns = 0;
    let serving = 0;
    for (let i = 0; i < n; i++) {
      if (!inDnsSet.has(this.#addresses[i] as string)) continue;
      inDns++;
      if (this.#broken[i] === 0) serving++;
    }
    return { inDns: inDns / n, serving: serving / n, failing: failing / n };
  }
}
