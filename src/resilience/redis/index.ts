/**
 * @module
 * breakwater/resilience/redis: the Redis adapter of the fleet-wide resilience state. Import it
 * only where a service actually shares state through Redis; `breakwater/resilience` never
 * loads it, and this module loads the Redis client (ioredis) only when
 * {@link connectRedisSharedState} is called.
 *
 * @example
 * import { SharedLink, SharedRetryBudget } from 'breakwater/resilience';
 * import { connectRedisSharedState } from 'breakwater/resilience/redis';
 * const state = await connectRedisSharedState({ url: process.env.REDIS_URL });
 * const link = new SharedLink({ state, clock: systemClock, expectedInstances: 200 });
 * const budget = new SharedRetryBudget({ link, key: 'dynamodb' });
 */
export { RedisSharedState, connectRedisSharedState } from './redis-shared-state.js';
export type { RedisClient, RedisSharedStateOptions } from './redis-shared-state.js';
