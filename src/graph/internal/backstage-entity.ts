/**
 * @module
 * Reads one Backstage entity (`apiVersion: backstage.io/v1alpha1`, kinds `Component` and
 * `Resource`) into a raw component. Backstage's own fields are not re-validated beyond what we
 * read (Backstage does that); our annotations are checked strictly, since a misspelt one would
 * silently change the analysis.
 */
import { isScalar } from 'yaml';
import type { YAMLMap } from 'yaml';
import { BACKSTAGE_ANNOTATION_PREFIX, BACKSTAGE_ANNOTATIONS } from '../backstage-annotations.js';
import { nearest } from './edit-distance.js';
import type { RawCatalogue, RawDependency, RawRef } from './raw-catalogue.js';
import { peek } from './yaml-reader.js';
import type { YamlReader } from './yaml-reader.js';

const KNOWN = Object.values(BACKSTAGE_ANNOTATIONS) as readonly string[];

/** True when a document looks like a Backstage entity rather than a breakwater catalogue. */
export function isBackstageEntity(root: YAMLMap): boolean {
  return peek(root, 'apiVersion') !== undefined || peek(root, 'kind') !== undefined;
}

/** Splits a comma-separated annotation value; empty items are dropped. */
function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Normalises an entity ref for comparison (Backstage compares refs case-insensitively). */
function refKey(text: string): string {
  return text.trim().toLowerCase();
}

/**
 * Reads one entity into `out`. Returns a note for kinds that are skipped (System, API, Group…)
 * so the caller can warn, or undefined.
 */
export function readBackstageEntity(
  reader: YamlReader,
  root: YAMLMap,
  out: RawCatalogue,
): string | undefined {
  const kindNode = peek(root, 'kind');
  const kind = reader.string(kindNode, 'kind');
  if (kind === undefined) return undefined;
  const lowerKind = kind.toLowerCase();
  if (lowerKind !== 'component' && lowerKind !== 'resource') {
    return `${reader.file}:${reader.at(kindNode).line}: skipped Backstage kind ${kind} (only Component and Resource take part)`;
  }
  const metadata = reader.map(peek(root, 'metadata'), 'metadata');
  if (metadata === undefined) return undefined;
  const nameNode = peek(metadata, 'name');
  const name = reader.string(nameNode, 'metadata.name');
  if (name === undefined) return undefined;
  const nsNode = peek(metadata, 'namespace');
  const namespace =
    nsNode === undefined ? 'default' : (reader.string(nsNode, 'metadata.namespace') ?? 'default');
  const descNode = peek(metadata, 'description');
  const description =
    descNode === undefined || reader.isNothing(descNode)
      ? undefined
      : reader.string(descNode, 'metadata.description');

  // Annotations: read ours, report misspelt ones.
  const ann = new Map<string, { value: string; node: unknown }>();
  const annNode = peek(metadata, 'annotations');
  if (annNode !== undefined && !reader.isNothing(annNode)) {
    const annMap = reader.map(annNode, 'metadata.annotations');
    for (const pair of annMap?.items ?? []) {
      const k: unknown = pair.key;
      if (!isScalar(k) || typeof k.value !== 'string') continue;
      const key = k.value;
      if (!key.startsWith(BACKSTAGE_ANNOTATION_PREFIX)) continue;
      const field = `metadata.annotations.${key}`;
      if (!KNOWN.includes(key)) {
        const guess = nearest(key, KNOWN);
        reader.report(
          k,
          field,
          `unknown annotation '${key}'` + (guess !== undefined ? `; did you mean '${guess}'?` : ''),
        );
        continue;
      }
      const v: unknown = pair.value;
      const raw = isScalar(v) ? v.value : undefined;
      if (typeof raw === 'number') {
        ann.set(key, { value: String(raw), node: v });
      } else if (typeof raw === 'string') {
        ann.set(key, { value: raw.trim(), node: v });
      } else {
        reader.report(v, field, 'expected a string value');
      }
    }
  }
  const A = BACKSTAGE_ANNOTATIONS;
  const annField = (key: string): string => `metadata.annotations.${key}`;
  const str = (key: string): string | undefined => {
    const a = ann.get(key);
    if (a === undefined) return undefined;
    if (a.value === '') {
      reader.report(a.node, annField(key), 'expected a non-empty value');
      return undefined;
    }
    return a.value;
  };
  const num = (key: string, max: number): number | undefined => {
    const a = ann.get(key);
    return a === undefined ? undefined : reader.number(a.node, annField(key), 0, max, true);
  };
  const region = str(A.region);
  const provider = str(A.provider);
  const availability = num(A.availability, 1);
  const outageCostPerHour = num(A.outageCostPerHour, Infinity);
  let mode: 'hard' | 'soft' | undefined;
  const modeText = str(A.mode);
  if (modeText !== undefined) {
    if (modeText === 'hard' || modeText === 'soft') mode = modeText;
    else
      reader.report(
        ann.get(A.mode)?.node,
        annField(A.mode),
        `expected 'hard' or 'soft', got '${modeText}'`,
      );
  }
  const domains: RawRef[] = [];
  const domainsAnn = ann.get(A.domains);
  if (domainsAnn !== undefined) {
    for (const d of list(domainsAnn.value)) {
      // Backstage has nowhere to declare domains, so any name is accepted (availability 1
      // unless a breakwater-format document declares it).
      domains.push({
        text: d,
        at: reader.at(domainsAnn.node),
        field: annField(A.domains),
        backstageNamespace: namespace.toLowerCase(),
      });
    }
  }

  // spec.dependsOn, then the annotations that qualify its entries.
  const ns = namespace.toLowerCase();
  const dependsOn: RawDependency[] = [];
  const specNode = peek(root, 'spec');
  const spec =
    specNode === undefined || reader.isNothing(specNode) ? undefined : reader.map(specNode, 'spec');
  const listed = new Map<string, RawRef>();
  const order: string[] = [];
  const depNode = spec === undefined ? undefined : peek(spec, 'dependsOn');
  if (depNode !== undefined && !reader.isNothing(depNode)) {
    reader.seq(depNode, 'spec.dependsOn')?.items.forEach((item, i) => {
      const field = `spec.dependsOn[${i}]`;
      const text = reader.string(item, field);
      if (text === undefined) return;
      const key = refKey(text);
      if (listed.has(key)) {
        reader.report(item, field, `'${text}' is listed twice`);
        return;
      }
      listed.set(key, { text, at: reader.at(item), field, backstageNamespace: ns });
      order.push(key);
    });
  }
  const claimed = new Set<string>();
  const claim = (text: string, node: unknown, field: string): RawRef | undefined => {
    const key = refKey(text);
    const r = listed.get(key);
    if (r === undefined) {
      reader.report(node, field, `'${text}' is not in spec.dependsOn; list it there too`);
      return undefined;
    }
    if (claimed.has(key)) {
      reader.report(node, field, `'${text}' appears in more than one soft or any-of list`);
      return undefined;
    }
    claimed.add(key);
    return r;
  };
  const anyAnn = ann.get(A.anyOf);
  if (anyAnn !== undefined) {
    for (const group of anyAnn.value.split(';')) {
      const items = list(group);
      if (items.length === 0) continue;
      const refs = items
        .map((t) => claim(t, anyAnn.node, annField(A.anyOf)))
        .filter((r): r is RawRef => r !== undefined);
      if (refs.length === items.length) {
        dependsOn.push({
          kind: 'anyOf',
          refs,
          at: reader.at(anyAnn.node),
          field: annField(A.anyOf),
        });
      }
    }
  }
  const softAnn = ann.get(A.softDependsOn);
  const soft = new Set<string>();
  if (softAnn !== undefined) {
    for (const t of list(softAnn.value)) {
      if (claim(t, softAnn.node, annField(A.softDependsOn)) !== undefined) soft.add(refKey(t));
    }
  }
  for (const key of order) {
    const r = listed.get(key);
    if (r === undefined) continue;
    if (soft.has(key)) dependsOn.push({ kind: 'soft', ref: r, modeExplicit: true });
    else if (!claimed.has(key)) dependsOn.push({ kind: 'hard', ref: r, modeExplicit: false });
  }

  out.components.push({
    id: name,
    at: reader.at(nameNode),
    field: 'metadata.name',
    ...(region !== undefined && { region }),
    ...(provider !== undefined && { provider }),
    ...(availability !== undefined && { availability }),
    ...(outageCostPerHour !== undefined && { outageCostPerHour }),
    ...(description !== undefined && { description }),
    dependsOn,
    domains,
    backstage: { kind: lowerKind, namespace: ns, name, ...(mode !== undefined && { mode }) },
  });
  return undefined;
}
