/**
 * @module
 * One contract for every {@link SharedState}: the in-memory store and the Redis adapter must
 * give the same answers to the same calls (they run the same steps, once in TypeScript and
 * once in Lua). Time-dependent cases wait through the harness's `wait`, which advances a
 * `ManualClock` for the in-memory store and sleeps for real against Redis, so every timed
 * assertion is an inequality with a wide margin.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type {
  BucketSpec,
  CircuitSpec,
  SemaphoreSpec,
  SharedState,
} from '../../src/resilience/shared/shared-state.js';

/** What a contract run needs from a store under test. */
export interface ContractHarness {
  readonly state: SharedState;
  /** Lets `ms` of store time pass. */
  wait(ms: number): Promise<void>;
}

let seq = 0;
/** A key no other case uses (stores may be shared between cases). */
function key(name: string): string {
  seq += 1;
  return `contract-${name}-${seq}`;
}

const circuitSpec = (over: Partial<CircuitSpec> = {}): CircuitSpec => ({
  quorum: 2,
  voteWindowMs: 60_000,
  failureRate: undefined,
  halfOpenAfterMs: 60,
  maxHalfOpenAfterMs: 10_000,
  halfOpenBackoffFactor: 2,
  halfOpenMaxProbes: 1,
  halfOpenSuccessesToClose: 1,
  probeLeaseMs: 10_000,
  ...over,
});

/** Registers the contract's cases under `describe(name)`. `harness()` is called per case. */
export function runSharedStateContract(name: string, harness: () => ContractHarness): void {
  describe(name, () => {
    it('starts a bucket at initialTokens and grants whole tokens up to want', async () => {
      const { state } = harness();
      const spec: BucketSpec = { capacity: 10, refillPerSecond: 0, initialTokens: 3.5 };
      const k = key('bucket');
      const a = await state.takeTokens(k, spec, { deposit: 0, want: 2 });
      assert.equal(a.granted, 2);
      assert.equal(a.tokens, 1.5);
      const b = await state.takeTokens(k, spec, { deposit: 0, want: 5 });
      assert.equal(b.granted, 1);
      assert.ok(Math.abs(b.tokens - 0.5) < 1e-9);
      assert.equal(b.retryAfterMs, Infinity, 'no refill: never');
      assert.equal(b.rampStartedAtMs, -Infinity);
    });

    it('adds deposits up to the capacity; ten deposits of 0.1 pay one token', async () => {
      const { state } = harness();
      const spec: BucketSpec = { capacity: 4, refillPerSecond: 0, initialTokens: 0 };
      const k = key('deposit');
      for (let i = 0; i < 10; i++) {
        const r = await state.takeTokens(k, spec, { deposit: 0.1, want: 0 });
        assert.equal(r.granted, 0);
      }
      const one = await state.takeTokens(k, spec, { deposit: 0, want: 1 });
      assert.equal(one.granted, 1);
      const full = await state.takeTokens(k, spec, { deposit: 100, want: 0 });
      assert.equal(full.tokens, 4);
    });

    it('refills by store time and never beyond the capacity', async () => {
      const h = harness();
      const spec: BucketSpec = { capacity: 5, refillPerSecond: 1000, initialTokens: 0 };
      const k = key('refill');
      const first = await h.state.takeTokens(k, spec, { deposit: 0, want: 1 });
      assert.equal(first.granted, 0);
      assert.ok(first.retryAfterMs > 0 && first.retryAfterMs <= 1.000001);
      await h.wait(50);
      const r = await h.state.takeTokens(k, spec, { deposit: 0, want: 100 });
      assert.equal(r.granted, 5, 'capped at capacity');
      assert.ok(r.nowMs - first.nowMs >= 49);
    });

    it('starts a ramp once per dedupe window and shrinks the capacity to the start fraction', async () => {
      const { state } = harness();
      const spec: BucketSpec = {
        capacity: 100,
        refillPerSecond: 1,
        initialTokens: 100,
        ramp: { startFraction: 0.1, rampMs: 60_000, shape: 'linear' },
      };
      const k = key('ramp');
      const start = await state.takeTokens(k, spec, {
        deposit: 0,
        want: 0,
        startRamp: true,
        startRampDedupeMs: 60_000,
      });
      assert.ok(start.rampStartedAtMs > -Infinity);
      assert.ok(start.tokens <= 10.01 && start.tokens >= 10, `clipped to 10, got ${start.tokens}`);
      const again = await state.takeTokens(k, spec, {
        deposit: 0,
        want: 0,
        startRamp: true,
        startRampDedupeMs: 60_000,
      });
      assert.equal(again.rampStartedAtMs, start.rampStartedAtMs, 'a repeat start is ignored');
      const take = await state.takeTokens(k, spec, { deposit: 0, want: 50 });
      assert.equal(take.granted, 10);
    });

    it('opens a circuit on a quorum of distinct voters, not on one voter twice', async () => {
      const { state } = harness();
      const spec = circuitSpec();
      const k = key('quorum');
      const vote = (holder: string, v = true) =>
        state.circuit(k, spec, { op: 'report', holder, calls: 0, failures: 0, vote: v });
      const a = await vote('a');
      assert.equal(a.state, 'closed');
      assert.equal(a.generation, 1);
      assert.equal(a.votes, 1);
      const again = await vote('a');
      assert.equal(again.state, 'closed');
      assert.equal(again.votes, 1);
      const b = await vote('b');
      assert.equal(b.state, 'open');
      assert.equal(b.generation, 2);
      assert.equal(b.opens, 1);
      assert.equal(b.openedBy, 'quorum');
      assert.ok(b.openUntilMs - b.nowMs > 55 && b.openUntilMs - b.nowMs <= 60.001);
      const c = await vote('c');
      assert.equal(c.state, 'open', 'reports while open change nothing');
      assert.equal(c.generation, 2);
    });

    it('leases exactly the probes a half-open round needs, and closes on success', async () => {
      const h = harness();
      const spec = circuitSpec({ quorum: 1, halfOpenMaxProbes: 2, halfOpenSuccessesToClose: 2 });
      const k = key('probes');
      await h.state.circuit(k, spec, {
        op: 'report',
        holder: 'a',
        calls: 0,
        failures: 0,
        vote: true,
      });
      const early = await h.state.circuit(k, spec, { op: 'probe', holder: 'a' });
      assert.equal(early.state, 'open');
      assert.equal(early.slot, -1);
      await h.wait(80);
      const p1 = await h.state.circuit(k, spec, { op: 'probe', holder: 'a' });
      const p2 = await h.state.circuit(k, spec, { op: 'probe', holder: 'b' });
      const p3 = await h.state.circuit(k, spec, { op: 'probe', holder: 'c' });
      assert.equal(p1.state, 'half-open');
      assert.equal(p1.generation, 3);
      assert.deepEqual([p1.slot, p2.slot, p3.slot], [0, 1, -1]);
      const d1 = await h.state.circuit(k, spec, {
        op: 'probe-done',
        holder: 'a',
        generation: 3,
        slot: 0,
        outcome: 'success',
      });
      assert.equal(d1.state, 'half-open');
      assert.equal(d1.probeSuccesses, 1);
      const p4 = await h.state.circuit(k, spec, { op: 'probe', holder: 'c' });
      assert.equal(p4.slot, -1, 'one success + one probe out: the round needs no third probe');
      const d2 = await h.state.circuit(k, spec, {
        op: 'probe-done',
        holder: 'b',
        generation: 3,
        slot: 1,
        outcome: 'success',
      });
      assert.equal(d2.state, 'closed');
      assert.equal(d2.generation, 4);
      assert.equal(d2.opens, 0);
      const stale = await h.state.circuit(k, spec, {
        op: 'probe-done',
        holder: 'c',
        generation: 3,
        slot: 0,
        outcome: 'failure',
      });
      assert.equal(stale.state, 'closed', 'a probe of an earlier round counts for nothing');
    });

    it('leases again after a success while the round needs more successes than slots', async () => {
      const h = harness();
      const spec = circuitSpec({ quorum: 1, halfOpenMaxProbes: 1, halfOpenSuccessesToClose: 2 });
      const k = key('relase');
      await h.state.circuit(k, spec, {
        op: 'report',
        holder: 'a',
        calls: 0,
        failures: 0,
        vote: true,
      });
      await h.wait(80);
      const p1 = await h.state.circuit(k, spec, { op: 'probe', holder: 'a' });
      assert.equal(p1.slot, 0);
      await h.state.circuit(k, spec, {
        op: 'probe-done',
        holder: 'a',
        generation: p1.generation,
        slot: 0,
        outcome: 'success',
      });
      const p2 = await h.state.circuit(k, spec, { op: 'probe', holder: 'b' });
      assert.equal(p2.slot, 0, 'the second of two needed probes');
      const abandoned = await h.state.circuit(k, spec, {
        op: 'probe-done',
        holder: 'b',
        generation: p2.generation,
        slot: 0,
        outcome: 'abandoned',
      });
      assert.equal(abandoned.state, 'half-open');
      const p3 = await h.state.circuit(k, spec, { op: 'probe', holder: 'c' });
      assert.equal(p3.slot, 0, 'an abandoned probe is replaced');
    });

    it('re-opens on a failed probe with a backed-off open time', async () => {
      const h = harness();
      const spec = circuitSpec({ quorum: 1, halfOpenAfterMs: 40, halfOpenBackoffFactor: 3 });
      const k = key('backoff');
      await h.state.circuit(k, spec, {
        op: 'report',
        holder: 'a',
        calls: 0,
        failures: 0,
        vote: true,
      });
      await h.wait(60);
      const p = await h.state.circuit(k, spec, { op: 'probe', holder: 'a' });
      assert.equal(p.slot, 0);
      const d = await h.state.circuit(k, spec, {
        op: 'probe-done',
        holder: 'a',
        generation: p.generation,
        slot: 0,
        outcome: 'failure',
      });
      assert.equal(d.state, 'open');
      assert.equal(d.opens, 2);
      assert.equal(d.openedBy, 'probe-failure');
      const open = d.openUntilMs - d.nowMs;
      assert.ok(open > 115 && open <= 120.001, `40 × 3 ms, got ${open}`);
    });

    it('frees the probe lease of a holder that never reports after probeLeaseMs', async () => {
      const h = harness();
      const spec = circuitSpec({ quorum: 1, halfOpenAfterMs: 10, probeLeaseMs: 60 });
      const k = key('lease');
      await h.state.circuit(k, spec, {
        op: 'report',
        holder: 'a',
        calls: 0,
        failures: 0,
        vote: true,
      });
      await h.wait(20);
      const a = await h.state.circuit(k, spec, { op: 'probe', holder: 'a' });
      assert.equal(a.slot, 0);
      const b = await h.state.circuit(k, spec, { op: 'probe', holder: 'b' });
      assert.equal(b.slot, -1);
      await h.wait(100);
      const c = await h.state.circuit(k, spec, { op: 'probe', holder: 'b' });
      assert.equal(c.slot, 0);
      assert.equal(c.generation, a.generation, 'same half-open round');
    });

    it('opens on the fleet failure rate once the window holds minimumCalls', async () => {
      const { state } = harness();
      const spec = circuitSpec({
        quorum: 100,
        failureRate: { threshold: 0.5, minimumCalls: 10, windowMs: 60_000 },
      });
      const k = key('rate');
      const r1 = await state.circuit(k, spec, {
        op: 'report',
        holder: 'a',
        calls: 6,
        failures: 2,
        vote: false,
      });
      assert.equal(r1.state, 'closed');
      const r2 = await state.circuit(k, spec, {
        op: 'report',
        holder: 'b',
        calls: 3,
        failures: 3,
        vote: false,
      });
      assert.equal(r2.state, 'closed', '9 calls < minimumCalls');
      const r3 = await state.circuit(k, spec, {
        op: 'report',
        holder: 'c',
        calls: 1,
        failures: 0,
        vote: false,
      });
      assert.equal(r3.state, 'open', '5 failures of 10 calls');
      assert.equal(r3.openedBy, 'failure-rate');
    });

    it('resets to closed from any state and forgets votes', async () => {
      const { state } = harness();
      const spec = circuitSpec();
      const k = key('reset');
      await state.circuit(k, spec, {
        op: 'report',
        holder: 'a',
        calls: 0,
        failures: 0,
        vote: true,
      });
      await state.circuit(k, spec, {
        op: 'report',
        holder: 'b',
        calls: 0,
        failures: 0,
        vote: true,
      });
      const r = await state.circuit(k, spec, { op: 'reset' });
      assert.equal(r.state, 'closed');
      assert.equal(r.generation, 3);
      const v = await state.circuit(k, spec, {
        op: 'report',
        holder: 'a',
        calls: 0,
        failures: 0,
        vote: true,
      });
      assert.equal(v.state, 'closed');
      assert.equal(v.votes, 1);
    });

    it('keeps the sum of holdings at or under the limit and sets absolute holdings', async () => {
      const { state } = harness();
      const spec: SemaphoreSpec = { limit: 5, leaseMs: 60_000 };
      const k = key('sem');
      assert.deepEqual(pick(await state.holdPermits(k, spec, 'a', 3)), { held: 3, total: 3 });
      assert.deepEqual(pick(await state.holdPermits(k, spec, 'b', 4)), { held: 2, total: 5 });
      assert.deepEqual(pick(await state.holdPermits(k, spec, 'a', 3)), { held: 3, total: 5 });
      assert.deepEqual(pick(await state.holdPermits(k, spec, 'a', 1)), { held: 1, total: 3 });
      assert.deepEqual(pick(await state.holdPermits(k, spec, 'b', 4)), { held: 4, total: 5 });
      assert.deepEqual(pick(await state.holdPermits(k, spec, 'b', 0)), { held: 0, total: 1 });
    });

    it('returns the permits of a holder whose lease ran out', async () => {
      const h = harness();
      const spec: SemaphoreSpec = { limit: 2, leaseMs: 60 };
      const k = key('sem-lease');
      assert.equal((await h.state.holdPermits(k, spec, 'a', 2)).held, 2);
      assert.equal((await h.state.holdPermits(k, spec, 'b', 1)).held, 0);
      await h.wait(100);
      assert.equal((await h.state.holdPermits(k, spec, 'b', 2)).held, 2);
    });

    it('answers ping', async () => {
      const { state } = harness();
      await state.ping();
    });
  });
}

function pick(r: { held: number; total: number }): { held: number; total: number } {
  return { held: r.held, total: r.total };
}
