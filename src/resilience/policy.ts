/**
 * @module
 * The contract every resilience policy implements, and the one abort signal that travels
 * through a pipeline end to end.
 *
 * Policies hand the function they run a {@link PolicyContext}. Its `signal` may be produced
 * lazily: the timeout creates its `AbortController` only when someone reads `context.signal`,
 * because on Node 20 allocating one costs 10–30 µs a call. So a policy passes the *context*
 * on (as the `signal` argument of the next `execute`), and reads `.signal` only when it must
 * act on it (to stop waiting, or to hand it to I/O).
 */

/** What a policy hands to the function it runs. */
export interface PolicyContext {
  /**
   * Aborts when the caller aborts or a policy (a timeout) gives up on the call. Reading it
   * may allocate: read it only to pass it to something that can be cancelled.
   */
  readonly signal: AbortSignal | undefined;
}

/** Where a policy takes its cancellation from: a signal, an outer policy's context, or none. */
export type SignalSource = AbortSignal | PolicyContext | undefined;

/** The function a policy runs. It may return a value or a promise of one. */
export type PolicyFn<T, C extends PolicyContext = PolicyContext> = (
  context: C,
) => PromiseLike<T> | T;

/** A resilience policy: runs `fn` under some protection and returns its result. */
export interface Policy<C extends PolicyContext = PolicyContext> {
  /**
   * Runs `fn`. `signal` is the caller's cancellation (an `AbortSignal`, or the context an
   * outer policy handed in); when it aborts, the policy stops waiting and rejects with its reason.
   */
  execute<T>(fn: PolicyFn<T, C>, signal?: SignalSource): Promise<T>;
}

/** The context used when there is no signal at all (shared, allocation-free). */
export const noSignalContext: PolicyContext = Object.freeze({ signal: undefined });

/** Resolves a {@link SignalSource} to its signal (reading a lazy context's `signal`). */
export function signalOf(source: SignalSource): AbortSignal | undefined {
  if (source === undefined) return undefined;
  if (source instanceof AbortSignal) return source;
  return source.signal;
}

/** A {@link PolicyContext} for a source, without reading a lazy signal and without allocating
 * unless the source is a bare `AbortSignal`. */
export function contextOf(source: SignalSource): PolicyContext {
  if (source === undefined) return noSignalContext;
  if (source instanceof AbortSignal) return { signal: source };
  return source;
}
