import { expect } from 'chai';
import { createApp } from '../src/app.ts';
import { browserSuite } from '@course/platform/testing/browser';

// What a learner's browser does: fill in the form, follow the redirect, see the message
// once. Runs when a Chromium is installed (see @course/platform/testing/browser); CI
// requires it. Chromium starts as mocha loads this file (browserSuite), and boots while
// the other files' tests run.
describe('the cart in a real browser', function () {
  this.timeout(30_000);
  const browser = browserSuite(); // each test: a new visitor, no cookies
  let home: string;
  before(async () => {
    home = await browser.serve(createApp({ env: 'test', keys: ['test key'] }));
  });

  it('adds an item with the form, shows the message once, and keeps the item', async () => {
    const { page } = browser;
    await page.goto(home);
    await page.getByLabel('Item').fill('Earl Grey <b>tea</b>');
    await page.getByRole('button', { name: 'Add' }).click();
    // The redirect's page (the same URL): its message is there, then all of it has loaded.
    await page.getByRole('status').waitFor();
    await page.waitForLoadState('load');

    expect(await page.locator('h1').textContent()).to.equal('Hi Home View'); // the redirect's page
    expect(await page.getByRole('status').textContent({ timeout: 2000 })).to.equal(
      'Added “Earl Grey <b>tea</b>” to your cart.',
    );
    expect(await page.locator('#cart li').allTextContents()).to.deep.equal([
      'Earl Grey <b>tea</b>',
    ]);

    await page.reload();
    expect(await page.getByRole('status').count()).to.equal(0);
    expect(await page.locator('#cart li').allTextContents()).to.deep.equal([
      'Earl Grey <b>tea</b>',
    ]);
  });

  it('shows an error for an empty item and adds nothing', async () => {
    const { page } = browser;
    await page.goto(home);
    await page.getByLabel('Item').fill('   '); // spaces pass the browser's `required`
    await page.getByRole('button', { name: 'Add' }).click();
    // The redirect's page (the same URL): its message is there, then all of it has loaded.
    await page.getByRole('alert').waitFor();
    await page.waitForLoadState('load');
    expect(await page.getByRole('alert').textContent({ timeout: 2000 })).to.equal(
      'Enter an item to add.',
    );
    expect(await page.locator('#cart').textContent()).to.equal('Your cart is empty.');
  });
});
