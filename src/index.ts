/**
 * @module
 * breakwater: the toolkit for after us-east-1 fell over on 2025-10-20. The root entry point
 * re-exports the core services; each part has its own subpath (`breakwater/resilience`, ...).
 */
export * from './core/index.js';
