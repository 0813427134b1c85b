/**
 * @module
 * Turns what the readers found in every file into one checked {@link Catalogue}: assigns ids
 * (a Backstage entity is known by its name when that is unique, else by its full entity ref),
 * resolves references, creates the implicit `region:` / `provider:` domains, and reports
 * duplicates and unknown references with the nearest known id.
 */
import type { Catalogue, ComponentSpec, Dependency, DomainSpec } from '../catalogue.js';
import type { CatalogueIssue, SourceLocation } from '../errors.js';
import { nearest } from './edit-distance.js';
import type { RawCatalogue, RawComponent, RawRef } from './raw-catalogue.js';

const IMPLICIT_PREFIXES = ['region:', 'provider:'] as const;

function where(at: SourceLocation): string {
  return at.line > 0 ? `${at.file}:${at.line}` : at.file;
}

/** Parses `[kind:][namespace/]name` (Backstage's entity reference syntax). */
function parseEntityRef(text: string): { kind?: string; namespace?: string; name: string } {
  let rest = text.trim();
  let kind: string | undefined;
  const colon = rest.indexOf(':');
  if (colon > 0) {
    kind = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let namespace: string | undefined;
  const slash = rest.indexOf('/');
  if (slash > 0) {
    namespace = rest.slice(0, slash).toLowerCase();
    rest = rest.slice(slash + 1);
  }
  return {
    ...(kind !== undefined && { kind }),
    ...(namespace !== undefined && { namespace }),
    name: rest,
  };
}

function fullRef(kind: string, namespace: string, name: string): string {
  return `${kind}:${namespace}/${name}`;
}

/** Resolves `raw` into a catalogue; appends problems to `issues`. */
export function resolveCatalogue(
  raw: RawCatalogue,
  sources: readonly string[],
  issues: CatalogueIssue[],
): Catalogue {
  const report = (at: SourceLocation, field: string, message: string): void => {
    issues.push({ location: at, field, message });
  };

  // Domains declared explicitly.
  const domains = new Map<string, DomainSpec>();
  for (const d of raw.domains) {
    const prior = domains.get(d.id);
    if (prior !== undefined) {
      report(
        d.at,
        d.field,
        `duplicate domain id '${d.id}' (first declared at ${where(prior.location ?? d.at)})`,
      );
      continue;
    }
    domains.set(d.id, {
      id: d.id,
      availability: d.availability ?? 1,
      implicit: false,
      location: d.at,
    });
  }
  const declaredDomainIds = [...domains.keys()];

  // Component ids. Backstage entities keep their bare name when no other component has it.
  const nameCount = new Map<string, number>();
  for (const c of raw.components) nameCount.set(c.id, (nameCount.get(c.id) ?? 0) + 1);
  const idOf = (c: RawComponent): string => {
    const b = c.backstage;
    if (b === undefined || nameCount.get(c.id) === 1) return c.id;
    return fullRef(b.kind, b.namespace, b.name);
  };
  const byId = new Map<string, RawComponent>();
  const aliases = new Map<string, string>();
  const backstageByRef = new Map<string, { id: string; raw: RawComponent }>();
  const kept: { raw: RawComponent; id: string }[] = [];
  for (const c of raw.components) {
    const id = idOf(c);
    const prior = byId.get(id);
    if (prior !== undefined) {
      report(
        c.at,
        c.field,
        `duplicate component id '${id}' (first declared at ${where(prior.at)})`,
      );
      continue;
    }
    if (domains.has(id)) {
      report(c.at, c.field, `'${id}' is already the id of a failure domain`);
      continue;
    }
    byId.set(id, c);
    kept.push({ raw: c, id });
    const b = c.backstage;
    if (b !== undefined) {
      const ref = fullRef(b.kind, b.namespace, b.name.toLowerCase());
      backstageByRef.set(ref, { id, raw: c });
      aliases.set(ref, id);
    }
  }
  const componentIds = [...byId.keys()];

  const unknown = (r: RawRef, what: string): void => {
    const isDomain = domains.has(r.text) || IMPLICIT_PREFIXES.some((p) => r.text.startsWith(p));
    if (isDomain) {
      report(
        r.at,
        r.field,
        `'${r.text}' is a failure domain, not a component; list it under domains`,
      );
      return;
    }
    const guess = nearest(r.text, [...componentIds, ...aliases.keys()]);
    report(
      r.at,
      r.field,
      `unknown ${what} '${r.text}'` + (guess !== undefined ? `; did you mean '${guess}'?` : ''),
    );
  };

  /** Resolves a dependency reference to a component id and that component's raw entry. */
  const resolveRef = (r: RawRef): { id: string; raw: RawComponent } | undefined => {
    if (r.backstageNamespace !== undefined) {
      const p = parseEntityRef(r.text);
      const ns = p.namespace ?? r.backstageNamespace;
      const name = p.name.toLowerCase();
      const kinds = p.kind !== undefined ? [p.kind] : ['component', 'resource'];
      const hits = kinds
        .map((k) => backstageByRef.get(fullRef(k, ns, name)))
        .filter((h): h is { id: string; raw: RawComponent } => h !== undefined);
      if (hits.length > 1) {
        report(
          r.at,
          r.field,
          `'${r.text}' is ambiguous: write component:${ns}/${p.name} or resource:${ns}/${p.name}`,
        );
        return undefined;
      }
      if (hits[0] !== undefined) return hits[0];
      // Also allow a plain breakwater-format id.
      const own = byId.get(r.text);
      if (own !== undefined) return { id: r.text, raw: own };
      unknown(r, 'entity');
      return undefined;
    }
    const own = byId.get(r.text);
    if (own !== undefined) return { id: r.text, raw: own };
    const alias = backstageByRef.get(r.text.toLowerCase());
    if (alias !== undefined) return alias;
    unknown(r, 'component');
    return undefined;
  };

  const implicitDomain = (id: string, at: SourceLocation): void => {
    if (!domains.has(id)) domains.set(id, { id, availability: 1, implicit: true, location: at });
  };

  const components: ComponentSpec[] = [];
  for (const { raw: c, id } of kept) {
    const memberOf: string[] = [];
    const add = (d: string): void => {
      if (!memberOf.includes(d)) memberOf.push(d);
    };
    if (c.region !== undefined) {
      implicitDomain(`region:${c.region}`, c.at);
      add(`region:${c.region}`);
    }
    if (c.provider !== undefined) {
      implicitDomain(`provider:${c.provider}`, c.at);
      add(`provider:${c.provider}`);
    }
    for (const d of c.domains) {
      if (domains.has(d.text)) add(d.text);
      else if (
        d.backstageNamespace !== undefined ||
        IMPLICIT_PREFIXES.some((p) => d.text.startsWith(p) && d.text.length > p.length)
      ) {
        implicitDomain(d.text, d.at);
        add(d.text);
      } else if (componentIds.includes(d.text)) {
        report(
          d.at,
          d.field,
          `'${d.text}' is a component, not a failure domain; list it under dependsOn`,
        );
      } else {
        const guess = nearest(d.text, declaredDomainIds);
        report(
          d.at,
          d.field,
          `unknown failure domain '${d.text}'` +
            (guess !== undefined ? `; did you mean '${guess}'?` : '') +
            ' (declare it under domains, or use region:NAME / provider:NAME)',
        );
      }
    }

    const deps: Dependency[] = [];
    const seen = new Map<string, SourceLocation>();
    const once = (target: string, r: RawRef): boolean => {
      const prior = seen.get(target);
      if (prior !== undefined) {
        report(r.at, r.field, `'${id}' depends on '${target}' twice (also at ${where(prior)})`);
        return false;
      }
      seen.set(target, r.at);
      return true;
    };
    for (const dep of c.dependsOn) {
      if (dep.kind === 'anyOf') {
        const ids: string[] = [];
        let ok = true;
        for (const r of dep.refs) {
          const hit = resolveRef(r);
          if (hit === undefined) {
            ok = false;
            continue;
          }
          if (ids.includes(hit.id)) {
            report(r.at, r.field, `'${hit.id}' appears twice in the same anyOf`);
            ok = false;
            continue;
          }
          ids.push(hit.id);
        }
        if (ok) deps.push({ kind: 'anyOf', ids });
        continue;
      }
      const hit = resolveRef(dep.ref);
      if (hit === undefined || !once(hit.id, dep.ref)) continue;
      const soft = dep.kind === 'soft' || (!dep.modeExplicit && hit.raw.backstage?.mode === 'soft');
      deps.push({ kind: soft ? 'soft' : 'hard', id: hit.id });
    }

    components.push({
      id,
      ...(c.region !== undefined && { region: c.region }),
      ...(c.provider !== undefined && { provider: c.provider }),
      availability: c.availability ?? 1,
      ...(c.outageCostPerHour !== undefined && { outageCostPerHour: c.outageCostPerHour }),
      dependsOn: deps,
      domains: memberOf,
      ...(c.description !== undefined && { description: c.description }),
      location: c.at,
    });
  }

  return {
    domains: [...domains.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    components,
    sources: [...sources],
    aliases,
  };
}
