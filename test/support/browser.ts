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
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Page } from 'playwright-core';
import { ensureDebianPackages } from './debian.js';

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

/**
 * Makes sure Chromium is installed and returns its path: Debian's `chromium`, installed (once,
 * under the shared apt lock) when it is missing. Throws when the installation fails.
 */
export function ensureChromium(): string {
  ensureDebianPackages('test/support/browser', [{ path: CHROMIUM_PATH, pkg: 'chromium' }]);
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
