/**
 * @module
 * Reads a catalogue from one or several texts: breakwater's own format (YAML or JSON; JSON is
 * read by the same YAML 1.2 parser, which keeps line numbers) and Backstage `catalog-info.yaml`
 * entities, in any mix, several documents per file allowed. Every problem in every file is
 * collected and thrown at once as a {@link CatalogueError}.
 */
import { isMap } from 'yaml';
import type { Catalogue } from './catalogue.js';
import { CatalogueError } from './errors.js';
import type { CatalogueIssue } from './errors.js';
import { isBackstageEntity, readBackstageEntity } from './internal/backstage-entity.js';
import { readOwnFormat } from './internal/own-format.js';
import type { RawCatalogue } from './internal/raw-catalogue.js';
import { resolveCatalogue } from './internal/resolve-catalogue.js';
import { YamlReader } from './internal/yaml-reader.js';

/** One file's contents. */
export interface CatalogueSource {
  /** The name to use in messages (as the user wrote it). */
  readonly path: string;
  readonly text: string;
}

/** Options of {@link parseCatalogue}. */
export interface ParseCatalogueOptions {
  /** Called for things that are not errors but were ignored (e.g. a Backstage `System`). */
  readonly onWarning?: (message: string) => void;
}

/**
 * Parses and checks a catalogue. Throws {@link CatalogueError} listing every problem (syntax,
 * types, unknown keys with the nearest valid one, duplicate ids, unknown references, a soft
 * `anyOf`), each with file, line and field.
 */
export function parseCatalogue(
  sources: readonly CatalogueSource[],
  options: ParseCatalogueOptions = {},
): Catalogue {
  const issues: CatalogueIssue[] = [];
  const raw: RawCatalogue = { domains: [], components: [] };
  const parsed = sources.map((s) => ({ source: s, ...YamlReader.parse(s.path, s.text, issues) }));
  // Syntax first: what a broken document seems to say would only add noise.
  if (issues.length > 0) throw new CatalogueError(sortIssues(issues, sources));
  for (const { source, reader, documents } of parsed) {
    let used = 0;
    for (const doc of documents) {
      const root: unknown = doc.contents;
      if (reader.isNothing(root)) continue;
      used++;
      if (!isMap(root)) {
        reader.report(
          root,
          '',
          'expected a catalogue (a map with domains and components) or a Backstage entity',
        );
        continue;
      }
      if (isBackstageEntity(root)) {
        const note = readBackstageEntity(reader, root, raw);
        if (note !== undefined) options.onWarning?.(note);
      } else {
        readOwnFormat(reader, root, raw);
      }
    }
    if (used === 0 && !issues.some((i) => i.location.file === source.path)) {
      issues.push({
        location: { file: source.path, line: 0, column: 0 },
        field: '',
        message: 'the file holds no catalogue',
      });
    }
  }
  const catalogue = resolveCatalogue(
    raw,
    sources.map((s) => s.path),
    issues,
  );
  if (issues.length === 0 && catalogue.components.length === 0) {
    issues.push({
      location: { file: sources[0]?.path ?? '(no files)', line: 0, column: 0 },
      field: 'components',
      message: 'the catalogue has no components',
    });
  }
  if (issues.length > 0) throw new CatalogueError(sortIssues(issues, sources));
  return catalogue;
}

/** Issues in file order (as given), then line and column. */
function sortIssues(
  issues: readonly CatalogueIssue[],
  sources: readonly CatalogueSource[],
): CatalogueIssue[] {
  const order = new Map(sources.map((s, i) => [s.path, i]));
  return [...issues].sort(
    (a, b) =>
      (order.get(a.location.file) ?? 0) - (order.get(b.location.file) ?? 0) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column,
  );
}
