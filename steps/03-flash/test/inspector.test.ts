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

  it('names the flash messages shown, and the cart and the CSRF token in the cookie', async () => {
    const page = await context.newPage();
    await page.goto(development);
    const token = await page.locator('input[name="_csrf"]').inputValue();
    await page.getByLabel('Item').fill('<b>x</b>');
    await Promise.all([
      page.waitForURL(development),
      page.getByRole('button', { name: 'Add' }).click(),
    ]);

    const rows = await panelRows(page);
    const message = 'Added “<b>x</b>” to your cart.';
    // The messages were in the session until this page took them out.
    const [value, where, who] = rows.get('flash')!;
    expect(value).to.equal(JSON.stringify({ error: [], info: [message] }));
    expect([where, who]).to.deep.equal(['the session', 'this visitor']);
    // The cart and the token live in the cookie, its size as the browser keeps it.
    const cookies = await context.cookies(development);
    const bytes = cookies
      .filter(({ name }) => name === 'tutorial.session')
      .reduce((sum, { name, value }) => sum + Buffer.byteLength(`${name}=${value}`), 0);
    const inCookie = [
      `the cookie tutorial.session: ${bytes} of 4,096 bytes; signed (tutorial.session.sig), not encrypted`,
      'this visitor',
      'up to 24 h after its last change',
    ];
    expect(rows.get('ctx.session.items')).to.deep.equal(['["<b>x</b>"]', ...inCookie]);
    expect(rows.get('ctx.session.csrf')).to.deep.equal([
      `"${token.slice(0, 8)}…"`,
      ...inCookie,
    ]);
    // No secret in the panel (not the token, not the cookie), and no markup from a value.
    const panel = await page.locator('.state-inspector').innerHTML();
    for (const secret of [token, ...cookies.map(({ value }) => value)]) {
      expect(panel).not.to.contain(secret);
    }
    expect(panel).to.contain('&lt;b&gt;x&lt;/b&gt;');
    expect(await page.locator('.state-inspector b').count()).to.equal(0);

    // Shown once: the next page has no message, and no flash in its panel.
    await page.reload();
    expect((await panelRows(page)).has('flash')).to.equal(false);
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
