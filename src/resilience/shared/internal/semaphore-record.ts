/**
 * @module
 * The fleet semaphore as a pure step on a plain record: `stepSemaphore(record, spec, holder,
 * want, nowMs)` is what one `holdPermits` call does, and the Redis Lua script does the same.
 *
 * Each holder (an instance) holds a number of permits under a lease. A call first drops every
 * holding whose lease ran out (a crashed instance gives its permits back after `leaseMs`), then
 * sets the caller's holding to `want` or to as many as fit under `limit`, and renews its lease.
 * Setting an absolute number rather than adding makes the call safe to repeat after a timeout:
 * a grant that was lost is simply reconciled by the next call.
 */
import type { SemaphoreReply, SemaphoreSpec } from '../shared-state.js';

/** One holder's permits. */
export interface Holding {
  held: number;
  untilMs: number;
}

/** The stored state of one semaphore: holder → holding. */
export type SemaphoreRecord = Map<string, Holding>;

/** One `holdPermits` call at store time `nowMs`; mutates `rec`. */
export function stepSemaphore(
  rec: SemaphoreRecord,
  spec: SemaphoreSpec,
  holder: string,
  want: number,
  nowMs: number,
): SemaphoreReply {
  let others = 0;
  for (const [h, holding] of rec) {
    if (holding.untilMs <= nowMs) rec.delete(h);
    else if (h !== holder) others += holding.held;
  }
  // Never more than fits beside the others (so the sum stays ≤ limit even if instances were
  // configured with different limits: the smallest wins for whoever asks).
  const room = spec.limit - others;
  const held = want < room ? want : room > 0 ? room : 0;
  if (held > 0) rec.set(holder, { held, untilMs: nowMs + spec.leaseMs });
  else rec.delete(holder);
  return { held, total: others + held, nowMs };
}
