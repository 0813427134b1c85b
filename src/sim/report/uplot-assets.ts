/**
 * @module
 * The chart library the reports inline: uPlot (https://github.com/leeoniya/uPlot, MIT) — a
 * maintained, dependency-free time-series chart of about 50 kB minified that draws tens of
 * thousands of points on a canvas without effort. A report must open with no network, so its
 * minified script and stylesheet are read from the installed package when a report is
 * rendered and written into the page itself. They are resolved through Node's module
 * resolution (`createRequire(import.meta.url).resolve`), so the files of whichever copy of
 * `uplot` this package resolves to are used, and they are read once per process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** uPlot's browser build and stylesheet, as text. */
export interface UplotAssets {
  /** The IIFE build: defines the global `uPlot`. */
  readonly script: string;
  /** Its stylesheet. */
  readonly style: string;
}

let cached: UplotAssets | undefined;

/**
 * Reads uPlot's minified IIFE build and stylesheet from `node_modules`. Throws an `Error` that
 * says how to fix it when the package is not installed.
 */
export function uplotAssets(): UplotAssets {
  if (cached !== undefined) return cached;
  const require = createRequire(import.meta.url);
  let scriptPath: string;
  let stylePath: string;
  try {
    scriptPath = require.resolve('uplot/dist/uPlot.iife.min.js');
    stylePath = require.resolve('uplot/dist/uPlot.min.css');
  } catch (cause) {
    throw new Error(
      "the 'uplot' package (the reports' chart library) is not installed: run npm install",
      { cause },
    );
  }
  cached = {
    script: readFileSync(scriptPath, 'utf8'),
    style: readFileSync(stylePath, 'utf8'),
  };
  return cached;
}
