import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { systemClock } from '../../src/core/clock.js';
import { connectRedisSharedState } from '../../src/resilience/redis/redis-shared-state.js';
import type { RedisSharedState } from '../../src/resilience/redis/redis-shared-state.js';
import { startRedisServer } from '../support/redis.js';
import type { RedisServer } from '../support/redis.js';
import { runSharedStateContract } from './shared-state-contract.js';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { BUCKET_SCRIPT } from '../../src/resilience/redis/internal/scripts.js';

/** The bucket script's SHA, as the adapter registers it. */
const bucketSha = createHash('sha1').update(BUCKET_SCRIPT).digest('hex');

let server: RedisServer;
let state: RedisSharedState;

before(async () => {
  server = await startRedisServer();
  state = await connectRedisSharedState({ url: server.url });
});

after(async () => {
  await state.close();
  await server.stop();
});

runSharedStateContract('RedisSharedState contract', () => ({
  state,
  wait: (ms) => systemClock.sleep(ms),
}));

describe('RedisSharedState', () => {
  it('loads ioredis only through a dynamic import (breakwater/resilience stays dependency-free)', () => {
    const dir = new URL('../../src/resilience/', import.meta.url);
    const adapter = readFileSync(new URL('redis/redis-shared-state.ts', dir), 'utf8');
    const staticImports = adapter.match(/^import (?!type ).*from '([^']+)';$/gm) ?? [];
    assert.ok(
      staticImports.every((line) => !line.includes('ioredis')),
      `static imports: ${staticImports.join('; ')}`,
    );
    assert.match(adapter, /await import\('ioredis'\)/);
    for (const f of readdirSync(new URL('shared/', dir))) {
      if (!f.endsWith('.ts')) continue;
      const text = readFileSync(new URL(`shared/${f}`, dir), 'utf8');
      assert.ok(!/from '(ioredis|redis)'/.test(text), `shared/${f} imports a Redis client`);
    }
  });

  it('loads its scripts again after the server forgot them (NOSCRIPT → EVAL)', async () => {
    await state.client.call('SCRIPT', 'FLUSH');
    const r = await state.takeTokens(
      'noscript',
      { capacity: 2, refillPerSecond: 0, initialTokens: 2 },
      { deposit: 0, want: 1 },
    );
    assert.equal(r.granted, 1);
    const exists = (await state.client.call('SCRIPT', 'EXISTS', bucketSha)) as number[];
    assert.deepEqual(exists, [1], 'EVAL cached the script again');
  });

  it('keeps every key of a record under one hash tag with the prefix', async () => {
    await state.circuit(
      'tagged',
      {
        quorum: 1,
        voteWindowMs: 1000,
        failureRate: undefined,
        halfOpenAfterMs: 1000,
        maxHalfOpenAfterMs: 1000,
        halfOpenBackoffFactor: 1,
        halfOpenMaxProbes: 1,
        halfOpenSuccessesToClose: 1,
        probeLeaseMs: 1000,
      },
      { op: 'report', holder: 'x', calls: 0, failures: 0, vote: false },
    );
    const keys = (await state.client.call('KEYS', 'bw:{tagged}:*')) as string[];
    assert.ok(keys.includes('bw:{tagged}:c'), `got ${keys.join(', ')}`);
  });

  it('rejects, and does not hang, while the server is down, and works again when it is back', async () => {
    await server.kill();
    await assert.rejects(async () => state.ping());
    await server.start();
    // ioredis reconnects in the background (within about a second).
    let ok = false;
    for (let i = 0; i < 100 && !ok; i++) {
      try {
        await state.ping();
        ok = true;
      } catch {
        await systemClock.sleep(50);
      }
    }
    assert.ok(ok, 'reconnected');
    const r = await state.takeTokens(
      'after-restart',
      { capacity: 1, refillPerSecond: 0, initialTokens: 1 },
      { deposit: 0, want: 1 },
    );
    assert.equal(r.granted, 1, 'scripts reloaded through NOSCRIPT after the restart');
  });
});
