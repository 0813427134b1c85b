/**
 * @module
 * breakwater/graph — know your dependencies' dependencies. Reads a catalogue of components and
 * failure domains (breakwater YAML/JSON, or Backstage `catalog-info.yaml`) and answers, exactly,
 * what really takes a service down: hard-dependency cycles and cold-start deadlocks, single
 * points of failure, minimal cut sets, redundancy defeated by hidden shared fate (a region, a
 * provider, a control plane), the blast radius of every failure, and availability, downtime
 * and the yearly cost of outages.
 *
 * The idea: every analysis reads the same AND/OR failure semantics (see `catalogue.ts`) off
 * shared bottom-up structures — kill sets as bit matrices, a decision diagram for
 * probabilities — so a 10,000-component catalogue is analysed in about a second, and each
 * answer is checked against brute force in the property tests.
 *
 * ```ts
 * const catalogue = await readCatalogueFiles(['catalogue.yaml']);
 * const analysis = analyzeCatalogue(catalogue, { target: 'app' });
 * console.log(analysis.spofs, graphReport(analysis));
 * ```
 */
export { dependencyIds } from './catalogue.js';
export type {
  AnyOfDependency,
  Catalogue,
  ComponentSpec,
  Dependency,
  DomainSpec,
  HardDependency,
  SoftDependency,
  SourceLocation,
} from './catalogue.js';
export {
  CatalogueError,
  GraphError,
  GraphInputError,
  formatIssue,
  isCatalogueError,
  isGraphError,
  isGraphInputError,
} from './errors.js';
export type { CatalogueIssue } from './errors.js';
export { parseCatalogue } from './parse-catalogue.js';
export type { CatalogueSource, ParseCatalogueOptions } from './parse-catalogue.js';
export { readCatalogueFiles } from './read-catalogue-files.js';
export type { ReadCatalogueFilesOptions } from './read-catalogue-files.js';
export { BACKSTAGE_ANNOTATIONS, BACKSTAGE_ANNOTATION_PREFIX } from './backstage-annotations.js';
export { compileCatalogue, eventIndex } from './compiled-graph.js';
export type { CompiledGraph } from './compiled-graph.js';
export { transitiveDependencies } from './dependencies.js';
export type { DependencyVia, TransitiveDependency } from './dependencies.js';
export { hardCycles } from './cycles.js';
export { coldStart } from './cold-start.js';
export type { ColdStart } from './cold-start.js';
export { singlePointsOfFailure } from './single-points-of-failure.js';
export { minimalCutSets } from './cut-sets.js';
export type { MinimalCutSetsOptions } from './cut-sets.js';
export { findSharedFate } from './shared-fate.js';
export type { SharedFate } from './shared-fate.js';
export { BlastRadius, blastRadius } from './blast-radius.js';
export type { BlastRadiusEntry } from './blast-radius.js';
export { HOURS_PER_YEAR, MINUTES_PER_YEAR, availability } from './availability.js';
export type { AvailabilityOptions, AvailabilityResult } from './availability.js';
export { whatIf } from './what-if.js';
export type { ComponentState, WhatIf } from './what-if.js';
export { analyzeCatalogue, defaultTarget } from './analyze.js';
export type { AnalyzeOptions, GraphAnalysis } from './analyze.js';
export { graphReport } from './report.js';
export type { GraphReport } from './report.js';
export { generateCatalogue } from './generate-catalogue.js';
export type { GenerateCatalogueOptions } from './generate-catalogue.js';
export { formatText, formatTextComparison } from './format/text.js';
export type { FormatTextOptions } from './format/text.js';
export { formatJson, formatJsonComparison } from './format/json.js';
export { formatMermaid } from './format/mermaid.js';
export { formatDot } from './format/dot.js';
export { formatHtml } from './format/html.js';
export type { FormatHtmlOptions } from './format/html.js';
