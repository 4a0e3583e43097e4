import { expect } from 'chai';
import { browserSuite, hasPanelOn, panelRowsOn } from '@course/platform/testing/browser';
import { createApp } from '../src/app.ts';

// The state inspector as a learner sees it: the app in development, in a real browser.
// (That the panel folds is the platform's, tested once in its own suite.)
describe('the state inspector in a real browser', function () {
  this.timeout(30_000);
  const browser = browserSuite();
  // The app, built for `env`, on a free port: its home page's address.
  const serve = (env: string) => browser.serve(createApp({ env, keys: ['test key'] }));

  it('names the cookie tutorial.session, with its size, as the home of the count', async () => {
    const { context, page } = browser;
    const development = await serve('development');
    await page.goto(development);
    await page.reload();
    expect(await page.locator('.count').textContent()).to.equal('Count: 2');

    const [value, where, who, lasts] = (await panelRowsOn(page)).get('ctx.session.counter')!;
    expect([value, who, lasts]).to.deep.equal([
      '2',
      'this visitor',
      'up to 24 h after its last change',
    ]);
    // Its size: the bytes of the session cookie as the browser keeps it (its signature is
    // a cookie of its own, with a limit of its own).
    const cookies = await context.cookies(development);
    expect(cookies.map(({ name }) => name).sort()).to.deep.equal([
      'tutorial.session',
      'tutorial.session.sig',
    ]);
    const bytes = await browser.cookieBytes(development, 'tutorial.session');
    expect(where).to.equal(
      `the cookie tutorial.session: ${bytes} of 4,096 bytes; signed (tutorial.session.sig), not encrypted`,
    );
    expect(await page.locator('.state-inspector p').textContent()).to.equal(
      `Served by process ${process.pid}, the only one.`,
    );
    // Neither the cookie nor its signature is shown.
    const panel = await page.locator('.state-inspector').innerHTML();
    for (const { value } of cookies) expect(panel).not.to.contain(value);
  });

  it('is not on the page in production', async () => {
    const { page } = browser;
    await page.goto(await serve('production'));
    expect(await page.locator('.count').count()).to.equal(1); // the page itself is there
    expect(await hasPanelOn(page)).to.equal(false);
  });
});
