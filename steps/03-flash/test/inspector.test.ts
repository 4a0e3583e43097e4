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

  it('names the flash messages shown, and the cart and the CSRF token in the cookie', async () => {
    const { context, page } = browser;
    const development = await serve('development');
    await page.goto(development);
    const token = await page.locator('input[name="_csrf"]').inputValue();
    await page.getByLabel('Item').fill('<b>x</b>');
    await page.getByRole('button', { name: 'Add' }).click();
    // The redirect's page (the same URL): its message is there, then all of it has loaded.
    await page.getByRole('status').waitFor();
    await page.waitForLoadState('load');

    const rows = await panelRowsOn(page);
    const message = 'Added “<b>x</b>” to your cart.';
    // The messages were in the session until this page took them out.
    const [value, where, who] = rows.get('flash')!;
    expect(value).to.equal(JSON.stringify({ error: [], info: [message] }));
    expect([where, who]).to.deep.equal(['the session', 'this visitor']);
    // The cart and the token live in the cookie, its size as the browser keeps it.
    const cookies = await context.cookies(development);
    const bytes = await browser.cookieBytes(development, 'tutorial.session');
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
    expect((await panelRowsOn(page)).has('flash')).to.equal(false);
  });

  it('is not on the page in production', async () => {
    const { page } = browser;
    await page.goto(await serve('production'));
    expect(await page.locator('h1').textContent()).to.equal('Hi Home View'); // the page itself
    expect(await hasPanelOn(page)).to.equal(false);
  });
});
