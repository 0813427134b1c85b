/**
 * @module
 * Reads catalogue files from disk and parses them together with {@link parseCatalogue}. A file
 * that cannot be read is reported like any other catalogue problem, naming the file.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Catalogue } from './catalogue.js';
import { CatalogueError } from './errors.js';
import { parseCatalogue } from './parse-catalogue.js';
import type { CatalogueSource, ParseCatalogueOptions } from './parse-catalogue.js';

/** Options of {@link readCatalogueFiles}. */
export interface ReadCatalogueFilesOptions extends ParseCatalogueOptions {
  /** Directory relative paths resolve against; the process's working directory by default. */
  readonly cwd?: string;
}

/** Reads and parses the catalogue in `paths` (messages name them as given). */
export async function readCatalogueFiles(
  paths: readonly string[],
  options: ReadCatalogueFilesOptions = {},
): Promise<Catalogue> {
  const cwd = options.cwd ?? process.cwd();
  const sources: CatalogueSource[] = [];
  const unreadable: { path: string; why: string }[] = [];
  for (const path of paths) {
    try {
      sources.push({ path, text: await readFile(resolve(cwd, path), 'utf8') });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      unreadable.push({
        path,
        why: code === 'ENOENT' ? 'no such file' : err instanceof Error ? err.message : String(err),
      });
    }
  }
  if (unreadable.length > 0) {
    throw new CatalogueError(
      unreadable.map((u) => ({
        location: { file: u.path, line: 0, column: 0 },
        field: '',
        message: `cannot read the file: ${u.why}`,
      })),
    );
  }
  return parseCatalogue(sources, options);
}
