import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { Browser, BrowserContext } from 'playwright-core';
import { expect } from 'chai';
import request from 'supertest';
import { sessionKeys } from '@course/platform';
import { createApp } from '../src/app.ts';
import { SESSION_COOKIE } from '../src/session.ts';
import type * as globalCounter from '../pitfalls/global-counter.ts';
import * as hardcodedSecret from '../pitfalls/hardcoded-secret.ts';
import * as sessionHistory from '../pitfalls/session-history.ts';
import { launchBrowser, startBrowser } from '@course/platform/testing/browser';
import {
  cookieHeader,
  sessionSetCookie,
  count,
  decodeSession,
  encodeSession,
  sessionCookie,
  setCookies,
} from './helpers/cookies.ts';

// Chromium starts now, as mocha loads this file, and boots while the other files' tests
// run: the browser suite's `before` hook then finds it (nearly) ready.
startBrowser();

// Each pitfall: a test that shows the naive variant in pitfalls/ misbehaving, and the
// same test against this step's app showing it does not (or, for pitfall 4, showing
// what this step's app still gets wrong).
const app = (keys = ['test key']) => createApp({ env: 'test', keys }).callback();
// What browsers limit to about 4096 bytes: the session cookie's name and value.
const sessionSize = (res: request.Response) => sessionSetCookie(res)!.split(';')[0].length;

// #region pitfall-1
describe('step 02, pitfall 1: a module-level counter', () => {
  // A fresh copy of the module stands for a fresh process: a restart, or another worker.
  const freshProcess = async () => {
    const url = new URL('../pitfalls/global-counter.ts', import.meta.url);
    url.searchParams.set('process', randomBytes(4).toString('hex'));
    return (await import(url.href)) as typeof globalCounter;
  };

  it('naive: a second visitor continues the first visitor’s count', async () => {
    const server = (await freshProcess()).createApp().callback();
    await request.agent(server).get('/');
    await request.agent(server).get('/');
    await request.agent(server).get('/howdy').expect('Count: 3'); // a third visitor's first visit
  });

  it('naive: a restart, or another worker process, has a count of its own', async () => {
    const first = (await freshProcess()).createApp().callback();
    await request(first).get('/').expect('Count: 1');
    await request(first).get('/').expect('Count: 2');
    await request((await freshProcess()).createApp().callback())
      .get('/')
      .expect('Count: 1');
  });

  it('this step: each visitor has a count of their own, and it survives a restart', async () => {
    const server = app();
    const first = request.agent(server);
    await first.get('/');
    const second = await first.get('/');
    expect(count(await request.agent(server).get('/'))).to.equal(1);
    expect(count(await request(app()).get('/').set('Cookie', cookieHeader(second)))).to.equal(
      3,
    );
  });
});
// #endregion pitfall-1

// #region pitfall-2
describe('step 02, pitfall 2: signed is not encrypted', () => {
  it('anyone holding the cookie can read the session: it is base64 JSON', async () => {
    const visitor = request.agent(app());
    await visitor.get('/');
    const res = await visitor.get('/howdy');
    const session = decodeSession(setCookies(res)[SESSION_COOKIE]);
    expect(session.counter).to.equal(2);
  });

  it('this step: the session holds the count and nothing else', async () => {
    const res = await request(app()).get('/');
    const { counter, _expire, _maxAge, ...rest } = decodeSession(
      setCookies(res)[SESSION_COOKIE],
    );
    expect({ counter, expires: typeof _expire, maxAge: _maxAge }).to.deep.equal({
      counter: 1,
      expires: 'number',
      maxAge: 24 * 60 * 60 * 1000,
    });
    expect(rest).to.deep.equal({});
  });
});
// #endregion pitfall-2

// #region pitfall-3
describe('step 02, pitfall 3: cookie size', () => {
  it('naive: a session that keeps a history outgrows the 4 KB browsers keep', async () => {
    const browser =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36';
    const visitor = request.agent(sessionHistory.createApp({ keys: ['test key'] }).callback());
    let res = await visitor.get('/').set('User-Agent', browser);
    const firstSize = sessionSize(res);
    for (let visit = 2; visit <= 25; visit += 1)
      res = await visitor.get('/').set('User-Agent', browser);
    expect(res.text).to.equal('Visits: 25');
    expect(firstSize).to.be.below(400);
    expect(sessionSize(res)).to.be.above(4096); // supertest's cookie jar keeps it; a browser would not
  });

  it('this step: the cookie stays the same small size however often the visitor comes', async () => {
    const visitor = request.agent(app());
    let res = await visitor.get('/');
    const firstSize = sessionSize(res);
    for (let visit = 2; visit <= 30; visit += 1) res = await visitor.get('/');
    expect(count(res)).to.equal(30);
    expect(sessionSize(res) - firstSize).to.be.below(8); // a few bytes: "30" is longer than "1"
  });

  describe('in a real browser', function () {
    this.timeout(30_000);
    const servers: Server[] = [];
    const contexts: BrowserContext[] = [];
    let browser: Browser | undefined;
    let naive: number[];
    let real: number[];

    // Loads / `times` times in a fresh browser context (its own cookie jar) and returns
    // the count each load showed. After the first load it uses fetch() inside the page:
    // the browser's own cookie store handles it exactly as it handles navigation, and it
    // is much faster.
    async function visit(app: Koa, times: number) {
      const server = app.listen(0, '127.0.0.1');
      servers.push(server);
      await once(server, 'listening');
      const context = await browser!.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      // The other visits run inside the page: one round trip to the browser, not one per visit.
      const pages = await page.evaluate(async (more) => {
        const texts: string[] = [];
        for (let visit = 0; visit < more; visit += 1)
          texts.push(await (await fetch('/')).text());
        return texts;
      }, times - 1);
      const seen = [await page.content(), ...pages].map((text) =>
        Number(/(Visits|Count): (\d+)/.exec(text)?.[2]),
      );
      return seen;
    }

    // Both apps are visited at once: the browser takes a while per request.
    before(async function () {
      browser = await launchBrowser(this);
      [naive, real] = await Promise.all([
        visit(sessionHistory.createApp({ keys: ['test key'] }), 24),
        visit(createApp({ env: 'test', keys: ['test key'] }), 24),
      ]);
    });
    after(async () => {
      await Promise.all(contexts.map((context) => context.close()));
      servers.forEach((server) => server.close());
    });

    it('naive: the browser drops the oversized cookie and the whole session is lost', () => {
      // The browser kept the new signature but not the oversized session it signs, so
      // the two no longer match and the app starts a new session: back to 1, silently.
      const reset = naive.indexOf(1, 1);
      expect(reset, `visits seen: ${naive.join(', ')}`).to.be.above(5);
      expect(naive.slice(0, reset)).to.deep.equal(
        naive.slice(0, reset).map((_, index) => index + 1),
      );
    });

    it('this step: the count keeps rising', () => {
      expect(real).to.deep.equal(real.map((_, index) => index + 1));
    });
  });
});
// #endregion pitfall-3

// #region pitfall-4
describe('step 02, pitfall 4: two requests at once from one visitor', () => {
  it('this step too: both read the same count, both write count + 1, and one visit is lost', async () => {
    const server = app();
    const first = await request(server).get('/'); // Count 1
    const cookie = cookieHeader(first);
    // Two tabs load at the same moment: both requests carry the cookie as it was.
    const [tabA, tabB] = await Promise.all([
      request(server).get('/').set('Cookie', cookie),
      request(server).get('/howdy').set('Cookie', cookie),
    ]);
    expect([count(tabA), count(tabB)]).to.deep.equal([2, 2]);
    // The browser keeps whichever Set-Cookie arrived last; either way the next page says 3, not 4.
    const next = await request(server).get('/').set('Cookie', cookieHeader(tabB));
    expect(count(next)).to.equal(3);
  });

  it('this step: one request after another loses nothing', async () => {
    const visitor = request.agent(app());
    for (let visit = 1; visit <= 5; visit += 1)
      expect(count(await visitor.get('/'))).to.equal(visit);
  });
});
// #endregion pitfall-4

// #region pitfall-5
describe('step 02, pitfall 5: a secret in the source', () => {
  // Anyone who has read the source can sign a session of their own making.
  const forged = () => sessionCookie(encodeSession({ counter: 999_999 }), 'itsaseekreet');

  it('naive: a session signed with the published key is accepted', async () => {
    const res = await request(hardcodedSecret.createApp().callback())
      .get('/')
      .set('Cookie', forged());
    expect(count(res)).to.equal(1_000_000);
  });

  it('this step: with keys from SESSION_KEYS the forgery is rejected', async () => {
    const keys = sessionKeys({ SESSION_KEYS: randomBytes(32).toString('base64url') }, () => {});
    const res = await request(app(keys)).get('/').set('Cookie', forged()).expect(200);
    expect(count(res)).to.equal(1);
  });
});
// #endregion pitfall-5

// #region pitfall-6
describe('step 02, pitfall 6: a cookie session cannot be revoked', () => {
  it('this step too: an old cookie, sent again, brings the old session back', async () => {
    const server = app();
    const first = await request(server).get('/'); // Count 1: someone keeps this cookie
    const visitor = request.agent(server);
    await visitor.get('/').set('Cookie', cookieHeader(first)); // Count 2
    expect(count(await visitor.get('/'))).to.equal(3);
    // The server kept nothing it could mark as used up: the old cookie is as good as new.
    expect(count(await request(server).get('/').set('Cookie', cookieHeader(first)))).to.equal(
      2,
    );
  });
});
// #endregion pitfall-6
