import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { ManualClock } from '../../core/testing/manual-clock.js';
import { InMemorySharedState, SharedStateUnavailableError } from './in-memory-shared-state.js';
import type { BucketSpec, CircuitSpec, SemaphoreSpec } from './shared-state.js';
import { liveProbes, newCircuit, stepCircuit } from './internal/circuit-record.js';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : randomInt(2 ** 31);
console.log(`in-memory-shared-state.test.ts fast-check seed: ${seed} (FC_SEED=${seed} reproduces)`);

const holders = ['a', 'b', 'c', 'd'] as const;

describe('InMemorySharedState', () => {
  it('answers synchronously by default and counts operations', () => {
    const state = new InMemorySharedState({ clock: new ManualClock() });
    const spec: BucketSpec = { capacity: 1, refillPerSecond: 0, initialTokens: 1 };
    const r = state.takeTokens('k', spec, { deposit: 0, want: 1 });
    assert.ok(!(r instanceof Promise));
    assert.equal(r.granted, 1);
    assert.equal(state.operations, 1);
  });

  it('answers after latencyMs on the clock when asked to', async () => {
    const clock = new ManualClock();
    const state = new InMemorySharedState({ clock, latencyMs: 5 });
    const p = state.ping();
    assert.ok(p instanceof Promise);
    let done = false;
    void p.then(() => (done = true));
    await clock.advanceAsync(4);
    assert.equal(done, false);
    await clock.advanceAsync(1);
    assert.equal(done, true);
  });

  it("throws when 'down' and never answers when 'hang'", async () => {
    const clock = new ManualClock();
    const state = new InMemorySharedState({ clock });
    state.fault = 'down';
    assert.throws(() => state.ping(), SharedStateUnavailableError);
    state.fault = 'hang';
    let settled = false;
    const p = state.ping() as Promise<void>;
    void p.then(() => (settled = true));
    await clock.advanceAsync(60_000);
    assert.equal(settled, false);
    state.fault = undefined;
    assert.equal(state.ping(), undefined);
    assert.throws(() => (state.fault = 'slow' as never), RangeError);
  });

  it('rejects bad options', () => {
    assert.throws(() => new InMemorySharedState({ clock: undefined as never }), TypeError);
    assert.throws(
      () => new InMemorySharedState({ clock: new ManualClock(), latencyMs: -1 }),
      /latencyMs must be a finite number >= 0, got -1/,
    );
  });

  it('never grants more tokens than the bucket minted (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          capacity: fc.integer({ min: 1, max: 50 }),
          refillPerSecond: fc.integer({ min: 0, max: 100 }),
          initial: fc.integer({ min: 0, max: 50 }),
        }),
        fc.array(
          fc.record({
            advanceMs: fc.integer({ min: 0, max: 500 }),
            deposit: fc.constantFrom(0, 0.1, 0.5, 1, 3),
            want: fc.integer({ min: 0, max: 5 }),
            ramp: fc.boolean(),
          }),
          { maxLength: 60 },
        ),
        (cfg, ops) => {
          const clock = new ManualClock();
          const state = new InMemorySharedState({ clock });
          const spec: BucketSpec = {
            capacity: cfg.capacity,
            refillPerSecond: cfg.refillPerSecond,
            initialTokens: Math.min(cfg.initial, cfg.capacity),
            ramp: { startFraction: 0.2, rampMs: 1000, shape: 'exponential' },
          };
          let granted = 0;
          let deposits = 0;
          for (const op of ops) {
            clock.advance(op.advanceMs);
            const r = state.takeTokens('k', spec, {
              deposit: op.deposit,
              want: op.want,
              startRamp: op.ramp,
              startRampDedupeMs: 100,
            }) as { granted: number; tokens: number };
            granted += r.granted;
            deposits += op.deposit;
            assert.ok(r.granted <= op.want);
            assert.ok(r.tokens >= 0 && r.tokens <= spec.capacity + 1e-9);
          }
          const minted =
            spec.initialTokens + (cfg.refillPerSecond * clock.monotonic()) / 1000 + deposits;
          assert.ok(granted <= minted + 1e-6, `granted ${granted} > minted ${minted}`);
        },
      ),
      { seed, numRuns: 200 },
    );
  });

  it('holds at most halfOpenMaxProbes live leases and never lowers the generation (property)', () => {
    const spec: CircuitSpec = {
      quorum: 2,
      voteWindowMs: 1000,
      failureRate: { threshold: 0.5, minimumCalls: 5, windowMs: 1000 },
      halfOpenAfterMs: 100,
      maxHalfOpenAfterMs: 800,
      halfOpenBackoffFactor: 2,
      halfOpenMaxProbes: 2,
      halfOpenSuccessesToClose: 2,
      probeLeaseMs: 300,
    };
    const op = fc.oneof(
      fc.record({
        op: fc.constant('report' as const),
        holder: fc.constantFrom(...holders),
        calls: fc.integer({ min: 0, max: 4 }),
        failures: fc.integer({ min: 0, max: 4 }),
        vote: fc.boolean(),
      }),
      fc.record({ op: fc.constant('probe' as const), holder: fc.constantFrom(...holders) }),
      fc.record({
        op: fc.constant('probe-done' as const),
        holder: fc.constantFrom(...holders),
        generation: fc.integer({ min: 1, max: 12 }),
        slot: fc.integer({ min: 0, max: 1 }),
        outcome: fc.constantFrom('success' as const, 'failure' as const, 'abandoned' as const),
      }),
      fc.record({ op: fc.constant('reset' as const) }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), op), { maxLength: 80 }),
        (steps) => {
          const rec = newCircuit();
          let now = 0;
          let gen = rec.generation;
          for (const [dt, request] of steps) {
            now += dt;
            const fixed =
              request.op === 'report'
                ? { ...request, failures: Math.min(request.failures, request.calls) }
                : request;
            const r = stepCircuit(rec, spec, fixed, now);
            assert.ok(r.generation >= gen, 'generation never decreases');
            gen = r.generation;
            assert.ok(liveProbes(rec, now) <= spec.halfOpenMaxProbes);
            if (r.slot >= 0) assert.equal(r.state, 'half-open');
            if (r.state === 'open') assert.ok(r.openUntilMs > now - 1e-9 - spec.maxHalfOpenAfterMs);
            assert.ok(r.opens >= 0);
          }
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('never lets holdings sum above the limit (property)', () => {
    const spec: SemaphoreSpec = { limit: 7, leaseMs: 500 };
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 300 }),
            fc.constantFrom(...holders),
            fc.integer({ min: 0, max: 9 }),
          ),
          { maxLength: 80 },
        ),
        (steps) => {
          const clock = new ManualClock();
          const state = new InMemorySharedState({ clock });
          const held = new Map<string, { n: number; until: number }>();
          for (const [dt, holder, want] of steps) {
            clock.advance(dt);
            const r = state.holdPermits('s', spec, holder, want) as {
              held: number;
              total: number;
            };
            assert.ok(r.held <= want);
            assert.ok(r.total <= spec.limit, `total ${r.total}`);
            held.set(holder, { n: r.held, until: clock.monotonic() + spec.leaseMs });
            let live = 0;
            for (const h of held.values()) if (h.until > clock.monotonic()) live += h.n;
            assert.ok(live <= spec.limit, `live holdings ${live}`);
          }
        },
      ),
      { seed, numRuns: 300 },
    );
  });
});
