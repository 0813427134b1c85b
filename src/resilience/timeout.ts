/**
 * @module
 * A timeout that costs almost nothing when calls are fast. Two strategies:
 *
 * - `'cooperative'`: at the deadline the call's `AbortSignal` aborts with a
 *   {@link TaskTimeoutError}; the callee is expected to stop, and whatever it then returns or
 *   throws is what the caller gets (Polly's "optimistic" timeout, cockatiel's cooperative one).
 * - `'aggressive'` (the default): the returned promise also rejects with the
 *   {@link TaskTimeoutError} at the deadline even if the callee ignores its signal. Its late
 *   result or rejection is swallowed, so it never surfaces as an unhandled rejection. The
 *   default is aggressive because a timeout the callee can ignore does not bound latency — and
 *   unbounded waits are how one slow dependency ties up every caller upstream.
 *
 * Why it is cheap: on Node 20 an `AbortController` (plus its signal and listeners) costs
 * 10–30 µs a call, and a timer per call costs again. So:
 * 1. The context handed to the callee has a *lazy* `signal`: the controller is created on the
 *    first read, and linked to the caller's signal only then. A callee that never asks for a
 *    signal causes no controller, no listener and no error on the success path.
 * 2. No timer per call. With one fixed duration deadlines arrive in start order, so in-flight
 *    calls sit in an intrusive list ordered by deadline with ONE clock timer for the head
 *    ({@link DeadlineList}). There is therefore no per-call `timeoutMs` override: a different
 *    duration is a different `Timeout`.
 *
 * The caller's cancellation: a signal that has already aborted rejects at once. One that aborts
 * later rejects an aggressive call at once with its reason (that costs one listener, added only
 * when there is a signal), and aborts the callee's signal if it was read. An aggressive call
 * reads an outer policy's context eagerly for this (cheap, except for a nested timeout's lazy
 * context); a cooperative call reads it only when the callee reads its own signal, and always
 * waits for its callee, whether the deadline or the caller gave up.
 */
import type { Clock } from '../core/clock.js';
import { abortReason, systemClock } from '../core/clock.js';
import { EventEmitter } from '../core/events.js';
import type { Event } from '../core/events.js';
import { TaskTimeoutError } from './errors.js';
import type { Policy, PolicyContext, PolicyFn, SignalSource } from './policy.js';
import { signalOf } from './policy.js';
import { DeadlineList } from './internal/deadline-list.js';
import type { DeadlineEntry } from './internal/deadline-list.js';

/** How a {@link Timeout} enforces its deadline. See the module comment. */
export type TimeoutStrategy = 'cooperative' | 'aggressive';

/** Options for {@link Timeout}. */
export interface TimeoutOptions {
  /** How long a call may take, ms. Finite and > 0. */
  readonly timeoutMs: number;
  /** Default `'aggressive'`: reject at the deadline even if the callee carries on. */
  readonly strategy?: TimeoutStrategy;
  /** Source of time and timers. Default: the system clock. */
  readonly clock?: Clock;
  /**
   * Default true: the policy's single timer does not keep the process alive (the calls it
   * bounds hold the process open by their own I/O), and lingers after the last call instead of
   * being cancelled, so one-at-a-time calls arm no timer in the steady state. Set false to make
   * a pending timeout hold the process open; the timer is then cancelled whenever no call is
   * in flight (which costs a timer per call when calls never overlap).
   */
  readonly unref?: boolean;
}

/** Payload of {@link Timeout.onTimeout}. */
export interface TimeoutEvent {
  /** The timeout that was exceeded, ms. */
  readonly timeoutMs: number;
}

const PENDING = 0;
const DONE = 1;
const TIMED_OUT = 2;
const ABORTED = 3;
type CallState = typeof PENDING | typeof DONE | typeof TIMED_OUT | typeof ABORTED;

/** What every call of one policy shares. */
interface Shared {
  readonly timeoutMs: number;
  readonly aggressive: boolean;
  readonly list: DeadlineList<TimeoutCall>;
  readonly emitter: EventEmitter<TimeoutEvent>;
  readonly event: TimeoutEvent;
}

/**
 * One call in flight: the context handed to the callee, and the list entry for its deadline
 * (one object, so the success path allocates nothing else). Also an `EventListenerObject`
 * (`handleEvent`), so listening to the parent signal needs no closure.
 */
class TimeoutCall implements PolicyContext, DeadlineEntry<TimeoutCall> {
  deadlineMs: number;
  dlPrev: TimeoutCall | undefined = undefined;
  dlNext: TimeoutCall | undefined = undefined;
  dlLinked = false;
  state: CallState = PENDING;
  /** Created on the first read of `signal`. */
  controller: AbortController | undefined = undefined;
  /** The parent signal this call listens to, while it does. */
  listening: AbortSignal | undefined = undefined;
  /** Why the call ended early (the timeout error or the parent's reason). */
  reason: unknown = undefined;
  /** Settle the returned promise (aggressive strategy only). */
  resolve: ((value: unknown) => void) | undefined = undefined;
  reject: ((reason: unknown) => void) | undefined = undefined;

  constructor(
    readonly shared: Shared,
    readonly parent: SignalSource,
    deadlineMs: number,
  ) {
    this.deadlineMs = deadlineMs;
  }

  /** Lazy: the controller, and the link to the parent, exist only once someone asks. */
  get signal(): AbortSignal {
    let c = this.controller;
    if (c !== undefined) return c.signal;
    c = this.controller = new AbortController();
    if (this.state === PENDING) {
      const parent = signalOf(this.parent);
      if (parent !== undefined) {
        if (parent.aborted) this.parentAborted(abortReason(parent));
        else if (this.listening === undefined) this.listen(parent);
      }
    } else if (this.state !== DONE) {
      // Read after the deadline or the parent's abort: hand out an aborted signal.
      c.abort(this.reason);
    }
    return c.signal;
  }

  listen(parent: AbortSignal): void {
    parent.addEventListener('abort', this);
    this.listening = parent;
  }

  unlisten(): void {
    const p = this.listening;
    if (p === undefined) return;
    this.listening = undefined;
    p.removeEventListener('abort', this);
  }

  /** The parent signal aborted. */
  handleEvent(): void {
    const p = this.listening;
    if (p !== undefined) this.parentAborted(abortReason(p));
  }

  /** The callee returned or threw: stop tracking the deadline. Idempotent. */
  finish(): void {
    if (this.state === PENDING) this.state = DONE;
    this.shared.list.remove(this);
    this.unlisten();
  }

  /** Aggressive: the callee's result arrived; ignored if the call already timed out. */
  fulfil(value: unknown): void {
    if (this.state !== PENDING) return;
    this.finish();
    this.resolve!(value);
  }

  /** Aggressive: the callee failed; ignored (swallowed) if the call already ended. */
  fail(error: unknown): void {
    if (this.state !== PENDING) return;
    this.finish();
    this.reject!(error);
  }

  /** Called by the deadline list when the deadline passes (already unlinked). */
  expire(): void {
    if (this.state !== PENDING) return;
    const sh = this.shared;
    const error = new TaskTimeoutError(sh.timeoutMs);
    this.end(TIMED_OUT, error);
    if (sh.emitter.hasListeners) sh.emitter.emit(sh.event);
  }

  parentAborted(reason: unknown): void {
    if (this.state !== PENDING) return;
    this.shared.list.remove(this);
    this.end(ABORTED, reason);
  }

  end(state: CallState, reason: unknown): void {
    this.state = state;
    this.reason = reason;
    this.unlisten();
    // Reject before aborting: the abort runs the callee's listeners synchronously, and the
    // caller should learn of the timeout no later than the callee does.
    if (this.shared.aggressive) this.reject!(reason);
    this.controller?.abort(reason);
  }
}

function expireCall(call: TimeoutCall): void {
  call.expire();
}

/**
 * `new Promise(executor)` calls the executor synchronously, so a module-level slot is enough to
 * hand it the call: one closure fewer per aggressive call than `(res, rej) => { ... }`.
 */
let capturing: TimeoutCall | undefined;
function captureSettlers(
  resolve: (value: unknown) => void,
  reject: (reason: unknown) => void,
): void {
  const call = capturing!;
  call.resolve = resolve;
  call.reject = reject;
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as { then?: unknown }).then === 'function'
  );
}

/** Waits for an aggressive call's callee. Never rejects: a late failure is swallowed here. */
async function follow(call: TimeoutCall, result: PromiseLike<unknown>): Promise<void> {
  let value: unknown;
  try {
    value = await result;
  } catch (error) {
    call.fail(error);
    return;
  }
  call.fulfil(value);
}

async function runCooperative<T>(call: TimeoutCall, fn: PolicyFn<T>): Promise<T> {
  try {
    return await fn(call);
  } finally {
    call.finish();
  }
}

function runAggressive<T>(call: TimeoutCall, fn: PolicyFn<T>, parent: SignalSource): Promise<T> {
  capturing = call;
  const promise = new Promise<T>(
    captureSettlers as (res: (v: T) => void, rej: (r: unknown) => void) => void,
  );
  capturing = undefined;
  // Watch the caller's signal at once, so one abort stops the whole pipeline promptly. Reading
  // an outer policy's context is free (a getter) unless that context is itself a timeout's lazy
  // one — nested timeouts then pay for the outer controller, which is the price of correctness.
  const parentSignal = signalOf(parent);
  if (parentSignal !== undefined) {
    if (parentSignal.aborted) {
      call.parentAborted(abortReason(parentSignal));
      return promise;
    }
    call.listen(parentSignal);
  }
  let result: PromiseLike<T> | T;
  try {
    result = fn(call);
  } catch (error) {
    call.fail(error);
    return promise;
  }
  if (isPromiseLike(result)) void follow(call, result);
  else call.fulfil(result);
  return promise;
}

/**
 * Bounds how long a call may take. Sync decision API for callback models: {@link timeoutMs},
 * {@link deadlineFor} and {@link isExpired} (the simulator keeps its own timers); the async
 * {@link execute} implements {@link Policy}.
 *
 * @example
 * const timeout = new Timeout({ timeoutMs: 2_000, clock });
 * const body = await timeout.execute(({ signal }) => fetch(url, { signal }));
 */
export class Timeout implements Policy {
  /** How long a call may take, ms. */
  readonly timeoutMs: number;
  /** How the deadline is enforced. */
  readonly strategy: TimeoutStrategy;
  readonly #clock: Clock;
  readonly #shared: Shared;
  readonly #emitter = new EventEmitter<TimeoutEvent>();

  /** Fires each time a call exceeds its deadline (in both strategies). */
  readonly onTimeout: Event<TimeoutEvent> = this.#emitter.event;

  constructor(options: TimeoutOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Timeout: options must be an object, got ${String(options)}`);
    }
    const { timeoutMs, strategy = 'aggressive', clock = systemClock, unref = true } = options;
    if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(
        `Timeout: timeoutMs must be a finite number > 0, got ${String(timeoutMs)}`,
      );
    }
    if (strategy !== 'aggressive' && strategy !== 'cooperative') {
      throw new RangeError(
        `Timeout: strategy must be 'aggressive' or 'cooperative', got ${JSON.stringify(strategy)}`,
      );
    }
    if (typeof clock !== 'object' || clock === null || typeof clock.setTimer !== 'function') {
      throw new TypeError(
        `Timeout: clock must be a Clock, got ${clock === null ? 'null' : typeof clock}`,
      );
    }
    if (typeof unref !== 'boolean') {
      throw new TypeError(`Timeout: unref must be a boolean, got ${String(unref)}`);
    }
    this.timeoutMs = timeoutMs;
    this.strategy = strategy;
    this.#clock = clock;
    this.#shared = {
      timeoutMs,
      aggressive: strategy === 'aggressive',
      list: new DeadlineList<TimeoutCall>({ clock, onExpire: expireCall, unref }),
      emitter: this.#emitter,
      event: Object.freeze({ timeoutMs }),
    };
  }

  /** Number of calls whose deadline is being watched (running, not yet timed out or aborted). */
  get inFlight(): number {
    return this.#shared.list.size;
  }

  /** The deadline of a call started at `startMs` (any clock, same unit). Pure. */
  deadlineFor(startMs: number): number {
    return startMs + this.timeoutMs;
  }

  /** Whether a call started at `startMs` has timed out at `nowMs` (deadline inclusive). Pure. */
  isExpired(startMs: number, nowMs: number): boolean {
    return nowMs - startMs >= this.timeoutMs;
  }

  /**
   * Runs `fn` with a context whose `signal` aborts at the deadline (or when `signal` aborts).
   * Read `context.signal` only to hand it to something cancellable: reading it allocates.
   *
   * @throws {TaskTimeoutError} at the deadline (aggressive), or when a cooperative callee
   *   rethrows the signal's reason.
   */
  execute<T>(fn: PolicyFn<T>, signal?: SignalSource): Promise<T> {
    if (signal instanceof AbortSignal && signal.aborted) {
      return Promise.reject(abortReason(signal));
    }
    const sh = this.#shared;
    const call = new TimeoutCall(sh, signal, this.#clock.monotonic() + this.timeoutMs);
    sh.list.insert(call);
    return sh.aggressive ? runAggressive(call, fn, signal) : runCooperative(call, fn);
  }
}
