/**
 * @module
 * Turns the `etcd3` client's errors into the DNS part's store errors, so callers (and the
 * resilience policy's retry predicate, `isTransientDnsError`) see the same errors from every
 * store:
 *
 * - a deadline that passed → `StoreTimeoutError`: the request may or may not have been
 *   applied (a write is then decided by its compare-and-set when it is retried);
 * - anything the client marks recoverable (unavailable, connection reset, an open per-host
 *   circuit) → `StoreUnavailableError`;
 * - a closed client → `StoreClosedError`;
 * - anything else (permission denied, a bad request) is passed on unchanged: asking again
 *   will not help, and the original says why.
 */
import type * as Etcd3Module from 'etcd3';
import {
  StoreClosedError,
  StoreTimeoutError,
  StoreUnavailableError,
  isDnsError,
} from '../../errors.js';

/** Maps `e`, thrown by a call to etcd at `label` doing `what`. */
export function mapEtcdError(
  mod: typeof Etcd3Module,
  label: string,
  what: string,
  e: unknown,
): unknown {
  if (isDnsError(e) || !(e instanceof Error)) return e;
  if (e instanceof mod.ClientClosedError) return new StoreClosedError({ cause: e });
  if (e instanceof mod.GRPCDeadlineExceededError) {
    return new StoreTimeoutError(
      `${label}: ${what}: no answer before the deadline (it may or may not have been applied)`,
      { cause: e },
    );
  }
  // cockatiel's BrokenCircuitError (etcd3's per-host breaker) is recognised the way cockatiel
  // itself does, by its marker property: etcd3 may bring its own copy of cockatiel.
  if (mod.isRecoverableError(e) || 'isBrokenCircuitError' in e) {
    return new StoreUnavailableError(`${label}: ${what}: etcd is unavailable (${e.message})`, {
      cause: e,
    });
  }
  return e;
}
