/**
 * @module
 * Composes policies into one. `pipeline(a, b, c).execute(fn)` runs `a(b(c(fn)))`: the first
 * policy is the outermost. The caller's signal travels through every layer as the context
 * each policy hands to the next, so one abort stops the whole stack, and a timeout's lazy
 * signal is only created when something inside actually reads it.
 *
 * The recommended order, outermost first (after resilience4j's documented aspect order, with
 * the fallback outside everything so it also covers refusals):
 *
 *   fallback / stale-if-error → degradation → retry → circuit breaker → rate limiter →
 *   adaptive concurrency / bulkhead → timeout → your call
 *
 * Why: each retry is a fresh attempt through the breaker, so an open breaker stops retries at
 * once (and its `BrokenCircuitError.retryAfterMs` informs the backoff); the breaker sees
 * timeouts as failures; the rate limiter and the concurrency limits count attempts, not
 * logical calls, so retries spend capacity honestly; the timeout bounds one attempt, not the
 * whole retry sequence (put a second timeout outermost for an overall deadline).
 */
import type { Policy, PolicyContext, PolicyFn, SignalSource } from './policy.js';

/** The context type a policy hands to the function it runs. */
export type ContextOf<P> = P extends Policy<infer C> ? C : never;

type Last<T extends readonly unknown[]> = T extends readonly [...unknown[], infer L] ? L : never;

/** Policies composed in order, outermost first. */
export class Pipeline<C extends PolicyContext = PolicyContext> implements Policy<C> {
  /** The composed policies, outermost first. */
  readonly policies: readonly Policy<PolicyContext>[];

  constructor(policies: readonly Policy<PolicyContext>[]) {
    if (policies.length === 0) throw new RangeError('pipeline needs at least one policy, got 0');
    for (const [i, p] of policies.entries()) {
      if (typeof (p as { execute?: unknown }).execute !== 'function') {
        throw new TypeError(`pipeline: policies[${i}] has no execute() method`);
      }
    }
    this.policies = [...policies];
  }

  execute<T>(fn: PolicyFn<T, C>, signal?: SignalSource): Promise<T> {
    return this.#run(0, fn as PolicyFn<T, PolicyContext>, signal);
  }

  #run<T>(i: number, fn: PolicyFn<T, PolicyContext>, signal: SignalSource): Promise<T> {
    const policy = this.policies[i]!;
    if (i === this.policies.length - 1) return policy.execute(fn, signal);
    return policy.execute((context) => this.#run(i + 1, fn, context), signal);
  }
}

/**
 * Composes policies, outermost first. The function you run receives the innermost policy's
 * context (for example a `RetryContext` with `attempt` when the retry is innermost).
 */
export function pipeline<const P extends readonly [Policy<any>, ...Policy<any>[]]>( // eslint-disable-line @typescript-eslint/no-explicit-any
  ...policies: P
): Pipeline<ContextOf<Last<P>>> {
  return new Pipeline<ContextOf<Last<P>>>(policies);
}
