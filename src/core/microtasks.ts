/**
 * @module
 * Letting promise continuations run. Virtual clocks (the `ManualClock`, the simulator's
 * `VirtualClock`) resolve timers synchronously; `async` code that awaited them continues only
 * once the microtask queue drains. `drainMicrotasks()` yields to the event loop for one
 * macrotask turn (`setImmediate`), by which point every queued microtask — including the
 * ones queued by other microtasks — has run.
 *
 * Hazard: continuations waiting on real I/O are not driven by this; code under a virtual
 * clock must wait only on the clock.
 */

/** Resolves after every currently queued microtask (and those they queue) has run. */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
