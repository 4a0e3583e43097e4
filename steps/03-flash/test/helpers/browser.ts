// A real browser for the tests that need one: Chromium driven by playwright-core.
// Playwright's own browser download is not used; point CHROMIUM_PATH at any Chromium
// or Chrome, or install Debian's (apt-get install chromium).
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

const candidates = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium', // Debian and Ubuntu packages
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe',
];
const executablePath = candidates.find((path) => path && existsSync(path));

let launched: Promise<Browser> | undefined;

// Call from a mocha `before` hook. Without a browser (or with SKIP_BROWSER=1, for a
// quick run) the suite is skipped and reported as pending, unless REQUIRE_BROWSER is
// set, as CI does: then a missing browser fails. Every suite shares one browser, and
// gets a context of its own from it (its own cookies): starting Chromium takes a while.
export async function launchBrowser(context: Mocha.Context): Promise<Browser> {
  if (!executablePath || (process.env.SKIP_BROWSER && !process.env.REQUIRE_BROWSER)) {
    if (process.env.REQUIRE_BROWSER) {
      throw new Error('REQUIRE_BROWSER is set but no Chromium was found; set CHROMIUM_PATH');
    }
    context.skip();
  }
  // Imported only when needed: loading playwright-core takes most of a second.
  launched ??= import('playwright-core').then(({ chromium }) =>
    chromium.launch({
      executablePath,
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
  return launched;
}

// A mocha root hook (this file is in .mocharc.json's "require"): the shared browser
// closes once, when the whole run is over.
export const mochaHooks = {
  async afterAll() {
    await (await launched)?.close();
  },
};
