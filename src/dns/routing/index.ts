/**
 * @module
 * Routing policies per name — simple, failover, weighted, latency-based, multivalue — as
 * pure functions from (policy, endpoints, health) to record sets, and to the planner's
 * inventory so that health changes flow through the planner's guards. Re-exported by
 * `breakwater/dns`.
 */
export {
  checkRoutedName,
  ROUTING_POLICY_KINDS,
  MAX_MULTIVALUE_RECORDS,
  MAX_ROUTING_WEIGHT,
} from './routing-policy.js';
export type {
  RoutingPolicySpec,
  RoutingPolicyKind,
  RoutedEndpoint,
  RoutedName,
} from './routing-policy.js';
export {
  routeEndpoints,
  routeName,
  routedRecordSets,
  routedInventory,
  isEndpointHealthy,
} from './route-endpoints.js';
export type { HealthVerdicts, RoutingDecision, RoutedNameDecision } from './route-endpoints.js';
export { weightedChoice, pickWeightedIndex, pickWeightedEndpoint } from './weighted-choice.js';
export type { WeightedChoice } from './weighted-choice.js';
