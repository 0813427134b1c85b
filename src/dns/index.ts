/**
 * @module
 * breakwater/dns: the phonebook done right. Plans (immutable, versioned desired state for a
 * set of names), a planner with guards (never empty, velocity limit), enactors that activate
 * by one atomic compare-and-set, a janitor that re-checks the active generation inside its
 * delete, self-repair, rollback as a new plan, an audit log, plan stores (memory with fault
 * injection, SQLite), pure checks of the invariants I1–I5 — and, behind an explicit option,
 * the legacy 2025 algorithm whose race emptied dynamodb.us-east-1.amazonaws.com.
 */
export * from './errors.js';
export * from './record-set.js';
export * from './plan.js';
export * from './plan-diff.js';
export * from './inventory.js';
export * from './plan-guards.js';
export * from './audit-log.js';
export * from './plan-store/plan-store.js';
export * from './plan-store/retention.js';
export * from './plan-store/memory-store.js';
export * from './plan-store/faulty-store.js';
export * from './plan-store/sqlite-store.js';
export * from './target.js';
export * from './store-target.js';
export * from './store-policy.js';
export * from './planner.js';
export * from './enactor.js';
export * from './create-enactors.js';
export * from './janitor.js';
export * from './reconciler.js';
export * from './rollback.js';
export * from './invariants.js';
export * from './legacy/legacy-enactor.js';
export * from './legacy/legacy-store-ops.js';
export * from './legacy/repair.js';
export * from './server/index.js';
export * from './health/index.js';
export * from './plan-store/etcd-store.js';
export * from './config.js';
export * from './routing/index.js';
export * from './serve/index.js';
export * from './providers/index.js';
