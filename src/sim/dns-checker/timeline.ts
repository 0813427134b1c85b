/**
 * @module
 * The story of one seed, for a person: the store's steps (the audit entries each atomic
 * write appended), the schedule's actions (changes, stalls, crashes, restarts, healing),
 * faults the callers saw (a call that failed, an answer lost after the write took effect, a
 * stalled call landing) and the violations — each stamped with the virtual time it
 * happened at.
 *
 * A sweep runs hundreds of seeds a second and prints almost none of them, so entries keep
 * references, not text: an audit entry is stored as the store's own frozen object and
 * formatted only when the timeline is printed. The ring keeps the most recent `capacity`
 * entries (what led to a violation); a replay (`--seed S`) keeps them all.
 */
import type { AuditEntry } from '../../dns/audit-log.js';
import type { InvariantViolation } from '../../dns/invariants.js';
import { formatViolation } from '../../dns/invariants.js';

/** One timeline entry. `atUs` is the virtual time (µs since the start) it happened at. */
export type TimelineEntry =
  | { readonly atUs: number; readonly kind: 'audit'; readonly entry: AuditEntry }
  | { readonly atUs: number; readonly kind: 'note'; readonly text: string }
  | { readonly atUs: number; readonly kind: 'violation'; readonly violation: InvariantViolation };

/** `+HH:MM:SS.mmm` of virtual time. */
export function formatVirtualTime(atUs: number): string {
  const totalMs = Math.floor(atUs / 1000);
  const ms = totalMs % 1000;
  const s = Math.floor(totalMs / 1000) % 60;
  const m = Math.floor(totalMs / 60_000) % 60;
  const h = Math.floor(totalMs / 3_600_000);
  const two = (x: number): string => String(x).padStart(2, '0');
  return `+${two(h)}:${two(m)}:${two(s)}.${String(ms).padStart(3, '0')}`;
}

/** A duration for people: `850 ms`, `12.5 s`, `7 min 30 s`, `1 h 12 min`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) {
    const s = totalS % 60;
    return s === 0 ? `${Math.floor(totalS / 60)} min` : `${Math.floor(totalS / 60)} min ${s} s`;
  }
  const totalMin = Math.round(totalS / 60);
  const min = totalMin % 60;
  return min === 0 ? `${Math.floor(totalMin / 60)} h` : `${Math.floor(totalMin / 60)} h ${min} min`;
}

function formatAudit(e: AuditEntry, atUs: number, startEpochMs: number): string {
  let what: string;
  const target = e.target === undefined ? '' : ` '${e.target}'`;
  switch (e.kind) {
    case 'plan-written':
      what = `writes plan ${String(e.generation)}`;
      break;
    case 'activation-won':
      what = `activates plan ${String(e.generation)} on${target} (was ${e.previousGeneration ?? 'none'}) — compare-and-set won`;
      break;
    case 'activation-lost':
      what = `tries plan ${String(e.generation)} on${target} — compare-and-set lost`;
      break;
    case 'activation-forced':
      what = `APPLIES plan ${String(e.generation)} on${target} unconditionally (was ${e.previousGeneration ?? 'none'})`;
      break;
    case 'deletion': {
      const active = Object.entries(e.activeGenerations ?? {})
        .map(([id, g]) => `${id}=${g}`)
        .join(', ');
      what = `deletes plans [${(e.generations ?? []).join(', ')}] (active then: ${active === '' ? 'none' : active})`;
      break;
    }
    default:
      what = `${e.kind}${target}${e.generation === undefined ? '' : ` gen ${e.generation}`}`;
  }
  // The audit's time is when the caller built its request; a stalled call lands much later,
  // and that gap is the story of the 2025 race, so it is shown when it exceeds a second.
  const issuedUs = (e.atMs - startEpochMs) * 1000;
  const issued = atUs - issuedUs >= 1e6 ? `, issued ${formatVirtualTime(issuedUs)}` : '';
  const reason = e.reason === '' ? '' : `: ${e.reason}`;
  return `${e.actor} ${what}${reason} [audit #${e.seq}${issued}]`;
}

/** Formats one entry as a line (without a trailing newline). */
export function formatTimelineEntry(entry: TimelineEntry, startEpochMs: number): string {
  const at = formatVirtualTime(entry.atUs);
  switch (entry.kind) {
    case 'audit':
      return `${at}  ${formatAudit(entry.entry, entry.atUs, startEpochMs)}`;
    case 'note':
      return `${at}  ${entry.text}`;
    case 'violation':
      return `${at}  !! ${formatViolation(entry.violation)}`;
  }
}

/** A ring of the most recent timeline entries (or all of them). See the module comment. */
export class Timeline {
  /** How many entries are kept; `Infinity` keeps all. */
  readonly capacity: number;
  readonly #items: TimelineEntry[] = [];
  #head = 0;
  #total = 0;

  /** @param capacity an integer ≥ 1, or `Infinity`. */
  constructor(capacity: number) {
    if (!(capacity === Infinity || (Number.isInteger(capacity) && capacity >= 1))) {
      throw new RangeError(
        `Timeline: capacity must be an integer >= 1 or Infinity, got ${capacity}`,
      );
    }
    this.capacity = capacity;
  }

  /** Entries pushed so far, dropped ones included. */
  get total(): number {
    return this.#total;
  }

  /** Appends an entry, dropping the oldest when full. */
  push(entry: TimelineEntry): void {
    this.#total++;
    if (this.#items.length < this.capacity) {
      this.#items.push(entry);
      return;
    }
    this.#items[this.#head] = entry;
    this.#head = (this.#head + 1) % this.#items.length;
  }

  /** The kept entries, oldest first. */
  entries(): TimelineEntry[] {
    return [...this.#items.slice(this.#head), ...this.#items.slice(0, this.#head)];
  }

  /**
   * The kept entries as lines, oldest first, preceded by a note of how many earlier ones
   * were dropped.
   */
  format(startEpochMs: number): string[] {
    const lines = this.entries().map((e) => formatTimelineEntry(e, startEpochMs));
    const dropped = this.#total - this.#items.length;
    if (dropped > 0)
      lines.unshift(`… ${dropped} earlier entries not kept (replay the seed for all)`);
    return lines;
  }
}
