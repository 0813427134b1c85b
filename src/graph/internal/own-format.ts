/**
 * @module
 * Reads breakwater's own catalogue format (YAML or JSON; see `examples/graph/`): a map with
 * `domains` and `components`. Every field is type-checked; unknown keys are reported with the
 * nearest valid key.
 */
import { isMap, isScalar } from 'yaml';
import type { YAMLMap } from 'yaml';
import type { RawCatalogue, RawComponent, RawDependency, RawRef } from './raw-catalogue.js';
import type { YamlReader } from './yaml-reader.js';

/** Keys of a catalogue document. */
export const CATALOGUE_KEYS = ['domains', 'components'] as const;
/** Keys of a domain entry. */
export const DOMAIN_KEYS = ['id', 'availability', 'description'] as const;
/** Keys of a component entry. */
export const COMPONENT_KEYS = [
  'id',
  'region',
  'provider',
  'availability',
  'outageCostPerHour',
  'dependsOn',
  'domains',
  'description',
] as const;
/** Keys of a `dependsOn` entry written as a map. */
export const DEPENDENCY_KEYS = ['id', 'mode', 'anyOf'] as const;

function ref(reader: YamlReader, node: unknown, field: string): RawRef | undefined {
  const text = reader.string(node, field);
  return text === undefined ? undefined : { text, at: reader.at(node), field };
}

function readDependency(
  reader: YamlReader,
  node: unknown,
  field: string,
): RawDependency | undefined {
  if (isScalar(node)) {
    const r = ref(reader, node, field);
    return r === undefined ? undefined : { kind: 'hard', ref: r, modeExplicit: false };
  }
  if (!isMap(node)) {
    reader.report(node, field, 'expected a component id, { id, mode } or { anyOf: [ids] }');
    return undefined;
  }
  const e = reader.entries(node, field, DEPENDENCY_KEYS);
  const id = e.get('id');
  const mode = e.get('mode');
  const anyOf = e.get('anyOf');
  let modeValue: string | undefined;
  if (mode !== undefined) {
    modeValue = reader.string(mode.value, `${field}.mode`);
    if (modeValue !== undefined && modeValue !== 'hard' && modeValue !== 'soft') {
      reader.report(mode.value, `${field}.mode`, `expected 'hard' or 'soft', got '${modeValue}'`);
      return undefined;
    }
  }
  if (anyOf !== undefined) {
    if (id !== undefined) {
      reader.report(id.keyNode, `${field}.id`, 'a dependency has either id or anyOf, not both');
      return undefined;
    }
    if (modeValue === 'soft') {
      reader.report(
        mode?.value,
        `${field}.mode`,
        'an anyOf cannot be soft: redundancy only matters for what the dependent needs; ' +
          'list soft dependencies one by one as { id, mode: soft }',
      );
      return undefined;
    }
    const seq = reader.seq(anyOf.value, `${field}.anyOf`);
    if (seq === undefined) return undefined;
    if (seq.items.length === 0) {
      reader.report(anyOf.value, `${field}.anyOf`, 'an anyOf needs at least one component');
      return undefined;
    }
    const refs: RawRef[] = [];
    seq.items.forEach((item, i) => {
      const r = ref(reader, item, `${field}.anyOf[${i}]`);
      if (r !== undefined) refs.push(r);
    });
    if (refs.length !== seq.items.length) return undefined;
    return { kind: 'anyOf', refs, at: reader.at(node), field };
  }
  if (id === undefined) {
    reader.report(node, field, 'a dependency written as a map needs id (or anyOf)');
    return undefined;
  }
  const r = ref(reader, id.value, `${field}.id`);
  if (r === undefined) return undefined;
  return { kind: modeValue === 'soft' ? 'soft' : 'hard', ref: r, modeExplicit: mode !== undefined };
}

function readComponent(reader: YamlReader, node: unknown, field: string): RawComponent | undefined {
  const map = reader.map(node, field);
  if (map === undefined) return undefined;
  const e = reader.entries(map, field, COMPONENT_KEYS);
  const idEntry = e.get('id');
  if (idEntry === undefined) {
    reader.report(map, field, 'a component needs an id');
    return undefined;
  }
  const id = reader.string(idEntry.value, `${field}.id`);
  if (id === undefined) return undefined;
  const opt = <T>(key: string, read: (n: unknown, f: string) => T | undefined): T | undefined => {
    const entry = e.get(key);
    if (entry === undefined || reader.isNothing(entry.value)) return undefined;
    return read(entry.value, `${field}.${key}`);
  };
  const region = opt('region', (n, f) => reader.string(n, f));
  const provider = opt('provider', (n, f) => reader.string(n, f));
  const availability = opt('availability', (n, f) => reader.number(n, f, 0, 1));
  const outageCostPerHour = opt('outageCostPerHour', (n, f) => reader.number(n, f, 0, Infinity));
  const description = opt('description', (n, f) => reader.string(n, f));
  const dependsOn: RawDependency[] = [];
  opt('dependsOn', (n, f) => {
    const seq = reader.seq(n, f);
    seq?.items.forEach((item, i) => {
      const dep = readDependency(reader, item, `${f}[${i}]`);
      if (dep !== undefined) dependsOn.push(dep);
    });
    return seq;
  });
  const domains: RawRef[] = [];
  opt('domains', (n, f) => {
    const seq = reader.seq(n, f);
    seq?.items.forEach((item, i) => {
      const r = ref(reader, item, `${f}[${i}]`);
      if (r !== undefined) domains.push(r);
    });
    return seq;
  });
  return {
    id,
    at: reader.at(idEntry.value),
    field: `${field}.id`,
    ...(region !== undefined && { region }),
    ...(provider !== undefined && { provider }),
    ...(availability !== undefined && { availability }),
    ...(outageCostPerHour !== undefined && { outageCostPerHour }),
    ...(description !== undefined && { description }),
    dependsOn,
    domains,
  };
}

/** Reads one document in breakwater's format into `out`. */
export function readOwnFormat(reader: YamlReader, root: YAMLMap, out: RawCatalogue): void {
  const e = reader.entries(root, '', CATALOGUE_KEYS);
  const domains = e.get('domains');
  if (domains !== undefined && !reader.isNothing(domains.value)) {
    reader.seq(domains.value, 'domains')?.items.forEach((item, i) => {
      const field = `domains[${i}]`;
      const map = reader.map(item, field);
      if (map === undefined) return;
      const d = reader.entries(map, field, DOMAIN_KEYS);
      const idEntry = d.get('id');
      if (idEntry === undefined) {
        reader.report(map, field, 'a domain needs an id');
        return;
      }
      const id = reader.string(idEntry.value, `${field}.id`);
      const avEntry = d.get('availability');
      const availability =
        avEntry === undefined || reader.isNothing(avEntry.value)
          ? undefined
          : reader.number(avEntry.value, `${field}.availability`, 0, 1);
      const desc = d.get('description');
      if (desc !== undefined && !reader.isNothing(desc.value)) {
        reader.string(desc.value, `${field}.description`);
      }
      if (id === undefined) return;
      out.domains.push({
        id,
        at: reader.at(idEntry.value),
        field: `${field}.id`,
        ...(availability !== undefined && { availability }),
      });
    });
  }
  const components = e.get('components');
  if (components !== undefined && !reader.isNothing(components.value)) {
    reader.seq(components.value, 'components')?.items.forEach((item, i) => {
      const c = readComponent(reader, item, `components[${i}]`);
      if (c !== undefined) out.components.push(c);
    });
  }
}
