import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Rng } from '../../core/rng.js';
import { EventHeap } from './event-heap.js';

const seed =
  process.env['FC_SEED'] !== undefined
    ? Number(process.env['FC_SEED'])
    : Rng.fromEntropy().seed % 0x7fffffff;
console.log(`event-heap.test.ts: fast-check seed ${seed} (set FC_SEED to reproduce)`);

interface Ref {
  time: number;
  /** Global push order (the heap's own sequence numbers may be renumbered). */
  order: number;
  seq: number;
  value: number;
}

/** Reference: a plain array kept sorted by (time, push order). */
function refPop(ref: Ref[]): Ref | undefined {
  ref.sort((a, b) => a.time - b.time || a.order - b.order);
  return ref.shift();
}

type Op =
  | { kind: 'push'; time: number }
  | { kind: 'pop' }
  | { kind: 'replace'; time: number }
  | { kind: 'retainOdd' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  // Few distinct times, so ties are common.
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('push' as const),
      time: fc.integer({ min: 0, max: 20 }),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'pop' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      time: fc.integer({ min: 0, max: 20 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'retainOdd' as const }) },
);

describe('EventHeap', () => {
  it('pops in (time, seq) order with stable ties, matching a sorted reference under random operations', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 300 }),
        fc.constantFrom(2, 7, 2 ** 30),
        (ops, maxSeq) => {
          const heap = new EventHeap({ initialCapacity: 1, maxSeq });
          const renumbers = maxSeq < 2 ** 30;
          const ref: Ref[] = [];
          let nextValue = 0;
          for (const op of ops) {
            if (op.kind === 'push') {
              const value = nextValue++;
              const seq = heap.push(op.time, value);
              ref.push({ time: op.time, order: value, seq, value });
            } else if (op.kind === 'pop') {
              const expected = refPop(ref);
              const topTime = heap.topTime;
              const topSeq = heap.topSeq;
              const got = heap.pop();
              if (expected === undefined) {
                assert.equal(got, -1);
                assert.equal(topTime, Infinity);
              } else {
                assert.equal(got, expected.value);
                assert.equal(topTime, expected.time);
                if (!renumbers) assert.equal(topSeq, expected.seq);
                else assert.ok(topSeq >= 0);
              }
            } else if (op.kind === 'replace') {
              if (heap.size === 0) {
                assert.throws(() => heap.replaceTop(op.time, 0), RangeError);
                continue;
              }
              refPop(ref);
              const value = nextValue++;
              const seq = heap.replaceTop(op.time, value);
              ref.push({ time: op.time, order: value, seq, value });
            } else {
              heap.retain((v) => v % 2 === 1);
              for (let i = ref.length - 1; i >= 0; i--)
                if (ref[i]!.value % 2 === 0) ref.splice(i, 1);
            }
            assert.equal(heap.size, ref.length);
          }
          // Drain what is left.
          for (;;) {
            const expected = refPop(ref);
            const got = heap.pop();
            if (expected === undefined) {
              assert.equal(got, -1);
              break;
            }
            assert.equal(got, expected.value);
          }
        },
      ),
      { seed, numRuns: 300 },
    );
  });

  it('hands out increasing sequence numbers and keeps order across growth', () => {
    const heap = new EventHeap({ initialCapacity: 2 });
    const rng = new Rng(5);
    const times: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const t = rng.int(0, 1000);
      times.push(t);
      assert.equal(heap.push(t, i), i);
    }
    assert.equal(heap.nextSeq, 5000);
    let lastTime = -1;
    let lastValue = -1;
    while (heap.size > 0) {
      const t = heap.topTime;
      const v = heap.pop();
      assert.equal(times[v], t);
      assert.ok(t > lastTime || (t === lastTime && v > lastValue), 'ties pop in push order');
      lastTime = t;
      lastValue = v;
    }
  });

  it('reports an empty heap through its top accessors and clear()', () => {
    const heap = new EventHeap();
    assert.equal(heap.topTime, Infinity);
    assert.equal(heap.topSeq, -1);
    assert.equal(heap.topValue, -1);
    heap.push(3, 7);
    assert.equal(heap.topValue, 7);
    heap.clear();
    assert.equal(heap.size, 0);
    assert.equal(heap.pop(), -1);
  });

  it('keeps ties in push order across renumbering of sequence numbers', () => {
    const heap = new EventHeap({ maxSeq: 4 });
    for (let v = 0; v < 3; v++) assert.equal(heap.push(1, v), v);
    assert.deepEqual([heap.pop(), heap.pop()], [0, 1]);
    assert.equal(heap.push(1, 3), 3);
    // Seq 4 would reach maxSeq: the two entries left are renumbered 0 and 1 first.
    assert.equal(heap.push(1, 4), 2);
    assert.equal(heap.nextSeq, 3);
    heap.push(0, 5);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop());
    assert.deepEqual(out, [5, 2, 3, 4]);
  });

  it('rejects bad options and values outside [0, 2^23)', () => {
    assert.throws(() => new EventHeap({ initialCapacity: 0 }), /initialCapacity.*got 0/);
    assert.throws(() => new EventHeap({ initialCapacity: 1.5 }), RangeError);
    assert.throws(() => new EventHeap({ maxSeq: 2 ** 31 }), /maxSeq/);
    const heap = new EventHeap();
    assert.throws(() => heap.push(1, -1), /value must be an integer/);
    assert.throws(() => heap.push(1, 2 ** 23), /value must be an integer/);
    assert.throws(() => heap.push(1, 0.5), /value must be an integer/);
    assert.equal(heap.size, 0);
  });
});
