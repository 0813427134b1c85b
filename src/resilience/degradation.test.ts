import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManualClock } from '../core/testing/manual-clock.js';
import { EventEmitter } from '../core/events.js';
import {
  DEGRADATION_LEVELS,
  Degradation,
  WORK_CLASSES,
  breakerOpenSignal,
  breakerStateLevel,
  budgetExhaustedSignal,
  compareLevels,
  levelAdmits,
  queueDepthSignal,
  worseLevel,
} from './degradation.js';
import type {
  DegradationLevel,
  DegradationOptions,
  LevelChangeEvent,
  SignalErrorEvent,
  WorkClass,
} from './degradation.js';
import { DegradedError, isDegradedError } from './errors.js';

const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 20251020;
console.log(`degradation.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

function make(options: Partial<DegradationOptions> = {}): {
  clock: ManualClock;
  d: Degradation;
  changes: LevelChangeEvent[];
} {
  const clock = new ManualClock({ startMs: 1_000_000 });
  const d = new Degradation({ clock, recoverAfterMs: 1000, ...options });
  const changes: LevelChangeEvent[] = [];
  d.onLevelChange((e) => changes.push(e));
  return { clock, d, changes };
}

function admitted(d: Degradation): WorkClass[] {
  return WORK_CLASSES.filter((c) => d.admit(c));
}

describe('levelAdmits', () => {
  it('follows the documented table', () => {
    const table: Record<DegradationLevel, WorkClass[]> = {
      full: ['non-essential', 'write', 'essential'],
      'shed-non-essential': ['write', 'essential'],
      'read-only': ['essential'],
    };
    for (const level of DEGRADATION_LEVELS) {
      assert.deepEqual(
        WORK_CLASSES.filter((c) => levelAdmits(level, c)),
        table[level],
        level,
      );
    }
    assert.equal(worseLevel('full', 'read-only'), 'read-only');
    assert.ok(compareLevels('full', 'shed-non-essential') < 0);
    assert.throws(() => levelAdmits('off' as DegradationLevel, 'write'), /TypeError.*got off/);
  });
});

describe('Degradation', () => {
  it('starts at full and admits every class', () => {
    const { d } = make();
    assert.equal(d.level, 'full');
    assert.deepEqual(admitted(d), ['non-essential', 'write', 'essential']);
  });

  it('admits and refuses the right classes at each level, set by hand', () => {
    const { d } = make({ recoverAfterMs: 0 });
    d.set('shed-non-essential', 'load test');
    assert.deepEqual(admitted(d), ['write', 'essential']);
    d.set('read-only', 'db failover');
    assert.deepEqual(admitted(d), ['essential']);
    d.clear();
    assert.deepEqual(admitted(d), ['non-essential', 'write', 'essential']);
    assert.deepEqual(d.toJSON().refused, { 'non-essential': 2, write: 1, essential: 0 });
  });

  it('refuses an unknown work class loudly', () => {
    const { d } = make();
    assert.throws(() => d.admit('telemetry' as WorkClass), /TypeError.*workClass.*telemetry/);
  });

  it('execute runs admitted work and rejects refused work with DegradedError', async () => {
    const { d } = make();
    assert.equal(await d.execute(() => 1), 1);
    d.set('read-only', 'maintenance');
    assert.equal(await d.execute(() => 2), 2, 'default class is essential');
    await assert.rejects(
      d.execute(() => 3, undefined, 'write'),
      (e) =>
        e instanceof DegradedError &&
        isDegradedError(e) &&
        e.level === 'read-only' &&
        e.workClass === 'write',
    );
    const telemetry = d.forClass('non-essential');
    assert.equal(d.forClass('non-essential'), telemetry);
    let ran = false;
    await assert.rejects(
      telemetry.execute(() => (ran = true)),
      DegradedError,
    );
    assert.equal(ran, false);
    await assert.rejects(
      d.execute(() => {
        throw new Error('sync throw');
      }),
      /sync throw/,
    );
  });

  it('combines the manual level and the signals to the worst of them', () => {
    const { d } = make({ recoverAfterMs: 0 });
    const a = d.addSignal('a');
    const b = d.addSignal('b');
    a.raise('shed-non-essential', 'queue deep');
    assert.equal(d.level, 'shed-non-essential');
    b.raise('read-only');
    assert.equal(d.level, 'read-only');
    d.set('shed-non-essential', 'ops');
    b.clear();
    assert.equal(d.level, 'shed-non-essential');
    a.clear();
    assert.equal(d.level, 'shed-non-essential', 'the manual level still holds it');
    d.clear();
    assert.equal(d.level, 'full');
    d.set('read-only', 'ops');
    d.set('full', 'never mind');
    assert.equal(d.level, 'full');
  });

  it('degrades at once but waits recoverAfterMs of better inputs before recovering', () => {
    const { clock, d, changes } = make();
    const s = d.addSignal('db');
    s.raise('read-only');
    assert.equal(d.level, 'read-only');
    clock.advance(5000);
    s.clear();
    assert.equal(d.level, 'read-only');
    assert.deepEqual(d.toJSON().recovering, { to: 'shed-non-essential', inMs: 1000 });
    clock.advance(999);
    assert.equal(d.level, 'read-only');
    assert.equal(d.admit('write'), false);
    clock.advance(1);
    assert.equal(d.level, 'full', 'both steps were allowed for the full wait');
    assert.deepEqual(
      changes.map((c) => [c.from, c.to]),
      [
        ['full', 'read-only'],
        ['read-only', 'full'],
      ],
    );
  });

  it('restarts the wait when the inputs get worse again, and steps up one level at a time', () => {
    const { clock, d, changes } = make();
    const s = d.addSignal('db');
    s.raise('read-only');
    s.raise('shed-non-essential'); // better since t0 for the shed level
    clock.advance(600);
    s.clear(); // full allowed since t0+600
    clock.advance(400);
    assert.equal(d.level, 'shed-non-essential');
    clock.advance(300);
    s.raise('shed-non-essential'); // a flap: full is no longer allowed
    clock.advance(300);
    s.clear(); // allowed again since t0+1600
    clock.advance(999);
    assert.equal(d.level, 'shed-non-essential');
    clock.advance(1);
    assert.equal(d.level, 'full');
    assert.deepEqual(
      changes.map((c) => c.to),
      ['read-only', 'shed-non-essential', 'full'],
    );
  });

  it('fires onLevelChange from its timer, on time, once per change, with reasons', () => {
    const { clock, d, changes } = make();
    const s = d.addSignal('queue');
    d.set('read-only', 'db failover');
    s.raise('shed-non-essential', 'depth 5000');
    s.raise('shed-non-essential', 'depth 6000'); // no change of level: no event
    assert.equal(changes.length, 1);
    assert.deepEqual(changes[0], {
      from: 'full',
      to: 'read-only',
      reasons: [{ source: 'manual', level: 'read-only', detail: 'db failover' }],
    });
    d.clear();
    clock.advance(1000); // no read in between: the timer does it
    assert.equal(changes.length, 2);
    assert.deepEqual(changes[1], {
      from: 'read-only',
      to: 'shed-non-essential',
      reasons: [{ source: 'queue', level: 'shed-non-essential', detail: 'depth 6000' }],
    });
    s.clear();
    clock.advance(10_000);
    assert.equal(changes.length, 3);
    assert.deepEqual(changes[2], { from: 'shed-non-essential', to: 'full', reasons: [] });
    assert.equal(clock.pendingTimers, 0);
    assert.equal(d.toJSON().changes, 3);
  });

  it('recoverNow skips the wait', () => {
    const { d } = make();
    d.set('read-only', 'x');
    d.clear();
    assert.equal(d.level, 'read-only');
    d.recoverNow();
    assert.equal(d.level, 'full');
    assert.equal(d.toJSON().recovering, null);
  });

  it('polls signals on evaluate(), including the ready-made ones', () => {
    const { clock, d } = make({ recoverAfterMs: 0 });
    let depth = 0;
    let exhausted = false;
    let state = 'closed';
    d.addSignal(
      'queue',
      queueDepthSignal(() => depth, { above: 100, recoverAt: 50 }),
    );
    d.addSignal(
      'budget',
      budgetExhaustedSignal(() => exhausted),
    );
    d.addSignal(
      'breaker',
      breakerOpenSignal(() => state, { level: 'read-only' }),
    );
    assert.equal(d.evaluate(), 'full');
    depth = 101;
    assert.equal(d.level, 'full', 'a polled signal changes only on evaluate');
    assert.equal(d.evaluate(), 'shed-non-essential');
    depth = 60;
    assert.equal(d.evaluate(), 'shed-non-essential', 'depth hysteresis: not yet ≤ 50');
    depth = 50;
    assert.equal(d.evaluate(), 'full');
    exhausted = true;
    assert.equal(d.evaluate(), 'shed-non-essential');
    exhausted = false;
    state = 'half-open';
    assert.equal(d.evaluate(), 'read-only');
    state = 'closed';
    assert.equal(d.evaluate(), 'full');
    const stop = d.startPolling(100);
    depth = 1000;
    clock.advance(99);
    assert.equal(d.level, 'full');
    clock.advance(1);
    assert.equal(d.level, 'shed-non-essential');
    stop.dispose();
    assert.equal(clock.pendingTimers, 0);
  });

  it('maps breaker events through addEventSignal, and unsubscribes on dispose', () => {
    const { d } = make({ recoverAfterMs: 0 });
    const breaker = new EventEmitter<{ state: string }>();
    const s = d.addEventSignal('db-breaker', breaker.event, breakerStateLevel());
    breaker.emit({ state: 'open' });
    assert.equal(d.level, 'shed-non-essential');
    breaker.emit({ state: 'closed' });
    assert.equal(d.level, 'full');
    breaker.emit({ state: 'open' });
    s.dispose();
    s.dispose();
    assert.equal(d.level, 'full');
    assert.equal(breaker.hasListeners, false);
    assert.equal(d.signal('db-breaker'), undefined);
    // The shape of CircuitBreaker.onStateChange.
    const changes = new EventEmitter<{ from: string; to: string }>();
    d.addEventSignal('cb', changes.event, breakerStateLevel());
    changes.emit({ from: 'closed', to: 'open' });
    assert.equal(d.level, 'shed-non-essential');
    changes.emit({ from: 'open', to: 'half-open' });
    assert.equal(d.level, 'shed-non-essential');
    changes.emit({ from: 'half-open', to: 'closed' });
    assert.equal(d.level, 'full');
    const strings = new EventEmitter<string>();
    d.addEventSignal('s', strings.event, breakerStateLevel({ level: 'read-only' }), 'read-only');
    assert.equal(d.level, 'read-only');
    strings.emit('CLOSED');
    assert.equal(d.level, 'full');
  });

  it('keeps a signal’s level and reports it when its poll or mapping throws', () => {
    const { d } = make({ recoverAfterMs: 0 });
    const errors: SignalErrorEvent[] = [];
    d.onSignalError((e) => errors.push(e));
    let level: unknown = 'read-only';
    d.addSignal('odd', () => level as DegradationLevel);
    assert.equal(d.level, 'read-only');
    level = 'sideways';
    assert.equal(d.evaluate(), 'read-only');
    const ev = new EventEmitter<number>();
    d.addEventSignal('num', ev.event, breakerStateLevel());
    ev.emit(3);
    assert.deepEqual(
      errors.map((e) => [e.name, (e.error as Error).message]),
      [
        [
          'odd',
          'signal "odd": level must be one of full, shed-non-essential, read-only, got sideways',
        ],
        ['num', 'breaker signal: cannot read a state from 3; pass options.isOpen'],
      ],
    );
  });

  it('reports its state for a status page', () => {
    const { clock, d } = make();
    d.set('shed-non-essential', 'ops');
    d.addSignal('q').raise('read-only', 'deep');
    const snap = d.toJSON();
    assert.deepEqual(snap, {
      level: 'read-only',
      target: 'read-only',
      manual: { level: 'shed-non-essential', reason: 'ops' },
      signals: [{ source: 'q', level: 'read-only', detail: 'deep' }],
      recovering: null,
      changedAt: clock.now(),
      changes: 2,
      refused: { 'non-essential': 0, write: 0, essential: 0 },
      recoverAfterMs: 1000,
    });
    assert.doesNotThrow(() => JSON.stringify(d));
  });

  it('rejects bad options and inputs with errors naming them', () => {
    const clock = new ManualClock();
    assert.throws(
      () => new Degradation({ clock, recoverAfterMs: -1 }),
      (e) => e instanceof RangeError && /recoverAfterMs.*-1/.test(e.message),
    );
    assert.throws(
      () => new Degradation({ clock, recoverAfterMs: Infinity }),
      (e) => e instanceof RangeError && /recoverAfterMs.*Infinity/.test(e.message),
    );
    assert.throws(
      () => new Degradation({ clock, defaultWorkClass: 'misc' as WorkClass }),
      /TypeError: Degradation: defaultWorkClass .* got misc/,
    );
    assert.throws(() => new Degradation({} as DegradationOptions), /TypeError: Degradation: clock/);
    const d = new Degradation({ clock });
    assert.throws(() => d.set('down' as DegradationLevel, 'x'), /TypeError.*level.*got down/);
    d.addSignal('a');
    assert.throws(() => d.addSignal('a'), /RangeError.*"a" is already in use/);
    assert.throws(() => d.addSignal('manual'), /RangeError.*"manual" is reserved/);
    assert.throws(() => d.startPolling(0), /RangeError.*intervalMs.*got 0/);
    assert.throws(
      () => queueDepthSignal(() => 0, { above: 10, recoverAt: 20 }),
      /RangeError: queueDepthSignal: recoverAt .* got 20/,
    );
    assert.throws(
      () => queueDepthSignal(() => 0, { above: -1 }),
      /RangeError: queueDepthSignal: above .* got -1/,
    );
  });

  it('property: never better than the worst input of the last recoverAfterMs, and equal to it once that long passed without change', () => {
    const R = 10;
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('signal' as const),
        i: fc.integer({ min: 0, max: 2 }),
        level: fc.constantFrom(...DEGRADATION_LEVELS),
      }),
      fc.record({
        kind: fc.constant('manual' as const),
        level: fc.constantFrom(...DEGRADATION_LEVELS),
      }),
      fc.record({
        kind: fc.constant('advance' as const),
        // Steps around R hit the boundaries where off-by-one recoveries hide.
        ms: fc.oneof(fc.integer({ min: 0, max: 25 }), fc.constantFrom(1, R - 1, R)),
      }),
      fc.record({ kind: fc.constant('recoverNow' as const) }),
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 80, size: 'large' }),
        fc.boolean(),
        (ops, readBetween) => {
          const clock = new ManualClock();
          const d = new Degradation({ clock, recoverAfterMs: R });
          const events: LevelChangeEvent[] = [];
          d.onLevelChange((e) => events.push(e));
          const signals = [d.addSignal('a'), d.addSignal('b'), d.addSignal('c')];
          const inputs: DegradationLevel[] = ['full', 'full', 'full', 'full'];
          const rank = (l: DegradationLevel): number => DEGRADATION_LEVELS.indexOf(l);
          const worst = (): DegradationLevel =>
            inputs.reduce((a, b) => (rank(b) > rank(a) ? b : a), 'full');
          let worstChangedAt = clock.monotonic();
          // (time it stopped being in effect, level) of earlier worst inputs, for the window check.
          let history: [number, DegradationLevel][] = [];
          let lastLevel: DegradationLevel = 'full';
          for (const o of ops) {
            const before = worst();
            if (o.kind === 'signal') {
              inputs[o.i] = o.level;
              signals[o.i]!.raise(o.level);
            } else if (o.kind === 'manual') {
              inputs[3] = o.level;
              d.set(o.level, 'prop');
            } else if (o.kind === 'advance') {
              clock.advance(o.ms);
            } else {
              d.recoverNow();
            }
            if (worst() !== before) {
              worstChangedAt = clock.monotonic();
              history.push([worstChangedAt, before]);
            }
            if (o.kind === 'recoverNow') history = [];
            // Without reads the timer alone must keep the level right; with reads, the lazy path.
            const level = readBetween ? d.level : (events.at(-1)?.to ?? 'full');
            assert.ok(rank(level) >= rank(worst()), `level ${level} better than input ${worst()}`);
            if (clock.monotonic() - worstChangedAt >= R) assert.equal(level, worst());
            // Hysteresis: an input that was in effect less than R ago still holds the level down.
            for (const [endedAt, was] of history) {
              if (clock.monotonic() - endedAt < R) {
                assert.ok(rank(level) >= rank(was), `recovered from ${was} to ${level} too early`);
              }
            }
            if (o.kind === 'recoverNow') assert.equal(level, worst());
            // Events chain and fire only on a change.
            for (const [k, e] of events.entries()) {
              assert.notEqual(e.from, e.to);
              if (k > 0) assert.equal(e.from, events[k - 1]!.to);
            }
            lastLevel = level;
          }
          assert.equal(d.level, lastLevel);
        },
      ),
      {
        seed,
        numRuns: 300,
        examples: [
          [
            [
              // Down two levels, then up in two steps, the second 1 ms short of R later.
              { kind: 'signal', i: 0, level: 'read-only' },
              { kind: 'signal', i: 1, level: 'shed-non-essential' },
              { kind: 'signal', i: 0, level: 'full' },
              { kind: 'advance', ms: R - 1 },
              { kind: 'signal', i: 1, level: 'full' },
            ],
            true,
          ],
        ],
      },
    );
  });
});
