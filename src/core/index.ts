/**
 * @module
 * breakwater's core: time (`Clock`, `SystemClock`), seeded randomness (`Rng`), the error base
 * class and a typed event emitter. It imports nothing of ours and nothing from npm; every other
 * part builds on it. Test doubles live in `breakwater/core/testing`.
 */
export { SystemClock, systemClock, sleepWith, abortReason } from './clock.js';
export type { Clock, Timer, TimerOptions } from './clock.js';
export { drainMicrotasks } from './microtasks.js';
export { Rng } from './rng.js';
export type { RngState, Seed } from './rng.js';
export { BreakwaterError, isBreakwaterError } from './errors.js';
export type { BreakwaterErrorOptions } from './errors.js';
export { EventEmitter, once } from './events.js';
export type { Disposable, Event, Listener } from './events.js';
