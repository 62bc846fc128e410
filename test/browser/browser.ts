import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); never a browser downloaded by a tool. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(process.cwd(), 'test-artifacts');

/**
 * Whether the browser tests can run here. Without Chromium they are skipped with a message, except in
 * CI (CI=true), where a missing browser fails the run: `.ci/run` installs it.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) {
    return true;
  }
  if (process.env.CI === 'true') {
    throw new Error(`${CHROMIUM_PATH} is missing in CI; .ci/run installs Debian's chromium when it is absent`);
  }
  process.stderr.write(
    `\nBrowser tests SKIPPED: ${CHROMIUM_PATH} is not installed (apt-get install -y chromium, or set CHROMIUM_PATH).\n\n`,
  );
  return false;
}

/** `describe` for a browser suite, or `describe.skip` with the reason in its title when Chromium is absent. */
export function describeInBrowser(title: string, suite: () => void): void {
  if (chromiumAvailable()) {
    describe(title, suite);
  } else {
    describe.skip(`${title} (SKIPPED: ${CHROMIUM_PATH} is not installed)`, suite);
  }
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors, minus the browser's own log of non-2xx responses. */
  problems: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile in a temp dir; `extraArgs` e.g. `--host-resolver-rules=...`. */
export async function launchBrowser(extraArgs: string[] = []): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'tessera-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
  context.setDefaultTimeout(20000);
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('console', (msg) => {
    // Chromium logs every 4xx answer as a console error; refusals are part of these tests.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
      problems.push(msg.text());
    }
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return {
    context,
    page,
    problems,
    async screenshot(name) {
      const path = join(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Evaluates a JavaScript expression in the page. The tests pass page-side code as strings: they are
 * type-checked against Node's types, which have no DOM.
 */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/**
 * The hooks every browser suite registers: after each test, no CSP violation, failed module or uncaught
 * error on any page; after the suite, the browser and the app closed. `current` reads the suite's own
 * variables, which its beforeAll sets.
 */
export function closeAndCheckPages(current: () => { browser?: BrowserSession; app?: { cleanup(): Promise<void> } }): void {
  afterAll(async () => {
    const { browser, app } = current();
    await browser?.close();
    await app?.cleanup();
  });
  afterEach(() => {
    expect(current().browser?.problems).toEqual([]);
  });
}

/**
 * Polls `read` from the test until `done` holds (or `ms` pass) and returns the last value, for the caller to
 * assert. Page.waitForFunction would compile its predicate inside the page, which the dashboard's CSP refuses.
 */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 5000): Promise<T> {
  let value = await read();
  for (const until = Date.now() + ms; !done(value) && Date.now() < until; value = await read()) {
    await new Promise((r) => setTimeout(r, 25));
  }
  return value;
}

/** The focused element's tag, id and text. */
export function focused(page: Page): Promise<{ tag: string; id: string; text: string }> {
  return inPage(page, '({ tag: document.activeElement.tagName, id: document.activeElement.id, text: document.activeElement.textContent })');
}

/** Every form control on the page that has no accessible label (none expected). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return inPage(
    page,
    `[...document.querySelectorAll('input, select, textarea')]
      .filter((c) => c.type !== 'hidden')
      .filter((c) => (c.labels?.length ?? 0) === 0 && !c.getAttribute('aria-label') && !c.getAttribute('aria-labelledby'))
      .map((c) => c.outerHTML.slice(0, 120))`,
  );
}

/** Signs in on the dashboard's form with a client's credentials and waits for the first page. */
export async function signIn(page: Page, baseUrl: string, clientId: string, clientSecret: string): Promise<void> {
  await page.goto(`${baseUrl}/dashboard/apis`);
  await page.getByLabel('Client ID', { exact: true }).fill(clientId);
  await page.getByLabel('Client secret', { exact: true }).fill(clientSecret);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'APIs' }).waitFor();
}
