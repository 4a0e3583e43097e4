import { DatabaseSync } from 'node:sqlite';
import { expect } from 'chai';
import { connectRedis } from '@course/platform/redis';
import type { Redis } from '@course/platform/redis';
import { browserSuite, hasPanelOn, panelRowsOn } from '@course/platform/testing/browser';
import { stopServer } from '@course/platform/testing/processes';
import { redisOrSkip, sharedRedis } from '@course/platform/testing/redis';
import { createApp } from '../src/app.ts';
import { testDatabase } from './helpers/database.ts';
import { startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

// The state inspector as a learner sees it, in a real browser: the real server in
// development, its sessions in SQLite (the default) or in a real redis-server (REDIS_URL),
// and the app in production. (That the panel folds is the platform's, tested once in its
// own suite.)
describe('the state inspector in a real browser', function () {
  this.timeout(30_000); // starting processes on a busy machine can take a while
  const browser = browserSuite();
  let productionUrl: string;
  let inSqlite: Server;
  const started: Server[] = [];

  before(async () => {
    inSqlite = startServer({ NODE_ENV: 'development' });
    started.push(inSqlite);
    const production = createApp({ env: 'production', db: testDatabase(), keys: ['test key'] });
    productionUrl = await browser.serve(production);
  });
  // This file's servers only (even after a failure): the other files' may still be serving.
  after(() => Promise.all(started.map(stopServer)));

  // A visitor adds an item named with markup: the page after the redirect, the session's
  // id (what the cookie holds), the form's token and the panel's rows and HTML.
  async function addItem(home: string) {
    const { context, page } = browser;
    await page.goto(home);
    await page.getByLabel('Item').fill('<b>x</b>');
    await page.getByRole('button', { name: 'Add' }).click();
    // The redirect's page (the same URL): its message is there, then all of it has loaded.
    await page.getByRole('status').waitFor();
    await page.waitForLoadState('load');
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
    const rows = await panelRowsOn(page);
    return { id, rows };
  }

  describe('with the sessions in Redis', () => {
    let server: Server;
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
  });

  it('is not on the page in production', async () => {
    const { page } = browser;
    await page.goto(productionUrl);
    expect(await page.locator('h1').textContent()).to.equal('Hi Home View'); // the page itself
    expect(await hasPanelOn(page)).to.equal(false);
  });
});
