/**
 * @module
 * The book of every request a model creates, so that none goes missing: each one is in
 * flight until it is resolved exactly once as succeeded, failed, timed out or dropped. The
 * running totals always satisfy
 *
 *     created = inFlight + succeeded + failed + timedOut + dropped
 *
 * and {@link RequestLedger.recount} recomputes them from the per-request table, so a test can
 * check that the totals and the table agree. A second resolution of the same request (a late
 * response after a timeout, say) is refused and reported, never counted twice.
 *
 * Requests are rows of a struct of typed arrays (id = row), so opening one allocates nothing
 * once the table has grown.
 */
import type { Simulation } from '../kernel/simulation.js';
import { grow } from '../internal/grow.js';

/** Where a request stands. Numeric, so a status fits a typed array. */
export const RequestStatus = {
  InFlight: 0,
  Succeeded: 1,
  Failed: 2,
  TimedOut: 3,
  Dropped: 4,
} as const;

/** One of the {@link RequestStatus} values. */
export type RequestStatus = (typeof RequestStatus)[keyof typeof RequestStatus];

/** Readable names of the statuses, indexed by value. */
export const REQUEST_STATUS_NAMES = [
  'inFlight',
  'succeeded',
  'failed',
  'timedOut',
  'dropped',
] as const;

/** The ledger's totals. */
export interface RequestCounts {
  readonly created: number;
  readonly inFlight: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly dropped: number;
}

/** Options for {@link RequestLedger}. */
export interface RequestLedgerOptions {
  /** Rows to allocate up front; the table doubles when full. Default 1024. */
  readonly initialCapacity?: number;
}

/** Every request of a model and how it ended; see the module comment. */
export class RequestLedger {
  readonly #sim: Simulation;
  #status: Uint8Array;
  #createdUs: Float64Array;
  #resolvedUs: Float64Array;
  #tag: Float64Array;
  #created = 0;
  /** Totals by status value. */
  readonly #byStatus = new Float64Array(5);

  constructor(sim: Simulation, options: RequestLedgerOptions = {}) {
    const capacity = options.initialCapacity ?? 1024;
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `RequestLedger initialCapacity must be an integer >= 1, got ${String(capacity)}`,
      );
    }
    this.#sim = sim;
    this.#status = new Uint8Array(capacity);
    this.#createdUs = new Float64Array(capacity);
    this.#resolvedUs = new Float64Array(capacity);
    this.#tag = new Float64Array(capacity);
  }

  /**
   * Opens a request at the current virtual time and returns its id (0, 1, 2, ...). `tag` is a
   * number of the model's choosing carried with it (a user index, a priority class).
   */
  open(tag = 0): number {
    const id = this.#created++;
    if (id === this.#status.length) {
      this.#status = grow(this.#status, id + 1);
      this.#createdUs = grow(this.#createdUs, id + 1);
      this.#resolvedUs = grow(this.#resolvedUs, id + 1);
      this.#tag = grow(this.#tag, id + 1);
    }
    this.#status[id] = RequestStatus.InFlight;
    this.#createdUs[id] = this.#sim.now;
    this.#resolvedUs[id] = -1;
    this.#tag[id] = tag;
    this.#bump(RequestStatus.InFlight, 1);
    return id;
  }

  /**
   * Resolves a request in flight with a final status, at the current virtual time. Returns
   * false, changing nothing, when it was already resolved.
   */
  resolve(id: number, status: RequestStatus): boolean {
    this.#check(id);
    if (status === RequestStatus.InFlight || !(status >= 1 && status <= 4)) {
      throw new RangeError(`RequestLedger.resolve: not a final status: ${status}`);
    }
    if (this.#status[id] !== RequestStatus.InFlight) return false;
    this.#status[id] = status;
    this.#resolvedUs[id] = this.#sim.now;
    this.#bump(RequestStatus.InFlight, -1);
    this.#bump(status, 1);
    return true;
  }

  /** True while request `id` is in flight. */
  isInFlight(id: number): boolean {
    this.#check(id);
    return this.#status[id] === RequestStatus.InFlight;
  }

  /** The status of request `id`. */
  status(id: number): RequestStatus {
    this.#check(id);
    return this.#status[id] as RequestStatus;
  }

  /** The tag given when `id` was opened. */
  tag(id: number): number {
    this.#check(id);
    return this.#tag[id] as number;
  }

  /** When `id` was opened, µs. */
  createdUs(id: number): number {
    this.#check(id);
    return this.#createdUs[id] as number;
  }

  /** When `id` was resolved, µs; -1 while in flight. */
  resolvedUs(id: number): number {
    this.#check(id);
    return this.#resolvedUs[id] as number;
  }

  /** Time from open to resolution, µs; -1 while in flight. */
  latencyUs(id: number): number {
    this.#check(id);
    const r = this.#resolvedUs[id] as number;
    return r < 0 ? -1 : r - (this.#createdUs[id] as number);
  }

  /** Requests opened so far. */
  get created(): number {
    return this.#created;
  }
  /** Requests not yet resolved. */
  get inFlight(): number {
    return this.#byStatus[RequestStatus.InFlight] as number;
  }
  /** Requests that got their answer. */
  get succeeded(): number {
    return this.#byStatus[RequestStatus.Succeeded] as number;
  }
  /** Requests that got an error (and had no retry left). */
  get failed(): number {
    return this.#byStatus[RequestStatus.Failed] as number;
  }
  /** Requests whose last attempt timed out. */
  get timedOut(): number {
    return this.#byStatus[RequestStatus.TimedOut] as number;
  }
  /** Requests shed without being served (refused by admission control or a full queue). */
  get dropped(): number {
    return this.#byStatus[RequestStatus.Dropped] as number;
  }

  /** The running totals. */
  counts(): RequestCounts {
    return {
      created: this.created,
      inFlight: this.inFlight,
      succeeded: this.succeeded,
      failed: this.failed,
      timedOut: this.timedOut,
      dropped: this.dropped,
    };
  }

  /** The totals recomputed from the per-request table (O(created)), to check `counts()`. */
  recount(): RequestCounts {
    const by = [0, 0, 0, 0, 0];
    for (let i = 0; i < this.#created; i++) by[this.#status[i] as number]!++;
    return {
      created: this.#created,
      inFlight: by[0]!,
      succeeded: by[1]!,
      failed: by[2]!,
      timedOut: by[3]!,
      dropped: by[4]!,
    };
  }

  #bump(status: RequestStatus, by: number): void {
    this.#byStatus[status] = (this.#byStatus[status] as number) + by;
  }

  #check(id: number): void {
    if (!(id >= 0 && id < this.#created && Number.isInteger(id))) {
      throw new RangeError(`RequestLedger: no request ${id} (created ${this.#created})`);
    }
  }
}
