/**
 * @module
 * The probe engine: the one place that decides whether an endpoint is healthy, for the DNS
 * routing policies here and for the status page later.
 *
 * Two layers, as everywhere in breakwater:
 * - a **synchronous core** — {@link HealthChecker.report}(check, vantage, ok) runs the pure
 *   threshold machine (`health-state.ts`) for that vantage point, combines the vantage points
 *   by quorum and the calculated checks by K-of-N (`quorum.ts`), and emits `onChange` when a
 *   verdict flips. The simulator and remote vantage points feed it directly;
 * - an **async shell** — `start()` arms, per check and per vantage point that can probe, a
 *   timer on the injected Clock every `intervalMs`; each probe runs under a {@link Timeout}
 *   policy (aggressive: a probe that hangs fails at `timeoutMs` and its I/O is aborted) and
 *   reports its result to the core. A probe still running when the next one is due is not
 *   doubled up: the slot is skipped (the timeout is at most the interval, so that is rare).
 *
 * Defaults are Route 53's: a 10 s ("fast") interval, 3 failures to go down and 3 successes
 * to come back, 2xx/3xx healthy; a new check starts healthy, so an endpoint is not pulled
 * from DNS before it has been probed at all (fail open).
 */
import type { Clock, Timer } from '../../core/clock.js';
import { EventEmitter } from '../../core/events.js';
import type { Event } from '../../core/events.js';
import type { Rng } from '../../core/rng.js';
import { TaskTimeoutError } from '../../resilience/errors.js';
import { Timeout } from '../../resilience/timeout.js';
import { checkClock, checkId } from '../internal/options.js';
import { checkHealthThresholds, initialHealthState, nextHealthState } from './health-state.js';
import type { HealthState, HealthThresholds } from './health-state.js';
import { runProbe } from './probe.js';
import type { ProbeResult, ProbeRunner, ProbeTarget } from './probe.js';
import { atLeastHealthy, majorityQuorum, quorumHealthy } from './quorum.js';

/** A place probes run from. Without `probe` it is passive: results arrive by `report`. */
export interface VantagePoint {
  readonly id: string;
  readonly probe?: ProbeRunner;
}

/** A check that probes an endpoint. */
export interface ProbeCheckOptions {
  readonly id: string;
  readonly target: ProbeTarget;
  /** Time between probes from each vantage point, ms. Default 10 000. */
  readonly intervalMs?: number;
  /** Probe timeout, ms (≤ intervalMs). Default min(intervalMs, 4000). */
  readonly timeoutMs?: number;
  /** Failures in a row that make a vantage point see the endpoint down. Default 3. */
  readonly failureThreshold?: number;
  /** Successes in a row that make it see the endpoint up again. Default: failureThreshold. */
  readonly successThreshold?: number;
  /** Which vantage points probe it (ids). Default: all of the checker's. */
  readonly vantagePoints?: readonly string[];
  /** Vantage points that must see it down for it to be down. Default: a strict majority. */
  readonly quorum?: number;
  /** Verdict before any probe. Default true (fail open). */
  readonly initiallyHealthy?: boolean;
}

/** A check that is healthy when at least `minHealthy` of its children are. */
export interface CalculatedCheckOptions {
  readonly id: string;
  /** Ids of checks added earlier (probe or calculated). */
  readonly children: readonly string[];
  readonly minHealthy: number;
}

/** Options of {@link HealthChecker}. */
export interface HealthCheckerOptions {
  readonly clock: Clock;
  /** When given, each probe slot starts at a random offset within its interval. */
  readonly rng?: Rng;
  /** Default: one local vantage point, `local`, probing from this host. */
  readonly vantagePoints?: readonly VantagePoint[];
  readonly checks?: readonly ProbeCheckOptions[];
  readonly calculatedChecks?: readonly CalculatedCheckOptions[];
}

/** Payload of {@link HealthChecker.onChange}. */
export interface HealthChangeEvent {
  readonly check: string;
  readonly healthy: boolean;
  /** `clock.now()` at the change. */
  readonly atMs: number;
  /** A probe result (or report) flipped it, or a child of a calculated check did. */
  readonly cause: 'probe' | 'calculated';
  /** Vantage points that see it down, of how many (probe checks; 0/0 for calculated). */
  readonly unhealthyVantages: number;
  readonly vantages: number;
}

/** Payload of {@link HealthChecker.onProbe}: one probe finished. */
export interface ProbeEvent {
  readonly check: string;
  readonly vantage: string;
  readonly result: ProbeResult;
  readonly atMs: number;
}

/** The state of one check, for status pages. */
export interface HealthCheckStatus {
  readonly id: string;
  readonly kind: 'probe' | 'calculated';
  readonly healthy: boolean;
  /** When the verdict last changed (or the check was added), `clock.now()`. */
  readonly sinceMs: number;
  /** Per vantage point (probe checks). */
  readonly vantages: readonly {
    readonly id: string;
    readonly state: HealthState;
    readonly lastResult: ProbeResult | undefined;
  }[];
  /** Children (calculated checks). */
  readonly children: readonly string[];
}

interface Slot {
  readonly vantage: VantagePoint;
  state: HealthState;
  lastResult: ProbeResult | undefined;
  timer: Timer | undefined;
  inFlight: boolean;
}

interface ProbeCheck {
  readonly kind: 'probe';
  readonly id: string;
  readonly target: ProbeTarget;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly thresholds: HealthThresholds;
  readonly quorum: number;
  readonly slots: Map<string, Slot>;
  readonly timeout: Timeout;
  healthy: boolean;
  sinceMs: number;
}

interface CalculatedCheck {
  readonly kind: 'calculated';
  readonly id: string;
  readonly children: readonly string[];
  readonly minHealthy: number;
  healthy: boolean;
  sinceMs: number;
}

type Check = ProbeCheck | CalculatedCheck;

const WHERE = 'HealthChecker';

/** Probes endpoints on a schedule and keeps their health verdicts. */
export class HealthChecker {
  readonly #clock: Clock;
  readonly #rng: Rng | undefined;
  readonly #vantages = new Map<string, VantagePoint>();
  readonly #checks = new Map<string, Check>();
  /** child id → calculated checks that use it. */
  readonly #parents = new Map<string, string[]>();
  readonly #changes = new EventEmitter<HealthChangeEvent>();
  readonly #probes = new EventEmitter<ProbeEvent>();
  #running = false;
  #stop: AbortController | undefined;

  /** Fires when a check's verdict flips. */
  readonly onChange: Event<HealthChangeEvent> = this.#changes.event;
  /** Fires after every probe (for latency charts). */
  readonly onProbe: Event<ProbeEvent> = this.#probes.event;

  constructor(options: HealthCheckerOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${WHERE}: options must be an object, got ${String(options)}`);
    }
    this.#clock = checkClock(WHERE, options.clock);
    this.#rng = options.rng;
    const clock = this.#clock;
    const vantages: readonly VantagePoint[] = options.vantagePoints ?? [
      { id: 'local', probe: (t: ProbeTarget, s: AbortSignal) => runProbe(t, s, clock) },
    ];
    if (!isList(vantages) || vantages.length === 0) {
      throw new RangeError(`${WHERE}: vantagePoints must be a non-empty array`);
    }
    for (const v of vantages) {
      const id = checkId(WHERE, 'vantagePoints[].id', v?.id);
      if (this.#vantages.has(id))
        throw new RangeError(`${WHERE}: vantage point '${id}' given twice`);
      if (v.probe !== undefined && typeof v.probe !== 'function') {
        throw new TypeError(`${WHERE}: vantagePoints '${id}'.probe must be a function`);
      }
      this.#vantages.set(id, v);
    }
    for (const c of options.checks ?? []) this.addCheck(c);
    for (const c of options.calculatedChecks ?? []) this.addCalculatedCheck(c);
  }

  /** Adds a probe check; if the checker runs, its probes start at once. */
  addCheck(options: ProbeCheckOptions): void {
    const id = checkId(WHERE, 'id', options?.id);
    if (this.#checks.has(id)) throw new RangeError(`${WHERE}: check '${id}' exists already`);
    const target = options.target;
    if (
      typeof target !== 'object' ||
      target === null ||
      (target.kind !== 'http' && target.kind !== 'tcp')
    ) {
      throw new TypeError(
        `${WHERE}: check '${id}'.target must be { kind: 'http', url } or { kind: 'tcp', host, port }`,
      );
    }
    if (target.kind === 'http' && !/^https?:\/\//.test(String(target.url))) {
      throw new TypeError(
        `${WHERE}: check '${id}'.target.url must be an http(s) URL, got '${String(target.url)}'`,
      );
    }
    if (
      target.kind === 'tcp' &&
      (!Number.isInteger(target.port) || target.port < 1 || target.port > 65_535)
    ) {
      throw new RangeError(
        `${WHERE}: check '${id}'.target.port must be 1–65535, got ${String(target.port)}`,
      );
    }
    const intervalMs = positive(`check '${id}'.intervalMs`, options.intervalMs ?? 10_000);
    const timeoutMs = positive(
      `check '${id}'.timeoutMs`,
      options.timeoutMs ?? Math.min(intervalMs, 4000),
    );
    if (timeoutMs > intervalMs) {
      throw new RangeError(
        `${WHERE}: check '${id}'.timeoutMs (${timeoutMs}) must not exceed intervalMs (${intervalMs})`,
      );
    }
    const failureThreshold = options.failureThreshold ?? 3;
    const thresholds = checkHealthThresholds(`${WHERE}: check '${id}'`, {
      failureThreshold,
      successThreshold: options.successThreshold ?? failureThreshold,
    });
    const vantageIds = options.vantagePoints ?? [...this.#vantages.keys()];
    if (vantageIds.length === 0)
      throw new RangeError(`${WHERE}: check '${id}'.vantagePoints is empty`);
    const slots = new Map<string, Slot>();
    const healthy = options.initiallyHealthy ?? true;
    for (const v of vantageIds) {
      const vantage = this.#vantages.get(v);
      if (vantage === undefined)
        throw new RangeError(`${WHERE}: check '${id}' names unknown vantage point '${v}'`);
      slots.set(v, {
        vantage,
        state: initialHealthState(healthy),
        lastResult: undefined,
        timer: undefined,
        inFlight: false,
      });
    }
    const quorum = options.quorum ?? majorityQuorum(slots.size);
    if (!Number.isInteger(quorum) || quorum < 1 || quorum > slots.size) {
      throw new RangeError(
        `${WHERE}: check '${id}'.quorum must be an integer 1–${slots.size}, got ${String(quorum)}`,
      );
    }
    const check: ProbeCheck = {
      kind: 'probe',
      id,
      target,
      intervalMs,
      timeoutMs,
      thresholds,
      quorum,
      slots,
      timeout: new Timeout({ timeoutMs, clock: this.#clock }),
      healthy,
      sinceMs: this.#clock.now(),
    };
    this.#checks.set(id, check);
    if (this.#running) this.#arm(check);
  }

  /** Adds a calculated check over existing checks. */
  addCalculatedCheck(options: CalculatedCheckOptions): void {
    const id = checkId(WHERE, 'id', options?.id);
    if (this.#checks.has(id)) throw new RangeError(`${WHERE}: check '${id}' exists already`);
    const children: readonly string[] = options.children;
    if (!isList(children) || children.length === 0) {
      throw new RangeError(`${WHERE}: calculated check '${id}'.children must be a non-empty array`);
    }
    for (const c of children) {
      if (!this.#checks.has(c)) {
        throw new RangeError(
          `${WHERE}: calculated check '${id}' names unknown child '${String(c)}' (add it first)`,
        );
      }
    }
    const k = options.minHealthy;
    if (!Number.isInteger(k) || k < 1 || k > children.length) {
      throw new RangeError(
        `${WHERE}: calculated check '${id}'.minHealthy must be 1–${children.length}, got ${String(k)}`,
      );
    }
    const check: CalculatedCheck = {
      kind: 'calculated',
      id,
      children: [...children],
      minHealthy: k,
      healthy: atLeastHealthy(
        children.map((c) => this.#checks.get(c)!.healthy),
        k,
      ),
      sinceMs: this.#clock.now(),
    };
    this.#checks.set(id, check);
    for (const c of new Set(children)) {
      const list = this.#parents.get(c);
      if (list === undefined) this.#parents.set(c, [id]);
      else list.push(id);
    }
  }

  /** Removes a check (not one that a calculated check still uses). */
  removeCheck(id: string): boolean {
    const check = this.#checks.get(id);
    if (check === undefined) return false;
    const users = this.#parents.get(id);
    if (users !== undefined && users.length > 0) {
      throw new RangeError(`${WHERE}: check '${id}' is used by calculated check '${users[0]!}'`);
    }
    this.#checks.delete(id);
    if (check.kind === 'probe') {
      for (const s of check.slots.values()) {
        s.timer?.cancel();
        s.timer = undefined;
      }
    } else {
      for (const c of check.children) {
        const list = this.#parents.get(c)?.filter((p) => p !== id) ?? [];
        if (list.length === 0) this.#parents.delete(c);
        else this.#parents.set(c, list);
      }
    }
    return true;
  }

  /** The verdict of a check. Throws a RangeError for an unknown id. */
  isHealthy(id: string): boolean {
    const c = this.#checks.get(id);
    if (c === undefined) throw new RangeError(`${WHERE}: unknown check '${id}'`);
    return c.healthy;
  }

  /** The ids of every check. */
  get checkIds(): readonly string[] {
    return [...this.#checks.keys()];
  }

  /** The state of one check, or undefined. */
  status(id: string): HealthCheckStatus | undefined {
    const c = this.#checks.get(id);
    if (c === undefined) return undefined;
    return {
      id,
      kind: c.kind,
      healthy: c.healthy,
      sinceMs: c.sinceMs,
      vantages:
        c.kind === 'probe'
          ? [...c.slots.values()].map((s) => ({
              id: s.vantage.id,
              state: s.state,
              lastResult: s.lastResult,
            }))
          : [],
      children: c.kind === 'calculated' ? c.children : [],
    };
  }

  /**
   * The synchronous core: one probe result for `check` from `vantage`. Updates that vantage
   * point's threshold state, the quorum verdict and every calculated check above it; emits
   * `onChange` for each verdict that flips. Returns the check's verdict.
   */
  report(check: string, vantage: string, ok: boolean): boolean {
    const c = this.#checks.get(check);
    if (c === undefined || c.kind !== 'probe') {
      throw new RangeError(`${WHERE}: '${check}' is not a probe check`);
    }
    const slot = c.slots.get(vantage);
    if (slot === undefined)
      throw new RangeError(`${WHERE}: check '${check}' has no vantage point '${vantage}'`);
    slot.state = nextHealthState(slot.state, ok, c.thresholds);
    let down = 0;
    for (const s of c.slots.values()) if (!s.state.healthy) down++;
    const healthy = quorumHealthy(
      Array.from(c.slots.values(), (s) => s.state.healthy),
      c.quorum,
    );
    if (healthy !== c.healthy) {
      c.healthy = healthy;
      c.sinceMs = this.#clock.now();
      this.#changes.emit({
        check,
        healthy,
        atMs: c.sinceMs,
        cause: 'probe',
        unhealthyVantages: down,
        vantages: c.slots.size,
      });
      this.#propagate(check);
    }
    return c.healthy;
  }

  #propagate(child: string): void {
    for (const pid of this.#parents.get(child) ?? []) {
      const p = this.#checks.get(pid);
      if (p === undefined || p.kind !== 'calculated') continue;
      const healthy = atLeastHealthy(
        p.children.map((c) => this.#checks.get(c)?.healthy ?? false),
        p.minHealthy,
      );
      if (healthy === p.healthy) continue;
      p.healthy = healthy;
      p.sinceMs = this.#clock.now();
      this.#changes.emit({
        check: pid,
        healthy,
        atMs: p.sinceMs,
        cause: 'calculated',
        unhealthyVantages: 0,
        vantages: 0,
      });
      this.#propagate(pid);
    }
  }

  /** Starts probing on the clock. Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#stop = new AbortController();
    for (const c of this.#checks.values()) if (c.kind === 'probe') this.#arm(c);
  }

  /** Stops probing; probes in flight are aborted and their results ignored. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#stop?.abort(new Error('health checker stopped'));
    this.#stop = undefined;
    for (const c of this.#checks.values()) {
      if (c.kind !== 'probe') continue;
      for (const s of c.slots.values()) {
        s.timer?.cancel();
        s.timer = undefined;
      }
    }
  }

  /** True between `start` and `stop`. */
  get running(): boolean {
    return this.#running;
  }

  /**
   * Probes `check` once from every vantage point that can probe, now, and reports the
   * results. Resolves when all have reported.
   */
  async probeNow(check: string): Promise<boolean> {
    const c = this.#checks.get(check);
    if (c === undefined || c.kind !== 'probe')
      throw new RangeError(`${WHERE}: '${check}' is not a probe check`);
    await Promise.all([...c.slots.values()].map((s) => this.#probeOnce(c, s)));
    return c.healthy;
  }

  #arm(check: ProbeCheck): void {
    for (const slot of check.slots.values()) {
      if (slot.vantage.probe === undefined || slot.timer !== undefined) continue;
      const delay = this.#rng === undefined ? 0 : this.#rng.float() * check.intervalMs;
      this.#schedule(check, slot, delay);
    }
  }

  #schedule(check: ProbeCheck, slot: Slot, delayMs: number): void {
    slot.timer = this.#clock.setTimer(
      delayMs,
      () => {
        slot.timer = undefined;
        if (!this.#running || this.#checks.get(check.id) !== check) return;
        this.#schedule(check, slot, check.intervalMs);
        void this.#probeOnce(check, slot);
      },
      { unref: true },
    );
  }

  async #probeOnce(check: ProbeCheck, slot: Slot): Promise<void> {
    const runner = slot.vantage.probe;
    if (runner === undefined || slot.inFlight) return;
    slot.inFlight = true;
    const start = this.#clock.monotonic();
    const stop = this.#stop?.signal;
    let result: ProbeResult;
    try {
      result = await check.timeout.execute(
        (ctx) => runner(check.target, ctx.signal ?? new AbortController().signal),
        stop,
      );
    } catch (e) {
      result = {
        ok: false,
        latencyMs: this.#clock.monotonic() - start,
        error:
          e instanceof TaskTimeoutError
            ? `timed out after ${check.timeoutMs} ms`
            : e instanceof Error
              ? e.message
              : String(e),
      };
    } finally {
      slot.inFlight = false;
    }
    // A stopped checker or a removed check must not move any verdict.
    if (stop?.aborted === true || this.#checks.get(check.id) !== check) return;
    slot.lastResult = result;
    if (this.#probes.hasListeners) {
      this.#probes.emit({
        check: check.id,
        vantage: slot.vantage.id,
        result,
        atMs: this.#clock.now(),
      });
    }
    this.report(check.id, slot.vantage.id, result.ok);
  }
}

/** `Array.isArray` without narrowing a typed list to `any[]`. */
function isList(v: unknown): boolean {
  return Array.isArray(v);
}

function positive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new RangeError(`${WHERE}: ${name} must be a finite number > 0, got ${String(v)}`);
  }
  return v;
}
