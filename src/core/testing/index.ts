/**
 * @module
 * Test doubles for the core services: a {@link ManualClock} that moves only when told, and
 * (re-exported for convenience) the seeded {@link Rng}. Tests need no fake-timer library.
 */
export { ManualClock } from './manual-clock.js';
export type { ManualClockOptions } from './manual-clock.js';
export { Rng } from '../rng.js';
