/**
 * @module
 * What the format readers produce before names are resolved: entries with their source
 * locations. Resolution (ids, references, implicit domains) happens once every file is read,
 * because a reference may point into another file.
 */
import type { SourceLocation } from '../errors.js';

/** A reference to a component or domain as written, with where it was written. */
export interface RawRef {
  readonly text: string;
  readonly at: SourceLocation;
  readonly field: string;
  /**
   * Set for references read from a Backstage entity: they are entity refs
   * (`[kind:][namespace/]name`) resolved relative to this namespace.
   */
  readonly backstageNamespace?: string;
}

/** One `dependsOn` entry before resolution. */
export type RawDependency =
  | {
      readonly kind: 'hard' | 'soft';
      readonly ref: RawRef;
      /** False when the mode was not written, so the target's `breakwater.dev/mode` applies. */
      readonly modeExplicit: boolean;
    }
  | {
      readonly kind: 'anyOf';
      readonly refs: readonly RawRef[];
      readonly at: SourceLocation;
      readonly field: string;
    };

/** A declared failure domain. */
export interface RawDomain {
  readonly id: string;
  readonly availability?: number;
  readonly at: SourceLocation;
  readonly field: string;
}

/** Identity of a component read from a Backstage entity. */
export interface BackstageIdentity {
  /** Lower-cased kind: `component` or `resource`. */
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** `breakwater.dev/mode`: how dependencies on this entity count unless said otherwise. */
  readonly mode?: 'hard' | 'soft';
}

/** A component before resolution. */
export interface RawComponent {
  /** The id; for a Backstage entity, its `metadata.name` (resolution may qualify it). */
  readonly id: string;
  readonly at: SourceLocation;
  readonly field: string;
  readonly region?: string;
  readonly provider?: string;
  readonly availability?: number;
  readonly outageCostPerHour?: number;
  readonly description?: string;
  readonly dependsOn: readonly RawDependency[];
  /** Failure domains listed explicitly. */
  readonly domains: readonly RawRef[];
  readonly backstage?: BackstageIdentity;
}

/** Everything read from all files. */
export interface RawCatalogue {
  readonly domains: RawDomain[];
  readonly components: RawComponent[];
}
