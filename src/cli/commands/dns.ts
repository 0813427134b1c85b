/**
 * @module
 * `breakwater dns plan|apply|status|history|rollback|check`: the phonebook control plane from
 * the command line, over the embedded SQLite store by default (`.breakwater/state.db`), or
 * the store the config names (memory, etcd).
 *
 * A thin shell over `src/dns`: flags are parsed strictly here (an unknown flag is a usage
 * error naming it), the config is read by `dns/config.ts`, and the work is done by the real
 * Planner, three real enactors (safe mode) and the Janitor — the same code the simulator and
 * the checker run. This is one of the two places (with the status page) that choose concrete
 * adapters: the system clock, a clock-seeded random stream, and the store.
 *
 * Nothing stored is half-written: every store write is one atomic step with its audit entry,
 * and `apply` is a sequence of such steps (plan, then each activation, then the clean-up). An
 * `apply` interrupted between two steps leaves a consistent state that the next `apply`
 * finishes (self-repair, I5). Reading commands (`plan`, `status`, `history`) never create a
 * state file that does not exist yet.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../core/clock.js';
import { Rng } from '../../core/rng.js';
import { formatAuditEntry } from '../../dns/audit-log.js';
import type { AuditEntry } from '../../dns/audit-log.js';
import { configInventory, isDnsConfigError, loadDnsConfig } from '../../dns/config.js';
import type { DnsConfig, StoreConfig } from '../../dns/config.js';
import { createEnactors } from '../../dns/create-enactors.js';
import type { EnactorPass } from '../../dns/enactor.js';
import { isDnsError, isInventoryValidationError, isPlanNotFoundError } from '../../dns/errors.js';
import { Janitor } from '../../dns/janitor.js';
import { diffPlanContent, formatPlanDiff, isEmptyDiff } from '../../dns/plan-diff.js';
import type { PlanDiff } from '../../dns/plan-diff.js';
import { guardPlan } from '../../dns/plan-guards.js';
import type { GuardEvent } from '../../dns/plan-guards.js';
import { MemoryPlanStore } from '../../dns/plan-store/memory-store.js';
import type { PlanStore, TargetRecord } from '../../dns/plan-store/plan-store.js';
import { DEFAULT_STATE_FILE, openSqlitePlanStore } from '../../dns/plan-store/sqlite-store.js';
import { hashPlanContent } from '../../dns/plan.js';
import type { Plan } from '../../dns/plan.js';
import { Planner } from '../../dns/planner.js';
import type { PlannerResult } from '../../dns/planner.js';
import { rollback } from '../../dns/rollback.js';
import type { Command, CommandIo } from '../command.js';
import { UsageError } from '../usage-error.js';

const HELP = `usage: breakwater dns <subcommand> [options]

The phonebook: plans (immutable, versioned desired DNS state), applied by three independent
enactors through one atomic compare-and-set per target, cleaned up by a janitor that re-checks
what is active inside its delete. See examples/phonebook.yaml for the config file.

subcommands:
  plan      --config FILE     show what the config would change against the newest plan
                              (the diff, and every guard that refused or cut); writes nothing
  apply     --config FILE     run the planner, the enactors (3, safe mode) and the janitor once;
                              print what was written and activated
  status                      active generation per target, the newest plan, plans held
  history   [--limit N] [--target ID]
                              the audit log, newest last (default the last 20 entries)
  rollback  --to G [--apply] [--reason TEXT] [--actor NAME]
                              write generation G's content as a NEW plan (generations never go
                              back); with --apply, activate it at once
  check     --mode safe|legacy --seeds N [--seed S] [--json]
                              deterministic simulation testing of the invariants I1–I5
  serve     --config FILE     serve the config's zones as an authoritative DNS server
  verify    ...               query DNS providers and diff their answers with a plan

options (plan, apply, status, history, rollback):
  --config FILE   the phonebook config (YAML); its store: section picks the store
  --state FILE    use this SQLite state file (default ${DEFAULT_STATE_FILE}, or the config's)
  --json          exactly one JSON document on stdout
  -h, --help      this help

exit codes: 0 done, 1 failure (store unreachable or damaged, a plan refused, an apply that
failed), 2 bad flags or a bad config (file:line:column: field: problem)
`;

const SUBCOMMANDS = [
  'plan',
  'apply',
  'status',
  'history',
  'rollback',
  'check',
  'serve',
  'verify',
] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

const ACTOR = 'breakwater-cli';

interface Flags {
  readonly config: string | undefined;
  readonly state: string | undefined;
  readonly json: boolean;
  readonly limit: number;
  readonly target: string | undefined;
  readonly to: number | undefined;
  readonly apply: boolean;
  readonly reason: string | undefined;
  readonly actor: string;
}

type Own = Exclude<Subcommand, 'check' | 'serve' | 'verify'>;

function parseFlags(sub: Own, argv: readonly string[]): Flags {
  const extra: Record<Own, readonly string[]> = {
    plan: [],
    apply: [],
    status: [],
    history: ['limit', 'target'],
    rollback: ['to', 'apply', 'reason', 'actor'],
  };
  const all = {
    config: { type: 'string' },
    state: { type: 'string' },
    json: { type: 'boolean' },
    limit: { type: 'string' },
    target: { type: 'string' },
    to: { type: 'string' },
    apply: { type: 'boolean' },
    reason: { type: 'string' },
    actor: { type: 'string' },
  } as const;
  let values: Partial<Record<keyof typeof all, string | boolean>>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: all,
    }));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if ((err as { code?: unknown }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unknown flag '${flag}' (see breakwater dns --help)`, { cause: err });
    }
    throw new UsageError(message.split('. ')[0] ?? message, { cause: err });
  }
  for (const key of Object.keys(values)) {
    if (['config', 'state', 'json'].includes(key) || extra[sub].includes(key)) continue;
    throw new UsageError(`--${key} does not apply to 'dns ${sub}' (see breakwater dns --help)`);
  }
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument '${positionals[0]!}' (see breakwater dns --help)`);
  }
  const str = (k: keyof typeof all): string | undefined => {
    const v = values[k];
    if (typeof v !== 'string') return undefined;
    if (v === '') throw new UsageError(`--${k} needs a value`);
    return v;
  };
  const int = (k: keyof typeof all, min: number): number | undefined => {
    const raw = str(k);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
      throw new UsageError(`--${k} must be an integer >= ${min}, got '${raw}'`);
    }
    return n;
  };
  const flags: Flags = {
    config: str('config'),
    state: str('state'),
    json: values.json === true,
    limit: int('limit', 1) ?? 20,
    target: str('target'),
    to: int('to', 1),
    apply: values.apply === true,
    reason: str('reason'),
    actor: str('actor') ?? 'operator',
  };
  if ((sub === 'plan' || sub === 'apply') && flags.config === undefined) {
    throw new UsageError(`'dns ${sub}' needs --config FILE (see examples/phonebook.yaml)`);
  }
  if (sub === 'rollback' && flags.to === undefined) {
    throw new UsageError("'dns rollback' needs --to G, the generation whose content to restore");
  }
  return flags;
}

// ---------------------------------------------------------------------------------------------
// Config and store
// ---------------------------------------------------------------------------------------------

interface Context {
  readonly io: CommandIo;
  readonly flags: Flags;
  readonly config: DnsConfig | undefined;
  readonly store: PlanStore;
  /** How to name the store to people: a file, `memory`, or `etcd <endpoints> <prefix>`. */
  readonly storeLabel: string;
  /** False when the state file does not exist yet (reading commands then see an empty store). */
  readonly exists: boolean;
  readonly rng: Rng;
}

async function readConfig(flags: Flags, io: CommandIo): Promise<DnsConfig | undefined> {
  if (flags.config === undefined) return undefined;
  try {
    return await loadDnsConfig(flags.config, { cwd: io.cwd });
  } catch (e) {
    if (isDnsConfigError(e)) throw new UsageError(e.message, { cause: e });
    throw e;
  }
}

function storeSpec(flags: Flags, config: DnsConfig | undefined, io: CommandIo): StoreConfig {
  if (flags.state !== undefined) return { kind: 'sqlite', path: resolve(io.cwd, flags.state) };
  return config?.store ?? { kind: 'sqlite', path: undefined };
}

async function openStore(
  spec: StoreConfig,
  io: CommandIo,
  create: boolean,
): Promise<{ store: PlanStore; label: string; exists: boolean }> {
  switch (spec.kind) {
    case 'memory':
      io.stderr.write(
        'breakwater dns: the config uses a memory store: nothing is kept after this command\n',
      );
      return { store: new MemoryPlanStore(), label: 'memory', exists: true };
    case 'etcd': {
      const { openEtcdPlanStore } = await import('../../dns/plan-store/etcd-store.js');
      const store = await openEtcdPlanStore({
        endpoints: spec.endpoints,
        prefix: spec.prefix,
        ...(spec.callTimeoutMs === undefined ? {} : { callTimeoutMs: spec.callTimeoutMs }),
      });
      return { store, label: store.label, exists: true };
    }
    case 'sqlite': {
      const file = spec.path ?? resolve(io.cwd, DEFAULT_STATE_FILE);
      if (!create && file !== ':memory:' && !existsSync(file)) {
        return { store: new MemoryPlanStore(), label: file, exists: false };
      }
      const store = await openSqlitePlanStore({
        file,
        ...(spec.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: spec.busyTimeoutMs }),
      });
      return { store, label: store.file, exists: true };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Output helpers
// ---------------------------------------------------------------------------------------------

function iso(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString();
}

function short(hash: string): string {
  return hash.slice(0, 12);
}

function describePlan(plan: Plan): string {
  const o = plan.origin;
  const from =
    o.kind === 'planner'
      ? `by ${plan.plannerId}`
      : o.kind === 'rollback'
        ? `rollback to ${o.fromGeneration} by ${plan.plannerId}`
        : `re-published from ${o.fromGeneration}`;
  return `plan ${plan.generation} (${from}, ${iso(plan.createdAtMs)}, sha256 ${short(plan.contentHash)})`;
}

function planJson(plan: Plan | undefined): unknown {
  if (plan === undefined) return null;
  return {
    generation: plan.generation,
    contentHash: plan.contentHash,
    plannerId: plan.plannerId,
    createdAtMs: plan.createdAtMs,
    origin: plan.origin,
    recordSets: plan.content.recordSets.length,
  };
}

function targetJson(t: TargetRecord, newest: Plan | undefined): unknown {
  return {
    id: t.id,
    activeGeneration: t.activeGeneration ?? null,
    activatedAtMs: t.activatedAtMs ?? null,
    activatedBy: t.activatedBy ?? null,
    upToDate: newest !== undefined && t.activeGeneration === newest.generation,
  };
}

function diffSummary(diff: PlanDiff): string {
  const n = diff.added.length + diff.removed.length + diff.changed.length;
  return `${n} record set${n === 1 ? '' : 's'} (${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed)`;
}

function guardLines(events: readonly GuardEvent[]): string[] {
  return events.map((e) => `  ${e.cut ? 'cut' : 'refused'} (${e.kind}): ${e.reason}`);
}

function emit(ctx: Context, json: unknown, human: readonly string[]): void {
  if (ctx.flags.json) ctx.io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  else ctx.io.stdout.write(human.length === 0 ? '' : `${human.join('\n')}\n`);
}

function rngFor(): Rng {
  // Jitter only (retry backoff, loop spread): any seed will do, and a fresh one per run keeps
  // several CLI processes from retrying in step.
  return new Rng(`breakwater-cli:${systemClock.now()}:${process.pid}`);
}

// ---------------------------------------------------------------------------------------------
// plan
// ---------------------------------------------------------------------------------------------

async function runPlan(ctx: Context): Promise<number> {
  const config = ctx.config!;
  const newest = await ctx.store.newestPlan();
  let guarded;
  try {
    guarded = guardPlan({
      inventory: configInventory(config),
      previous: newest?.content,
      history: [],
      nowMs: systemClock.now(),
      limit: config.planner.velocity,
    });
  } catch (e) {
    if (isInventoryValidationError(e) || isDnsError(e)) {
      throw new UsageError(`${config.file}: ${(e as Error).message}`, { cause: e });
    }
    throw e;
  }
  const base = {
    config: config.file,
    store: ctx.storeLabel,
    newest: planJson(newest),
    events: guarded.events,
  };
  if (guarded.content === undefined) {
    const reason = guarded.events[guarded.events.length - 1]?.reason ?? 'refused';
    emit(ctx, { ...base, outcome: 'refused', reason, diff: null }, [
      `refused: ${reason}`,
      ...guardLines(guarded.events),
    ]);
    return 1;
  }
  const hash = hashPlanContent(guarded.content);
  const diff = diffPlanContent(newest?.content, guarded.content);
  const held =
    newest !== undefined &&
    newest.contentHash !== hash &&
    newest.origin.kind === 'rollback' &&
    newest.origin.replacedContentHash === hash;
  const outcome = isEmptyDiff(diff) ? 'unchanged' : held ? 'held' : 'changes';
  const human: string[] = [];
  human.push(
    newest === undefined
      ? `no plan yet${ctx.exists ? '' : ` (no state at ${ctx.storeLabel})`}: the first plan would hold ${guarded.content.recordSets.length} record sets`
      : `newest: ${describePlan(newest)}`,
  );
  if (outcome === 'unchanged') human.push('no changes: the config gives the newest plan');
  else {
    human.push(`changes: ${diffSummary(diff)}`, formatPlanDiff(diff));
    if (held) {
      human.push(
        `held: rollback to ${(newest.origin as { fromGeneration: number }).fromGeneration} is in effect and the config has not changed since; apply will not undo it`,
      );
    } else {
      human.push(`run 'breakwater dns apply --config ${config.file}' to write and activate it`);
    }
  }
  if (guarded.events.length > 0) human.push('guards:', ...guardLines(guarded.events));
  emit(ctx, { ...base, outcome, contentHash: hash, diff }, human);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// apply (and rollback --apply)
// ---------------------------------------------------------------------------------------------

interface EnactResult {
  readonly json: unknown;
  readonly human: string[];
  readonly failed: boolean;
}

async function registerTargets(ctx: Context): Promise<void> {
  for (const id of ctx.config?.targets ?? []) {
    await ctx.store.addTarget(id, {
      actor: ACTOR,
      atMs: systemClock.now(),
      reason: `listed in ${ctx.config!.file}`,
    });
  }
}

/** Three enactors in safe mode, at once, then the janitor; what was activated and deleted. */
async function enactAndClean(ctx: Context): Promise<EnactResult> {
  const enactors = createEnactors({
    store: ctx.store,
    clock: systemClock,
    rng: ctx.rng.fork('enactors'),
    count: ctx.config?.enactors.count ?? 3,
  });
  const passes = (await Promise.all(enactors.map((e) => e.runOnce()))) as EnactorPass[];
  const activations: {
    target: string;
    generation: number;
    previousGeneration: number | null;
    enactor: string;
  }[] = [];
  const errors: { enactor: string; target: string | null; message: string }[] = [];
  let lost = 0;
  passes.forEach((pass, i) => {
    const enactor = enactors[i]!.id;
    if (pass.error !== undefined) {
      errors.push({ enactor, target: null, message: messageOf(pass.error) });
    }
    for (const r of pass.results) {
      if (r.outcome === 'won') {
        activations.push({
          target: r.target,
          generation: r.generation,
          previousGeneration: r.currentGeneration ?? null,
          enactor,
        });
      } else if (r.outcome === 'lost') lost++;
      else if (r.outcome === 'error') {
        errors.push({ enactor, target: r.target, message: messageOf(r.error) });
      }
    }
  });
  const janitor = new Janitor({
    store: ctx.store,
    clock: systemClock,
    rng: ctx.rng.fork('janitor'),
    retain: ctx.config?.janitor.retain ?? 10,
  });
  let deleted: readonly number[] = [];
  let janitorError: string | undefined;
  try {
    deleted = (await janitor.runOnce()).deleted;
  } catch (e) {
    janitorError = messageOf(e);
  }
  const targets = await ctx.store.listTargets();
  const human: string[] = [];
  for (const a of activations) {
    human.push(
      `activated plan ${a.generation} on ${a.target} (was ${a.previousGeneration ?? 'none'}) by ${a.enactor}`,
    );
  }
  if (activations.length === 0 && errors.length === 0) {
    human.push(
      targets.length === 0
        ? 'no targets registered: nothing to activate'
        : 'every target already had the newest plan: nothing activated',
    );
  }
  if (lost > 0) {
    human.push(`${lost} activation(s) lost their compare-and-set to another enactor (dropped)`);
  }
  for (const e of errors) {
    human.push(`error: ${e.enactor}${e.target === null ? '' : ` on ${e.target}`}: ${e.message}`);
  }
  if (deleted.length > 0) human.push(`janitor: deleted plan(s) ${deleted.join(', ')}`);
  if (janitorError !== undefined) human.push(`janitor: error: ${janitorError}`);
  return {
    json: {
      activations,
      lostActivations: lost,
      errors,
      janitor: { deleted, error: janitorError ?? null },
      targets: targets.map((t) => ({ id: t.id, activeGeneration: t.activeGeneration ?? null })),
    },
    human,
    failed: errors.length > 0 || janitorError !== undefined,
  };
}

async function runApply(ctx: Context): Promise<number> {
  const config = ctx.config!;
  await registerTargets(ctx);
  const before = await ctx.store.newestPlan();
  const planner = new Planner({
    id: config.planner.id,
    store: ctx.store,
    clock: systemClock,
    rng: ctx.rng.fork('planner'),
    velocity: config.planner.velocity,
  });
  const result: PlannerResult = await planner.runOnce(configInventory(config));
  const human: string[] = [];
  if (result.outcome === 'written' && result.plan !== undefined) {
    const diff = diffPlanContent(before?.content, result.plan.content);
    human.push(`planner: wrote ${describePlan(result.plan)}: ${diffSummary(diff)}`);
    const lines = formatPlanDiff(diff);
    if (lines !== '') human.push(lines);
  } else if (result.outcome === 'unchanged') {
    human.push(`planner: no changes (newest is ${describePlan(result.plan!)})`);
  } else if (result.outcome === 'held') {
    human.push(
      `planner: held — a rollback is in effect (${describePlan(result.plan!)}) and the config has not changed since`,
    );
  } else if (result.outcome === 'conflict') {
    human.push('planner: another writer wrote a plan first; nothing written (run apply again)');
  } else {
    human.push(`planner: refused: ${result.reason ?? 'refused'}`);
  }
  if (result.events.length > 0) human.push('guards:', ...guardLines(result.events));
  const enacted = await enactAndClean(ctx);
  const plannerFailed = result.outcome === 'refused' || result.outcome === 'conflict';
  emit(
    ctx,
    {
      config: config.file,
      store: ctx.storeLabel,
      planner: {
        outcome: result.outcome,
        plan: planJson(result.plan),
        reason: result.reason ?? null,
        events: result.events,
      },
      ...(enacted.json as object),
    },
    [...human, ...enacted.human],
  );
  return plannerFailed || enacted.failed ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// status, history, rollback
// ---------------------------------------------------------------------------------------------

async function runStatus(ctx: Context): Promise<number> {
  const newest = await ctx.store.newestPlan();
  const generations = await ctx.store.listGenerations();
  const targets = await ctx.store.listTargets();
  const human: string[] = [`store: ${ctx.storeLabel}${ctx.exists ? '' : ' (no state yet)'}`];
  human.push(newest === undefined ? 'newest: no plan yet' : `newest: ${describePlan(newest)}`);
  if (generations.length > 0) {
    human.push(
      `plans held: ${generations.length} (generations ${generations[0]!}–${generations[generations.length - 1]!})`,
    );
  }
  if (targets.length === 0) human.push('targets: none registered (dns apply registers them)');
  else {
    const w = Math.max(6, ...targets.map((t) => t.id.length));
    human.push(`${'target'.padEnd(w)}  active  activated                 by`);
    for (const t of targets) {
      const upToDate = newest !== undefined && t.activeGeneration === newest.generation;
      human.push(
        `${t.id.padEnd(w)}  ${String(t.activeGeneration ?? '-').padEnd(6)}  ${iso(t.activatedAtMs).padEnd(24)}  ${(t.activatedBy ?? '-').padEnd(12)}  ${upToDate ? 'up to date' : 'behind'}`,
      );
    }
  }
  emit(
    ctx,
    {
      store: ctx.storeLabel,
      newest: planJson(newest),
      generations,
      targets: targets.map((t) => targetJson(t, newest)),
    },
    human,
  );
  return 0;
}

async function runHistory(ctx: Context): Promise<number> {
  const all: readonly AuditEntry[] = await ctx.store.readAudit(
    ctx.flags.target === undefined ? undefined : { target: ctx.flags.target },
  );
  const entries = all.slice(-ctx.flags.limit);
  const human =
    entries.length === 0
      ? ['the audit log is empty']
      : [
          ...(all.length > entries.length
            ? [`(the last ${entries.length} of ${all.length} entries; --limit N for more)`]
            : []),
          ...entries.map(formatAuditEntry),
        ];
  emit(ctx, { store: ctx.storeLabel, total: all.length, entries }, human);
  return 0;
}

async function runRollback(ctx: Context): Promise<number> {
  const to = ctx.flags.to!;
  let result;
  try {
    result = await rollback({
      store: ctx.store,
      to,
      actor: ctx.flags.actor,
      clock: systemClock,
      ...(ctx.flags.reason === undefined ? {} : { reason: ctx.flags.reason }),
    });
  } catch (e) {
    if (!isPlanNotFoundError(e)) throw e;
    const held = await ctx.store.listGenerations();
    throw new RollbackTargetMissing(
      `generation ${to} does not exist (never written, or deleted by the janitor); ` +
        (held.length === 0
          ? 'the store holds no plans'
          : `the store holds generations ${held.join(', ')}`),
    );
  }
  const human = [
    `wrote ${describePlan(result.plan)} with generation ${result.fromGeneration}'s content`,
  ];
  let json: Record<string, unknown> = {
    store: ctx.storeLabel,
    rollback: { fromGeneration: result.fromGeneration, plan: planJson(result.plan) },
  };
  let failed = false;
  if (ctx.flags.apply) {
    await registerTargets(ctx);
    const enacted = await enactAndClean(ctx);
    human.push(...enacted.human);
    json = { ...json, ...(enacted.json as object) };
    failed = enacted.failed;
  } else {
    human.push("not applied yet: run 'breakwater dns apply' (or rollback with --apply)");
  }
  emit(ctx, json, human);
  return failed ? 1 : 0;
}

class RollbackTargetMissing extends Error {}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------------------------------------
// check, serve, verify: dispatched to their own commands
// ---------------------------------------------------------------------------------------------

type Run = (argv: readonly string[], io: CommandIo) => Promise<number>;

/** The subcommands that live in their own files, the module and the function each exports. */
const DELEGATED = {
  check: { module: './dns-check.js', run: 'runDnsCheck', what: 'the checker' },
  serve: { module: './dns-serve.js', run: 'runDnsServe', what: 'the DNS server' },
  verify: { module: './dns-verify.js', run: 'runDnsVerify', what: 'the provider verifier' },
} as const;

async function delegate(
  sub: keyof typeof DELEGATED,
  argv: readonly string[],
  io: CommandIo,
): Promise<number> {
  const { module, run, what } = DELEGATED[sub];
  // A computed specifier: these commands ship separately (and load the heavy parts — the
  // simulator, the DNS server — only when asked for); what they export is checked here at run
  // time rather than at compile time.
  const specifier: string = module;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && messageOf(e).includes(module.slice(2, -3))) {
      io.stderr.write(`breakwater dns ${sub}: ${what} is not part of this build\n`);
      return 1;
    }
    throw e;
  }
  const fn = mod[run];
  if (typeof fn !== 'function') {
    io.stderr.write(`breakwater dns ${sub}: ${module} exports no ${run}\n`);
    return 1;
  }
  return (fn as Run)(argv, io);
}

// ---------------------------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------------------------

async function run(argv: readonly string[], io: CommandIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined) {
    throw new UsageError(
      `missing subcommand: one of ${SUBCOMMANDS.join(', ')} (see breakwater dns --help)`,
    );
  }
  if (!(SUBCOMMANDS as readonly string[]).includes(sub)) {
    throw new UsageError(`unknown subcommand '${sub}': one of ${SUBCOMMANDS.join(', ')}`);
  }
  if (sub === 'check' || sub === 'serve' || sub === 'verify') return delegate(sub, rest, io);
  const s = sub as Own;
  const flags = parseFlags(s, rest);
  const config = await readConfig(flags, io);
  const writes = s === 'apply' || s === 'rollback';
  let opened: { store: PlanStore; label: string; exists: boolean };
  try {
    opened = await openStore(storeSpec(flags, config, io), io, writes);
  } catch (e) {
    return fail(io, flags, s, e);
  }
  const ctx: Context = {
    io,
    flags,
    config,
    store: opened.store,
    storeLabel: opened.label,
    exists: opened.exists,
    rng: rngFor(),
  };
  try {
    switch (s) {
      case 'plan':
        return await runPlan(ctx);
      case 'apply':
        return await runApply(ctx);
      case 'status':
        return await runStatus(ctx);
      case 'history':
        return await runHistory(ctx);
      case 'rollback':
        return await runRollback(ctx);
    }
  } catch (e) {
    return fail(io, flags, s, e);
  } finally {
    await opened.store.close();
  }
}

/** A store failure: a clear message (no stack), exit 1; with --json also an error document. */
function fail(io: CommandIo, flags: Flags, sub: string, e: unknown): number {
  if (!(isDnsError(e) || e instanceof RollbackTargetMissing)) throw e;
  const code = (e as { code?: unknown }).code;
  const message = messageOf(e);
  io.stderr.write(`breakwater dns ${sub}: ${message}\n`);
  if (flags.json) {
    io.stdout.write(
      `${JSON.stringify({ error: { code: typeof code === 'string' ? code : 'BW_DNS_ROLLBACK_SOURCE_MISSING', message } }, null, 2)}\n`,
    );
  }
  return 1;
}

/** The `breakwater dns` command. */
export const dnsCommand: Command = {
  name: 'dns',
  summary: 'the phonebook: plan, apply, status, history, rollback, check (race-free DNS control)',
  help: HELP,
  run,
};
