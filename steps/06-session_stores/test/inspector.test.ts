import { once } from 'node:events';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabaseSync } from 'node:sqlite';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { connectRedis } from '@course/platform/redis';
import type { Redis } from '@course/platform/redis';
import { launchBrowser, startBrowser } from '@course/platform/testing/browser';
import { redisOrSkip, sharedRedis } from '@course/platform/testing/redis';
import { createApp } from '../src/app.ts';
import { testDatabase } from './helpers/database.ts';
import { startServer } from './helpers/server.ts';
import type { Server as Process } from './helpers/server.ts';

// Chromium starts now, as mocha loads this file, and boots while the other files' tests run.
startBrowser();

// Ends one of this file's servers, workers included (its process group), and no other:
// the other test files' servers may still be serving. (Should the run stop first, the
// test helpers end every server anyway.)
async function stop({ child, exited }: Process) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (process.platform === 'win32') child.kill('SIGKILL');
  else process.kill(-child.pid!, 'SIGKILL');
  await exited;
}

// The state inspector as a learner sees it, in a real browser: the real server in
// development, its sessions in SQLite (the default) or in a real redis-server (REDIS_URL),
// and the app in production.
describe('the state inspector in a real browser', function () {
  this.timeout(30_000); // starting processes on a busy machine can take a while
  let browser: Browser;
  let context: BrowserContext;
  let production: HttpServer;
  let productionUrl: string;
  let inSqlite: Process;
  const started: Process[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    context = await browser.newContext();
    inSqlite = startServer({ NODE_ENV: 'development' });
    started.push(inSqlite);
    production = createApp({
      env: 'production',
      db: testDatabase(),
      keys: ['test key'],
    }).listen(0, '127.0.0.1');
    await once(production, 'listening');
    productionUrl = `http://127.0.0.1:${(production.address() as AddressInfo).port}/`;
  });
  // Each test starts as a new visitor (the servers share a host, so its cookies).
  beforeEach(() => context?.clearCookies());
  after(async () => {
    await context?.close();
    production?.close();
    await Promise.all(started.map(stop)); // even after a failure
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

  // A visitor adds an item named with markup: the page after the redirect, the session's
  // id (what the cookie holds), the form's token and the panel's rows and HTML.
  async function addItem(home: string) {
    const page = await context.newPage();
    await page.goto(home);
    await page.getByLabel('Item').fill('<b>x</b>');
    await Promise.all([
      page.waitForURL(home),
      page.getByRole('button', { name: 'Add' }).click(),
    ]);
    expect(await page.locator('#cart li').allTextContents()).to.deep.equal(['<b>x</b>']);
    const cookie = (await context.cookies(home)).find(
      ({ name }) => name === 'tutorial.session',
    );
    const id = cookie?.value ?? '';
    const token = await page.locator('input[name="_csrf"]').first().inputValue();
    const panel = await page.locator('.state-inspector').innerHTML();
    // Never a secret (the id, the token), never a value's markup.
    for (const secret of [id, token]) expect(panel).not.to.contain(secret);
    expect(await page.locator('.state-inspector b').count()).to.equal(0);
    const rows = await panelRows(page);
    await page.close();
    return { id, rows };
  }

  describe('with the sessions in Redis', () => {
    let server: Process;
    let client: Redis;
    before(async function () {
      redisOrSkip(this);
      const redis = await sharedRedis();
      server = startServer({ NODE_ENV: 'development', REDIS_URL: redis.url });
      started.push(server);
      client = await connectRedis(redis.url);
    });
    after(() => client?.destroy());

    it('names the Redis key of the session, with a TTL, and the Redis list of the cart', async () => {
      const { id, rows } = await addItem(await server.url());
      const key = `session:${id.slice(0, 8)}…`;
      const [count, where] = rows.get('ctx.session.counter')!;
      expect(count).to.equal('2');
      expect(where).to.match(
        new RegExp(
          `^the Redis key ${key}, with a TTL; its id in the cookie tutorial\\.session`,
        ),
      );
      expect(rows.get('cart')?.slice(0, 2)).to.deep.equal([
        '["<b>x</b>"]',
        `the Redis list ${key}:cart, with a TTL`,
      ]);
      // Where Redis holds them, expiring.
      expect(await client.pTTL(`session:${id}`)).to.be.above(0);
      expect(await client.pTTL(`session:${id}:cart`)).to.be.above(0);
      expect(await client.lRange(`session:${id}:cart`, 0, -1)).to.deep.equal(['<b>x</b>']);
    });
  });

  describe('with the sessions in SQLite', () => {
    it('names the sessions row and the cart_items rows of the session', async () => {
      const { id, rows } = await addItem(await inSqlite.url());
      const [count, where] = rows.get('ctx.session.counter')!;
      expect(count).to.equal('2');
      expect(where).to.match(
        new RegExp(`^the sessions row of ${id.slice(0, 8)}…, in SQLite; its id in the cookie`),
      );
      expect(rows.get('cart')?.slice(0, 2)).to.deep.equal([
        '["<b>x</b>"]',
        `the cart_items rows of ${id.slice(0, 8)}…, in SQLite`,
      ]);
      // Where the file holds them.
      const db = new DatabaseSync(inSqlite.databasePath, { readOnly: true });
      try {
        expect(
          db.prepare('SELECT count(*) AS n FROM sessions WHERE id = ?').get(id),
        ).to.deep.equal({ n: 1 });
        expect(
          db.prepare('SELECT item FROM cart_items WHERE session_id = ?').all(id),
        ).to.deep.equal([{ item: '<b>x</b>' }]);
      } finally {
        db.close();
      }
    });

    it('folds when its summary is clicked', async () => {
      const page = await context.newPage();
      await page.goto(await inSqlite.url());
      const table = page.locator('.state-inspector table');
      expect(await table.isVisible()).to.equal(true);
      await page.locator('.state-inspector summary').click();
      expect(await page.locator('details.state-inspector[open]').count()).to.equal(0);
      expect(await table.isVisible()).to.equal(false);
      await page.close();
    });
  });

  it('is not on the page in production', async () => {
    const page = await context.newPage();
    await page.goto(productionUrl);
    expect(await page.locator('h1').textContent()).to.equal('Hi Home View'); // the page itself
    expect(await page.locator('.state-inspector').count()).to.equal(0);
    await page.close();
  });
});
