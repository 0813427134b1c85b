/**
 * @module
 * Typed reading of a parsed YAML document that remembers where everything was written. The
 * `yaml` package keeps each node's source range; a `LineCounter` turns offsets into lines, so
 * every complaint can name file, line and field. Problems are collected rather than thrown so
 * one run reports them all.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';
import type { Document, YAMLMap, YAMLSeq } from 'yaml';
import type { CatalogueIssue, SourceLocation } from '../errors.js';
import { nearest } from './edit-distance.js';

/** A map entry: the key as text and the value node, with the key node for locations. */
export interface YamlEntry {
  readonly key: string;
  readonly keyNode: unknown;
  readonly value: unknown;
}

/** Describes a YAML value for "expected …, got …" messages. */
function describe(node: unknown): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a map';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v: unknown = node.value;
    if (v === null) return 'nothing';
    if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
      return `${typeof v} ${v}`;
    }
    return 'an unsupported value';
  }
  return 'an unsupported value';
}

/** Reads one file's documents; see the module comment. */
export class YamlReader {
  readonly file: string;
  readonly issues: CatalogueIssue[];
  private readonly lines: LineCounter;

  constructor(file: string, lines: LineCounter, issues: CatalogueIssue[]) {
    this.file = file;
    this.lines = lines;
    this.issues = issues;
  }

  /** Parses every document of `text`, reporting YAML syntax errors; returns the documents. */
  static parse(
    file: string,
    text: string,
    issues: CatalogueIssue[],
  ): { reader: YamlReader; documents: Document.Parsed[] } {
    const lines = new LineCounter();
    const documents = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
    const reader = new YamlReader(file, lines, issues);
    const docs = Array.isArray(documents) ? documents : [];
    for (const doc of docs) {
      for (const err of doc.errors) {
        const pos = lines.linePos(err.pos[0]);
        const message = err.message.split('\n')[0] ?? err.message;
        issues.push({
          location: { file, line: pos.line, column: pos.col },
          field: '',
          message: `YAML: ${message}`,
        });
      }
    }
    return { reader, documents: docs };
  }

  /** Where `node` starts (line 0 when it has no source range). */
  at(node: unknown): SourceLocation {
    const range = (node as { range?: readonly number[] | null } | null)?.range;
    if (range === undefined || range === null || range[0] === undefined) {
      return { file: this.file, line: 0, column: 0 };
    }
    const { line, col } = this.lines.linePos(range[0]);
    return { file: this.file, line, column: col };
  }

  /** Records a problem at `node`. */
  report(node: unknown, field: string, message: string): void {
    this.issues.push({ location: this.at(node), field, message });
  }

  /** True when `node` is absent or an explicit null (`key:` with nothing after it). */
  isNothing(node: unknown): boolean {
    return node === null || node === undefined || (isScalar(node) && node.value === null);
  }

  /** `node` as a map, or undefined after reporting what it was instead. */
  map(node: unknown, field: string): YAMLMap | undefined {
    if (isMap(node)) return node;
    this.report(node, field, `expected a map, got ${describe(node)}`);
    return undefined;
  }

  /** `node` as a list, or undefined after reporting what it was instead. */
  seq(node: unknown, field: string): YAMLSeq | undefined {
    if (isSeq(node)) return node;
    this.report(node, field, `expected a list, got ${describe(node)}`);
    return undefined;
  }

  /**
   * The entries of `map` whose keys are in `allowed`. Reports every other key, with the nearest
   * allowed key when one is close (a typo), and non-string keys.
   */
  entries(map: YAMLMap, field: string, allowed: readonly string[]): Map<string, YamlEntry> {
    const out = new Map<string, YamlEntry>();
    for (const pair of map.items) {
      const keyNode: unknown = pair.key;
      const key = isScalar(keyNode) ? keyNode.value : undefined;
      if (typeof key !== 'string') {
        this.report(keyNode, field, `keys must be strings, got ${describe(keyNode)}`);
        continue;
      }
      const path = field === '' ? key : `${field}.${key}`;
      if (!allowed.includes(key)) {
        const guess = nearest(key, allowed);
        this.report(
          keyNode,
          path,
          `unknown key '${key}'` +
            (guess !== undefined ? `; did you mean '${guess}'?` : '') +
            ` (expected one of: ${allowed.join(', ')})`,
        );
        continue;
      }
      out.set(key, { key, keyNode, value: pair.value });
    }
    return out;
  }

  /** A non-empty string without surrounding whitespace, or undefined after reporting. */
  string(node: unknown, field: string): string | undefined {
    if (isScalar(node) && typeof node.value === 'string') {
      const s = node.value;
      if (s.trim() === '') {
        this.report(node, field, 'expected a non-empty string');
        return undefined;
      }
      if (s.trim() !== s) {
        this.report(node, field, `${JSON.stringify(s)} has leading or trailing spaces`);
        return undefined;
      }
      return s;
    }
    this.report(node, field, `expected a string, got ${describe(node)}`);
    return undefined;
  }

  /**
   * A finite number in [min, max], or undefined after reporting. Numbers written as strings are
   * accepted only when `fromString` is set (Backstage annotations are always strings).
   */
  number(
    node: unknown,
    field: string,
    min: number,
    max: number,
    fromString = false,
  ): number | undefined {
    let v: unknown = isScalar(node) ? node.value : undefined;
    if (fromString && typeof v === 'string' && v.trim() !== '') v = Number(v.trim());
    const range = max === Infinity ? `a number ≥ ${min}` : `a number in [${min}, ${max}]`;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.report(node, field, `expected ${range}, got ${describe(node)}`);
      return undefined;
    }
    if (v < min || v > max) {
      this.report(node, field, `expected ${range}, got ${v}`);
      return undefined;
    }
    return v;
  }
}

/** Finds `key` in `map` without validating anything (for sniffing a document's format). */
export function peek(map: YAMLMap, key: string): unknown {
  for (const pair of map.items) {
    const k: unknown = pair.key;
    if (isScalar(k) && k.value === key) return pair.value;
  }
  return undefined;
}
