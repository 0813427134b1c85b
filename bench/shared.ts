/**
 * @module
 * `npm run bench -- shared [--json]`: what sharing resilience state through Redis costs.
 *
 * 1. Per-call overhead: a call that yields to the event loop once (`setImmediate`, the
 *    cheapest call that lets I/O in) through a retry with a budget, a breaker, and both,
 *    with the budget and the breaker local (`LocalRetryBudget`, `CircuitBreaker`) and shared
 *    (`SharedRetryBudget`, `SharedCircuitBreaker` on a real `redis-server` on loopback). Each
 *    case runs in its own process (warm-up, then the median of REPS repetitions of ~150 ms of
 *    sequential awaited calls), like `bench/resilience.ts`. The shared bulkhead and rate limiter
 *    are timed too: their store calls sit on the call path when no permit or token is in hand.
 * 2. Store round trips per call, counted by the link over 20,000 calls: local batching of
 *    deposits and token grants, and a cached breaker state refreshed once per `syncIntervalMs`,
 *    keep the shared path at less than one round trip per call.
 * 3. Calls per second from 8 instances (8 processes, 16 calls in flight each, 2 s), sharing one
 *    budget and one breaker in Redis, against the same 8 processes with local policies.
 *
 * The Redis is Debian's `redis-server`, started on a free loopback port by
 * `test/support/redis.ts` (installed when missing) and stopped at the end.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../src/core/clock.js';
import { Rng } from '../src/core/rng.js';
import { exponentialBackoff } from '../src/resilience/backoff/index.js';
import { ConsecutiveBreaker } from '../src/resilience/breaker/index.js';
import { Bulkhead } from '../src/resilience/bulkhead.js';
import { CircuitBreaker } from '../src/resilience/circuit-breaker.js';
import { pipeline } from '../src/resilience/pipeline.js';
import type { Policy } from '../src/resilience/policy.js';
import { RateLimiter } from '../src/resilience/rate-limiter.js';
import { Retry } from '../src/resilience/retry.js';
import { LocalRetryBudget } from '../src/resilience/retry-budget.js';
import type { RetryBudget } from '../src/resilience/retry-budget.js';
import { connectRedisSharedState } from '../src/resilience/redis/redis-shared-state.js';
import type { RedisSharedState } from '../src/resilience/redis/redis-shared-state.js';
import { SharedBulkhead } from '../src/resilience/shared/shared-bulkhead.js';
import { SharedCircuitBreaker } from '../src/resilience/shared/shared-circuit-breaker.js';
import { SharedLink } from '../src/resilience/shared/shared-link.js';
import { SharedRateLimiter } from '../src/resilience/shared/shared-rate-limiter.js';
import { SharedRetryBudget } from '../src/resilience/shared/shared-retry-budget.js';
import { startRedisServer } from '../test/support/redis.js';
import { nowNs, progress, progressDone, runCaseInChild, table, timeAsync } from './_harness.js';

const REPS = 7;
const POLICIES = ['retry+budget', 'breaker', 'retry+budget+breaker', 'bulkhead', 'rate-limiter'];
type PolicyName = (typeof POLICIES)[number];
const MODES = ['local', 'shared'] as const;
type Mode = (typeof MODES)[number];
const INSTANCES = 8;
const IN_FLIGHT = 16;
const THROUGHPUT_MS = 2000;

/**
 * The dependency: a call that yields to the event loop once, as any call doing I/O does.
 * (With an awaited no-op, a loop of calls is one long chain of microtasks that never lets
 * Redis's replies in, and the shared path would look free.)
 */
const call = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Built {
  readonly op: () => Promise<unknown>;
  readonly link: SharedLink | undefined;
  readonly state: RedisSharedState;
}

/** Builds one (policy, mode) case; shared ones connect to `BW_REDIS_URL`. */
async function build(name: PolicyName, mode: Mode, key: string, instances = 1): Promise<Built> {
  const clock = systemClock;
  let link: SharedLink | undefined;
  // Local cases hold an idle Redis connection too: a process with an open socket pays an
  // epoll_wait per event-loop turn (libuv skips it when nothing is watched), and a real service
  // always has sockets open. So the two sides differ only by the sharing itself.
  const state = await connectRedisSharedState({ url: process.env.BW_REDIS_URL! });
  if (mode === 'shared') link = new SharedLink({ state, clock, expectedInstances: instances });
  const budget = (): RetryBudget =>
    link === undefined
      ? new LocalRetryBudget({ clock })
      : new SharedRetryBudget({ link, key, minRetriesPerSecond: 10 });
  const retry = () =>
    new Retry({
      clock,
      rng: new Rng(1),
      maxAttempts: 4,
      backoff: exponentialBackoff({ baseMs: 100, capMs: 10_000 }),
      budget: budget(),
    });
  const breaker = (): Policy =>
    link === undefined
      ? new CircuitBreaker({
          clock,
          breaker: new ConsecutiveBreaker({ threshold: 5 }),
          halfOpenAfterMs: 10_000,
        })
      : new SharedCircuitBreaker({
          link,
          key,
          breaker: () => new ConsecutiveBreaker({ threshold: 5 }),
          halfOpenAfterMs: 10_000,
        });
  let policy: Policy;
  switch (name) {
    case 'retry+budget':
      policy = retry();
      break;
    case 'breaker':
      policy = breaker();
      break;
    case 'retry+budget+breaker':
      policy = pipeline(retry(), breaker());
      break;
    case 'bulkhead':
      policy =
        link === undefined
          ? new Bulkhead({ maxConcurrent: 100 })
          : new SharedBulkhead({ link, key, maxConcurrent: 100 * instances });
      break;
    default:
      policy =
        link === undefined
          ? new RateLimiter({ clock, ratePerSecond: 1e9, burst: 1e6 })
          : new SharedRateLimiter({ link, key, ratePerSecond: 1e9, burst: 1e6 });
  }
  return { op: () => policy.execute(call), link, state };
}

/** `--case POLICY@MODE`: prints ns per call. */
async function runCase(id: string): Promise<void> {
  const [name, mode] = id.split('@') as [PolicyName, Mode];
  const built = await build(name, mode, `bench-${name}`);
  const ns = await timeAsync(built.op, REPS);
  await built.state.close();
  process.stdout.write(`${ns}\n`);
  process.exit(0);
}

/** Store round trips per call over `n` sequential calls. */
async function roundTrips(name: PolicyName, n: number): Promise<number> {
  const built = await build(name, 'shared', `rt-${name}`);
  for (let i = 0; i < 1000; i++) await built.op();
  const before = built.link!.stats().calls;
  for (let i = 0; i < n; i++) await built.op();
  const trips = (built.link!.stats().calls - before) / n;
  built.link!.dispose();
  await built.state.close();
  return trips;
}

/** `--instance MODE`: one of the 8 instances; prints the calls it completed in THROUGHPUT_MS. */
async function runInstance(mode: Mode): Promise<void> {
  const built = await build('retry+budget+breaker', mode, 'fleet', INSTANCES);
  for (let i = 0; i < 2000; i++) await built.op();
  // Start together: every instance waits for the wall-clock second the parent named.
  const startAt = Number(process.env.BW_START_AT);
  await systemClock.sleep(Math.max(0, startAt - systemClock.now()));
  let calls = 0;
  const end = nowNs() + THROUGHPUT_MS * 1e6;
  const worker = async (): Promise<void> => {
    while (nowNs() < end) {
      await built.op();
      calls++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const trips = built.link?.stats().calls ?? 0;
  await built.state.close();
  process.stdout.write(`${JSON.stringify({ calls, trips })}\n`);
  process.exit(0);
}

function runInstances(mode: Mode): Promise<{ callsPerSecond: number; tripsPerCall: number }> {
  const script = fileURLToPath(import.meta.url);
  const startAt = systemClock.now() + 3000;
  const one = (): Promise<{ calls: number; trips: number }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, '--instance', mode], {
        env: { ...process.env, BW_START_AT: String(startAt) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.once('error', reject);
      child.once('exit', (code) => {
        if (code !== 0) return reject(new Error(`instance exited with ${String(code)}`));
        resolve(
          JSON.parse(out.trim().split('\n').pop() ?? '{}') as { calls: number; trips: number },
        );
      });
    });
  return Promise.all(Array.from({ length: INSTANCES }, one)).then((rs) => {
    const calls = rs.reduce((s, r) => s + r.calls, 0);
    const trips = rs.reduce((s, r) => s + r.trips, 0);
    return {
      callsPerSecond: Math.round(calls / (THROUGHPUT_MS / 1000)),
      tripsPerCall: Math.round((trips / calls) * 1e4) / 1e4,
    };
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const caseIdx = args.indexOf('--case');
  if (caseIdx >= 0) return runCase(args[caseIdx + 1] ?? '');
  const instIdx = args.indexOf('--instance');
  if (instIdx >= 0) return runInstance((args[instIdx + 1] ?? 'local') as Mode);
  const unknown = args.filter((a) => a !== '--json');
  if (unknown.length > 0) {
    process.stderr.write(`bench shared: unknown argument ${unknown[0]}\n`);
    process.exit(2);
  }
  const json = args.includes('--json');
  const server = await startRedisServer();
  process.env.BW_REDIS_URL = server.url;
  try {
    const cases: { name: string; nsPerOp: number }[] = [];
    const ids = POLICIES.flatMap((p) => MODES.map((m) => `${p}@${m}`));
    for (const [i, id] of ids.entries()) {
      progress(`[${i + 1}/${ids.length}] ${id}`);
      cases.push({ name: id, nsPerOp: Math.round(runCaseInChild(import.meta.url, id) * 10) / 10 });
    }
    progress('round trips per call');
    const trips: Record<string, number> = {};
    for (const p of POLICIES) trips[p] = Math.round((await roundTrips(p, 20_000)) * 1e4) / 1e4;
    progress(`calls per second from ${INSTANCES} instances (local)`);
    const fleetLocal = await runInstances('local');
    progress(`calls per second from ${INSTANCES} instances (shared)`);
    const fleetShared = await runInstances('shared');
    progressDone();
    const ns = (id: string): number => cases.find((c) => c.name === id)!.nsPerOp;
    const overhead: Record<string, number> = {};
    for (const p of POLICIES) {
      overhead[p] = Math.round((ns(`${p}@shared`) - ns(`${p}@local`)) * 10) / 10;
    }
    const result = {
      repetitions: REPS,
      redis: 'Debian redis-server on 127.0.0.1, client ioredis',
      cases,
      sharedMinusLocalNs: overhead,
      storeRoundTripsPerCall: trips,
      fleet: {
        instances: INSTANCES,
        inFlightPerInstance: IN_FLIGHT,
        policy: 'retry+budget+breaker',
        local: fleetLocal,
        shared: fleetShared,
        sharedOverLocal:
          Math.round((fleetShared.callsPerSecond / fleetLocal.callsPerSecond) * 1000) / 1000,
      },
    };
    if (json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const rows = POLICIES.map((p) => [
      p,
      ns(`${p}@local`).toFixed(0),
      ns(`${p}@shared`).toFixed(0),
      overhead[p]!.toFixed(0),
      trips[p]!.toFixed(4),
    ]);
    process.stderr.write(
      `ns per call (a call that yields once to the event loop), median of ${REPS} repetitions of ~150 ms (each case in its own process)\n\n` +
        table(['policy', 'local', 'shared (Redis)', 'shared − local', 'round trips/call'], rows) +
        `\n\ncalls per second, ${INSTANCES} processes × ${IN_FLIGHT} in flight, retry+budget+breaker, ${THROUGHPUT_MS} ms:\n` +
        `  local   ${fleetLocal.callsPerSecond}\n` +
        `  shared  ${fleetShared.callsPerSecond}  (${result.fleet.sharedOverLocal} × local, ${fleetShared.tripsPerCall} round trips per call)\n`,
    );
  } finally {
    await server.stop();
  }
}

await main();
