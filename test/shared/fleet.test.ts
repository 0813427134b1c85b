/**
 * Many instances, one Redis: each instance is its own Node process (fixtures/instance.ts), so
 * they share nothing but the store. Assertions are on counts and states, never on durations.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRedisServer } from '../support/redis.js';
import type { RedisServer } from '../support/redis.js';
import type { Scenario } from './fixtures/instance.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/instance.ts', import.meta.url));
let server: RedisServer;

before(async () => {
  server = await startRedisServer();
});
after(async () => {
  await server.stop();
});

function runInstance(scenario: Scenario, id: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      env: {
        ...process.env,
        BW_REDIS_URL: server.url,
        BW_SCENARIO: JSON.stringify(scenario),
        BW_INSTANCE_ID: id,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`instance ${id} exited with ${String(code)}`));
      const last = out.trim().split('\n').pop() ?? '';
      resolve(JSON.parse(last) as Record<string, unknown>);
    });
  });
}

function runFleet(n: number, scenario: (i: number) => Scenario) {
  return Promise.all(Array.from({ length: n }, (_, i) => runInstance(scenario(i), `inst-${i}`)));
}

describe('a fleet of processes on one Redis', () => {
  it('never retries more than the one shared budget holds, summed over every instance', async () => {
    const n = 6;
    const initialTokens = 20;
    const results = await runFleet(n, () => ({
      kind: 'budget',
      key: 'fleet-budget',
      instances: n,
      firstTries: 300,
      initialTokens,
    }));
    const successes = results.reduce((s, r) => s + (r.successes as number), 0);
    const retries = results.reduce((s, r) => s + (r.retries as number), 0);
    const minted = initialTokens + 0.1 * successes;
    console.log(
      `budget: ${n} instances, ${successes} successes, ${retries} retries, ${minted} minted`,
    );
    assert.ok(retries <= minted + 1e-6, `retries ${retries} > minted ${minted}`);
    // Meaningful: the budget was used, not refused wholesale.
    assert.ok(retries >= minted * 0.5, `only ${retries} of ${minted} used`);
    assert.ok(results.every((r) => r.mode === 'shared'));
    // Batching: far fewer store calls than calls.
    const storeCalls = results.reduce((s, r) => s + (r.storeCalls as number), 0);
    assert.ok(storeCalls < n * 300, `${storeCalls} store calls for ${n * 300} first tries`);
  });

  it('keeps the circuit closed for everyone when fewer instances than the quorum are sick', async () => {
    const n = 4;
    const results = await runFleet(n, (i) => ({
      kind: 'breaker',
      key: 'fleet-no-quorum',
      instances: n,
      quorum: 3,
      sick: i === 0,
      halfOpenMaxProbes: 1,
      runMs: 1500,
    }));
    assert.deepEqual(
      results.map((r) => r.sawOpen),
      [false, false, false, false],
    );
  });

  it('opens for every instance after a quorum and runs exactly the configured probes fleet-wide', async () => {
    const n = 5;
    const probes = 2;
    const results = await runFleet(n, (i) => ({
      kind: 'breaker',
      key: 'fleet-quorum',
      instances: n,
      quorum: 3,
      sick: i < 3,
      halfOpenMaxProbes: probes,
      runMs: 8000,
    }));
    console.log(`breaker: ${JSON.stringify(results)}`);
    assert.ok(
      results.every((r) => r.sawOpen === true),
      'healthy instances see the fleet circuit open too',
    );
    assert.ok(
      results.every((r) => r.sawClosedAfterOpen === true),
      'and closed again',
    );
    // Probes per half-open round, summed over the fleet.
    const byGen: Record<string, number> = {};
    for (const r of results) {
      for (const [g, c] of Object.entries(r.probesByGeneration as Record<string, number>)) {
        byGen[g] = (byGen[g] ?? 0) + c;
      }
    }
    const rounds = Object.values(byGen);
    assert.equal(rounds.length, 1, `one half-open round: ${JSON.stringify(byGen)}`);
    assert.equal(rounds[0], probes, `exactly ${probes} probes fleet-wide`);
  });
});
