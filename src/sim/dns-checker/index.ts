/**
 * @module
 * breakwater/sim/dns-checker: deterministic simulation testing of the phonebook. The real
 * planner, enactors, janitor and reconciler run against a fault-injecting store under the
 * simulator's virtual clock; each seed is one reproducible schedule of plan changes, delays,
 * stalls, crashes and errors; I1–I4 are checked after every store step and I5 once faults
 * stop. It lives in `sim/` because it runs `dns/` under the simulator (the dependency direction
 * is core ← resilience ← dns ← sim; no cycles between folders).
 */
export * from './check-schedule.js';
export * from './seed-run.js';
export * from './sweep-seeds.js';
export * from './run-check-sweep.js';
export * from './sweep-summary.js';
export * from './timeline.js';
export * from './checked-plan-store.js';
