/**
 * @module
 * `breakwater graph analyze FILE...`: reads a catalogue (breakwater YAML/JSON or Backstage
 * `catalog-info.yaml`), runs every analysis of `breakwater/graph` for one target and prints
 * the result as text, JSON, Mermaid, DOT or a self-contained HTML page. A thin shell: flags
 * are parsed here (strictly — an unknown flag is a usage error naming it), the computing is in
 * `src/graph`, the formatting in `src/graph/format`.
 */
import { parseArgs } from 'node:util';
import { analyzeCatalogue } from '../../graph/analyze.js';
import type { GraphAnalysis } from '../../graph/analyze.js';
import { isCatalogueError, isGraphInputError } from '../../graph/errors.js';
import { formatDot } from '../../graph/format/dot.js';
import { formatHtml } from '../../graph/format/html.js';
import { formatJson, formatJsonComparison } from '../../graph/format/json.js';
import { formatMermaid } from '../../graph/format/mermaid.js';
import { formatText, formatTextComparison } from '../../graph/format/text.js';
import { readCatalogueFiles } from '../../graph/read-catalogue-files.js';
import type { Command, CommandIo } from '../command.js';
import { UsageError } from '../usage-error.js';

const FORMATS = ['text', 'json', 'mermaid', 'dot', 'html'] as const;
type Format = (typeof FORMATS)[number];

const HELP = `usage: breakwater graph analyze FILE... [options]

Reads a dependency catalogue — breakwater's YAML/JSON format or Backstage catalog-info.yaml
(kinds Component and Resource), several files and documents allowed — and reports, for one
target component:
  - transitive dependencies with depth and example paths
  - hard-dependency cycles and cold-start deadlocks (what never comes up from cold)
  - single points of failure and minimal cut sets (components and failure domains)
  - hidden shared fate: anyOf groups whose redundancy one failure defeats
  - blast radius of every component and domain (what fails, what is degraded)
  - exact availability, expected downtime per year and expected yearly cost

options:
  --target ID        component to analyse (default: the one nothing depends on)
  --fail ID          what-if: fail this component or domain (repeat, or comma-separate)
  --max-order K      largest cut set to look for, 1–6 (default 2)
  --compare FILE     another architecture to put side by side (repeatable; text or json)
  --max-bdd-nodes N  budget of the exact availability computation (default 1000000);
                     past it availability is reported as not computed (null in JSON)
  --format FORMAT    text (default), json, mermaid, dot or html
  --json             same as --format json: exactly one JSON document on stdout
  -h, --help         this help

JSON: {"target","spofs","cutSets","cycles","coldStartDeadlocks","sharedFate":[{"anyOf",
"sharedBy"}],"blastRadius":{"id":{"failed","degraded"}},"availability",
"downtimeMinutesPerYear","expectedYearlyCost"} (+ "whatIf" with --fail;
{"architectures":[...]} with --compare).

Backstage annotations: breakwater.dev/region, breakwater.dev/provider, breakwater.dev/domains,
breakwater.dev/availability, breakwater.dev/outage-cost-per-hour, breakwater.dev/mode,
breakwater.dev/soft-depends-on, breakwater.dev/any-of.

examples:
  breakwater graph analyze examples/graph/phonebook-chain.yaml
  breakwater graph analyze examples/graph/multi-region.yaml --compare examples/graph/multi-provider.yaml
  breakwater graph analyze examples/graph/multi-region.yaml --fail region:us-east-1 --json
  breakwater graph analyze examples/graph/multi-region.yaml --format html > graph.html

exit codes: 0 done, 1 failure, 2 bad flags or a bad catalogue (file:line:column: field: problem)
`;

interface Parsed {
  readonly files: readonly string[];
  readonly target?: string;
  readonly fail: readonly string[];
  readonly maxOrder: number;
  readonly maxBddNodes?: number;
  readonly compare: readonly string[];
  readonly format: Format;
}

function parse(argv: readonly string[]): Parsed {
  const [sub, ...rest] = argv;
  if (sub !== 'analyze') {
    throw new UsageError(
      sub === undefined
        ? "missing subcommand: use 'breakwater graph analyze FILE...'"
        : `unknown subcommand '${sub}': use 'breakwater graph analyze FILE...'`,
    );
  }
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...rest],
      strict: true,
      allowPositionals: true,
      options: {
        target: { type: 'string' },
        fail: { type: 'string', multiple: true },
        'max-order': { type: 'string' },
        'max-bdd-nodes': { type: 'string' },
        compare: { type: 'string', multiple: true },
        format: { type: 'string' },
        json: { type: 'boolean' },
      },
    }));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown }).code;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unknown flag '${flag}' (see breakwater graph --help)`, { cause: err });
    }
    throw new UsageError(message.split('. ')[0] ?? message, { cause: err });
  }
  if (positionals.length === 0) throw new UsageError('give at least one catalogue FILE');
  let format: Format = 'text';
  if (values.format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(values.format)) {
      throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${values.format}'`);
    }
    format = values.format as Format;
  }
  if (values.json === true) {
    if (values.format !== undefined && format !== 'json') {
      throw new UsageError(`--json contradicts --format ${format}`);
    }
    format = 'json';
  }
  let maxOrder = 2;
  if (values['max-order'] !== undefined) {
    const raw = values['max-order'];
    maxOrder = Number(raw);
    if (!/^\d+$/.test(raw) || maxOrder < 1 || maxOrder > 6) {
      throw new UsageError(`--max-order must be an integer from 1 to 6, got '${raw}'`);
    }
  }
  let maxBddNodes: number | undefined;
  if (values['max-bdd-nodes'] !== undefined) {
    const raw = values['max-bdd-nodes'];
    maxBddNodes = Number(raw);
    if (!/^\d+$/.test(raw) || maxBddNodes < 16) {
      throw new UsageError(`--max-bdd-nodes must be an integer ≥ 16, got '${raw}'`);
    }
  }
  const fail = (values.fail ?? [])
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const compare = values.compare ?? [];
  if (compare.length > 0 && format !== 'text' && format !== 'json') {
    throw new UsageError(`--compare prints text or json, not ${format}`);
  }
  if (compare.length > 0 && fail.length > 0) {
    throw new UsageError('--fail cannot be combined with --compare');
  }
  return {
    files: positionals,
    ...(values.target !== undefined && { target: values.target }),
    fail,
    maxOrder,
    ...(maxBddNodes !== undefined && { maxBddNodes }),
    compare,
    format,
  };
}

async function analyse(files: readonly string[], p: Parsed, io: CommandIo): Promise<GraphAnalysis> {
  try {
    const catalogue = await readCatalogueFiles(files, {
      cwd: io.cwd,
      onWarning: (m) => io.stderr.write(`breakwater graph: ${m}\n`),
    });
    return analyzeCatalogue(catalogue, {
      ...(p.target !== undefined && { target: p.target }),
      maxOrder: p.maxOrder,
      fail: p.fail,
      ...(p.maxBddNodes !== undefined && { maxBddNodes: p.maxBddNodes }),
    });
  } catch (err) {
    if (isCatalogueError(err)) throw new UsageError(err.message, { cause: err });
    if (isGraphInputError(err)) {
      const hint = /name the target/.test(err.message) ? ' with --target ID' : '';
      throw new UsageError(`${files.join(', ')}: ${err.message}${hint}`, { cause: err });
    }
    throw err;
  }
}

/** The `breakwater graph` command. */
export const graphCommand: Command = {
  name: 'graph',
  summary: 'dependency analysis: SPOFs, cut sets, shared fate, blast radius, availability',
  help: HELP,
  async run(argv, io) {
    const p = parse(argv);
    const main = await analyse(p.files, p, io);
    if (p.compare.length > 0) {
      const all = [main];
      for (const file of p.compare) all.push(await analyse([file], p, io));
      io.stdout.write(p.format === 'json' ? formatJsonComparison(all) : formatTextComparison(all));
      return 0;
    }
    if (main.availabilityError !== undefined) {
      io.stderr.write(`breakwater graph: availability not computed: ${main.availabilityError}\n`);
    }
    const out =
      p.format === 'json'
        ? formatJson(main)
        : p.format === 'mermaid'
          ? formatMermaid(main)
          : p.format === 'dot'
            ? formatDot(main)
            : p.format === 'html'
              ? formatHtml(main)
              : formatText(main);
    io.stdout.write(out);
    return 0;
  },
};
