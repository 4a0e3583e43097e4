/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The built course site (docs/.vitepress/dist, from `npm run docs:build`) in a real
// browser. A small static server of this file's own serves the build as a static host
// would, and headless Chromium opens every page reachable from the start page, a few at
// once: each one must load without an error, make no request that fails or leaves the
// site, show its images, and link only to pages, and ids on them, that exist. Every
// built page must be reachable, and every step's pages in its sidebar. On the way, the
// knowledge checks answer as docs/checks/ says they should, and the presenter views of
// the first and the last step follow their keys and their address.
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { expect } from 'chai';
import type { BrowserContext, Page, Request } from 'playwright-core';
import { launchBrowser, startBrowser } from '@course/platform/testing/browser';
import { root } from '../../npm.ts';
import { parseCheck } from '../checks.ts';
import type { Check } from '../checks.ts';
import { plainText } from '../markdown.ts';

// Chromium starts now, as mocha loads this file, while the unit tests run.
startBrowser();

const dist = join(root, 'docs/.vitepress/dist');
const PAGES_AT_ONCE = 4; // pages open at the same time while crawling

// ---- a static host for the build ------------------------------------------------------

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

// Clean URLs, as static hosts serve a VitePress build: /x is x or x.html, a path ending
// in / is its folder's index.html, and anything else is a 404.
function staticServer(dir: string): Server {
  return createServer((req, res) => {
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405).end();
        return;
      }
      let path: string;
      try {
        path = decodeURIComponent(new URL(req.url ?? '/', 'http://host').pathname);
      } catch {
        res.writeHead(400).end();
        return;
      }
      const tries = path.endsWith('/') ? [`${path}index.html`] : [path, `${path}.html`];
      for (const candidate of tries) {
        const file = normalize(join(dir, candidate));
        if (!file.startsWith(dir + sep)) continue;
        const found = await stat(file).catch(() => undefined);
        if (!found?.isFile()) continue;
        const body = await readFile(file);
        res.writeHead(200, {
          'content-type': types[extname(file)] ?? 'application/octet-stream',
          'content-length': body.length,
          // The build's assets have a hash in their names, and may be kept for good.
          ...(candidate.startsWith('/assets/')
            ? { 'cache-control': 'public, max-age=31536000, immutable' }
            : {}),
        });
        res.end(req.method === 'HEAD' ? undefined : body);
        return;
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    })().catch((error: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message);
    });
  });
}

// ---- what a visit to a page finds -------------------------------------------------------

type Link = { href: string; text: string; from: string };
type Visit = {
  path: string; // the address opened, /steps/02-sessions/
  problems: string[]; // console and page errors, failed and off-site requests
  links: Link[];
  ids: Set<string>;
  brokenImages: string[];
  sidebar: { text: string; href: string }[];
  tried?: { error?: unknown }; // what visit's `more` found, when it was given one
};

const inFlight = new WeakMap<Page, Set<Request>>(); // each page's requests under way

// Waits until a page is idle: its idle callbacks have run (VitePress then prefetches the
// pages it links to), two frames have been drawn, and every request it made has ended.
async function settle(page: Page) {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) =>
        requestIdleCallback(
          () => requestAnimationFrame(() => requestAnimationFrame(() => resolve())),
          { timeout: 300 },
        ),
      ),
  );
  const pending = inFlight.get(page)!;
  for (let waited = 0; pending.size && waited < 5_000; waited += 20)
    await new Promise((resolve) => setTimeout(resolve, 20));
}

// One page of the site, as a visitor's browser shows it, with what goes wrong in it
// written to `problems`: it has run its scripts (Vue has taken over the server-rendered
// HTML) before anything is read from it.
async function open(context: BrowserContext, url: string, problems: string[]): Promise<Page> {
  const page = await context.newPage();
  const origin = new URL(url).origin;
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  const pending = new Set<Request>();
  inFlight.set(page, pending);
  page.on('requestfinished', (request) => pending.delete(request));
  page.on('request', (request) => {
    pending.add(request);
    const to = new URL(request.url());
    if (/^(https?|wss?):$/.test(to.protocol) && to.origin !== origin)
      problems.push(`a request to another host: ${request.url()}`);
  });
  page.on('requestfailed', (request) => {
    pending.delete(request);
    if (new URL(request.url()).origin === origin)
      problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
  });
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(
      () => !!(document.querySelector('#app') as { __vue_app__?: unknown } | null)?.__vue_app__,
      undefined,
      { timeout: 10_000 },
    );
    return page;
  } catch (error) {
    await page.close(); // the test fails with the error; no page is left open
    throw error;
  }
}

// Something more to do on one page once the crawl has read it: answer its questions,
// press its keys. It throws (an assertion) when the page does not behave.
type Try = (page: Page, problems: string[]) => Promise<void>;

async function visit(
  context: BrowserContext,
  base: string,
  path: string,
  more?: Try,
): Promise<Visit> {
  const problems: string[] = [];
  const page = await open(context, new URL(path, base).href, problems).catch((error: Error) => {
    problems.push(`did not open: ${error.message.split('\n')[0]}`);
    return undefined;
  });
  if (!page)
    return { path, problems, links: [], ids: new Set(), brokenImages: [], sidebar: [] };
  // Images load (lazy ones too), then VitePress's prefetching of linked pages settles.
  const brokenImages = await page.evaluate(async () => {
    await Promise.all(
      [...document.images].map((img) => {
        img.loading = 'eager';
        return img.complete ? undefined : img.decode().catch(() => {});
      }),
    );
    return [...document.images]
      .filter((img) => img.naturalWidth === 0)
      .map((img) => img.getAttribute('src') ?? '(no src)');
  });
  await settle(page);
  const found = await page.evaluate(() => ({
    links: [...document.querySelectorAll('a[href]')].map((a) => ({
      href: (a as HTMLAnchorElement).href,
      text: a.textContent?.trim() ?? '',
    })),
    ids: [...document.querySelectorAll('[id]')].map((element) => element.id),
    sidebar: [...document.querySelectorAll('.VPSidebar a[href]')].map((a) => ({
      href: new URL((a as HTMLAnchorElement).href).pathname,
      text: a.textContent?.trim() ?? '',
    })),
  }));
  const tried =
    more &&
    (await more(page, problems).then(
      () => ({}),
      (error: unknown) => ({ error }),
    ));
  const visited: Visit = {
    path,
    problems: [...problems], // what comes after this (closing the page) is not the page's
    links: found.links.map((link) => ({ ...link, from: path })),
    ids: new Set(found.ids),
    brokenImages,
    sidebar: found.sidebar,
    tried,
  };
  await page.close();
  return visited;
}

const squash = (text: string | null) => (text ?? '').replace(/\s+/g, ' ').trim();

// A knowledge check's page, question by question: a wrong option, then the right one, as
// docs/checks/ says, each with its verdict and its explanation.
async function answer(page: Page, check: Check) {
  const groups = page.locator('.kq');
  expect(await groups.count(), 'questions on the page').to.equal(check.questions.length);
  for (const [q, question] of check.questions.entries()) {
    const where = `question ${q + 1}`;
    const heading = await page.locator('.vp-doc h2').nth(q).textContent();
    expect(squash(heading), where).to.include(squash(plainText(question.question)));
    const options = groups.nth(q).locator('.kq-option');
    expect(await options.count(), `${where}: options`).to.equal(question.options.length);
    for (const [i, option] of question.options.entries())
      expect(squash(await options.nth(i).locator('.kq-text').textContent()), where).to.equal(
        squash(plainText(option.text)),
      );
    const right = question.options.findIndex((o) => o.correct);
    const wrong = question.options.findIndex((o) => !o.correct);
    for (const [i, verdict] of [
      [wrong, 'Not this one'],
      [right, 'Right answer'],
    ] as const) {
      await options.nth(i).locator('button.kq-choice').click();
      const text = squash(await options.nth(i).locator('.kq-explain').textContent());
      expect(text, `${where}, option ${i + 1}`).to.include(verdict);
      expect(text, `${where}, option ${i + 1}`).to.include(
        squash(plainText(question.options[i].explanation)),
      );
    }
    expect(await groups.nth(q).locator('.kq-explain').count(), where).to.equal(2);
  }
}

// A presenter view, key by key; then the same address with #3 opens the third screen.
async function present(context: BrowserContext, page: Page, problems: string[]) {
  await page.locator('.deck.ready').waitFor();
  const total = await page.locator('.deck-slides > .slide').count();
  expect(total, 'slides').to.be.at.least(4);
  // The counter, the address and the screen shown, once the view has caught up.
  const shown = (view: Page) =>
    view.evaluate(() => ({
      count: document.querySelector('.deck-count')?.textContent?.trim(),
      hash: location.hash,
      active: [...document.querySelectorAll('.deck-slides > .slide')].flatMap((slide, i) =>
        slide.classList.contains('active') ? [i + 1] : [],
      ),
    }));
  const at = async (n: number, after: string, hash = `#${n}`) => {
    await page
      .waitForFunction(
        (text) => document.querySelector('.deck-count')?.textContent?.trim() === text,
        `${n} / ${total}`,
        { timeout: 2_000 },
      )
      .catch(() => {}); // the comparison below says what is shown instead
    expect(await shown(page), `after ${after}`).to.deep.equal({
      count: `${n} / ${total}`,
      hash,
      active: [n],
    });
  };
  await at(1, 'opening', '');
  const keys: [string, number][] = [
    ['ArrowRight', 2],
    ['Space', 3],
    ['PageDown', 4],
    ['ArrowLeft', 3],
    ['PageUp', 2],
    ['End', total],
    ['ArrowRight', total],
    ['Home', 1],
    ['ArrowLeft', 1],
  ];
  for (const [key, n] of keys) {
    await page.keyboard.press(key);
    await at(n, key);
  }
  const third = await open(context, `${page.url().replace(/#.*$/, '')}#3`, problems);
  try {
    await third.locator('.deck.ready').waitFor();
    expect(await shown(third), 'opened with #3').to.deep.equal({
      count: `3 / ${total}`,
      hash: '#3',
      active: [3],
    });
  } finally {
    await third.close();
  }
}

// ---- the tests ----------------------------------------------------------------------------

const checkFiles = existsSync(join(root, 'docs/checks'))
  ? readdirSync(join(root, 'docs/checks')).filter((file) => /^\d\d-.+\.md$/.test(file))
  : [];
const numberedSteps = readdirSync(join(root, 'steps')).filter((dir) => /^\d\d-/.test(dir));
// The presenter views tried key by key: the first step's and the last one's.
const presented = [numberedSteps[0], numberedSteps.at(-1)!];

// A page's path as the crawl keys it: /x.html and /x are one page, /dir/index.html and /dir/ too.
const key = (pathname: string) =>
  pathname.replace(/\/index\.html$/, '/').replace(/\.html$/, '');

describe('the course site, built, in a real browser', function () {
  this.timeout(120_000);
  let server: Server | undefined;
  let context: BrowserContext | undefined;
  let base = '';
  const visits = new Map<string, Visit>(); // by key(path)
  const status = new Map<string, number>(); // every same-site path a link leads to

  // What the crawl does on some pages besides reading them.
  // Which option is right comes from the check's source, read by the site's own parser.
  const more = new Map<string, Try>();
  for (const file of checkFiles) {
    const source = join(root, 'docs/checks', file);
    more.set(key(`/steps/${file.replace(/\.md$/, '')}/check.html`), (page) =>
      answer(page, parseCheck(readFileSync(source, 'utf8'), `docs/checks/${file}`)),
    );
  }
  for (const dir of presented)
    more.set(key(`/present/${dir}.html`), (page, problems) =>
      present(context!, page, problems),
    );

  before(async function () {
    if (!existsSync(join(dist, 'index.html'))) {
      const error = new Error(
        'docs/.vitepress/dist has no build: run npm run docs:build first',
      );
      error.stack = error.message; // one line, without a stack trace
      throw error;
    }
    const browser = await launchBrowser(this);
    server = staticServer(dist);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const origin = new URL(base).origin;
    context = await browser.newContext();
    // Nothing leaves the machine: a request to another host is refused (and reported).
    await context.route(
      (url) => url.origin !== origin,
      (route) => route.abort('blockedbyclient'),
    );

    // The crawl: from /, every page a link of the site leads to, a few pages at a time.
    const queue: string[] = ['/'];
    const queued = new Set<string>([key('/')]);
    const follow = async (pathname: string) => {
      if (status.has(pathname)) return;
      status.set(pathname, 0); // being asked
      const response = await fetch(new URL(pathname, base), { method: 'HEAD' });
      status.set(pathname, response.status);
      const html = /^text\/html/.test(response.headers.get('content-type') ?? '');
      if (response.status === 200 && html && !queued.has(key(pathname))) {
        queued.add(key(pathname));
        queue.push(pathname);
      }
    };
    let active = 0;
    await new Promise<void>((resolve, reject) => {
      const next = () => {
        if (!queue.length && !active) return resolve();
        while (queue.length && active < PAGES_AT_ONCE) {
          const path = queue.shift()!;
          active += 1;
          visit(context!, base, path, more.get(key(path)))
            .then(async (found) => {
              visits.set(key(path), found);
              for (const link of found.links) {
                const url = new URL(link.href);
                if (url.origin === origin) await follow(url.pathname);
              }
              active -= 1;
              next();
            })
            .catch(reject);
        }
      };
      next();
    });
  });

  after(async () => {
    await context?.close();
    if (server) {
      server.closeAllConnections();
      server.close();
    }
  });

  const sameSite = (link: Link) => new URL(link.href).origin === new URL(base).origin;
  const allLinks = () => [...visits.values()].flatMap((v) => v.links).filter(sameSite);
  // Every failure of a kind at once, one a line.
  const report = (failures: string[]) => {
    if (failures.length) expect.fail(`${failures.length} found:\n  ${failures.join('\n  ')}`);
  };
  // What `more` found on a page: its first failed assertion, rethrown as it was.
  const tried = (path: string) => {
    const found = visits.get(key(path));
    if (!found) expect.fail(`${path} was not reached from /`);
    if (!found.tried) expect.fail(`${path} was reached but not tried`);
    if (found.tried.error) throw found.tried.error;
  };

  it('reaches every built page from the start page', () => {
    const built: string[] = [];
    const walk = (dir: string, prefix: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
        else if (entry.name.endsWith('.html') && entry.name !== '404.html')
          built.push(key(`${prefix}${entry.name}`));
      }
    };
    walk(dist, '/');
    expect(built.length, 'built pages').to.be.above(0);
    report(built.filter((path) => !visits.has(path)).map((path) => `not linked: ${path}`));
  });

  it('loads every page without a console error, a page error, or a failed or off-site request', () => {
    report([...visits.values()].flatMap((v) => v.problems.map((p) => `${v.path}: ${p}`)));
  });

  it('links only to pages that exist', () => {
    report(
      allLinks()
        .filter((link) => status.get(new URL(link.href).pathname) !== 200)
        .map((link) => {
          const path = new URL(link.href).pathname;
          return `${link.from}: "${link.text}" -> ${path} (${status.get(path)})`;
        }),
    );
  });

  it('links only to ids that the target page has', () => {
    const failures: string[] = [];
    for (const link of allLinks()) {
      const url = new URL(link.href);
      const id = decodeURIComponent(url.hash.slice(1));
      if (id && !visits.get(key(url.pathname))?.ids.has(id))
        failures.push(`${link.from}: "${link.text}" -> ${url.pathname}${url.hash}: no such id`);
    }
    report(failures);
  });

  it('shows every image', () => {
    report(
      [...visits.values()].flatMap((v) => v.brokenImages.map((src) => `${v.path}: ${src}`)),
    );
  });

  it("has every step's lesson and pages in its sidebar, and its presenter view", () => {
    expect(numberedSteps.map((dir) => dir.slice(0, 2))).to.include.members([
      '01',
      '02',
      '03',
      '04',
      '05',
      '06',
    ]);
    const failures: string[] = [];
    const reached = (path: string, what: string) => {
      if (!visits.has(key(path))) failures.push(`${path} (${what}) was not reached`);
    };
    numberedSteps.forEach((dir, index) => {
      const lesson = visits.get(key(`/steps/${dir}/`));
      if (!lesson) return void failures.push(`/steps/${dir}/ (the lesson) was not reached`);
      const pages: [string, string][] = [
        ['Lesson', `/steps/${dir}/`],
        ['Appendix', `/steps/${dir}/appendix.html`],
        // The first step changes nothing from a step before it.
        ...(index > 0
          ? [['What changed', `/steps/${dir}/changes.html`] as [string, string]]
          : []),
        ['Pitfalls', `/steps/${dir}/pitfalls.html`],
        ['Knowledge check', `/steps/${dir}/check.html`],
        ['Extra credit answers', `/steps/${dir}/answers.html`],
      ];
      for (const [text, path] of pages) {
        if (!lesson.sidebar.some((a) => a.text === text && key(a.href) === key(path)))
          failures.push(`the sidebar of /steps/${dir}/ has no "${text}" link to ${path}`);
        reached(path, text);
      }
      reached(`/present/${dir}.html`, 'presenter view');
    });
    reached('/steps/capstone/', 'the capstone');
    reached('/present/capstone.html', "the capstone's presenter view");
    report(failures);
  });

  describe('the knowledge checks answer as docs/checks/ says', () => {
    it('has a knowledge check for every numbered step', () => {
      expect(checkFiles.map((file) => file.replace(/\.md$/, ''))).to.include.members(
        numberedSteps,
      );
    });

    for (const file of checkFiles) {
      const path = `/steps/${file.replace(/\.md$/, '')}/check.html`;
      it(`${path}: a wrong option says why, the right one says so`, () => tried(path));
    }
  });

  describe('the presenter view follows its keys and its address', () => {
    for (const dir of presented) {
      const path = `/present/${dir}.html`;
      it(`${path}: 1 / N, → Space PageDown ← PageUp End Home, and #3`, () => tried(path));
    }
  });
});
