/**
 * @module
 * Backoff strategies for the retry policy, usable on their own: pure objects that map
 * (retry number, previous delay, random stream) to a delay, so the simulator computes the
 * same delays the real policy waits.
 */
export type { Backoff } from './backoff.js';
export { constantBackoff } from './constant.js';
export type { ConstantBackoffOptions } from './constant.js';
export { linearBackoff } from './linear.js';
export type { LinearBackoffOptions } from './linear.js';
export { exponentialBackoff } from './exponential.js';
export type { ExponentialBackoffOptions } from './exponential.js';
export { jitterDelay, decorrelatedDelay } from './jitter.js';
export type { Jitter, SimpleJitter } from './jitter.js';
