/**
 * @module
 * Seeded randomness as an injected service. `Rng` is sfc32 (Chris Doty-Humphrey's "Small
 * Fast Chaotic" generator, PractRand-clean to at least 2^60 bytes): 128 bits of state, four
 * 32-bit words, no multiplications on the hot path. Seeds of any size are expanded with
 * splitmix32 so that nearby seeds (1, 2, 3…) give unrelated streams.
 *
 * `fork(label)` derives an independent sub-stream: the simulator gives each component its own
 * stream, so adding a draw in one component does not shift the numbers every other one sees.
 */

/** Serialisable generator state (four unsigned 32-bit words). */
export type RngState = readonly [number, number, number, number];

/** A string or number seed. Equal seeds give identical streams. */
export type Seed = number | string;

/** FNV-1a over UTF-16 code units, then splitmix-finalised: strings → 32-bit seeds. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 step: returns [next state, output]. */
function splitmix32(state: number): [number, number] {
  const s = (state + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  z ^= z >>> 15;
  return [s, z >>> 0];
}

function seedWords(seed: Seed): [number, number, number, number] {
  let lo: number;
  let hi: number;
  if (typeof seed === 'string') {
    lo = hashString(seed);
    hi = hashString(`${seed}\u0000hi`);
  } else {
    if (!Number.isFinite(seed)) throw new RangeError(`Rng seed must be finite, got ${seed}`);
    lo = seed >>> 0;
    hi = Math.floor(seed / 0x100000000) >>> 0;
  }
  let s = lo ^ Math.imul(hi, 0x9e3779b1);
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [next, z] = splitmix32(s);
    s = next;
    out.push(z);
  }
  return out as [number, number, number, number];
}

/** A seeded pseudo-random generator (sfc32). Not for cryptography. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The second normal deviate of the last Box–Muller pair, if unused. */
  private spareNormal: number | undefined = undefined;

  /** A generator whose stream is fully determined by `seed`. */
  constructor(seed: Seed) {
    const [a, b, c, d] = seedWords(seed);
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    // Warm up: sfc32's first outputs are correlated with the seed words.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Restores a generator from {@link Rng.state}. */
  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    [r.a, r.b, r.c, r.d] = state.map((x) => x >>> 0) as [number, number, number, number];
    return r;
  }

  /**
   * A generator seeded from the operating system's entropy, for production use where
   * replay is not wanted. The seed is exposed so a run can still be reproduced.
   */
  static fromEntropy(): { rng: Rng; seed: number } {
    const words = new Uint32Array(2);
    globalThis.crypto.getRandomValues(words);
    const seed = (words[0] ?? 0) * 0x200000 + ((words[1] ?? 0) & 0x1fffff);
    return { rng: new Rng(seed), seed };
  }

  /** The generator's current state; `Rng.fromState(r.state())` continues the same stream. */
  state(): RngState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /** The next raw output, an unsigned 32-bit integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1) with 32 bits of precision. */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform float in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  /**
   * A uniform integer in [min, max] (both inclusive), without modulo bias (Lemire's
   * rejection on the 32-bit output when the range fits, else float scaling).
   */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`Rng.int needs integers min <= max, got (${min}, ${max})`);
    }
    const range = max - min + 1;
    if (range > 0x100000000) return min + Math.floor(this.float() * range);
    if (range === 0x100000000) return min + this.nextUint32();
    const limit = 0x100000000 - (0x100000000 % range);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return min + (x % range);
  }

  /** True with probability `p`. */
  bool(p = 0.5): boolean {
    return this.float() < p;
  }

  /** A normal deviate (Box–Muller, polar form), mean `mean`, standard deviation `sd`. */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.float() * 2 - 1;
      v = this.float() * 2 - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * m;
    return mean + sd * u * m;
  }

  /** An exponential deviate with the given mean (1 / rate). */
  exponential(mean = 1): number {
    // 1 - float() is in (0, 1], so the log is finite.
    return -Math.log(1 - this.float()) * mean;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick needs a non-empty array');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }

  /**
   * An independent sub-stream. The child's seed mixes four fresh outputs of this stream with
   * `label`, so forks with different labels (or taken at different points) are unrelated, and
   * the same sequence of forks from the same seed always gives the same children.
   */
  fork(label: Seed = ''): Rng {
    const child = new Rng(0);
    const salt = seedWords(label);
    child.a = (this.nextUint32() ^ salt[0]) | 0;
    child.b = (this.nextUint32() ^ salt[1]) | 0;
    child.c = (this.nextUint32() ^ salt[2]) | 0;
    child.d = (this.nextUint32() ^ salt[3]) | 0;
    for (let i = 0; i < 12; i++) child.nextUint32();
    return child;
  }
}
