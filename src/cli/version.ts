/**
 * @module
 * The package version, read from package.json at run time so it can never drift.
 */
import { readFileSync } from 'node:fs';

/** breakwater's version as published in package.json. */
export function packageVersion(): string {
  const url = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}
