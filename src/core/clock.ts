/**
 * @module
 * Time as an injected service. Every component that waits, times out or schedules takes a
 * `Clock`, so the same code runs on the real clock in production, on a {@link ManualClock}
 * in unit tests and on the simulator's virtual clock — and any run can be replayed.
 * (The idea is Effect's `Clock` service; DESIGN.md, "Time and randomness".)
 */

/** A scheduled callback; `cancel()` is idempotent and safe after the timer fired. */
export interface Timer {
  cancel(): void;
}

/** Options for {@link Clock.setTimer}. */
export interface TimerOptions {
  /**
   * When true, a pending timer does not keep a Node.js process alive (`Timeout.unref()`).
   * Virtual clocks ignore it.
   */
  readonly unref?: boolean;
}

/** The source of time for everything in breakwater. */
export interface Clock {
  /** Wall-clock time in milliseconds since the Unix epoch. For timestamps people read. */
  now(): number;
  /**
   * Monotonic time in milliseconds (fractional). The value has an arbitrary origin and is
   * unsuitable for serialization: use it only to subtract readings of the same clock.
   */
  monotonic(): number;
  /** Calls `fn` once after `ms` milliseconds (clamped to ≥ 0). */
  setTimer(ms: number, fn: () => void, options?: TimerOptions): Timer;
  /**
   * Resolves after `ms` milliseconds. Rejects with `signal.reason` as soon as `signal`
   * aborts (at once if it already has), and then holds no timer.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The rejection reason to use when a signal aborted without one. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Shared implementation of {@link Clock.sleep} on top of `setTimer`, used by every clock so
 * that abort handling is the same everywhere.
 */
export function sleepWith(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal === undefined) {
    return new Promise((resolve) => {
      clock.setTimer(ms, resolve);
    });
  }
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      timer.cancel();
      reject(abortReason(signal));
    };
    const timer = clock.setTimer(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

class NodeTimer implements Timer {
  constructor(private readonly handle: ReturnType<typeof setTimeout>) {}
  cancel(): void {
    clearTimeout(this.handle);
  }
}

/** The real clock: `Date.now`, `performance.now` and Node.js timers. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
  monotonic(): number {
    return performance.now();
  }
  setTimer(ms: number, fn: () => void, options?: TimerOptions): Timer {
    const handle = setTimeout(fn, Math.max(0, ms));
    if (options?.unref === true) handle.unref();
    return new NodeTimer(handle);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepWith(this, ms, signal);
  }
}

/** One shared {@link SystemClock}; it holds no state. */
export const systemClock: Clock = new SystemClock();
