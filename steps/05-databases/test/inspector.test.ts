import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../src/app.ts';
import { inFile, testDatabaseFile } from './helpers/database.ts';
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
  // Each with a database file of its own (deleted after the run).
  async function serve(env: string, db = testDatabaseFile().db) {
    const server = createApp({ env, db, keys: ['test key'] }).listen(0, '127.0.0.1');
    servers.push(server);
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }
  let development: string;
  let production: string;
  let databasePath: string;

  before(async function () {
    browser = await launchBrowser(this);
    context = await browser.newContext();
    const { db, path } = testDatabaseFile();
    databasePath = path;
    [development, production] = await Promise.all([
      serve('development', db),
      serve('production'),
    ]);
  });
  // Each test starts as a new visitor (the servers share the host 127.0.0.1, so its cookies).
  beforeEach(() => context?.clearCookies());
  after(async () => {
    await context?.close();
    for (const server of servers) server.close();
  });

  // The session cookie's size, as the browser keeps it (its signature is a cookie of its own).
  const cookieBytes = async () =>
    (await context.cookies(development))
      .filter(({ name }) => name === 'tutorial.session')
      .reduce((sum, { name, value }) => sum + Buffer.byteLength(`${name}=${value}`), 0);

  // The panel's rows, as the page shows them: what → [value, where, shared by, lasts].
  async function panelRows(page: Page) {
    const rows = new Map<string, string[]>();
    for (const row of await page.locator('.state-inspector tbody tr').all()) {
      const [what, ...rest] = await row.locator('th, td').allTextContents();
      rows.set(what, rest);
    }
    return rows;
  }

  it('names the site_counts and popular tables of the SQLite file as the home of visits and popular', async () => {
    const page = await context.newPage();
    await page.goto(development);
    await page.getByLabel('Item').fill('<b>x</b>');
    await Promise.all([
      page.waitForURL(development),
      page.getByRole('button', { name: 'Add' }).click(),
    ]);

    // The values the file holds, where the file holds them.
    const rows = await panelRows(page);
    const { visits, popular } = inFile(databasePath);
    expect(popular).to.deep.equal([{ item: '<b>x</b>', adds: 1 }]);
    expect(rows.get('visits')).to.include.members([
      String(visits),
      `the site_counts table of ${databasePath}`,
    ]);
    expect(rows.get('popular')).to.include.members([
      JSON.stringify(popular),
      `the popular table of ${databasePath}`,
    ]);
    // Shared by everyone: whoever visits, whichever worker serves.
    for (const what of ['visits', 'popular']) {
      expect(rows.get(what)?.[2]).to.match(/^every visitor/);
    }
    // The cart is still in the cookie; the item's markup is shown as text.
    const inCookie = `the cookie tutorial.session: ${await cookieBytes()} of 4,096 bytes; signed (tutorial.session.sig), not encrypted`;
    expect(rows.get('ctx.session.items')?.slice(0, 2)).to.deep.equal([
      '["<b>x</b>"]',
      inCookie,
    ]);
    expect(await page.locator('.state-inspector b').count()).to.equal(0);
    // No secret in the panel: not the form's token, not the cookie.
    const token = await page.locator('input[name="_csrf"]').inputValue();
    const panel = await page.locator('.state-inspector').innerHTML();
    for (const secret of [token, ...(await context.cookies(development)).map((c) => c.value)]) {
      expect(panel).not.to.contain(secret);
    }
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
    expect(await page.locator('h1').textContent()).to.equal('Hi Home View'); // the page itself
    expect(await page.locator('.state-inspector').count()).to.equal(0);
    await page.close();
  });
});
