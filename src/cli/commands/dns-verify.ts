/**
 * @module
 * `breakwater dns verify`: asks every provider (the built-in server, RFC 2136 servers,
 * secondaries) for every (name, type) of the active plan and prints where its answers differ
 * from the plan. Exit 0 when every provider answers as planned, 1 when any differs or does not
 * answer, 2 for bad input. A thin shell: the comparing is `verifyProviders` in
 * `src/dns/providers/verify-providers.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { isPlanValidationError } from '../../dns/errors.js';
import { parsePlanContent } from '../../dns/plan.js';
import type { PlanContent } from '../../dns/plan.js';
import { parseEndpoint } from '../../dns/providers/internal/dns-client.js';
import { verifyProviders } from '../../dns/providers/verify-providers.js';
import type {
  ProviderEndpoint,
  ProviderVerification,
} from '../../dns/providers/verify-providers.js';
import type { CommandIo } from '../command.js';
import { UsageError } from '../usage-error.js';

/** Help text of `breakwater dns verify`. */
export const DNS_VERIFY_HELP = `usage: breakwater dns verify (--state FILE | --plan FILE) PROVIDERS [options]

Queries every provider for every name and type of the plan and diffs the answers with it
(records and TTL; weights and regions are planner data and are not compared).

plan (one of):
  --state FILE         breakwater state (SQLite): the active plan — of --target, else the
                       highest generation active on any target, else the newest plan
  --target ID          with --state: whose active plan
  --plan FILE          a plan as JSON: a plan object ({"generation", "content":
                       {"recordSets": [...]}}), {"recordSets": [...]} or an array of record sets

providers (at least one; both forms can be combined):
  --provider NAME=HOST:PORT   repeatable, e.g. --provider builtin=127.0.0.1:5353
  --providers FILE            YAML or JSON:
                                providers:
                                  - { name: builtin, address: 127.0.0.1:5353 }
                                  - { name: bind, address: 127.0.0.1:5300 }
                                zones: [example.test]     # optional, as --zone

options:
  --zone ZONE          check only names at or below ZONE (repeatable)
  --timeout-ms N       per question (default 2000)
  --json               one document: {"generation","providers":[{"name","address","ok",
                       "checked","diffs":[{"name","type","kind","expected","actual",...}]}]}
  -h, --help           this help

exit: 0 every provider answers as planned; 1 a provider differs or does not answer; 2 bad input.
`;

interface PlanChoice {
  readonly content: PlanContent;
  readonly generation: number | undefined;
  readonly source: string;
}

function readJsonOrYaml(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${what} ${file}: cannot be read (${(e as Error).message})`);
  }
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new UsageError(
      `${what} ${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
    );
  }
}

function parseProviderFlag(text: string): ProviderEndpoint {
  const eq = text.indexOf('=');
  if (eq <= 0) {
    throw new UsageError(
      `--provider: expected NAME=HOST:PORT (e.g. builtin=127.0.0.1:5353), got '${text}'`,
    );
  }
  try {
    return { name: text.slice(0, eq), ...parseEndpoint(text.slice(eq + 1), '--provider') };
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function providersFromFile(file: string): { providers: ProviderEndpoint[]; zones: string[] } {
  const doc = readJsonOrYaml(file, '--providers');
  const where = `--providers ${file}`;
  if (
    typeof doc !== 'object' ||
    doc === null ||
    !Array.isArray((doc as { providers?: unknown }).providers)
  ) {
    throw new UsageError(
      `${where}: expected { providers: [{ name, address: HOST:PORT }], zones?: [...] }`,
    );
  }
  const list = (doc as { providers: unknown[] }).providers;
  const providers = list.map((p, i) => {
    const name = (p as { name?: unknown } | null)?.name;
    const address = (p as { address?: unknown } | null)?.address;
    if (typeof name !== 'string' || name === '' || typeof address !== 'string') {
      throw new UsageError(`${where}: providers[${i}] must be { name, address: HOST:PORT }`);
    }
    try {
      return { name, ...parseEndpoint(address, `${where}: providers[${i}].address`) };
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  });
  const zones = (doc as { zones?: unknown }).zones ?? [];
  if (!Array.isArray(zones) || zones.some((z) => typeof z !== 'string')) {
    throw new UsageError(`${where}: zones must be a list of zone names`);
  }
  return { providers, zones: zones as string[] };
}

function planFromJson(file: string): PlanChoice {
  const doc = readJsonOrYaml(file, '--plan');
  const obj = doc as { content?: unknown; generation?: unknown } | null;
  const input = typeof obj === 'object' && obj !== null && 'content' in obj ? obj.content : doc;
  try {
    return {
      content: parsePlanContent(input, 'content.recordSets'),
      generation: typeof obj?.generation === 'number' ? obj.generation : undefined,
      source: file,
    };
  } catch (e) {
    if (isPlanValidationError(e)) throw new UsageError(`--plan ${file}: ${e.message}`);
    throw e;
  }
}

async function planFromState(file: string, target: string | undefined): Promise<PlanChoice> {
  if (!existsSync(file)) throw new UsageError(`--state ${file}: no such file`);
  // Loaded here only: importing the CLI must not load the SQLite binding.
  const { openSqlitePlanStore } = await import('../../dns/plan-store/sqlite-store.js');
  const store = await openSqlitePlanStore({ file });
  try {
    let generation: number | undefined;
    if (target !== undefined) {
      const t = await store.getTarget(target);
      if (t === undefined) throw new UsageError(`--target ${target}: no such target in ${file}`);
      generation = t.activeGeneration;
    } else {
      for (const t of await store.listTargets()) {
        if (
          t.activeGeneration !== undefined &&
          (generation === undefined || t.activeGeneration > generation)
        ) {
          generation = t.activeGeneration;
        }
      }
    }
    const plan =
      generation === undefined ? await store.newestPlan() : await store.getPlan(generation);
    if (plan === undefined) {
      throw new UsageError(
        `--state ${file}: ${generation === undefined ? 'holds no plan' : `the active plan ${generation} is missing`}`,
      );
    }
    return { content: plan.content, generation: plan.generation, source: file };
  } finally {
    await store.close();
  }
}

function formatText(results: readonly ProviderVerification[], plan: PlanChoice): string {
  const lines = [
    `plan ${plan.generation === undefined ? '(no generation)' : `generation ${plan.generation}`} from ${plan.source}`,
  ];
  for (const r of results) {
    lines.push(
      `${r.ok ? 'ok  ' : 'DIFF'} ${r.name} (${r.address}): ${r.checked} checked, ${r.diffs.length} differ`,
    );
    for (const d of r.diffs) {
      const detail = d.detail === undefined ? '' : ` (${d.detail})`;
      if (d.kind === 'ttl') {
        lines.push(`  ${d.name} ${d.type}: ttl ${String(d.actualTtl)}, plan ${d.expectedTtl}`);
      } else {
        lines.push(
          `  ${d.name} ${d.type}: ${d.kind}${detail}; plan [${d.expected.join(', ')}], served [${d.actual.join(', ')}]`,
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Runs `breakwater dns verify` with the arguments after `verify`. Resolves to the exit code;
 * usage errors are printed to stderr with exit code 2.
 */
export async function runDnsVerify(argv: readonly string[], io: CommandIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`breakwater dns verify: ${e.message}\n(see breakwater dns verify --help)\n`);
      return 2;
    }
    throw e;
  }
}

async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        state: { type: 'string' },
        target: { type: 'string' },
        plan: { type: 'string' },
        provider: { type: 'string', multiple: true },
        providers: { type: 'string' },
        zone: { type: 'string', multiple: true },
        'timeout-ms': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help === true) {
    io.stdout.write(DNS_VERIFY_HELP);
    return 0;
  }
  if ((values.state === undefined) === (values.plan === undefined)) {
    throw new UsageError('give exactly one of --state FILE or --plan FILE');
  }
  if (values.target !== undefined && values.state === undefined) {
    throw new UsageError('--target needs --state');
  }
  const providers = (values.provider ?? []).map(parseProviderFlag);
  const zones = [...(values.zone ?? [])];
  if (values.providers !== undefined) {
    const fromFile = providersFromFile(resolve(io.cwd, values.providers));
    providers.push(...fromFile.providers);
    zones.push(...fromFile.zones);
  }
  if (providers.length === 0) {
    throw new UsageError('no provider: give --provider NAME=HOST:PORT or --providers FILE');
  }
  const names = new Set<string>();
  for (const p of providers) {
    if (names.has(p.name)) throw new UsageError(`provider name '${p.name}' given twice`);
    names.add(p.name);
  }
  const timeoutMs = values['timeout-ms'] === undefined ? 2000 : Number(values['timeout-ms']);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) {
    throw new UsageError(`--timeout-ms must be an integer 1–600000, got '${values['timeout-ms']}'`);
  }
  const plan =
    values.plan !== undefined
      ? planFromJson(resolve(io.cwd, values.plan))
      : await planFromState(resolve(io.cwd, values.state!), values.target);
  const results = await verifyProviders({
    content: plan.content,
    providers,
    timeoutMs,
    ...(zones.length > 0 ? { zones } : {}),
  });
  if (values.json === true) {
    io.stdout.write(
      `${JSON.stringify({ generation: plan.generation ?? null, providers: results })}\n`,
    );
  } else {
    io.stdout.write(formatText(results, plan));
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
