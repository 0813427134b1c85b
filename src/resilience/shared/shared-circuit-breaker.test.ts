import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { ConsecutiveBreaker } from '../breaker/consecutive.js';
import { isBrokenCircuitError } from '../errors.js';
import { InMemorySharedState } from './in-memory-shared-state.js';
import { SharedLink } from './shared-link.js';
import { SharedCircuitBreaker } from './shared-circuit-breaker.js';
import type {
  SharedCircuitBreakerOptions,
  SharedCircuitStateChangeEvent,
} from './shared-circuit-breaker.js';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : randomInt(2 ** 31);
console.log(`shared-circuit-breaker.test.ts fast-check seed: ${seed} (FC_SEED=${seed} reproduces)`);

type Opts = Omit<SharedCircuitBreakerOptions, 'link' | 'key' | 'breaker'>;

function fleet(n: number, options: Opts = {}, latencyMs = 0) {
  const clock = new ManualClock();
  const state = new InMemorySharedState({ clock, latencyMs });
  const links = Array.from(
    { length: n },
    (_, i) =>
      new SharedLink({ state, clock, expectedInstances: n, instanceId: `i${i}`, timeoutMs: 50 }),
  );
  const breakers = links.map(
    (link) =>
      new SharedCircuitBreaker({
        link,
        key: 'dep',
        breaker: () => new ConsecutiveBreaker({ threshold: 2 }),
        halfOpenAfterMs: 1000,
        syncIntervalMs: 100,
        ...options,
      }),
  );
  return { clock, state, links, breakers };
}

/** Two failed calls in a row: the instance's own rule (threshold 2) trips and it votes. */
function trip(b: SharedCircuitBreaker): void {
  for (let i = 0; i < 2; i++) {
    const t = b.tryAcquire();
    assert.ok(t > 0);
    b.recordFailure(1, new Error('boom'), t);
  }
}

describe('SharedCircuitBreaker', () => {
  it('does not open for the fleet when one instance trips (quorum)', () => {
    const { breakers } = fleet(5, { quorum: 3 });
    trip(breakers[0]!);
    for (const b of breakers) {
      assert.equal(b.state, 'closed');
      assert.ok(b.tryAcquire() > 0);
    }
  });

  it('opens for every instance once a quorum of instances voted', () => {
    const { breakers, clock } = fleet(5, { quorum: 3 });
    trip(breakers[0]!);
    trip(breakers[1]!);
    trip(breakers[2]!);
    assert.equal(breakers[2]!.state, 'open', 'the third voter learns at once');
    // The others learn at their next refresh (syncIntervalMs).
    clock.advance(100);
    for (const b of breakers) {
      assert.equal(b.tryAcquire(), 0);
      assert.equal(b.state, 'open');
      assert.ok(isBrokenCircuitError(b.refusalError()));
    }
  });

  it('forgets votes older than voteWindowMs', () => {
    const { breakers, clock } = fleet(3, { quorum: 2, voteWindowMs: 500 });
    trip(breakers[0]!);
    clock.advance(600);
    trip(breakers[1]!);
    assert.equal(breakers[1]!.state, 'closed');
  });

  it('runs exactly halfOpenMaxProbes probes across the fleet, then closes for everyone', () => {
    const { breakers, clock } = fleet(6, { quorum: 1, halfOpenMaxProbes: 2 });
    trip(breakers[0]!);
    clock.advance(100);
    for (const b of breakers) assert.equal(b.tryAcquire(), 0);
    clock.advance(1000);
    const tokens = breakers.map((b) => b.tryAcquire());
    const probes = tokens.filter((t) => t !== 0);
    assert.equal(probes.length, 2, `tokens ${tokens.join(',')}`);
    assert.ok(probes.every((t) => SharedCircuitBreaker.isProbe(t)));
    for (const b of breakers) assert.equal(b.state, 'half-open');
    // Everyone keeps asking; no third probe while two are out.
    clock.advance(50);
    assert.equal(breakers.map((b) => b.tryAcquire()).filter((t) => t !== 0).length, 0);
    const i = tokens.findIndex((t) => t !== 0);
    breakers[i]!.recordSuccess(5, tokens[i]!);
    assert.equal(breakers[i]!.state, 'closed');
    clock.advance(100);
    for (const b of breakers) assert.ok(b.tryAcquire() > 0);
    for (const b of breakers) assert.equal(b.state, 'closed');
  });

  it('re-opens with a backed-off open time when a probe fails', () => {
    const { breakers, clock } = fleet(2, { quorum: 1, halfOpenBackoffFactor: 3 });
    trip(breakers[0]!);
    clock.advance(1000);
    const t = breakers[1]!.tryAcquire();
    assert.ok(SharedCircuitBreaker.isProbe(t));
    breakers[1]!.recordFailure(5, new Error('still down'), t);
    assert.equal(breakers[1]!.state, 'open');
    assert.equal(breakers[1]!.opens, 2);
    clock.advance(2999);
    assert.equal(breakers[1]!.tryAcquire(), 0);
    clock.advance(1);
    assert.ok(SharedCircuitBreaker.isProbe(breakers[1]!.tryAcquire()));
  });

  it('opens on the fleet-wide failure rate even when no instance trips on its own', () => {
    const { breakers, clock } = fleet(4, {
      quorum: 4,
      fleetFailureRate: { threshold: 0.5, minimumCalls: 20, windowMs: 10_000 },
    });
    // Every instance alternates success and failure: no two failures in a row anywhere.
    for (let round = 0; round < 3; round++) {
      for (const b of breakers) {
        const a = b.tryAcquire();
        b.recordSuccess(1, a);
        const f = b.tryAcquire();
        b.recordFailure(1, new Error('x'), f);
      }
      clock.advance(100);
    }
    for (const b of breakers) b.tryAcquire();
    clock.advance(100);
    for (const b of breakers) b.tryAcquire();
    assert.deepEqual(
      breakers.map((b) => b.state),
      ['open', 'open', 'open', 'open'],
    );
  });

  it('counts errors that isFailure rejects as successes', () => {
    const { breakers } = fleet(1, { quorum: 1, isFailure: (e) => (e as Error).message !== '4xx' });
    const b = breakers[0]!;
    for (let i = 0; i < 5; i++) {
      const t = b.tryAcquire();
      b.recordFailure(1, new Error('4xx'), t);
    }
    assert.equal(b.state, 'closed');
  });

  it('never has more than halfOpenMaxProbes probes outstanding fleet-wide (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(
          fc.record({
            who: fc.integer({ min: 0, max: 4 }),
            act: fc.constantFrom('call', 'ok', 'fail', 'tick'),
            ms: fc.integer({ min: 0, max: 700 }),
          }),
          { maxLength: 150 },
        ),
        (maxProbes, ops) => {
          const { breakers, clock } = fleet(5, {
            quorum: 2,
            halfOpenMaxProbes: maxProbes,
            halfOpenSuccessesToClose: 2,
            probeLeaseMs: 100_000,
          });
          const open: number[][] = breakers.map(() => []);
          let probesOut = 0;
          for (const op of ops) {
            const b = breakers[op.who]!;
            const mine = open[op.who]!;
            if (op.act === 'call') {
              const t = b.tryAcquire();
              if (t !== 0) {
                mine.push(t);
                if (SharedCircuitBreaker.isProbe(t)) probesOut++;
              }
            } else if (op.act === 'tick') {
              clock.advance(op.ms);
            } else {
              const t = mine.shift();
              if (t === undefined) continue;
              if (SharedCircuitBreaker.isProbe(t)) probesOut--;
              if (op.act === 'ok') b.recordSuccess(1, t);
              else b.recordFailure(1, new Error('x'), t);
            }
            assert.ok(probesOut <= maxProbes, `${probesOut} probes out, max ${maxProbes}`);
          }
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('falls back to a local breaker that starts from the last fleet state, and votes when back', async () => {
    const { breakers, clock, state, links } = fleet(3, { quorum: 2 });
    const b = breakers[2]!;
    const changes: SharedCircuitStateChangeEvent[] = [];
    b.onStateChange((e) => changes.push(e));
    trip(breakers[0]!);
    trip(breakers[1]!);
    clock.advance(100);
    assert.equal(b.tryAcquire(), 0);
    assert.equal(b.state, 'open');
    state.fault = 'down';
    // Its refreshes fail (each is decided locally); after three the link is local.
    for (let i = 0; i < 3; i++) {
      clock.advance(100);
      b.tryAcquire();
    }
    assert.equal(links[2]!.mode, 'local');
    assert.equal(b.mode, 'local');
    assert.equal(b.state, 'open', 'local breaker starts open, until the fleet open time');
    clock.advance(1000);
    const probe = b.tryAcquire();
    assert.ok(probe < 0 && SharedCircuitBreaker.isProbe(probe), 'a local probe');
    b.recordFailure(1, new Error('x'), probe);
    assert.equal(b.state, 'open');
    state.fault = undefined;
    await clock.advanceAsync(1000);
    assert.equal(links[2]!.mode, 'shared');
    // Back to shared: it votes (its local breaker was open) and follows the fleet again.
    const t = b.tryAcquire();
    assert.ok(t >= 0, `a fleet token or a refusal, not a local one: ${t}`);
    assert.equal(b.mode, 'shared');
    assert.ok(changes.some((c) => c.scope === 'local'));
  });

  it('execute runs calls while closed and rejects with BrokenCircuitError when open', async () => {
    const { breakers } = fleet(1, { quorum: 1 });
    const b = breakers[0]!;
    assert.equal(await b.execute(() => 42), 42);
    await assert.rejects(
      b.execute(() => Promise.reject(new Error('a'))),
      /a/,
    );
    await assert.rejects(
      b.execute(() => Promise.reject(new Error('b'))),
      /b/,
    );
    await assert.rejects(
      b.execute(() => 1),
      (e) => isBrokenCircuitError(e),
    );
  });

  it('execute waits (at most the link timeout) for a probe lease from an asynchronous store', async () => {
    const { breakers, clock } = fleet(1, { quorum: 1 }, 2);
    const b = breakers[0]!;
    const fail = () => Promise.reject(new Error('x'));
    await Promise.allSettled([b.execute(fail)]);
    await Promise.allSettled([b.execute(fail)]);
    await clock.advanceAsync(10);
    assert.equal(b.state, 'open');
    await clock.advanceAsync(1000);
    const p = b.execute(() => 'probe ran');
    await clock.advanceAsync(10);
    assert.equal(await p, 'probe ran');
    await clock.advanceAsync(10);
    assert.equal(b.state, 'closed');
  });

  it('rejects bad options, naming them', () => {
    const { links } = fleet(1);
    const link = links[0]!;
    const breaker = () => new ConsecutiveBreaker({ threshold: 1 });
    assert.throws(
      () => new SharedCircuitBreaker({ link, key: 'k', breaker: {} as never }),
      /breaker must be a function/,
    );
    assert.throws(
      () => new SharedCircuitBreaker({ link, key: 'k', breaker, quorum: 0 }),
      /quorum must be an integer >= 1, got 0/,
    );
    assert.throws(
      () =>
        new SharedCircuitBreaker({
          link,
          key: 'k',
          breaker,
          fleetFailureRate: { threshold: 2, minimumCalls: 1 },
        }),
      /fleetFailureRate.threshold/,
    );
    assert.throws(
      () => new SharedCircuitBreaker({ link, key: 'k', breaker, halfOpenMaxProbes: 0 }),
      /halfOpenMaxProbes/,
    );
  });
});
