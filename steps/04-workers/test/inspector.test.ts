import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { browserSuite, hasPanelOn, panelRowsOn } from '@course/platform/testing/browser';
import { stopServer } from '@course/platform/testing/processes';
import { createApp } from '../src/app.ts';
import { demo, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

// The state inspector as a learner sees it, in a real browser: the real server in
// development with two workers, the naive memory store (`npm run demo -- memory-store`),
// and the app in production. (That the panel folds is the platform's, tested once in its
// own suite.)
describe('the state inspector in a real browser', function () {
  this.timeout(30_000); // starting processes on a busy machine can take a while
  const browser = browserSuite();
  let folder: string;
  let noticeFile: string;
  const urls = { workers: '', memoryStore: '', production: '' };
  const started: Server[] = [];

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'inspector-'));
    noticeFile = join(folder, 'notice.txt');
    writeFileSync(noticeFile, 'Tea & <i>cake</i>');
    const development = { NODE_ENV: 'development', NOTICE_FILE: noticeFile };
    const workers = startServer({ ...development, WORKERS: '2' });
    const memoryStore = startServer({ NODE_ENV: 'development' }, demo('memory-store'));
    started.push(workers, memoryStore);
    const production = createApp({ env: 'production', keys: ['test key'], noticeFile });
    [urls.workers, urls.memoryStore, urls.production] = await Promise.all([
      workers.url(),
      memoryStore.url(),
      browser.serve(production),
    ]);
  });
  // This file's servers only (workers included, even after a failure): the other files'
  // may still be serving.
  after(async () => {
    await Promise.all(started.map(stopServer));
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('names the worker that served the page, and the notice read from its file', async () => {
    const { page } = browser;
    const pid = Number((await page.goto(urls.workers))!.headers()['x-served-by']);
    expect(await page.locator('.state-inspector p').textContent()).to.match(
      new RegExp(`^Served by process ${pid}, worker #[12] of the 2 workers\\.$`),
    );
    expect((await panelRowsOn(page)).get('ctx.state.servedBy')?.[0]).to.equal(String(pid));

    const where = `the file ${noticeFile}, read again for this request`;
    const [value, ...home] = (await panelRowsOn(page)).get('the site notice')!;
    expect(value).to.equal('"Tea & <i>cake</i>"'); // shown as text, not as markup
    expect(await page.locator('.state-inspector i').count()).to.equal(0);
    expect(home.slice(0, 2)).to.deep.equal([where, 'every visitor']);
    // Read again for each request: an edit shows on the next page.
    writeFileSync(noticeFile, 'New notice');
    await page.reload();
    expect((await panelRowsOn(page)).get('the site notice')?.[0]).to.equal('"New notice"');
    writeFileSync(noticeFile, 'Tea & <i>cake</i>');
  });

  it("shows the naive memory store's sessions in this process's memory", async () => {
    const { context, page } = browser;
    await page.goto(urls.memoryStore);
    const pid = Number((await page.reload())!.headers()['x-served-by']);
    // (The browser's request for /favicon.ico counts too, in this naive app.)
    const text = await page.locator('pre.state-page').textContent();
    const count = Number(/^Count: (\d+)$/m.exec(text ?? '')?.[1]);
    expect(count).to.be.at.least(2);
    const [value, where, who] = (await panelRowsOn(page)).get('ctx.session (counter, items)')!;
    expect(value).to.equal(JSON.stringify({ counter: count }));
    expect(where).to.match(new RegExp(`this process's memory \\(pid ${pid}\\)`));
    expect(who).to.equal('this visitor, in this process only');
    // Not the key into the Map, which the cookie holds.
    const panel = await page.locator('.state-inspector').innerHTML();
    for (const { value } of await context.cookies(urls.memoryStore)) {
      expect(panel).not.to.contain(value);
    }
  });

  it('is not on the page in production', async () => {
    const { page } = browser;
    await page.goto(urls.production);
    expect(await page.locator('h1').textContent()).to.equal('Hi Home View'); // the page itself
    expect(await hasPanelOn(page)).to.equal(false);
  });
});
