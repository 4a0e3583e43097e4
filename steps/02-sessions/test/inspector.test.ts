import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../src/app.ts';
import { launchBrowser, startBrowser } from '@course/platform/testing/browser';

// Chromium starts now, as mocha loads this file, and boots while the other files' tests run.
startBrowser();

// The state inspector as a learner sees it: the app in development, in a real browser.
describe('the state inspector in a real browser', function () {
  this.timeout(30_000);
  let browser: Browser;
  let context: BrowserContext;
  const servers: Server[] = [];

  // The app, built for `env`, on a free port: its home page's address.
  async function serve(env: string) {
    const server = createApp({ env, keys: ['test key'] }).listen(0, '127.0.0.1');
    servers.push(server);
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }
  let development: string;
  let production: string;

  before(async function () {
    browser = await launchBrowser(this);
    context = await browser.newContext();
    [development, production] = await Promise.all([serve('development'), serve('production')]);
  });
  // Each test starts as a new visitor (the servers share the host 127.0.0.1, so its cookies).
  beforeEach(() => context?.clearCookies());
  after(async () => {
    await context?.close();
    for (const server of servers) server.close();
  });

  // The panel's rows, as the page shows them: what → [value, where, shared by, lasts].
  async function panelRows(page: Page) {
    const rows = new Map<string, string[]>();
    for (const row of await page.locator('.state-inspector tbody tr').all()) {
      const [what, ...rest] = await row.locator('th, td').allTextContents();
      rows.set(what, rest);
    }
    return rows;
  }

  it('names the cookie tutorial.session, with its size, as the home of the count', async () => {
    const page = await context.newPage();
    await page.goto(development);
    await page.reload();
    expect(await page.locator('.count').textContent()).to.equal('Count: 2');

    const [value, where, who, lasts] = (await panelRows(page)).get('ctx.session.counter')!;
    expect([value, who, lasts]).to.deep.equal([
      '2',
      'this visitor',
      'up to 24 h after its last change',
    ]);
    // Its size: the bytes of the session cookie as the browser keeps it (its signature is
    // a cookie of its own, with a limit of its own).
    const cookies = await context.cookies(development);
    const bytes = cookies
      .filter(({ name }) => name === 'tutorial.session')
      .reduce((sum, { name, value }) => sum + Buffer.byteLength(`${name}=${value}`), 0);
    expect(cookies.map(({ name }) => name).sort()).to.deep.equal([
      'tutorial.session',
      'tutorial.session.sig',
    ]);
    expect(where).to.equal(
      `the cookie tutorial.session: ${bytes} of 4,096 bytes; signed (tutorial.session.sig), not encrypted`,
    );
    expect(await page.locator('.state-inspector p').textContent()).to.equal(
      `Served by process ${process.pid}, the only one.`,
    );
    // Neither the cookie nor its signature is shown.
    const panel = await page.locator('.state-inspector').innerHTML();
    for (const { value } of cookies) expect(panel).not.to.contain(value);
    await page.close();
  });

  it('folds when its summary is clicked', async () => {
    const page = await context.newPage();
    await page.goto(development);
    const table = page.locator('.state-inspector table');
    expect(await table.isVisible()).to.equal(true);
    await page.locator('.state-inspector summary').click();
    expect(await page.locator('details.state-inspector[open]').count()).to.equal(0);
    expect(await table.isVisible()).to.equal(false);
    await page.close();
  });

  it('is not on the page in production', async () => {
    const page = await context.newPage();
    await page.goto(production);
    expect(await page.locator('.count').count()).to.equal(1); // the page itself is there
    expect(await page.locator('.state-inspector').count()).to.equal(0);
    await page.close();
  });
});
