/**
 * @module
 * Time series of a simulation run, bucketed by virtual time (one simulated second by
 * default): counters (events per bucket — offered load, goodput, retries, timeouts), gauges
 * (a level such as queue length: the last value set in each bucket, carried forward) and
 * means (say, latency: the average of the values recorded in each bucket).
 *
 * A series is registered once by name and updated by its numeric id, into a preallocated
 * `Float64Array` of buckets that doubles when the run outgrows it: an update is a division, a
 * comparison and an addition, cheap enough to leave on in every run. `rows()` exports the
 * result as `{ t, <name>: value, ... }`, `t` being the bucket's start in seconds — the shape
 * the `spike` scenario's JSON and charts use.
 */

/** What {@link Metrics} reads the current virtual time (µs) from, e.g. a `Simulation`. */
export interface TimeSource {
  readonly now: number;
}

/** Options for {@link Metrics}. */
export interface MetricsOptions {
  /** Bucket width, virtual µs: an integer ≥ 1. Default 1 000 000 (one simulated second). */
  readonly bucketUs?: number;
  /** Buckets to allocate up front per series. Default 128. */
  readonly initialBuckets?: number;
}

/** The kinds of series. */
export type SeriesKind = 'counter' | 'gauge' | 'mean';

/** The id `counter`/`gauge`/`mean` return; pass it to `add`/`set`/`record`. */
export type SeriesId = number;

/** One exported bucket: `t` (bucket start, seconds) and a value per series. A mean over an
 * empty bucket is `null`. */
export interface MetricsRow {
  readonly t: number;
  readonly [series: string]: number | null;
}

const COUNTER = 0;
const GAUGE = 1;
const MEAN = 2;
const KIND_NAMES: readonly SeriesKind[] = ['counter', 'gauge', 'mean'];

/** Bucketed time series; see the module comment. */
export class Metrics {
  /** Bucket width, µs. */
  readonly bucketUs: number;

  readonly #time: TimeSource;
  readonly #names: string[] = [];
  readonly #ids = new Map<string, SeriesId>();
  readonly #kinds: number[] = [];
  /** Per series: sums (counter, mean) or values (gauge), one per bucket. */
  readonly #values: Float64Array[] = [];
  /** Per series: sample counts (mean only; an empty array otherwise). */
  readonly #counts: Float64Array[] = [];
  /** Per gauge: its current value, and the last bucket written with it. */
  readonly #gaugeValue: number[] = [];
  readonly #gaugeBucket: number[] = [];
  #capacity: number;
  #lastBucket = -1;

  constructor(time: TimeSource, options: MetricsOptions = {}) {
    const bucketUs = options.bucketUs ?? 1_000_000;
    if (!Number.isInteger(bucketUs) || bucketUs < 1) {
      throw new RangeError(`Metrics bucketUs must be an integer >= 1, got ${bucketUs}`);
    }
    const initial = options.initialBuckets ?? 128;
    if (!Number.isInteger(initial) || initial < 1) {
      throw new RangeError(`Metrics initialBuckets must be an integer >= 1, got ${initial}`);
    }
    this.#time = time;
    this.bucketUs = bucketUs;
    this.#capacity = initial;
  }

  /** Registers (or returns) a counter: the sum of `add`s in each bucket. */
  counter(name: string): SeriesId {
    return this.#series(name, COUNTER);
  }

  /** Registers (or returns) a gauge: the last `set` in each bucket, carried forward; 0 before. */
  gauge(name: string): SeriesId {
    return this.#series(name, GAUGE);
  }

  /** Registers (or returns) a mean: the average of the `record`s in each bucket. */
  mean(name: string): SeriesId {
    return this.#series(name, MEAN);
  }

  /** Adds `value` (default 1) to a counter in the current bucket. */
  add(id: SeriesId, value = 1): void {
    this.#expect(id, COUNTER);
    const b = this.#bucket();
    const v = this.#values[id] as Float64Array;
    v[b] = (v[b] as number) + value;
  }

  /** Sets a gauge to `value` from now on. */
  set(id: SeriesId, value: number): void {
    this.#expect(id, GAUGE);
    const b = this.#bucket();
    this.#fillGauge(id, b);
    (this.#values[id] as Float64Array)[b] = value;
    this.#gaugeValue[id] = value;
  }

  /** Records one sample of a mean in the current bucket. */
  record(id: SeriesId, value: number): void {
    this.#expect(id, MEAN);
    const b = this.#bucket();
    const v = this.#values[id] as Float64Array;
    const c = this.#counts[id] as Float64Array;
    v[b] = (v[b] as number) + value;
    c[b] = (c[b] as number) + 1;
  }

  /** The names of the series, in registration order. */
  get names(): readonly string[] {
    return this.#names;
  }

  /** The kind of the series called `name`, or undefined. */
  kindOf(name: string): SeriesKind | undefined {
    const id = this.#ids.get(name);
    return id === undefined ? undefined : KIND_NAMES[this.#kinds[id] as number];
  }

  /** A counter's sum over the whole run. */
  total(name: string): number {
    const id = this.#idOf(name);
    this.#expect(id, COUNTER);
    const v = this.#values[id] as Float64Array;
    let sum = 0;
    for (let b = 0; b <= this.#lastBucket; b++) sum += v[b] as number;
    return sum;
  }

  /** Number of buckets an export covers up to `untilUs` (default: the last bucket touched). */
  bucketCount(untilUs?: number): number {
    const last = untilUs === undefined ? this.#lastBucket : Math.ceil(untilUs / this.bucketUs) - 1;
    return Math.max(0, last + 1);
  }

  /** One series' values per bucket (null for an empty mean bucket). */
  values(name: string, untilUs?: number): (number | null)[] {
    const id = this.#idOf(name);
    const n = this.bucketCount(untilUs);
    const out = new Array<number | null>(n);
    for (let b = 0; b < n; b++) out[b] = this.#valueAt(id, b);
    return out;
  }

  /**
   * The series as rows `{ t, <name>: value, ... }`, one per bucket from t = 0 up to `untilUs`
   * (exclusive; default: the last bucket anything was recorded in).
   */
  rows(untilUs?: number): MetricsRow[] {
    const n = this.bucketCount(untilUs);
    const rows: MetricsRow[] = [];
    for (let b = 0; b < n; b++) {
      const row: Record<string, number | null> = { t: (b * this.bucketUs) / 1_000_000 };
      for (let id = 0; id < this.#names.length; id++) {
        row[this.#names[id] as string] = this.#valueAt(id, b);
      }
      rows.push(row as MetricsRow);
    }
    return rows;
  }

  #series(name: string, kind: number): SeriesId {
    if (typeof name !== 'string' || name === '' || name === 't') {
      throw new TypeError(
        `Metrics series name must be a non-empty string other than 't', got ${String(name)}`,
      );
    }
    const existing = this.#ids.get(name);
    if (existing !== undefined) {
      if (this.#kinds[existing] !== kind) {
        throw new TypeError(
          `Metrics series '${name}' is a ${KIND_NAMES[this.#kinds[existing] as number]}, not a ${KIND_NAMES[kind]}`,
        );
      }
      return existing;
    }
    const id = this.#names.length;
    this.#names.push(name);
    this.#ids.set(name, id);
    this.#kinds.push(kind);
    this.#values.push(new Float64Array(this.#capacity));
    this.#counts.push(new Float64Array(kind === MEAN ? this.#capacity : 0));
    this.#gaugeValue.push(0);
    this.#gaugeBucket.push(-1);
    return id;
  }

  #idOf(name: string): SeriesId {
    const id = this.#ids.get(name);
    if (id === undefined) throw new RangeError(`Metrics: no series named '${name}'`);
    return id;
  }

  #expect(id: SeriesId, kind: number): void {
    if (this.#kinds[id] !== kind) {
      throw new TypeError(
        `Metrics: series ${id} is ${this.#kinds[id] === undefined ? 'unknown' : `a ${KIND_NAMES[this.#kinds[id]]}`}, not a ${KIND_NAMES[kind]}`,
      );
    }
  }

  /** The current bucket, growing the arrays when the run outgrows them. */
  #bucket(): number {
    const b = Math.floor(this.#time.now / this.bucketUs);
    if (b >= this.#capacity) this.#grow(b + 1);
    if (b > this.#lastBucket) this.#lastBucket = b;
    return b;
  }

  /** Writes a gauge's current value into the buckets since it was last written, up to `b`. */
  #fillGauge(id: SeriesId, b: number): void {
    const last = this.#gaugeBucket[id] as number;
    if (last >= b) return;
    const v = this.#values[id] as Float64Array;
    v.fill(this.#gaugeValue[id] as number, last + 1, b);
    this.#gaugeBucket[id] = b;
  }

  #valueAt(id: SeriesId, b: number): number | null {
    const kind = this.#kinds[id];
    if (kind === GAUGE) {
      // Buckets after the last write hold the gauge's current value.
      return b > (this.#gaugeBucket[id] as number)
        ? (this.#gaugeValue[id] as number)
        : ((this.#values[id] as Float64Array)[b] as number);
    }
    if (b >= this.#capacity) return kind === MEAN ? null : 0;
    const sum = (this.#values[id] as Float64Array)[b] as number;
    if (kind === COUNTER) return sum;
    const count = (this.#counts[id] as Float64Array)[b] as number;
    return count === 0 ? null : sum / count;
  }

  #grow(minBuckets: number): void {
    let capacity = this.#capacity * 2;
    while (capacity < minBuckets) capacity *= 2;
    for (let id = 0; id < this.#values.length; id++) {
      const v = new Float64Array(capacity);
      v.set(this.#values[id] as Float64Array);
      this.#values[id] = v;
      if (this.#kinds[id] === MEAN) {
        const c = new Float64Array(capacity);
        c.set(this.#counts[id] as Float64Array);
        this.#counts[id] = c;
      }
    }
    this.#capacity = capacity;
  }
}
