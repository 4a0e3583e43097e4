import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../src/app.ts';
import type { AppOptions } from '../src/app.ts';
import { MAX_ITEMS } from '../src/cart.ts';
import { connectRedis } from '@course/platform/redis';
import { redisStore } from '../src/stores/redis.ts';
import { sqliteStore } from '../src/stores/sqlite.ts';
import { NEW_SESSION_LIFETIME } from '../src/stores/store.ts';
import type { SessionStore } from '../src/stores/store.ts';
import * as cartInSession from '../pitfalls/cart-in-session.ts';
import * as dayForEverySession from '../pitfalls/day-for-every-session.ts';
import * as startOverSameId from '../pitfalls/start-over-same-id.ts';
import * as storeWithoutExpiry from '../pitfalls/store-without-expiry.ts';
import { cookieHeader, count, setCookies } from './helpers/cookies.ts';
import {
  sessionRows,
  sessionsEnding,
  tablesIn,
  testDatabase,
  testDatabaseFile,
} from './helpers/database.ts';
import { addItem, cart, csrfFrom } from './helpers/forms.ts';
import { overlapping } from './helpers/overlapping.ts';
import {
  redisInstalled,
  redisOrSkip,
  sharedRedis,
  startRedis,
} from '@course/platform/testing/redis';
import { cleanUp, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';
import { Visitor, countIn, csrfIn, fresh } from './helpers/workers.ts';
import { SESSION_COOKIE } from '../src/session.ts';

// Each pitfall: a test that shows the naive variant misbehaving, and the same test
// against this step's app showing it does not.
const KEYS = ['test key'];
const app = (options: Partial<AppOptions> = {}) =>
  createApp({ env: 'test', db: testDatabase(), keys: KEYS, ...options }).callback();

// Two "machines": two processes of this step's server on two ports, each with a database
// file of its own, as two machines would have; and, where redis-server is installed, two
// more with the same REDIS_URL (the run's shared redis-server). They start once for this
// file, as mocha begins, and boot while other tests run; every server is stopped when
// all have run.
const machines: Record<string, Server> = {};
let redisMachines: Promise<Server[]> | undefined;
before(() => {
  machines.sqliteA = startServer({});
  machines.sqliteB = startServer({});
  if (!redisInstalled()) return; // the test that needs them says so
  redisMachines = sharedRedis().then(({ url }) => [
    startServer({ REDIS_URL: url }),
    startServer({ REDIS_URL: url }),
  ]);
  redisMachines.catch(() => {}); // a failure is reported by the test that awaits them
});
after(cleanUp); // every server this run started, even after a failure

// #region pitfall-1
describe('step 06, pitfall 1: two machines, one visitor', function () {
  this.timeout(20_000); // real server processes: on a busy machine, a start takes a while

  // A visitor who counts two pages and adds an item on machine A, then goes to B.
  async function visitBoth(a: Server, b: Server) {
    const onA = new Visitor(await a.url());
    await onA.send('/');
    const page = await onA.send('/');
    const form = new URLSearchParams({ _csrf: csrfIn(page), item: 'tea' }).toString();
    expect((await onA.send('/items', { method: 'POST', form })).status).to.equal(303);
    const onB = await fresh(await b.url(), { cookie: onA.cookie });
    return { count: countIn(onB), cart: cart(onB) };
  }

  it('naive: with sessions in each machine’s own SQLite file, machine B has never met the visitor', async () => {
    expect(await visitBoth(machines.sqliteA, machines.sqliteB)).to.deep.equal({
      count: 1,
      cart: [],
    });
  });

  it('this step with REDIS_URL: both machines keep the visitor’s count and cart in one Redis', async function () {
    redisOrSkip(this);
    const [a, b] = await redisMachines!;
    expect(await visitBoth(a, b)).to.deep.equal({ count: 3, cart: ['tea'] });
  });
});
// #endregion pitfall-1

// #region pitfall-2
describe('step 06, pitfall 2: a server-side store does not fix last-write-wins', () => {
  // The store holds every lookup until two have asked: the two adds overlap, certainly.
  function overlappingStore(store: SessionStore) {
    const bothAsked = overlapping(2);
    let holding = false;
    return {
      store: {
        ...store,
        get: async (id: string) => (holding && (await bothAsked()), store.get(id)),
      },
      hold: (on: boolean) => (holding = on),
    };
  }

  it('naive: two overlapping adds to a cart kept in the session: one item is lost', async () => {
    const db = testDatabase();
    const { store, hold } = overlappingStore(sqliteStore(db));
    const server = cartInSession.createApp({ db, keys: KEYS, sessionStore: store, delay: 0 });
    const first = await request(server.callback()).post('/items?item=bread');
    const cookie = cookieHeader(first);
    hold(true);
    await Promise.all(
      ['tea', 'milk'].map((item) =>
        request(server.callback()).post(`/items?item=${item}`).set('Cookie', cookie),
      ),
    );
    hold(false);
    const after = await request(server.callback()).get('/').set('Cookie', cookie);
    expect(after.text).to.match(/^Cart: bread, (tea|milk)\n$/);
  });

  it('this step: the cart is its own record, appended to atomically: both items land', async () => {
    const db = testDatabase();
    const { store, hold } = overlappingStore(sqliteStore(db));
    const server = app({ db, sessionStore: store });
    const visitor = request.agent(server);
    await addItem(visitor, 'bread');
    const page = await visitor.get('/');
    const cookie = cookieHeader(page);
    hold(true);
    const adds = await Promise.all(
      ['tea', 'milk'].map((item) =>
        request(server)
          .post('/items')
          .set('Cookie', cookie)
          .type('form')
          .send({ _csrf: csrfFrom(page), item }),
      ),
    );
    hold(false);
    expect(adds.map((res) => res.status)).to.deep.equal([303, 303]);
    expect(cart(await visitor.get('/'))).to.have.members(['bread', 'tea', 'milk']);
  });

  it(`this step: ${MAX_ITEMS * 2} adds at once fill the cart to exactly ${MAX_ITEMS}`, async () => {
    const server = app();
    const visitor = request.agent(server);
    const page = await visitor.get('/');
    const cookie = cookieHeader(page);
    await Promise.all(
      Array.from({ length: MAX_ITEMS * 2 }, (_, n) =>
        request(server)
          .post('/items')
          .set('Cookie', cookie)
          .type('form')
          .send({ _csrf: csrfFrom(page), item: `item ${n}` }),
      ),
    );
    expect(cart(await visitor.get('/'))).to.have.length(MAX_ITEMS);
  });
});
// #endregion pitfall-2

// #region pitfall-3
describe('step 06, pitfall 3: sessions that never expire', () => {
  const DAY = 24 * 60 * 60 * 1000;

  it('naive: every visitor without a cookie leaves a row, and expired rows stay for good', async () => {
    const { path } = testDatabaseFile();
    const server = storeWithoutExpiry.createApp({ databasePath: path, keys: KEYS, maxAge: 50 });
    for (let visit = 1; visit <= 25; visit += 1) await request(server.callback()).get('/');
    await new Promise((resolve) => setTimeout(resolve, 100)); // every session has expired
    const res = await request(server.callback()).get('/');
    expect(res.text).to.equal('Count: 1\nSessions kept: 26\n');
    expect(tablesIn(path)).to.not.include('forever_sessions'); // it has a file of its own
  });

  it('this step: an expired session is never returned, and prune() deletes it', async () => {
    const { db, path } = testDatabaseFile();
    let now = Date.now();
    const store = sqliteStore(db, () => now);
    const server = app({ db, sessionStore: store });
    const visitor = request.agent(server);
    for (let visit = 1; visit <= 25; visit += 1) await request(server).get('/');
    await addItem(visitor, 'tea');
    expect(count(await visitor.get('/'))).to.equal(2);
    now += DAY + 11_000; // past the cookie's day, and koa-session's 10 s on top
    expect(count(await visitor.get('/'))).to.equal(1); // the store no longer returns it
    expect(store.prune()).to.equal(26); // 25 one-page visitors and the old session
    // The visitor's new session is all that is left: the cart went with the old one.
    expect(sessionRows(path)).to.deep.equal({ sessions: 1, cartItems: 0 });
  });
});
// #endregion pitfall-3

// #region pitfall-4
describe('step 06, pitfall 4: session fixation', () => {
  // The attacker's first visit gives them a session id; they plant that cookie in the
  // victim's browser. The victim then starts over and fills a new cart.
  it('naive: Start over keeps the id, so the attacker still shares the victim’s session', async () => {
    const server = startOverSameId.createApp({ db: testDatabase(), keys: KEYS }).callback();
    const planted = cookieHeader(await request(server).get('/'));
    await request(server).post('/start-over').set('Cookie', planted);
    await request(server).post('/items?item=birthday%20present').set('Cookie', planted);
    const attacker = await request(server).get('/').set('Cookie', planted);
    expect(attacker.text).to.contain('Cart: birthday present\n');
  });

  it('this step: Start over issues a new id, and the planted one finds nothing', async () => {
    const server = app();
    const planted = await request(server).get('/');
    const victim = request.agent(server);
    const page = await victim.get('/').set('Cookie', cookieHeader(planted));
    const res = await victim
      .post('/start-over')
      .set('Cookie', cookieHeader(planted))
      .type('form')
      .send({ _csrf: csrfFrom(page) });
    expect(res.status).to.equal(303);
    expect(setCookies(res)[SESSION_COOKIE]).to.not.equal(setCookies(planted)[SESSION_COOKIE]);
    await addItem(victim, 'birthday present');
    expect(cart(await victim.get('/'))).to.deep.equal(['birthday present']);
    const attacker = await request(server).get('/').set('Cookie', cookieHeader(planted));
    expect([count(attacker), cart(attacker)]).to.deep.equal([1, []]);
  });
});
// #endregion pitfall-4

// #region pitfall-5
describe('step 06, pitfall 5: a day for every new session', () => {
  const HOUR = 60 * 60 * 1000;
  const VISITS = 25; // requests without a cookie, as a bot without a cookie jar sends them

  it(`naive: ${VISITS} requests without a cookie leave ${VISITS} sessions, each kept a day`, async () => {
    const { db, path } = testDatabaseFile();
    const server = dayForEverySession.createApp({ db, keys: KEYS }).callback();
    for (let visit = 1; visit <= VISITS; visit += 1) await request(server).get('/');
    expect(sessionsEnding(path, Date.now() + 23 * HOUR)).to.equal(VISITS);
  });

  it(`this step: they leave sessions that are gone ${NEW_SESSION_LIFETIME / 60_000} minutes later`, async () => {
    const { db, path } = testDatabaseFile();
    let now = Date.now();
    const store = sqliteStore(db, () => now);
    const server = app({ db, sessionStore: store });
    for (let visit = 1; visit <= VISITS; visit += 1) await request(server).get('/');
    expect(sessionRows(path).sessions).to.equal(VISITS);
    expect(sessionsEnding(path, now + NEW_SESSION_LIFETIME)).to.equal(0);
    // A visitor who comes back keeps the session for the cookie's day.
    const visitor = request.agent(server);
    await visitor.get('/');
    await visitor.get('/');
    now += NEW_SESSION_LIFETIME;
    expect(count(await visitor.get('/'))).to.equal(3);
    expect(store.prune()).to.equal(VISITS);
    expect(sessionRows(path).sessions).to.equal(1);
  });

  it('this step with Redis: each such session’s key lives NEW_SESSION_LIFETIME at most', async function () {
    redisOrSkip(this);
    this.timeout(10_000); // starts a redis-server
    const redis = await startRedis();
    const client = await connectRedis(redis.url);
    try {
      const server = app({ sessionStore: redisStore(client) });
      for (let visit = 1; visit <= VISITS; visit += 1) await request(server).get('/');
      const keys = await client.keys('session:*');
      expect(keys).to.have.length(VISITS);
      for (const key of keys)
        expect(await client.pTTL(key)).to.be.within(1, NEW_SESSION_LIFETIME);
    } finally {
      client.destroy();
      await redis.stop();
    }
  });
});
// #endregion pitfall-5
