/**
 * @module
 * Headless Chromium for the tests that check an HTML report really draws. Shared by every
 * report (graph, simulator, status page): {@link withPage} opens a fresh page in a fresh
 * profile, {@link screenshot} saves what it shows.
 *
 * Why Debian's `chromium` and not Playwright's download: the package is signed, cached by apt and
 * the same build every report test sees; `playwright-core` only drives it (it bundles no
 * browser). The first use installs it when `/usr/bin/chromium` is missing, under `flock` so that
 * test files running in parallel processes do not race for dpkg's lock.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Flags for a quiet, reproducible headless run: no GPU, no sandbox (tests run as root in
 * containers), and none of the background traffic (component updates, sync, QUIC probes) that
 * would make a "no network" check meaningless.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const INSTALL_LOCK = join(tmpdir(), 'breakwater-chromium-install.lock');

/**
 * Makes sure Chromium is installed and returns its path. Installs Debian's `chromium` with
 * `apt-get update` then `apt-get install -y chromium` when it is missing (once: the check is
 * repeated inside the lock). Throws when the installation fails.
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  process.stderr.write(
    `test/support/browser: ${CHROMIUM_PATH} is missing; installing Debian's chromium ` +
      `(apt-get update && apt-get install -y chromium) — this happens once\n`,
  );
  const script =
    `test -x ${CHROMIUM_PATH} || ` +
    `(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)`;
  const res = spawnSync('flock', [INSTALL_LOCK, 'sh', '-c', script], {
    // apt's progress goes to stderr too: stdout may be a test runner's TAP stream.
    stdio: ['ignore', 2, 2],
  });
  if (res.error !== undefined || res.status !== 0 || !existsSync(CHROMIUM_PATH)) {
    const why = res.error !== undefined ? res.error.message : `exit code ${String(res.status)}`;
    throw new Error(
      `could not install chromium (${why}); install it with: apt-get install chromium`,
    );
  }
  process.stderr.write(`test/support/browser: installed ${CHROMIUM_PATH}\n`);
  return CHROMIUM_PATH;
}

/** What went wrong or out while a page was open; filled in as it happens. */
export interface PageDiagnostics {
  /** Uncaught exceptions and `console.error` messages of the page. */
  readonly errors: string[];
  /** Every request the page made to a network scheme (http, https, ws, wss). */
  readonly networkRequests: string[];
}

/** Options of {@link withPage}. */
export interface WithPageOptions {
  /** Viewport size in CSS pixels; 1280×900 by default. */
  readonly viewport?: { readonly width: number; readonly height: number };
}

/**
 * Launches Chromium with a fresh `--user-data-dir` (a new temporary profile, removed afterwards),
 * opens one page, runs `fn` with it and closes everything, also when `fn` throws.
 */
export async function withPage<T>(
  fn: (page: Page, diagnostics: PageDiagnostics) => Promise<T>,
  options: WithPageOptions = {},
): Promise<T> {
  const executablePath = ensureChromium();
  const userDataDir = mkdtempSync(join(tmpdir(), 'breakwater-chromium-'));
  // launchPersistentContext is Playwright's way to pass --user-data-dir: it refuses the flag in
  // `args` and takes the directory as its first argument instead.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: options.viewport ?? { width: 1280, height: 900 },
  });
  const diagnostics: PageDiagnostics = { errors: [], networkRequests: [] };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => diagnostics.errors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') diagnostics.errors.push(`console.error: ${msg.text()}`);
    });
    page.on('request', (req) => {
      if (/^(https?|wss?):/i.test(req.url())) diagnostics.networkRequests.push(req.url());
    });
    return await fn(page, diagnostics);
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

/** Saves a full-page PNG of `page` at `path`, creating the folder when needed. */
export async function screenshot(page: Page, path: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
}
