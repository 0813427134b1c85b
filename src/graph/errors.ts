/**
 * @module
 * The errors of the graph part. A catalogue that cannot be read gets one {@link CatalogueError}
 * listing every problem found, each naming the file, line and field, so a user fixes them all in
 * one round instead of one per run. A well-formed catalogue asked about an id it does not hold
 * (an unknown `--target` or `--fail`) gets a {@link GraphInputError}.
 */
import { BreakwaterError } from '../core/errors.js';
import type { BreakwaterErrorOptions } from '../core/errors.js';

/** Base class of the graph part's errors. */
export abstract class GraphError extends BreakwaterError {}

function hasCode(e: unknown, code: string): boolean {
  return e instanceof Error && (e as { code?: unknown }).code === code;
}

/** True for any error thrown by the graph part on purpose. */
export function isGraphError(e: unknown): e is GraphError {
  return hasCode(e, 'BW_CATALOGUE_INVALID') || hasCode(e, 'BW_GRAPH_INPUT');
}

/** Where in a catalogue file something was written (1-based line and column). */
export interface SourceLocation {
  /** The file as the user named it. */
  readonly file: string;
  /** 1-based line; 0 when unknown (e.g. a catalogue built in code). */
  readonly line: number;
  /** 1-based column; 0 when unknown. */
  readonly column: number;
}

/** One problem in a catalogue. */
export interface CatalogueIssue {
  /** Where it is. */
  readonly location: SourceLocation;
  /** The field, as a path such as `components[2].dependsOn[0].mode`. */
  readonly field: string;
  /** What is wrong and what was expected. */
  readonly message: string;
}

/** Formats an issue as `file:line:column: field: message` (the form editors jump to). */
export function formatIssue(issue: CatalogueIssue): string {
  const { file, line, column } = issue.location;
  const where = line > 0 ? `${file}:${line}:${column}` : file;
  return issue.field === ''
    ? `${where}: ${issue.message}`
    : `${where}: ${issue.field}: ${issue.message}`;
}

/** A catalogue that could not be read; {@link CatalogueError.issues} lists every problem. */
export class CatalogueError extends GraphError {
  readonly code = 'BW_CATALOGUE_INVALID' as const;
  /** Every problem found, in file and line order. */
  readonly issues: readonly CatalogueIssue[];
  constructor(issues: readonly CatalogueIssue[], options?: BreakwaterErrorOptions) {
    const n = issues.length;
    super(
      `invalid catalogue (${n} problem${n === 1 ? '' : 's'}):\n` +
        issues.map((i) => `  ${formatIssue(i)}`).join('\n'),
      options,
    );
    this.issues = issues;
  }
}
/** Guard for {@link CatalogueError}. */
export const isCatalogueError = (e: unknown): e is CatalogueError =>
  hasCode(e, 'BW_CATALOGUE_INVALID');

/** A question about an id the catalogue does not hold, or a target that must be named. */
export class GraphInputError extends GraphError {
  readonly code = 'BW_GRAPH_INPUT' as const;
}
/** Guard for {@link GraphInputError}. */
export const isGraphInputError = (e: unknown): e is GraphInputError => hasCode(e, 'BW_GRAPH_INPUT');
