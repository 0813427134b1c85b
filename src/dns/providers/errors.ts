/**
 * @module
 * Errors of the providers (DNS servers that receive plans). A provider that does not answer
 * is worth a retry; one that answers with a refusal (REFUSED, NOTAUTH: a wrong or missing
 * TSIG key, a zone it does not serve) will refuse again until an operator fixes its config.
 */
import type { BreakwaterErrorOptions } from '../../core/errors.js';
import { DnsError } from '../errors.js';

/** A provider could not be reached, or did not answer in time. */
export class ProviderUnreachableError extends DnsError {
  readonly code = 'BW_DNS_PROVIDER_UNREACHABLE' as const;
  constructor(
    readonly provider: string,
    message: string,
    options?: BreakwaterErrorOptions,
  ) {
    super(`provider '${provider}': ${message}`, options);
  }
}
/** Guard for {@link ProviderUnreachableError}. */
export const isProviderUnreachableError = (e: unknown): e is ProviderUnreachableError =>
  e instanceof Error && (e as { code?: unknown }).code === 'BW_DNS_PROVIDER_UNREACHABLE';

/** A provider answered, but refused or failed the request (`rcode` names its answer). */
export class ProviderRefusedError extends DnsError {
  readonly code = 'BW_DNS_PROVIDER_REFUSED' as const;
  constructor(
    readonly provider: string,
    /** The response code, as a name: REFUSED, NOTAUTH, SERVFAIL, … */
    readonly rcode: string,
    message: string,
    options?: BreakwaterErrorOptions,
  ) {
    super(`provider '${provider}' answered ${rcode}: ${message}`, options);
  }
}
/** Guard for {@link ProviderRefusedError}. */
export const isProviderRefusedError = (e: unknown): e is ProviderRefusedError =>
  e instanceof Error && (e as { code?: unknown }).code === 'BW_DNS_PROVIDER_REFUSED';
