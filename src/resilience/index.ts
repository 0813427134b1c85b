/**
 * @module
 * breakwater/resilience: policies that keep a service standing when its dependencies fall —
 * and that keep it from knocking them over again when they come back. Zero runtime
 * dependencies; every policy takes a `Clock` (and an `Rng` where it draws).
 */
export * from './errors.js';
export { noSignalContext, signalOf, contextOf } from './policy.js';
export type { Policy, PolicyContext, PolicyFn, SignalSource } from './policy.js';
