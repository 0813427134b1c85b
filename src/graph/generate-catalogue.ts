/**
 * @module
 * Synthetic catalogues for benchmarks and experiments, shaped like a large company's service
 * graph: entry points on top, platform services at the bottom, in layers; most dependencies
 * stay inside a product "system" and step one layer down, a minority cross to any lower layer
 * (shared platform); some are redundancy groups (`anyOf` of replicas in other regions), some
 * soft. Every component sits in a region and a provider, and some in a control plane, so
 * domains matter as they do in real estates. Deterministic for a given `Rng`.
 */
import type { Rng } from '../core/rng.js';
import type { Catalogue, ComponentSpec, Dependency, DomainSpec } from './catalogue.js';

/** Options of {@link generateCatalogue}. */
export interface GenerateCatalogueOptions {
  /** Number of components, ≥ 2. */
  readonly components: number;
  /** Number of dependency edges (hard, soft and anyOf branches), ≥ 0. */
  readonly dependencies: number;
  /** Randomness; the same seed gives the same catalogue. */
  readonly rng: Rng;
  /** Layers from entry points to platform, ≥ 2. Default 8. */
  readonly layers?: number;
  /** Components per product system (locality of dependencies). Default 100. */
  readonly systemSize?: number;
  /** Share of edges that cross to any system, in [0, 1]. Default 0.15. */
  readonly crossShare?: number;
  /** Share of edges inside `anyOf` groups, in [0, 1]. Default 0.2. */
  readonly anyOfShare?: number;
  /** Share of edges that are soft, in [0, 1]. Default 0.2. */
  readonly softShare?: number;
  /** Number of regions, ≥ 1. Default 6. */
  readonly regions?: number;
  /** Number of control-plane domains, ≥ 0. Default 8. */
  readonly controlPlanes?: number;
}

const PROVIDERS = ['aws', 'gcp', 'azure'] as const;

function check(name: string, v: number, min: number, max = Infinity, integer = true): void {
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new RangeError(
      `generateCatalogue: ${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${v}`,
    );
  }
}

/** Generates a catalogue; see the module comment. */
export function generateCatalogue(options: GenerateCatalogueOptions): Catalogue {
  const n = options.components;
  const m = options.dependencies;
  const layers = options.layers ?? 8;
  const systemSize = options.systemSize ?? 100;
  const crossShare = options.crossShare ?? 0.15;
  const anyOfShare = options.anyOfShare ?? 0.2;
  const softShare = options.softShare ?? 0.2;
  const regions = options.regions ?? 6;
  const controlPlanes = options.controlPlanes ?? 8;
  check('components', n, 2);
  check('dependencies', m, 0);
  check('layers', layers, 2, n);
  check('systemSize', systemSize, 1);
  check('crossShare', crossShare, 0, 1, false);
  check('anyOfShare', anyOfShare, 0, 1, false);
  check('softShare', softShare, 0, 1 - anyOfShare, false);
  check('regions', regions, 1);
  check('controlPlanes', controlPlanes, 0);
  const rng = options.rng;

  // Components 0 … n-1 by layer, top first. Component i of a layer belongs to system
  // floor(position-in-layer / layer-share-of-systemSize), so systems span all layers.
  const layerOf = new Int32Array(n);
  const layerStart: number[] = [];
  for (let l = 0; l <= layers; l++) layerStart.push(Math.round((l * n) / layers));
  for (let l = 0; l < layers; l++)
    for (let i = layerStart[l]!; i < layerStart[l + 1]!; i++) layerOf[i] = l;
  const systems = Math.max(1, Math.round(n / systemSize));
  const systemOf = (i: number): number => {
    const l = layerOf[i]!;
    const size = layerStart[l + 1]! - layerStart[l]!;
    return Math.min(systems - 1, Math.floor(((i - layerStart[l]!) * systems) / size));
  };
  /** A random component of layer `l`, in `system` or anywhere. */
  const pickIn = (l: number, system: number | undefined): number => {
    const a = layerStart[l]!;
    const size = layerStart[l + 1]! - a;
    if (system === undefined) return a + rng.int(0, size - 1);
    const lo = Math.floor((system * size) / systems);
    const hi = Math.max(lo, Math.floor(((system + 1) * size) / systems) - 1);
    return a + rng.int(lo, Math.min(hi, size - 1));
  };
  const pickBelow = (i: number): number => {
    const l = layerOf[i]!;
    const cross = rng.bool(crossShare);
    const target = cross ? rng.int(l + 1, layers - 1) : l + 1;
    return pickIn(target, cross ? undefined : systemOf(i));
  };

  const regionNames = Array.from({ length: regions }, (_, r) =>
    r === 0 ? 'us-east-1' : `region-${r}`,
  );
  const providerOfRegion = regionNames.map((_, r) => PROVIDERS[r % PROVIDERS.length]!);
  const domains: DomainSpec[] = [];
  regionNames.forEach((r) =>
    domains.push({ id: `region:${r}`, availability: 0.9999, implicit: false }),
  );
  PROVIDERS.forEach((p) =>
    domains.push({ id: `provider:${p}`, availability: 0.99999, implicit: false }),
  );
  for (let c = 0; c < controlPlanes; c++) {
    domains.push({ id: `control-plane:cp-${c}`, availability: 0.99995, implicit: false });
  }
  domains.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  // Edge budget: spread over the components above the last layer.
  const parents = layerStart[layers - 1]!;
  const deps: Dependency[][] = Array.from({ length: n }, () => []);
  const seen: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  let placed = 0;
  let guard = 0;
  while (placed < m && guard++ < m * 20 && parents > 0) {
    const i = rng.int(0, parents - 1);
    const roll = rng.float();
    if (roll < anyOfShare) {
      const k = Math.min(m - placed, rng.int(2, 3));
      if (k < 2) continue;
      const first = pickBelow(i);
      const l = layerOf[first]!;
      const branches = new Set<number>([first]);
      // Replicas: same layer, anywhere (other systems stand in for other regions).
      for (let tries = 0; branches.size < k && tries < 10; tries++)
        branches.add(pickIn(l, undefined));
      if ([...branches].some((b) => seen[i]!.has(b))) continue;
      for (const b of branches) seen[i]!.add(b);
      deps[i]!.push({ kind: 'anyOf', ids: [...branches].map((b) => `svc-${b}`) });
      placed += branches.size;
    } else {
      const d = pickBelow(i);
      if (seen[i]!.has(d)) continue;
      seen[i]!.add(d);
      deps[i]!.push({ kind: roll < anyOfShare + softShare ? 'soft' : 'hard', id: `svc-${d}` });
      placed++;
    }
  }

  const components: ComponentSpec[] = [];
  for (let i = 0; i < n; i++) {
    // us-east-1 hosts a third of everything, as the default region tends to.
    const r = rng.bool(1 / 3) ? 0 : rng.int(0, regions - 1);
    const provider = providerOfRegion[r]!;
    const memberOf = [`region:${regionNames[r]!}`, `provider:${provider}`];
    if (controlPlanes > 0 && rng.bool(0.1))
      memberOf.push(`control-plane:cp-${rng.int(0, controlPlanes - 1)}`);
    components.push({
      id: `svc-${i}`,
      region: regionNames[r]!,
      provider,
      availability: 1 - 10 ** -rng.uniform(3, 5),
      ...(layerOf[i] === 0 && { outageCostPerHour: 1000 * rng.int(1, 100) }),
      dependsOn: deps[i]!,
      domains: memberOf,
    });
  }
  return { domains, components, sources: [], aliases: new Map() };
}
