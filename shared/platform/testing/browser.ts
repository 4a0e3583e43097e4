// A real browser for the steps' tests that need one (@course/platform/testing/browser):
// Chromium driven by playwright-core. Playwright's own browser download is not used;
// point CHROMIUM_PATH at any Chromium or Chrome, or install Debian's (apt-get install
// chromium).
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { Browser, BrowserContext, Page } from 'playwright-core';

// An environment switch: unset, empty, `0`, `false` or `no` mean no.
const on = (name: string) => !/^(|0|false|no)$/i.test(process.env[name]?.trim() ?? '');

// CHROMIUM_PATH, when set, must name a browser that exists: a typo should not quietly
// fall back to another browser, or skip the tests.
const chosen = process.env.CHROMIUM_PATH;
if (chosen && !existsSync(chosen)) {
  throw new Error(
    `CHROMIUM_PATH is set to ${chosen}, which does not exist; fix it or unset it`,
  );
}
const candidates = [
  chosen,
  '/usr/bin/chromium', // Debian and Ubuntu packages
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];
// The browser found (also for shared/tools/screenshots.ts), or undefined.
export const executablePath = candidates.find((path) => path && existsSync(path));

let launched: Promise<Browser> | undefined;
const LAUNCH_TIMEOUT = 20_000; // ms: Chromium starts in 1-3 s, even on a busy machine

// Without a browser (or with SKIP_BROWSER=1, for a quick run) the browser tests are
// skipped, unless REQUIRE_BROWSER is set, as CI does: then a missing browser fails.
const wanted = () => !!executablePath && (!on('SKIP_BROWSER') || on('REQUIRE_BROWSER'));

// Every suite shares one browser, started once: starting Chromium takes a while.
export function launch(): Promise<Browser> {
  // Imported only when needed: loading playwright-core takes most of a second.
  launched ??= import('playwright-core').then(({ chromium }) =>
    chromium.launch({
      executablePath,
      // A browser that has not started by then is killed, and the tests that need it
      // fail, instead of the run waiting for it (Playwright's default is 3 minutes).
      timeout: LAUNCH_TIMEOUT,
      // Headless, no sandbox (tests may run as root), and no calls home to Google.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    }),
  );
  // A failed launch is reported by the suites that wait for it, not as unhandled.
  launched.catch(() => {});
  return launched;
}

// Call at the top of a test file that uses the browser: Chromium then starts as mocha
// loads the files, and boots while the other files' tests run, instead of in the
// browser suite's `before` hook. Does nothing when the browser tests will not run.
export function startBrowser() {
  if (wanted()) void launch();
}

// Call from a mocha `before` hook: the shared browser, once it has started. Without one,
// the suite is skipped and reported as pending, or fails with REQUIRE_BROWSER (above).
// Each suite gets a context of its own from it (its own cookies).
export async function launchBrowser(context: Mocha.Context): Promise<Browser> {
  if (!wanted()) {
    if (on('REQUIRE_BROWSER')) {
      throw new Error('REQUIRE_BROWSER is set but no Chromium was found; set CHROMIUM_PATH');
    }
    context.skip();
  }
  return launch();
}

// Call in a `describe`: the shared browser (started at once, as mocha loads the file,
// like startBrowser), with a context of the suite's own and one tab in it, and the apps
// the suite serves, all closed after the suite, whether its tests passed or failed.
// Before each test the cookies are cleared and the tab shows a blank page: each test is a
// new visitor. (One tab for the suite: a new context and tab for each test would cost a
// third of a second more a test.)
export function browserSuite() {
  startBrowser();
  const servers: Server[] = [];
  const suite = {
    context: undefined as unknown as BrowserContext,
    page: undefined as unknown as Page,
    // An app on a free port of 127.0.0.1: its home page's address.
    async serve(app: Koa) {
      const server = app.listen(0, '127.0.0.1');
      servers.push(server);
      await once(server, 'listening');
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    },
    // The bytes of cookie `name` as the browser keeps it for `url` (`name=value`; a
    // signature is a cookie of its own, not counted).
    async cookieBytes(url: string, name: string) {
      const cookie = (await suite.context.cookies(url)).find((c) => c.name === name);
      return cookie ? Buffer.byteLength(`${cookie.name}=${cookie.value}`) : 0;
    },
  };
  before(async function () {
    suite.context = await (await launchBrowser(this)).newContext();
  });
  beforeEach(async () => {
    if (!suite.context) return; // no browser: the suite is skipped
    await suite.context.clearCookies();
    // A tab that a test closed, or that crashed, is replaced.
    if (!suite.page || suite.page.isClosed()) suite.page = await suite.context.newPage();
    await suite.page.goto('about:blank');
  });
  after(async () => {
    await suite.context?.close();
    for (const server of servers) server.close();
  });
  return suite;
}

// The state inspector's rows as the page shows them: what → [value, where, who, lasts].
export async function panelRowsOn(page: Page) {
  const rows = new Map<string, string[]>();
  for (const row of await page.locator('.state-inspector tbody tr').all()) {
    const [what, ...rest] = await row.locator('th, td').allTextContents();
    rows.set(what, rest);
  }
  return rows;
}

export const hasPanelOn = async (page: Page) =>
  (await page.locator('.state-inspector').count()) > 0;

// A mocha root hook (this file is in .mocharc.json's "require"): the shared browser
// closes once, when the whole run is over. A launch still under way is waited for (at
// most LAUNCH_TIMEOUT). One that failed has already failed its tests, but Playwright
// then waits 30 s for the stalled browser to close before it kills it: instead, the
// process exits a second after mocha is done (with mocha's exit code), and Playwright's
// own 'exit' handler kills the browser.
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(LAUNCH_TIMEOUT + 5_000);
    await launched?.then(
      (browser) => browser.close(),
      () => setTimeout(() => process.exit(), 1_000).unref(),
    );
  },
};
