/**
 * @module
 * The number of A records served for the DynamoDB endpoint over the window: a step function
 * built from the phonebook act's changes. Every later act reads DNS through it, so the runs
 * differ in their DNS only by the act that produced it (or, in the forced run, by an outage
 * laid over the safe act's timeline).
 */

/** A change of the records served: from window second `t` on, `records` A records. */
export interface DnsChange {
  readonly t: number;
  readonly records: number;
}

/** An interval of window seconds `[from, to)` in which the endpoint served nothing. */
export interface EmptyInterval {
  readonly from: number;
  readonly to: number;
}

/** A step function of records served; see the module comment. */
export class DnsTimeline {
  /** The changes, in time order (the first at or before 0). */
  readonly changes: readonly DnsChange[];

  constructor(changes: readonly DnsChange[]) {
    if (changes.length === 0) throw new RangeError('DnsTimeline: needs at least one change');
    for (let i = 1; i < changes.length; i++) {
      if (!((changes[i] as DnsChange).t >= (changes[i - 1] as DnsChange).t)) {
        throw new RangeError(`DnsTimeline: changes must be in time order (index ${i})`);
      }
    }
    this.changes = changes;
  }

  /** Records served at window second `t` (the last change at or before it). */
  recordsAt(t: number): number {
    const c = this.changes;
    let lo = 0;
    let hi = c.length - 1;
    if (t < (c[0] as DnsChange).t) return (c[0] as DnsChange).records;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((c[mid] as DnsChange).t <= t) lo = mid;
      else hi = mid - 1;
    }
    return (c[lo] as DnsChange).records;
  }

  /** The fewest records served at any time in `[from, to)`. */
  minRecords(from: number, to: number): number {
    let min = this.recordsAt(from);
    for (const ch of this.changes) {
      if (ch.t > from && ch.t < to && ch.records < min) min = ch.records;
    }
    return min;
  }

  /** The intervals with no records, clipped to `[0, end)`. */
  emptyIntervals(end: number): EmptyInterval[] {
    const out: EmptyInterval[] = [];
    let since: number | undefined;
    for (const ch of this.changes) {
      const t = Math.max(0, ch.t);
      if (ch.records === 0 && since === undefined) since = t;
      else if (ch.records > 0 && since !== undefined) {
        if (t > since) out.push({ from: since, to: Math.min(t, end) });
        since = undefined;
      }
    }
    if (since !== undefined && since < end) out.push({ from: since, to: end });
    return out.filter((i) => i.from < end);
  }

  /** Seconds with no records in `[0, end)`. */
  emptySeconds(end: number): number {
    return this.emptyIntervals(end).reduce((s, i) => s + (i.to - i.from), 0);
  }

  /**
   * This timeline with nothing served in `[from, to)` — as if the phonebook were bypassed —
   * and, from `to`, whatever this timeline serves then.
   */
  withForcedEmpty(from: number, to: number): DnsTimeline {
    const before = this.changes.filter((c) => c.t < from);
    const after = this.changes.filter((c) => c.t > to);
    return new DnsTimeline([
      ...before,
      { t: from, records: 0 },
      { t: to, records: this.recordsAt(to) },
      ...after,
    ]);
  }
}
