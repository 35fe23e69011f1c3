// Headless Chromium for a browser test file: Debian's /usr/bin/chromium driven by
// playwright-core, one page that may only talk to the app (no web fonts, no CDNs), with its
// page errors, CSP refusals and dialogs collected for the test to assert on, and screenshots
// into test/e2e/screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = path.resolve('test/e2e/screenshots');
/** Where a screenshot named `name` goes (for another page of the context: a popup, an element). */
export const screenshotPath = (name: string) => path.join(SCREENSHOTS, `${name}.png`);

export type BrowserPage = {
  readonly page: Page;
  readonly pageErrors: string[];
  readonly refusedByCsp: string[];
  readonly dialogs: string[];
  /** a full-page screenshot, test/e2e/screenshots/<name>.png */
  shot(name: string): Promise<Buffer>;
  /** signs in to the panel at `base` through its login page */
  signIn(base: string, email: string, password: string): Promise<void>;
};

/**
 * The file's browser page: launched in beforeAll, closed in afterAll. `viewport` sets the window
 * a page is laid out in (a full-page screenshot is never shorter than it).
 */
export function useBrowserPage({ viewport = { width: 1400, height: 1600 } }: { viewport?: { width: number; height: number } } = {}): BrowserPage {
  let browser: Browser | undefined;
  let page: Page | undefined;
  const pageErrors: string[] = [];
  const refusedByCsp: string[] = [];
  const dialogs: string[] = [];
  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run test/e2e/install-chromium.sh first`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
    const context = await browser.newContext({ viewport });
    await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (message) => void (/Content Security Policy/i.test(message.text()) && refusedByCsp.push(message.text())));
    page.on('dialog', (dialog) => void (dialogs.push(dialog.message()), dialog.dismiss()));
  });
  afterAll(async () => {
    await browser?.close();
  });
  const ready = () => {
    if (!page) throw new Error('useBrowserPage: the page is made in beforeAll');
    return page;
  };
  return {
    get page() {
      return ready();
    },
    pageErrors,
    refusedByCsp,
    dialogs,
    shot: (name) => ready().screenshot({ path: screenshotPath(name), fullPage: true }),
    async signIn(base, email, password) {
      // the login button is not type=submit: click it by its text
      const p = ready();
      await p.goto(`${base}/admin`);
      await p.waitForURL(`${base}/admin/login`);
      await p.fill('input[name=email]', email);
      await p.fill('input[name=password]', password);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await p.waitForURL(`${base}/admin`);
    },
  };
}
