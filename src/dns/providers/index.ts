/**
 * @module
 * Providers: DNS servers that receive plans, each a target with its own fence. An RFC 2136
 * server (BIND, Knot, PowerDNS) updated with TSIG, fenced by a generation sentinel the server
 * checks as an update prerequisite; standard secondaries kept current by NOTIFY and AXFR from
 * the built-in server; and the outside check that asks every provider what it answers.
 * Re-exported by `breakwater/dns`.
 */
export {
  Rfc2136Target,
  GENERATION_SENTINEL_LABEL,
  parseSentinel,
  parseTsigKey,
} from './rfc2136-target.js';
export type { Rfc2136TargetOptions, SentinelState, TsigKey } from './rfc2136-target.js';
export { SecondaryNotifier } from './secondary-notifier.js';
export type {
  SecondaryNotifierOptions,
  NotifyResult,
  ZoneSwapSource,
  DnsEndpoint,
} from './secondary-notifier.js';
export { verifyProviders, verifyProvider } from './verify-providers.js';
export type {
  ProviderEndpoint,
  ProviderDiff,
  ProviderVerification,
  VerifyProvidersOptions,
} from './verify-providers.js';
export {
  ProviderUnreachableError,
  ProviderRefusedError,
  isProviderUnreachableError,
  isProviderRefusedError,
} from './errors.js';
