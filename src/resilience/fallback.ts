/**
 * @module
 * The plainest graceful degradation: when a call fails, answer with something else — a fixed
 * value (an empty recommendation list, a default config) or the result of a fallback function
 * (a secondary source, a computed estimate). (cockatiel's `fallback`, Polly's `Fallback`.)
 *
 * It belongs outermost, so it also covers refusals by the policies inside it (an open
 * breaker, a `DegradedError` from a shed class of work). Because the fallback's type `F` need
 * not be the call's type `T`, `execute` returns `Promise<T | F>` and a `Fallback` is not a
 * {@link Policy} (the type would lie); wrap a pipeline instead:
 * `fallback.execute((ctx) => pipe.execute(fn, ctx), signal)`.
 *
 * A caller who aborted gets its abort, not the fallback: it asked to stop, and a value it
 * did not ask for would hide that (set `fallbackOnAbort` to change it).
 */
import { EventEmitter } from '../core/events.js';
import type { Event } from '../core/events.js';
import type { PolicyFn, SignalSource } from './policy.js';
import { contextOf, signalOf } from './policy.js';

/** Options shared by both forms of {@link FallbackOptions}. */
export interface FallbackCommonOptions {
  /** Which errors get the fallback. Default: every error. Others are rethrown unchanged. */
  readonly shouldHandle?: (error: unknown) => boolean;
  /**
   * Also fall back when the caller's own signal has aborted. Default false: the caller gets
   * the error (usually its abort reason).
   */
  readonly fallbackOnAbort?: boolean;
}

/**
 * Options for {@link Fallback}: exactly one of `value` (a fixed answer, which may itself be a
 * function or `undefined`) and `fallback` (called with the error to produce the answer).
 */
export type FallbackOptions<F> = FallbackCommonOptions &
  (
    | { readonly value: F; readonly fallback?: never }
    | { readonly fallback: (error: unknown) => F | PromiseLike<F>; readonly value?: never }
  );

/** Payload of {@link Fallback.onFallback}. */
export interface FallbackEvent {
  /** The error that was replaced by the fallback. */
  readonly error: unknown;
}

const handleEverything = (): boolean => true;

/**
 * Runs a call and, when it fails with an error `shouldHandle` accepts, answers with the
 * fallback instead.
 *
 * @typeParam F the fallback's type.
 */
export class Fallback<F> {
  readonly #hasValue: boolean;
  readonly #value: F | undefined;
  readonly #fallback: ((error: unknown) => F | PromiseLike<F>) | undefined;
  readonly #shouldHandle: (error: unknown) => boolean;
  readonly #fallbackOnAbort: boolean;
  readonly #fallbackEmitter = new EventEmitter<FallbackEvent>();
  #used = 0;

  /** Fires each time the fallback replaces an error. */
  readonly onFallback: Event<FallbackEvent> = this.#fallbackEmitter.event;

  constructor(options: FallbackOptions<F>) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`Fallback: options must be an object, got ${String(options)}`);
    }
    // Checked as plain data: JavaScript callers and casts can break the union's promise.
    const raw = options as { readonly value?: unknown; readonly fallback?: unknown };
    const hasValue = 'value' in raw;
    const hasFallback = raw.fallback !== undefined;
    if (hasValue === hasFallback) {
      throw new TypeError(
        `Fallback: give exactly one of options.value and options.fallback, got ${
          hasValue ? 'both' : 'neither'
        }`,
      );
    }
    if (hasFallback && typeof raw.fallback !== 'function') {
      throw new TypeError(
        `Fallback: options.fallback must be a function, got ${typeof raw.fallback}`,
      );
    }
    const shouldHandle = options.shouldHandle ?? handleEverything;
    if (typeof shouldHandle !== 'function') {
      throw new TypeError(
        `Fallback: options.shouldHandle must be a function, got ${String(shouldHandle)}`,
      );
    }
    const fallbackOnAbort = options.fallbackOnAbort ?? false;
    if (typeof fallbackOnAbort !== 'boolean') {
      throw new TypeError(
        `Fallback: options.fallbackOnAbort must be a boolean, got ${String(fallbackOnAbort)}`,
      );
    }
    this.#hasValue = hasValue;
    this.#value = hasValue ? options.value : undefined;
    this.#fallback = hasFallback ? options.fallback : undefined;
    this.#shouldHandle = shouldHandle;
    this.#fallbackOnAbort = fallbackOnAbort;
  }

  /** How many times the fallback has been used. */
  get used(): number {
    return this.#used;
  }

  // ---- synchronous API -------------------------------------------------------------------

  /** True when `error` would be replaced by the fallback (ignoring any caller abort). */
  handles(error: unknown): boolean {
    return this.#shouldHandle(error);
  }

  /**
   * The answer for `error`: counts the use and fires `onFallback`. Call it only when
   * {@link handles} said yes. With a fallback function this is whatever it returns (possibly
   * a promise); a throw from it propagates.
   */
  fallbackFor(error: unknown): F | PromiseLike<F> {
    this.#used++;
    if (this.#fallbackEmitter.hasListeners) this.#fallbackEmitter.emit({ error });
    return this.#hasValue ? (this.#value as F) : this.#fallback!(error);
  }

  // ---- async shell -----------------------------------------------------------------------

  /**
   * Runs `fn`; resolves with its result, or with the fallback when it fails with an error
   * this policy handles (unless the caller's signal aborted). Other errors are rethrown.
   */
  async execute<T>(fn: PolicyFn<T>, signal?: SignalSource): Promise<T | F> {
    try {
      return await fn(contextOf(signal));
    } catch (error) {
      if (!this.#shouldHandle(error)) throw error;
      // Failure path only: reading a lazy signal is worth it to tell "the caller gave up".
      if (!this.#fallbackOnAbort && signal !== undefined && signalOf(signal)?.aborted === true) {
        throw error;
      }
      return await this.fallbackFor(error);
    }
  }

  /** A summary for a status page. */
  toJSON(): { readonly used: number } {
    return { used: this.#used };
  }
}

/** Shorthand for `new Fallback({ value })`: answer with `value` on any error. */
export function fallbackTo<F>(value: F, options: FallbackCommonOptions = {}): Fallback<F> {
  return new Fallback<F>({ ...options, value });
}
