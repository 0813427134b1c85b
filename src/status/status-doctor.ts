/**
 * @module
 * `status doctor`: does the status page share fate with what it reports on? The config says
 * what the page runs on (host, region, provider, DNS, and services it needs) and what each
 * monitored service runs on; this turns both into a `breakwater/graph` catalogue — every
 * host, region, provider and DNS provider a failure domain, every `dependsOn` a hard
 * dependency — and asks the graph analysis for the blast radius of every event. Any single
 * failure that takes the page down *together with* a monitored service is the 2025-10-20
 * status-dashboard failure in waiting: the page goes dark (or stays green) exactly when it is
 * needed. Undeclared facts are not given the benefit of the doubt: a page whose own
 * dependencies are not declared is not called independent.
 */
import { blastRadius } from '../graph/blast-radius.js';
import { compileCatalogue } from '../graph/compiled-graph.js';
import { parseCatalogue } from '../graph/parse-catalogue.js';
import type { RunsOn, StatusConfig } from './config.js';

/** The id the status page gets in the generated catalogue. */
export const STATUS_PAGE_COMPONENT = 'status-page';

/** One way the page shares fate with monitored services. */
export interface SharedFateFinding {
  /** The failure domain (`region:us-east-1`, `host:web-1`, `dns:route53`) or component. */
  readonly cause: string;
  readonly kind: 'domain' | 'component';
  /** Monitored services it takes down along with the page. */
  readonly monitors: readonly string[];
}

/** What the doctor found. */
export interface StatusDoctorReport {
  /** True only when the page's dependencies are declared and no finding exists. */
  readonly independent: boolean;
  readonly findings: readonly SharedFateFinding[];
  /** Problems that prevent a verdict (undeclared dependencies). */
  readonly warnings: readonly string[];
  /** The generated catalogue (YAML), for `breakwater graph analyze`. */
  readonly catalogue: string;
}

function domainsOf(r: RunsOn): string[] {
  const d: string[] = [];
  if (r.host !== undefined) d.push(`host:${r.host}`);
  if (r.dns !== undefined) d.push(`dns:${r.dns}`);
  return d;
}

function component(id: string, r: RunsOn): object {
  return {
    id,
    ...(r.region === undefined ? {} : { region: r.region }),
    ...(r.provider === undefined ? {} : { provider: r.provider }),
    domains: domainsOf(r),
    dependsOn: r.dependsOn,
  };
}

/** Runs the analysis over a config. */
export function statusDoctor(config: StatusConfig): StatusDoctorReport {
  const warnings: string[] = [];
  const declared = (r: RunsOn): boolean =>
    r.host !== undefined ||
    r.region !== undefined ||
    r.provider !== undefined ||
    r.dns !== undefined;
  if (!declared(config.runsOn)) {
    warnings.push(
      `${config.file}: runsOn: the status page's own host, region, provider and DNS are not declared`,
    );
  }
  for (const m of config.monitors) {
    if (!declared(m.runsOn))
      warnings.push(
        `${config.file}: monitor '${m.id}' has no runsOn; its shared fate cannot be checked`,
      );
  }
  if (config.monitors.some((m) => m.id === STATUS_PAGE_COMPONENT)) {
    warnings.push(`monitor id '${STATUS_PAGE_COMPONENT}' clashes with the status page's own id`);
  }
  const all = [config.runsOn, ...config.monitors.map((m) => m.runsOn)];
  const domains = [...new Set(all.flatMap(domainsOf))].sort().map((id) => ({ id }));
  const doc = {
    domains,
    components: [
      component(STATUS_PAGE_COMPONENT, config.runsOn),
      ...config.monitors
        .filter((m) => m.id !== STATUS_PAGE_COMPONENT)
        .map((m) => component(m.id, m.runsOn)),
    ],
  };
  const text = JSON.stringify(doc, null, 2);
  const graph = compileCatalogue(
    parseCatalogue([{ path: `${config.file} (generated catalogue)`, text }]),
  );
  const br = blastRadius(graph);
  const monitored = new Set(config.monitors.map((m) => m.id));
  const findings: SharedFateFinding[] = [];
  for (let e = 0; e < graph.eventCount; e++) {
    const id = graph.ids[e]!;
    if (id === STATUS_PAGE_COMPONENT) continue;
    const entry = br.of(id);
    if (!entry.failed.includes(STATUS_PAGE_COMPONENT)) continue;
    const hit = entry.failed.filter((c) => monitored.has(c));
    if (monitored.has(id)) hit.unshift(id);
    if (hit.length > 0)
      findings.push({
        cause: id,
        kind: e < graph.componentCount ? 'component' : 'domain',
        monitors: hit,
      });
  }
  return {
    independent: findings.length === 0 && warnings.length === 0,
    findings,
    warnings,
    catalogue: text,
  };
}

/** Human-readable report. */
export function formatDoctorReport(r: StatusDoctorReport): string {
  const lines: string[] = [];
  if (r.independent)
    lines.push(
      'independent: no single failure takes down the status page together with a monitored service',
    );
  else lines.push('NOT independent:');
  for (const f of r.findings) {
    lines.push(
      f.kind === 'component'
        ? `  - the status page depends on ${f.cause}: when it fails, the page fails with ${f.monitors.join(', ')}`
        : `  - ${f.cause} is shared: its failure takes down the status page and ${f.monitors.join(', ')}`,
    );
  }
  for (const w of r.warnings) lines.push(`  - ${w}`);
  return `${lines.join('\n')}\n`;
}
