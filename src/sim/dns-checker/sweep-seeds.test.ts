import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SeedResult } from './seed-run.js';
import { runSeed, sweepSeeds } from './sweep-seeds.js';

async function sweep(
  mode: 'safe' | 'legacy',
  from: number,
  count: number,
  concurrency: number,
): Promise<SeedResult[]> {
  const out: SeedResult[] = [];
  await sweepSeeds({ mode, from, count, concurrency, onResult: (r) => out.push(r) });
  return out.sort((a, b) => a.seed - b.seed);
}

describe('sweepSeeds', () => {
  it('gives every seed the result it has alone, however many runs are interleaved', async () => {
    for (const mode of ['legacy', 'safe'] as const) {
      const one = await sweep(mode, 1, 8, 1);
      const many = await sweep(mode, 1, 8, 5);
      assert.deepEqual(many, one);
      assert.deepEqual(
        one.map((r) => r.seed),
        [1, 2, 3, 4, 5, 6, 7, 8],
      );
      assert.deepEqual(await runSeed(3, mode), one[2]);
    }
  });

  it('runs nothing for count 0, and validates its options', async () => {
    assert.deepEqual(await sweep('safe', 1, 0, 4), []);
    const onResult = (): void => {};
    await assert.rejects(sweepSeeds({ mode: 'safe', from: 1.5, count: 1, onResult }), /from/);
    await assert.rejects(sweepSeeds({ mode: 'safe', from: 1, count: -1, onResult }), /count/);
    await assert.rejects(
      sweepSeeds({ mode: 'safe', from: 1, count: 1, concurrency: 0, onResult }),
      /concurrency/,
    );
  });
});
