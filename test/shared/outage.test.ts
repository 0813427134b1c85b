/**
 * Redis killed (SIGKILL) or stalled (SIGSTOP) under load: every shared policy must fall back to
 * its local share within the bound the link is configured for, no call may fail because of
 * Redis, and the policies must return to shared mode when Redis is back — without a restart.
 * Assertions are on modes, counts and transitions; times appear only as generous bounds
 * derived from the configured timeouts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../src/core/clock.js';
import { Rng } from '../../src/core/rng.js';
import { constantBackoff } from '../../src/resilience/backoff/index.js';
import { ConsecutiveBreaker } from '../../src/resilience/breaker/consecutive.js';
import { pipeline } from '../../src/resilience/pipeline.js';
import { Retry } from '../../src/resilience/retry.js';
import { connectRedisSharedState } from '../../src/resilience/redis/redis-shared-state.js';
import type { RedisSharedState } from '../../src/resilience/redis/redis-shared-state.js';
import { SharedBulkhead } from '../../src/resilience/shared/shared-bulkhead.js';
import { SharedCircuitBreaker } from '../../src/resilience/shared/shared-circuit-breaker.js';
import { SharedLink } from '../../src/resilience/shared/shared-link.js';
import type { SharedMode } from '../../src/resilience/shared/shared-link.js';
import { SharedRateLimiter } from '../../src/resilience/shared/shared-rate-limiter.js';
import { SharedRetryBudget } from '../../src/resilience/shared/shared-retry-budget.js';
import { startRedisServer } from '../support/redis.js';
import type { RedisServer } from '../support/redis.js';

const TIMEOUT_MS = 50;
const FAILURES = 3;
const PROBE_MS = 200;
const INSTANCES = 3;

let server: RedisServer;

before(async () => {
  server = await startRedisServer();
});
after(async () => {
  await server.stop();
});

interface Instance {
  readonly state: RedisSharedState;
  readonly link: SharedLink;
  readonly budget: SharedRetryBudget;
  readonly breaker: SharedCircuitBreaker;
  readonly bulkhead: SharedBulkhead;
  readonly limiter: SharedRateLimiter;
  readonly call: () => Promise<string>;
  readonly modes: SharedMode[];
}

async function instance(i: number, key: string): Promise<Instance> {
  const clock = systemClock;
  const state = await connectRedisSharedState({ url: server.url });
  const link = new SharedLink({
    state,
    clock,
    expectedInstances: INSTANCES,
    instanceId: `${key}-${i}`,
    timeoutMs: TIMEOUT_MS,
    failuresToFallBack: FAILURES,
    probeIntervalMs: PROBE_MS,
  });
  const modes: SharedMode[] = [link.mode];
  link.onModeChange((e) => modes.push(e.to));
  const budget = new SharedRetryBudget({ link, key, minRetriesPerSecond: 50 });
  const breaker = new SharedCircuitBreaker({
    link,
    key,
    breaker: () => new ConsecutiveBreaker({ threshold: 5 }),
    quorum: 2,
    syncIntervalMs: 20,
  });
  const bulkhead = new SharedBulkhead({ link, key, maxConcurrent: 60, spare: 2 });
  const limiter = new SharedRateLimiter({ link, key, ratePerSecond: 100_000, burst: 3000 });
  const retry = new Retry({
    clock,
    rng: new Rng(i),
    maxAttempts: 3,
    backoff: constantBackoff({ delayMs: 1 }),
    budget,
  });
  const policy = pipeline(retry, breaker, bulkhead, limiter);
  const call = () => policy.execute(() => Promise.resolve('ok'));
  return { state, link, budget, breaker, bulkhead, limiter, call, modes };
}

/** Runs calls from every instance until `until()` holds (or `maxCalls` each); counts outcomes. */
async function load(
  fleet: Instance[],
  until: () => boolean,
  maxRounds: number,
): Promise<{ ok: number; failed: unknown[]; rounds: number }> {
  let ok = 0;
  const failed: unknown[] = [];
  let rounds = 0;
  while (rounds < maxRounds && !until()) {
    rounds++;
    const results = await Promise.allSettled(
      fleet.flatMap((inst) => [inst.call(), inst.call(), inst.call()]),
    );
    for (const r of results) {
      if (r.status === 'fulfilled') ok++;
      else failed.push(r.reason);
    }
    await systemClock.sleep(2);
  }
  return { ok, failed, rounds };
}

const allMode = (fleet: Instance[], mode: SharedMode) => () =>
  fleet.every((f) => f.link.mode === mode);

async function close(fleet: Instance[]): Promise<void> {
  for (const f of fleet) {
    f.breaker.dispose();
    f.bulkhead.dispose();
    f.limiter.dispose();
    f.link.dispose();
    await f.state.close();
  }
}

describe('shared policies while Redis fails', () => {
  it('fall back when Redis is killed, fail no call because of it, and share again after a restart', async () => {
    const fleet = await Promise.all(
      Array.from({ length: INSTANCES }, (_, i) => instance(i, 'killed')),
    );
    try {
      const warm = await load(fleet, () => false, 20);
      assert.deepEqual(warm.failed, []);
      assert.ok(
        fleet.every((f) => f.link.mode === 'shared' && f.link.stats().calls > 0),
        'shared and using the store before the outage',
      );

      await server.kill();
      const t0 = systemClock.monotonic();
      const down = await load(fleet, allMode(fleet, 'local'), 500);
      const toLocalMs = systemClock.monotonic() - t0;
      assert.deepEqual(down.failed, [], 'no call failed because Redis died');
      assert.ok(allMode(fleet, 'local')(), 'every instance fell back');
      // The bound: FAILURES store calls of at most TIMEOUT_MS each (a killed server refuses at
      // once, so it is usually far quicker); generous slack for a loaded test machine.
      assert.ok(toLocalMs < 20 * FAILURES * TIMEOUT_MS + 2000, `local after ${toLocalMs} ms`);
      assert.ok(
        fleet.every((f) => f.budget.mode === 'local' && f.breaker.mode === 'local'),
        'the policies follow the link',
      );
      const local = await load(fleet, () => false, 20);
      assert.deepEqual(local.failed, [], 'local mode serves every call');
      assert.ok(local.ok > 0, 'calls ran in local mode');

      await server.start();
      const back = await load(fleet, allMode(fleet, 'shared'), 2000);
      assert.deepEqual(back.failed, []);
      assert.ok(allMode(fleet, 'shared')(), 'every instance shares again, without a restart');
      const callsBefore = fleet.map((f) => f.link.stats().calls);
      const after = await load(fleet, () => false, 20);
      assert.deepEqual(after.failed, []);
      assert.ok(
        fleet.some((f, i) => f.link.stats().calls > callsBefore[i]!),
        'the store is used again',
      );
      assert.ok(
        fleet.every((f) => f.breaker.mode === 'shared' && f.budget.mode === 'shared'),
        'the policies share again',
      );
      for (const f of fleet) assert.deepEqual(f.modes, ['shared', 'local', 'shared']);
    } finally {
      await close(fleet);
    }
  });

  it('fall back when Redis stalls (SIGSTOP): every store call is cut off at the timeout', async () => {
    const fleet = await Promise.all(
      Array.from({ length: INSTANCES }, (_, i) => instance(i, 'stalled')),
    );
    try {
      const warm = await load(fleet, () => false, 10);
      assert.deepEqual(warm.failed, []);
      server.pause();
      try {
        const down = await load(fleet, allMode(fleet, 'local'), 500);
        assert.deepEqual(down.failed, [], 'no call failed because Redis hung');
        assert.ok(allMode(fleet, 'local')(), 'every instance fell back');
        // The sync refreshes keep running locally; each stalled call was abandoned at TIMEOUT_MS.
        assert.ok(
          fleet.every((f) => f.link.stats().failures >= FAILURES),
          'each link saw its store calls time out',
        );
      } finally {
        server.resume();
      }
      const back = await load(fleet, allMode(fleet, 'shared'), 2000);
      assert.deepEqual(back.failed, []);
      assert.ok(allMode(fleet, 'shared')(), 'every instance shares again');
    } finally {
      await close(fleet);
    }
  });
});
