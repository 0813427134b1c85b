/**
 * @module
 * The static export: the page rendered to a self-contained site (`index.html`, `summary.json`,
 * `status.json`, `badge/<id>.svg`) and published to places that do not share the status
 * server's fate — a directory (served by any web server or bucket), a git remote (committed
 * and pushed, as pages-on-git hosting expects) or a command the operator names (it gets the
 * site's directory in `BREAKWATER_EXPORT_DIR`). When the server is gone, the last export keeps
 * telling readers what it last knew — and, with its tiny script, how old that is.
 *
 * Publishing is serialised and coalesced: a change while a publish runs marks the export dirty
 * and one more publish follows with the latest snapshot; a burst of changes costs two.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EventEmitter } from '../core/events.js';
import type { Event } from '../core/events.js';
import type { ExportTarget } from './config.js';
import { statusBadge } from './render/badge.js';
import { renderStatusPage } from './render/status-page.js';
import { statusJson, summaryJson } from './render/summary-json.js';
import type { StatusSnapshot } from './status-snapshot.js';

const run = promisify(execFile);

/** The files of the static site, path → content. */
export function renderStaticSite(s: StatusSnapshot): Map<string, string> {
  const files = new Map<string, string>();
  files.set('index.html', renderStatusPage(s, { exported: true }));
  files.set('summary.json', JSON.stringify(summaryJson(s), null, 2));
  files.set('status.json', JSON.stringify(statusJson(s), null, 2));
  files.set('api/v2/summary.json', JSON.stringify(summaryJson(s)));
  files.set('api/v2/status.json', JSON.stringify(statusJson(s)));
  for (const m of s.monitors) files.set(`badge/${m.id}.svg`, statusBadge(m.name, m.status));
  return files;
}

/** Writes `files` into `dir` (created if needed); each file atomically (temp + rename). */
export async function writeStaticSite(
  dir: string,
  files: ReadonlyMap<string, string>,
): Promise<void> {
  for (const [path, content] of files) {
    const full = join(dir, path);
    await mkdir(join(full, '..'), { recursive: true });
    const tmp = `${full}.tmp-${process.pid}`;
    await writeFile(tmp, content);
    await rename(tmp, full);
  }
}

/** Payload of {@link StaticExporter.onPublish}. */
export interface PublishEvent {
  readonly target: ExportTarget;
  readonly ok: boolean;
  readonly error?: string;
}

/** Options of {@link StaticExporter}. */
export interface StaticExporterOptions {
  readonly targets: readonly ExportTarget[];
  /** Where git working copies live. Default: a fresh temp dir. */
  readonly workDir?: string;
}

/** Publishes snapshots to every target. */
export class StaticExporter {
  readonly #targets: readonly ExportTarget[];
  readonly #workDirOption: string | undefined;
  #workDir: string | undefined;
  #running: Promise<void> | undefined;
  #pending: StatusSnapshot | undefined;
  #seq = 0;
  readonly #published = new EventEmitter<PublishEvent>();

  /** After each target's publish (errors are reported here, never thrown). */
  readonly onPublish: Event<PublishEvent> = this.#published.event;

  constructor(options: StaticExporterOptions) {
    if (!Array.isArray(options?.targets))
      throw new TypeError('StaticExporter: targets must be an array');
    this.#targets = options.targets;
    this.#workDirOption = options.workDir;
  }

  /** Schedules a publish of `snapshot`; resolves when it (or a later one) is out. */
  publish(snapshot: StatusSnapshot): Promise<void> {
    this.#pending = snapshot;
    if (this.#running === undefined) {
      this.#running = this.#drain().finally(() => {
        this.#running = undefined;
      });
    }
    return this.#running;
  }

  /** Resolves when nothing is being published. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  async #drain(): Promise<void> {
    while (this.#pending !== undefined) {
      const s = this.#pending;
      this.#pending = undefined;
      const files = renderStaticSite(s);
      for (const t of this.#targets) {
        try {
          await this.#publishTo(t, files, s);
          this.#published.emit({ target: t, ok: true });
        } catch (e) {
          this.#published.emit({ target: t, ok: false, error: (e as Error).message });
        }
      }
    }
  }

  async #dir(): Promise<string> {
    this.#workDir ??= this.#workDirOption ?? (await mkdtemp(join(tmpdir(), 'breakwater-export-')));
    return this.#workDir;
  }

  async #publishTo(
    t: ExportTarget,
    files: ReadonlyMap<string, string>,
    s: StatusSnapshot,
  ): Promise<void> {
    if (t.kind === 'dir') {
      await writeStaticSite(t.path, files);
      return;
    }
    const base = await this.#dir();
    if (t.kind === 'command') {
      const dir = join(base, `site-${++this.#seq}`);
      await writeStaticSite(dir, files);
      try {
        await run('sh', ['-c', t.command], {
          env: { ...process.env, BREAKWATER_EXPORT_DIR: dir },
          timeout: 120_000,
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      return;
    }
    const repo = join(base, `git-${safeName(t.remote)}`);
    const git = (...args: string[]): Promise<{ stdout: string }> =>
      run(
        'git',
        [
          '-C',
          repo,
          '-c',
          'user.name=breakwater status',
          '-c',
          'user.email=status@breakwater.invalid',
          ...args,
        ],
        {
          timeout: 120_000,
        },
      );
    let exists = true;
    try {
      await readdir(join(repo, '.git'));
    } catch {
      exists = false;
    }
    if (!exists) {
      await mkdir(repo, { recursive: true });
      await git('init', '-q', '-b', t.branch);
      await git('remote', 'add', 'origin', t.remote);
      try {
        await git('fetch', '-q', 'origin', t.branch);
        await git('reset', '-q', '--hard', `origin/${t.branch}`);
      } catch {
        // An empty remote (first publish): nothing to start from.
      }
    }
    await writeStaticSite(repo, files);
    await git('add', '-A');
    const { stdout } = await git('status', '--porcelain');
    if (stdout.trim() === '') return;
    await git(
      'commit',
      '-q',
      '-m',
      `status: ${s.description} (${new Date(s.generatedMs).toISOString()})`,
    );
    await git('push', '-q', 'origin', `HEAD:refs/heads/${t.branch}`);
  }
}

function safeName(s: string): string {
  return s.replace(/[^a-z0-9]+/gi, '_').slice(-60);
}
