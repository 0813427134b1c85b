/**
 * @module
 * The errors of the status part. A config that cannot be used gets one {@link StatusConfigError}
 * naming the file, line and field of the first problem and the form that was expected, so an
 * operator fixes it without reading the source.
 */
import { BreakwaterError } from '../core/errors.js';
import type { BreakwaterErrorOptions } from '../core/errors.js';

/** Base class of the status part's errors. */
export abstract class StatusError extends BreakwaterError {}

/** A status config that could not be read. */
export class StatusConfigError extends StatusError {
  readonly code = 'BW_STATUS_CONFIG' as const;
  /** The file as the user named it. */
  readonly file: string;
  /** 1-based line; 0 when unknown. */
  readonly line: number;
  /** The field as a path such as `monitors[2].intervalSeconds`; '' for the whole file. */
  readonly field: string;
  constructor(
    file: string,
    line: number,
    field: string,
    problem: string,
    options?: BreakwaterErrorOptions,
  ) {
    const where = line > 0 ? `${file}:${line}` : file;
    super(field === '' ? `${where}: ${problem}` : `${where}: ${field}: ${problem}`, options);
    this.file = file;
    this.line = line;
    this.field = field;
  }
}

/** True for a {@link StatusConfigError} (duck-typed on `code`). */
export function isStatusConfigError(e: unknown): e is StatusConfigError {
  return e instanceof Error && (e as { code?: unknown }).code === 'BW_STATUS_CONFIG';
}
