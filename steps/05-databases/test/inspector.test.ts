import { expect } from 'chai';
import { browserSuite, hasPanelOn, panelRowsOn } from '@course/platform/testing/browser';
import { createApp } from '../src/app.ts';
import { inFile, testDatabaseFile } from './helpers/database.ts';

// The state inspector as a learner sees it: the app in development, in a real browser.
// (That the panel folds is the platform's, tested once in its own suite.)
describe('the state inspector in a real browser', function () {
  this.timeout(30_000);
  const browser = browserSuite();
  // The app, built for `env`, on a free port, with a database file of its own (deleted
  // after the run): its home page's address, and the file's path.
  async function serve(env: string) {
    const { db, path } = testDatabaseFile();
    return { url: await browser.serve(createApp({ env, db, keys: ['test key'] })), path };
  }

  it('names the site_counts and popular tables of the SQLite file as the home of visits and popular', async () => {
    const { context, page } = browser;
    const { url: development, path: databasePath } = await serve('development');
    await page.goto(development);
    await page.getByLabel('Item').fill('<b>x</b>');
    await page.getByRole('button', { name: 'Add' }).click();
    // The redirect's page (the same URL): its message is there, then all of it has loaded.
    await page.getByRole('status').waitFor();
    await page.waitForLoadState('load');
    expect(await page.locator('#cart li').allTextContents()).to.deep.equal(['<b>x</b>']);

    // The values the file holds, where the file holds them.
    const rows = await panelRowsOn(page);
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
    const bytes = await browser.cookieBytes(development, 'tutorial.session');
    const inCookie = `the cookie tutorial.session: ${bytes} of 4,096 bytes; signed (tutorial.session.sig), not encrypted`;
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
  });

  it('is not on the page in production', async () => {
    const { page } = browser;
    await page.goto((await serve('production')).url);
    expect(await page.locator('h1').textContent()).to.equal('Hi Home View'); // the page itself
    expect(await hasPanelOn(page)).to.equal(false);
  });
});
