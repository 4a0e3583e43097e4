import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../src/app.ts';
import { demo, startServer } from './helpers/server.ts';
import type { Server as Process } from './helpers/server.ts';
import { launchBrowser, startBrowser } from '@course/platform/testing/browser';

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
// development with two workers, the naive memory store (`npm run demo -- memory-store`),
// and the app in production.
describe('the state inspector in a real browser', function () {
  this.timeout(30_000); // starting processes on a busy machine can take a while
  let browser: Browser;
  let context: BrowserContext;
  let production: Server;
  let folder: string;
  let noticeFile: string;
  const urls = { workers: '', memoryStore: '', production: '' };
  const started: Process[] = [];

  before(async function () {
    browser = await launchBrowser(this);
    context = await browser.newContext();
    folder = mkdtempSync(join(tmpdir(), 'inspector-'));
    noticeFile = join(folder, 'notice.txt');
    writeFileSync(noticeFile, 'Tea & <i>cake</i>');
    const development = { NODE_ENV: 'development', NOTICE_FILE: noticeFile };
    const workers = startServer({ ...development, WORKERS: '2' });
    const memoryStore = startServer({ NODE_ENV: 'development' }, demo('memory-store'));
    started.push(workers, memoryStore);
    const app = createApp({ env: 'production', keys: ['test key'], noticeFile });
    production = app.listen(0, '127.0.0.1');
    await once(production, 'listening');
    urls.production = `http://127.0.0.1:${(production.address() as AddressInfo).port}/`;
    [urls.workers, urls.memoryStore] = await Promise.all([workers.url(), memoryStore.url()]);
  });
  // Each test starts as a new visitor (the servers share a host, so its cookies).
  beforeEach(() => context?.clearCookies());
  after(async () => {
    await context?.close();
    production?.close();
    await Promise.all(started.map(stop)); // workers included, even after a failure
    if (folder) rmSync(folder, { recursive: true, force: true });
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

  it('names the worker that served the page, and the notice read from its file', async () => {
    const page = await context.newPage();
    const pid = Number((await page.goto(urls.workers))!.headers()['x-served-by']);
    expect(await page.locator('.state-inspector p').textContent()).to.match(
      new RegExp(`^Served by process ${pid}, worker #[12] of the 2 workers\\.$`),
    );
    expect((await panelRows(page)).get('ctx.state.servedBy')?.[0]).to.equal(String(pid));

    const where = `the file ${noticeFile}, read again for this request`;
    const [value, ...home] = (await panelRows(page)).get('the site notice')!;
    expect(value).to.equal('"Tea & <i>cake</i>"'); // shown as text, not as markup
    expect(await page.locator('.state-inspector i').count()).to.equal(0);
    expect(home.slice(0, 2)).to.deep.equal([where, 'every visitor']);
    // Read again for each request: an edit shows on the next page.
    writeFileSync(noticeFile, 'New notice');
    await page.reload();
    expect((await panelRows(page)).get('the site notice')?.[0]).to.equal('"New notice"');
    writeFileSync(noticeFile, 'Tea & <i>cake</i>');
    await page.close();
  });

  it("shows the naive memory store's sessions in this process's memory", async () => {
    const page = await context.newPage();
    await page.goto(urls.memoryStore);
    const pid = Number((await page.reload())!.headers()['x-served-by']);
    // (The browser's request for /favicon.ico counts too, in this naive app.)
    const text = await page.locator('pre.state-page').textContent();
    const count = Number(/^Count: (\d+)$/m.exec(text ?? '')?.[1]);
    expect(count).to.be.at.least(2);
    const [value, where, who] = (await panelRows(page)).get('ctx.session (counter, items)')!;
    expect(value).to.equal(JSON.stringify({ counter: count }));
    expect(where).to.match(new RegExp(`this process's memory \\(pid ${pid}\\)`));
    expect(who).to.equal('this visitor, in this process only');
    // Not the key into the Map, which the cookie holds.
    const panel = await page.locator('.state-inspector').innerHTML();
    for (const { value } of await context.cookies(urls.memoryStore)) {
      expect(panel).not.to.contain(value);
    }
    await page.close();
  });

  it('folds when its summary is clicked', async () => {
    const page = await context.newPage();
    await page.goto(urls.workers);
    const table = page.locator('.state-inspector table');
    expect(await table.isVisible()).to.equal(true);
    await page.locator('.state-inspector summary').click();
    expect(await page.locator('details.state-inspector[open]').count()).to.equal(0);
    expect(await table.isVisible()).to.equal(false);
    await page.close();
  });

  it('is not on the page in production', async () => {
    const page = await context.newPage();
    await page.goto(urls.production);
    expect(await page.locator('h1').textContent()).to.equal('Hi Home View'); // the page itself
    expect(await page.locator('.state-inspector').count()).to.equal(0);
    await page.close();
  });
});
