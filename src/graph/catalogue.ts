/**
 * @module
 * The catalogue: what the analyses read. Components depend on components; components and
 * failure domains (a region, a provider, a control plane) are the things that can fail.
 *
 * Semantics, shared by every analysis and by the brute-force reference in the tests:
 * a component is **down** when it fails itself, when one of its failure domains fails, when a
 * hard dependency is down, or when every branch of one of its `anyOf` groups is down. "Down" is
 * the *least* fixpoint of these rules: failure needs a cause, so two components that only prop
 * each other up through a cycle stay up until something actually fails. A component is
 * **degraded** when it is not down but something it depends on (softly, as one branch of an
 * `anyOf`, or through a chain of such) is down or degraded.
 */
import type { SourceLocation } from './errors.js';

export type { SourceLocation } from './errors.js';

/** A dependency that takes its dependent down with it. */
export interface HardDependency {
  readonly kind: 'hard';
  readonly id: string;
}

/** A dependency whose failure only degrades its dependent (telemetry, recommendations). */
export interface SoftDependency {
  readonly kind: 'soft';
  readonly id: string;
}

/** Redundancy: the dependent is down only when every one of `ids` is down. */
export interface AnyOfDependency {
  readonly kind: 'anyOf';
  readonly ids: readonly string[];
}

/** One entry of a component's `dependsOn`. */
export type Dependency = HardDependency | SoftDependency | AnyOfDependency;

/** A failure domain: everything in it fails when it fails. */
export interface DomainSpec {
  /** As written in the catalogue: `region:us-east-1`, `provider:aws`, `control-plane:iam`. */
  readonly id: string;
  /** Probability of being up, in [0, 1]; 1 when not given (it never fails on its own). */
  readonly availability: number;
  /** True for a `region:X` / `provider:Y` domain that no catalogue entry declared. */
  readonly implicit: boolean;
  /** Where it was declared (or first used, when implicit). */
  readonly location?: SourceLocation;
}

/** A service, database, queue or other part of the system. */
export interface ComponentSpec {
  readonly id: string;
  /** Cloud region; the component is in failure domain `region:<region>`. */
  readonly region?: string;
  /** Cloud or hosting provider; the component is in failure domain `provider:<provider>`. */
  readonly provider?: string;
  /** Probability of being up on its own, in [0, 1]; 1 when not given. */
  readonly availability: number;
  /** What an hour of this component being down costs (any currency). */
  readonly outageCostPerHour?: number;
  readonly dependsOn: readonly Dependency[];
  /** Every failure domain it is in, `region:` and `provider:` ones included, without repeats. */
  readonly domains: readonly string[];
  /** A free-text note carried through to reports. */
  readonly description?: string;
  /** Where it was declared. */
  readonly location?: SourceLocation;
}

/** A whole catalogue, read from one or several files and checked. */
export interface Catalogue {
  /** Every failure domain, implicit `region:` and `provider:` ones included, sorted by id. */
  readonly domains: readonly DomainSpec[];
  /** Every component, in the order the files declare them. */
  readonly components: readonly ComponentSpec[];
  /** The files it was read from, in the order given. */
  readonly sources: readonly string[];
  /**
   * Other names that refer to a component: the full Backstage entity ref
   * (`component:default/app`) of every entity read from a Backstage catalogue.
   */
  readonly aliases: ReadonlyMap<string, string>;
}

/** The ids a dependency names (one, or every branch of an `anyOf`). */
export function dependencyIds(dep: Dependency): readonly string[] {
  return dep.kind === 'anyOf' ? dep.ids : [dep.id];
}
