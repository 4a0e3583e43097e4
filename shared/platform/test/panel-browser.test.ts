import { expect } from 'chai';
import { browserSuite, startBrowser } from '../testing/browser.ts';
import { fixtureApp } from './fixtures/app.ts';

// Chromium starts now, as mocha loads this file, and boots while the other files' tests run.
startBrowser();

// The panel in a real browser, once for every step: it is a <details> open at first, and
// folds away (its table hidden) when its summary is clicked, with no script of its own.
describe('stateInspector, in a real browser', function () {
  this.timeout(30_000); // Chromium's start, on a busy machine
  const browser = browserSuite();

  it('folds when its summary is clicked', async () => {
    const { page } = browser;
    await page.goto(`${await browser.serve(fixtureApp({ env: 'development' }))}state`);
    const table = page.locator('.state-inspector table');
    expect(await table.isVisible()).to.equal(true);
    await page.locator('.state-inspector summary').click();
    expect(await page.locator('details.state-inspector[open]').count()).to.equal(0);
    expect(await table.isVisible()).to.equal(false);
  });
});
