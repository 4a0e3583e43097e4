import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import type { Browser, BrowserContext } from 'playwright-core';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../src/app.ts';
import type { AppOptions } from '../src/app.ts';
import { testDatabase } from './helpers/database.ts';
import { loadConfig } from '../src/config.ts';
import { SESSION_COOKIE } from '../src/session.ts';
import type * as globalCounter from '../pitfalls/global-counter.ts';
import * as hardcodedSecret from '../pitfalls/hardcoded-secret.ts';
import * as sessionHistory from '../pitfalls/session-history.ts';
import { launchBrowser } from './helpers/browser.ts';
import { overlapping } from './helpers/overlapping.ts';
import { sqliteStore } from '../src/stores/sqlite.ts';
import { addItem, cart, csrfFrom } from './helpers/forms.ts';
import {
  cookieHeader,
  sessionSetCookie,
  count,
  decodeSession,
  sessionCookie,
  setCookies,
} from './helpers/cookies.ts';

// Each pitfall: a test that shows the naive variant in pitfalls/ misbehaving, and the
// same test against this step's app showing it does not (or, for pitfall 4, showing
// what this step's app still gets wrong).
const app = (keys = ['test key'], options: Partial<AppOptions> = {}) =>
  createApp({ env: 'test', db: testDatabase(), keys, ...options }).callback();
// The session id a response's cookie carries (this step's cookie holds nothing else).
const idIn = (res: request.Response) => setCookies(res)[SESSION_COOKIE];
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
    const db = testDatabase(); // where the sessions are: it outlives the app
    const server = app(undefined, { db });
    const first = request.agent(server);
    await first.get('/');
    const second = await first.get('/');
    expect(count(await request.agent(server).get('/'))).to.equal(1);
    const restarted = app(undefined, { db });
    expect(
      count(await request(restarted).get('/').set('Cookie', cookieHeader(second))),
    ).to.equal(3);
  });
});
// #endregion pitfall-1

// #region pitfall-2
describe('step 02, pitfall 2: signed is not encrypted', () => {
  it('naive (a cookie session): anyone holding the cookie can read the session: it is base64 JSON', async () => {
    const visitor = request.agent(sessionHistory.createApp({ keys: ['test key'] }).callback());
    await visitor.get('/');
    const res = await visitor.get('/howdy');
    const session = decodeSession(setCookies(res)[SESSION_COOKIE]);
    expect(session.history.map((visit: { path: string }) => visit.path)).to.deep.equal([
      '/',
      '/howdy',
    ]);
  });

  it('this step: the cookie holds only a random id; the session stays on the server', async () => {
    const visitor = request.agent(app());
    await addItem(visitor, 'a secret gift');
    const res = await visitor.get('/');
    expect(count(res)).to.equal(2);
    expect(idIn(res)).to.match(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    const decoded = Buffer.from(idIn(res), 'base64').toString('latin1');
    expect(decoded).to.not.match(/counter|gift|csrf/);
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
        visit(createApp({ env: 'test', db: testDatabase(), keys: ['test key'] }), 24),
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
    // The store holds both lookups until both have asked: the two requests overlap.
    const db = testDatabase();
    const store = sqliteStore(db);
    const bothAsked = overlapping(2);
    let holding = false;
    const slowStore = {
      ...store,
      get: async (id: string) => {
        const session = await store.get(id);
        if (holding) await bothAsked();
        return session;
      },
    };
    const server = app(undefined, { db, sessionStore: slowStore });
    const first = await request(server).get('/'); // Count 1
    const cookie = cookieHeader(first);
    holding = true;
    // Two tabs load at the same moment: both read the session as it was.
    const [tabA, tabB] = await Promise.all([
      request(server).get('/').set('Cookie', cookie),
      request(server).get('/howdy').set('Cookie', cookie),
    ]);
    holding = false;
    expect([count(tabA), count(tabB)]).to.deep.equal([2, 2]);
    // Whichever wrote last, the session says 2: the next page says 3, not 4.
    expect(count(await request(server).get('/').set('Cookie', cookie))).to.equal(3);
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
  // Anyone who has read the source can sign a cookie of their own making. In this step
  // it can only name a session id, but the signature is still what keeps made-up ids
  // (and whatever a lookup of them might do) away from the store.
  const forged = () => sessionCookie('made-up-id', 'itsaseekreet');
  const storeAsked = (db = testDatabase()) => {
    const asked: string[] = [];
    const store = sqliteStore(db);
    return {
      asked,
      db,
      sessionStore: { ...store, get: (id: string) => (asked.push(id), store.get(id)) },
    };
  };

  it('naive: a cookie signed with the published key is accepted, and its id looked up', async () => {
    const { asked, db, sessionStore } = storeAsked();
    await request(hardcodedSecret.createApp({ db, sessionStore }).callback())
      .get('/')
      .set('Cookie', forged())
      .expect(200);
    expect(asked).to.deep.equal(['made-up-id']);
  });

  it('this step: with keys from SESSION_KEYS the forgery is rejected before the store is asked', async () => {
    const { keys } = loadConfig(
      { SESSION_KEYS: randomBytes(32).toString('base64url') },
      () => {},
    );
    const { asked, db, sessionStore } = storeAsked();
    const res = await request(app(keys, { db, sessionStore })).get('/').set('Cookie', forged());
    expect(count(res)).to.equal(1);
    expect(asked).to.deep.equal([]);
  });
});
// #endregion pitfall-5

// #region pitfall-6
describe('step 02, pitfall 6: a cookie session cannot be revoked', () => {
  it('this step: an old cookie is only an id: it shows the session as it is now, not as it was', async () => {
    const server = app();
    const visitor = request.agent(server);
    await addItem(visitor, 'tea');
    const old = await visitor.get('/'); // someone keeps a copy of this cookie
    await addItem(visitor, 'milk');
    const replay = await request(server).get('/').set('Cookie', cookieHeader(old));
    expect(cart(replay)).to.deep.equal(['tea', 'milk']);
  });

  it('this step: after Start over, the old cookie finds nothing and its token is refused', async () => {
    const server = app();
    const visitor = request.agent(server);
    await addItem(visitor, 'tea');
    const old = await visitor.get('/');
    await visitor
      .post('/start-over')
      .type('form')
      .send({ _csrf: csrfFrom(old) })
      .expect(303);
    const replay = request.agent(server);
    const page = await replay.get('/').set('Cookie', cookieHeader(old));
    expect([count(page), cart(page)]).to.deep.equal([1, []]);
    const res = await request(server)
      .post('/items')
      .set('Cookie', cookieHeader(old))
      .type('form')
      .send({ _csrf: csrfFrom(old), item: 'cake' });
    expect(res.status).to.equal(403);
  });
});
// #endregion pitfall-6
