/**
 * @module
 * The annotations breakwater reads from Backstage `catalog-info.yaml` entities (kinds
 * `Component` and `Resource`). Backstage's own `spec.dependsOn` gives the edges; these add what
 * Backstage has no field for. Annotation values are strings, as Backstage requires.
 *
 * ```yaml
 * metadata:
 *   name: checkout
 *   annotations:
 *     breakwater.dev/region: us-east-1
 *     breakwater.dev/provider: aws
 *     breakwater.dev/domains: control-plane:iam-global, control-plane:dns-automation
 *     breakwater.dev/availability: "0.9995"
 *     breakwater.dev/outage-cost-per-hour: "50000"
 *     breakwater.dev/soft-depends-on: component:default/recommendations
 *     breakwater.dev/any-of: resource:default/db-usw2, resource:default/db-use1
 * spec:
 *   dependsOn: [resource:default/db-usw2, resource:default/db-use1, component:default/recommendations]
 * ```
 */

/** Annotation names, by what they set. */
export const BACKSTAGE_ANNOTATIONS = {
  /** Cloud region; puts the entity in failure domain `region:<value>`. */
  region: 'breakwater.dev/region',
  /** Provider; puts the entity in failure domain `provider:<value>`. */
  provider: 'breakwater.dev/provider',
  /** Further failure domains, comma-separated (`control-plane:iam-global, ...`). */
  domains: 'breakwater.dev/domains',
  /** Availability on its own, a number in [0, 1] written as a string. */
  availability: 'breakwater.dev/availability',
  /** What an hour of outage costs, a number ≥ 0 written as a string. */
  outageCostPerHour: 'breakwater.dev/outage-cost-per-hour',
  /**
   * `hard` (default) or `soft`: how every `dependsOn` that points *at this entity* counts, for
   * things that are by nature optional (telemetry, recommendations).
   */
  mode: 'breakwater.dev/mode',
  /** Comma-separated refs from this entity's `spec.dependsOn` that are soft. */
  softDependsOn: 'breakwater.dev/soft-depends-on',
  /**
   * Redundancy groups among this entity's `spec.dependsOn`: refs separated by commas, groups
   * by semicolons (`a, b; c, d` is two groups). The entity is down only if a whole group is.
   */
  anyOf: 'breakwater.dev/any-of',
} as const;

/** The prefix of every breakwater annotation; an unknown name under it is reported. */
export const BACKSTAGE_ANNOTATION_PREFIX = 'breakwater.dev/';
