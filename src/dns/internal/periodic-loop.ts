/**
 * @module
 * The loop every DNS component runs in production: do one step, sleep an interval with
 * jitter (so three enactors started together do not stay in lock-step), repeat until stopped.
 * All waiting is on the injected clock, so under the simulator the loop runs in virtual time.
 * `stop()` aborts the signal handed to the step, so a step stuck in a retry wait ends at once
 * — which is also how the checker "crashes" a component.
 */
import type { Clock } from '../../core/clock.js';
import type { Rng } from '../../core/rng.js';
import { checkNumberIn } from './options.js';

/** Options for {@link PeriodicLoop}. */
export interface PeriodicLoopOptions {
  /** Who runs the loop, for error messages. */
  readonly name: string;
  readonly clock: Clock;
  readonly rng: Rng;
  /** Mean time between the end of one step and the start of the next, ms (> 0). */
  readonly intervalMs: number;
  /** Spread of the interval, as a fraction in [0, 1): uniform in interval·(1 ± jitter). */
  readonly jitter: number;
  /** One step. Its errors go to `onError`; the loop carries on. */
  readonly step: (signal: AbortSignal) => Promise<unknown>;
  /** Where a step's error goes. */
  readonly onError: (error: unknown) => void;
}

/** Runs a step periodically on a clock. */
export class PeriodicLoop {
  readonly #o: PeriodicLoopOptions;
  #controller: AbortController | undefined = undefined;
  #task: Promise<void> | undefined = undefined;

  constructor(options: PeriodicLoopOptions) {
    checkNumberIn(options.name, 'intervalMs', options.intervalMs, Number.MIN_VALUE, 8.64e10);
    checkNumberIn(options.name, 'jitter', options.jitter, 0, 0.999);
    this.#o = options;
  }

  /** True between `start()` and `stop()`. */
  get running(): boolean {
    return this.#task !== undefined;
  }

  /** Starts the loop (the first step runs at once). Idempotent. */
  start(): void {
    if (this.#task !== undefined) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#task = this.#run(controller.signal);
  }

  /** Stops the loop, aborting a step in progress, and resolves when it has ended. */
  async stop(): Promise<void> {
    const task = this.#task;
    if (task === undefined) return;
    this.#controller?.abort();
    await task;
    this.#task = undefined;
    this.#controller = undefined;
  }

  async #run(signal: AbortSignal): Promise<void> {
    const o = this.#o;
    while (!signal.aborted) {
      try {
        await o.step(signal);
      } catch (error) {
        if (signal.aborted) break;
        o.onError(error);
      }
      if (signal.aborted) break;
      const spread = o.jitter === 0 ? 0 : o.jitter * (2 * o.rng.float() - 1);
      try {
        await o.clock.sleep(o.intervalMs * (1 + spread), signal);
      } catch {
        break;
      }
    }
  }
}
