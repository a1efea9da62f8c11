import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { totpFor, type TestUser } from './factories';
import { startTestApp, type TestApp } from './app';

/** Debian's Chromium (`apt-get install -y chromium`); never a browser downloaded by Playwright. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export interface TestBrowser {
  context: BrowserContext;
  /** A new tab with no cookies left from earlier tests (the context is shared by a whole file). */
  freshPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium with a profile of its own. Fails (never skips) when Chromium is missing,
 * so a machine without it cannot pass the browser tests by accident.
 */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run "apt-get update && apt-get install -y chromium".`);
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'vrp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS,
  });
  return {
    context,
    async freshPage() {
      await Promise.all(context.pages().map((p) => p.close()));
      await context.clearCookies();
      return context.newPage();
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Runs axe-core's WCAG 2.1 A/AA rules on the page; the failure lists each rule id and its targets. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  if (results.violations.length === 0) return;
  const lines = results.violations.map((v) =>
    `- ${v.id} (${v.impact ?? 'unknown'}): ${v.help}\n    ${v.nodes.map((n) => JSON.stringify(n.target)).join('\n    ')}`);
  throw new Error(`axe found ${results.violations.length} WCAG violation(s) on ${page.url()}:\n${lines.join('\n')}`);
}

/**
 * Collects what would show in the console as a page fault: CSP refusals (an inline script or style
 * slipped in) and uncaught script errors. Call before navigating; read `problems` afterwards.
 */
export function watchForPageProblems(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  return { problems };
}

/** True when the element matching `selector` has keyboard focus. */
export async function isFocused(page: Page, selector: string): Promise<boolean> {
  return page.evaluate(`Boolean(document.activeElement && document.activeElement.matches(${JSON.stringify(selector)}))`) as Promise<boolean>;
}

/** Presses Tab (only the keyboard, as a person would) until `selector` has focus. */
export async function tabTo(page: Page, selector: string, maxPresses = 40): Promise<void> {
  for (let i = 0; i < maxPresses; i += 1) {
    await page.keyboard.press('Tab');
    if (await isFocused(page, selector)) return;
  }
  throw new Error(`${maxPresses} presses of Tab never reached ${selector} on ${page.url()}`);
}

/** Signs in by filling the form (not a keyboard test): password, then the TOTP step for staff. */
export async function signIn(page: Page, baseUrl: string, user: TestUser): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.fill('#email', user.email);
  await page.fill('#password', user.password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/sign-in'), page.click('form[action="/sign-in"] button[type="submit"]')]);
  if (user.totpSecret && new URL(page.url()).pathname === '/sign-in/totp') {
    await page.fill('#code', totpFor(user));
    await Promise.all([page.waitForURL((u) => u.pathname !== '/sign-in/totp'), page.click('form[action="/sign-in/totp"] button[type="submit"]')]);
  }
}

/**
 * One listening app and one Chromium per test file: registers beforeAll/afterAll and hands both
 * to `use` once they are up.
 */
export function useAppInBrowser(use: (app: TestApp, browser: TestBrowser) => void): void {
  // Whole journeys through a real browser: on two cores shared with another test file (CI runs two
  // workers) one can take well over the 30 s default without anything being wrong.
  jest.setTimeout(90_000);
  let app: TestApp | undefined;
  let browser: TestBrowser | undefined;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ listen: true }), launchBrowser()]);
    use(app, browser);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });
}

/** Several people at once: one Chromium, a separate context (own cookies and session) per person. */
export interface PeopleBrowser {
  /** A tab in a new, empty browser context of its own, in US English (so date fields read mm/dd/yyyy). */
  newPerson(): Promise<Page>;
  close(): Promise<void>;
}

/** Starts headless Chromium for a journey across people; fails (never skips) when Chromium is missing. */
export async function launchPeopleBrowser(): Promise<PeopleBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: run "apt-get update && apt-get install -y chromium".`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  return {
    async newPerson() {
      const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
      return context.newPage();
    },
    async close() { await browser.close(); },
  };
}
