/**
 * @module
 * `--format json` / `--json`: exactly one JSON document on stdout. One analysis prints the
 * {@link GraphReport} shape of issue 7; `--compare` prints `{"architectures":[…]}`, each entry
 * that same shape plus the `files` it was read from.
 */
import type { GraphAnalysis } from '../analyze.js';
import { graphReport } from '../report.js';

/** One analysis as its JSON report (one line, newline-terminated). */
export function formatJson(a: GraphAnalysis): string {
  return JSON.stringify(graphReport(a)) + '\n';
}

/** Several analyses side by side. */
export function formatJsonComparison(analyses: readonly GraphAnalysis[]): string {
  return (
    JSON.stringify({
      architectures: analyses.map((a) => ({ files: a.catalogue.sources, ...graphReport(a) })),
    }) + '\n'
  );
}
