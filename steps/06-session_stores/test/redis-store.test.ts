import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../src/app.ts';
import { SESSION_COOKIE } from '../src/session.ts';
import { connectRedis, SessionStoreUnavailable } from '@course/platform/redis';
import { redisStore } from '../src/stores/redis.ts';
import type { Redis } from '@course/platform/redis';
import {
  BROWSER_SESSION_LIFETIME,
  NEW_SESSION_LIFETIME,
  REVOKED_LIFETIME,
} from '../src/stores/store.ts';
import { count, sessionCookie, setCookies } from './helpers/cookies.ts';
import { testDatabase } from './helpers/database.ts';
import { addItem, cart } from './helpers/forms.ts';
import {
  quietPort,
  redisInstalled,
  redisOrSkip,
  sharedRedis,
  startRedis,
} from '@course/platform/testing/redis';
import type { RedisServer } from '@course/platform/testing/redis';
import { sqliteLoads, sqliteProbe } from '@course/platform/testing/sqlite';
import { cleanUp, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';
import { Visitor, countIn, waitUntil } from './helpers/workers.ts';

// Sessions in a real redis-server: what the store keeps there, how it fails when Redis
// does, and the app and the server with it. The connection itself (connectRedis: its
// refusals at start-up, its reconnecting and logging) is the platform's, tested in
// shared/platform/test/redis.test.ts.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const DAY = 24 * 60 * 60 * 1000;
const UNAVAILABLE = 'Sessions are unavailable for a moment; please try again.';
const cannotReach = (url: string) =>
  `cannot reach Redis at ${url} (connection refused); start redis-server, or unset REDIS_URL to keep sessions in SQLite`;

// What `start()`'s promise settled with, and after how many milliseconds, counted from
// before the call (so that a lower bound holds however long the call's first part takes).
async function timed(start: () => Promise<unknown>) {
  const startedAt = performance.now();
  const error = await start()
    .then(() => undefined)
    .catch((error: Error) => error);
  return { error, ms: performance.now() - startedAt };
}

// What `run` returns, and everything written to this process's stderr meanwhile.
async function stderrDuring<T>(run: () => Promise<T>): Promise<[T, string]> {
  const write = process.stderr.write;
  let written = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return [await run(), written];
  } finally {
    process.stderr.write = write;
  }
}

// A client connected to a redis-server, which logs into `logged`: a redis-server and a
// client for each test (`each`), for the tests that stop or pause it; or a client for
// the suite, to the run's shared redis-server (`all`). They are gone afterwards, whatever
// happened (destroy() and stop() do nothing the second time). startupTimeout bounds the
// first connection only (the client reconnects however late an outage comes), so a
// second is enough, even for a busy machine's connection and handshake.
function withRedis(scope: 'each' | 'all') {
  const redis = {} as { server: RedisServer; client: Redis; logged: string[] };
  before(function () {
    redisOrSkip(this);
  });
  (scope === 'each' ? beforeEach : before)(async () => {
    redis.logged = [];
    redis.server = await (scope === 'each' ? startRedis() : sharedRedis());
    const log = (line: string) => redis.logged.push(line);
    redis.client = await connectRedis(redis.server.url, { startupTimeout: 1000, log });
  });
  (scope === 'each' ? afterEach : after)(async () => {
    redis.client?.destroy();
    if (scope === 'each') await redis.server?.stop();
  });
  return redis;
}

describe('the Redis session store', () => {
  const redis = withRedis('all'); // each test has a session id of its own
  let id: string;
  beforeEach(() => (id = randomUUID()));
  const store = () => redisStore(redis.client);

  // A session for the id, saved twice so that it has its full lifetime, as a visitor's
  // session has once the cookie has come back.
  const stored = async (maxAge: number | 'session' = 60_000) => {
    for (const counter of [1, 2]) await store().set(id, { counter }, maxAge);
  };

  it('returns the session it saved', async () => {
    await store().set(id, { counter: 3 }, 60_000);
    expect(await store().get(id)).to.deep.equal({ counter: 3 });
  });

  it('destroys a session together with its cart, and keeps its key as revoked for REVOKED_LIFETIME', async () => {
    await stored();
    await store().addToCart(id, 'tea', 5);
    await store().destroy(id);
    expect(await store().get(id)).to.equal(undefined);
    expect(await redis.client.exists(`session:${id}:cart`)).to.equal(0);
    const ttl = await redis.client.pTTL(`session:${id}`);
    expect(ttl).to.be.within(REVOKED_LIFETIME - 1000, REVOKED_LIFETIME);
  });

  it('never writes a destroyed session back: a save or an add after destroy stores nothing', async () => {
    await stored();
    await store().destroy(id); // while another request, which loaded the session, goes on
    await store().set(id, { counter: 3 }, 60_000);
    expect(await store().addToCart(id, 'tea', 5)).to.equal(false);
    expect(await store().get(id)).to.equal(undefined);
    expect(await redis.client.exists(`session:${id}:cart`)).to.equal(0);
  });

  it('keeps a new id’s first save NEW_SESSION_LIFETIME, and the next save its full lifetime', async () => {
    await store().set(id, { counter: 1 }, DAY);
    const ttl = () => redis.client.pTTL(`session:${id}`);
    expect(await ttl()).to.be.within(NEW_SESSION_LIFETIME - 1000, NEW_SESSION_LIFETIME);
    await store().set(id, { counter: 2 }, DAY);
    expect(await ttl()).to.be.within(DAY - 1000, DAY);
    // A first save with a shorter maxAge keeps that: the cookie would be gone sooner.
    await store().set(`${id}-2`, { counter: 1 }, 60_000);
    expect(await redis.client.pTTL(`session:${id}-2`)).to.be.within(59_000, 60_000);
  });

  it('keeps each session as JSON under its prefix, with its cart beside it', async () => {
    const prefixed = redisStore(redis.client, { prefix: 'test:' });
    await prefixed.set(id, { counter: 1 }, 60_000);
    await prefixed.addToCart(id, 'tea', 5);
    expect(await redis.client.get(`test:${id}`)).to.equal('{"counter":1}');
    expect(await redis.client.lRange(`test:${id}:cart`, 0, -1)).to.deep.equal(['tea']);
    expect(await redis.client.exists(`session:${id}`)).to.equal(0);
  });

  it('lets Redis expire the session maxAge milliseconds after it is saved', async () => {
    await stored(60_000);
    expect(await redis.client.pTTL(`session:${id}`)).to.be.within(59_000, 60_000);
    await store().set(id, { counter: 2 }, 50);
    await sleep(100);
    expect(await store().get(id)).to.equal(undefined);
  });

  it("keeps a browser session (maxAge 'session') for BROWSER_SESSION_LIFETIME", async () => {
    await stored('session');
    const ttl = await redis.client.pTTL(`session:${id}`);
    expect(ttl).to.be.within(BROWSER_SESSION_LIFETIME - 1000, BROWSER_SESSION_LIFETIME);
  });

  it('reads a stored value that is not a JSON object as no session', async () => {
    for (const stored of ['{"counter":', 'not json', '', '42', 'null', '"text"', 'true']) {
      await redis.client.set(`session:${id}`, stored);
      expect(await store().get(id), stored).to.equal(undefined);
    }
  });

  it('reads a key of another type under the id as no session, and as an empty cart', async () => {
    await stored();
    await store().addToCart(id, 'tea', 5); // session:<id>:cart, a list
    expect(await store().get(`${id}:cart`)).to.equal(undefined); // GET on it: WRONGTYPE
    await redis.client.set(`session:${id}:text:cart`, 'a string');
    expect(await store().cart(`${id}:text`)).to.deep.equal([]); // LRANGE on it: WRONGTYPE
    expect(await store().cart(id)).to.deep.equal(['tea']); // and nothing was changed
  });

  it('returns the cart’s items in the order they were added; no cart is an empty one', async () => {
    await stored();
    expect(await store().cart(id)).to.deep.equal([]);
    for (const item of ['tea', 'milk', 'bread']) await store().addToCart(id, item, 5);
    expect(await store().cart(id)).to.deep.equal(['tea', 'milk', 'bread']);
  });

  it('refuses an item beyond the limit: the cart keeps exactly `limit` items', async () => {
    await stored();
    const added = [];
    for (const item of ['a', 'b', 'c', 'd']) added.push(await store().addToCart(id, item, 3));
    expect(added).to.deep.equal([true, true, true, false]);
    expect(await store().cart(id)).to.deep.equal(['a', 'b', 'c']);
  });

  it('loses no item of 50 overlapping adds to one cart', async () => {
    await stored();
    const items = Array.from({ length: 50 }, (_, n) => `item ${n}`);
    const added = await Promise.all(items.map((item) => store().addToCart(id, item, 100)));
    expect(added.every(Boolean)).to.equal(true);
    expect(await store().cart(id)).to.have.members(items);
  });

  it('accepts exactly `limit` of 50 overlapping adds, and those are the cart', async () => {
    await stored();
    const items = Array.from({ length: 50 }, (_, n) => `item ${n}`);
    const added = await Promise.all(items.map((item) => store().addToCart(id, item, 20)));
    expect(added.filter(Boolean)).to.have.length(20);
    expect(await store().cart(id)).to.have.members(items.filter((_, n) => added[n]));
  });

  it('gives the cart the session’s lifetime whenever the session is saved', async () => {
    await stored(60_000);
    await store().addToCart(id, 'tea', 5);
    await store().set(id, { counter: 3 }, 120_000);
    expect(await redis.client.pTTL(`session:${id}:cart`)).to.be.within(119_000, 120_000);
  });

  it('gives a new cart what is left of its session’s lifetime', async () => {
    await stored(60_000);
    await store().addToCart(id, 'tea', 5);
    expect(await redis.client.pTTL(`session:${id}:cart`)).to.be.within(59_000, 60_000);
  });

  it('adds nothing to the cart of an id with no session', async () => {
    expect(await store().addToCart(id, 'tea', 5)).to.equal(false);
    expect(await redis.client.exists(`session:${id}:cart`)).to.equal(0);
  });
});

// (That each call fails at once while Redis is down, and that the client reconnects, at
// most MAX_RECONNECT_DELAY apart, and logs each outage once, is the platform's:
// shared/platform/test/redis.test.ts.)
describe('the Redis session store, when Redis fails', function () {
  this.timeout(10_000);
  const redis = withRedis('each');

  it('fails a call in flight at once when Redis dies, not after the store’s timeout', async () => {
    const store = redisStore(redis.client, { timeout: 5000 });
    redis.server.pause(); // the call is sent, and waits for its reply
    const call = timed(() => store.get('abc'));
    await sleep(100);
    await redis.server.stop();
    const { error, ms } = await call;
    expect(error).to.be.an.instanceOf(SessionStoreUnavailable);
    expect(ms).to.be.below(1000);
  });

  it('gives up on a Redis that stops answering after the store’s timeout, then works again', async () => {
    const store = redisStore(redis.client, { timeout: 200 });
    redis.server.pause();
    const [{ error, ms }, stderr] = await stderrDuring(() =>
      timed(() => store.get('abc')),
    ).finally(() => redis.server.resume());
    expect(error).to.be.an.instanceOf(SessionStoreUnavailable);
    expect(error?.cause).to.have.property('message', 'no reply in 200 ms');
    expect(ms).to.be.within(190, 1000);
    expect(redis.logged).to.deep.equal([]); // still connected: nothing to log
    expect(stderr).to.equal('');
    // The late reply goes to the abandoned call, not to the next one.
    await redisStore(redis.client).set('abc', { counter: 2 }, 60_000);
    expect(await redisStore(redis.client).get('abc')).to.deep.equal({ counter: 2 });
  });
});

describe('the app with sessions in Redis, over HTTP', function () {
  this.timeout(10_000);
  const redis = withRedis('all'); // each test has visitors, and ids, of its own
  const app = (timeout?: number) =>
    createApp({
      env: 'test',
      db: testDatabase(),
      keys: ['test key'],
      sessionStore: redisStore(redis.client, { timeout }),
    }).callback();

  it('counts a visitor’s pages and keeps their cart in Redis', async () => {
    const visitor = request.agent(app());
    expect(count(await visitor.get('/'))).to.equal(1);
    expect(count(await visitor.get('/howdy'))).to.equal(2);
    expect((await addItem(visitor, 'tea')).status).to.equal(303);
    const page = await visitor.get('/');
    expect([count(page), cart(page)]).to.deep.equal([4, ['tea']]);
    const id = setCookies(page)[SESSION_COOKIE];
    expect(await redis.client.lRange(`session:${id}:cart`, 0, -1)).to.deep.equal(['tea']);
  });

  it('sends only an id in the cookie, and keeps the session as JSON in Redis under it', async () => {
    const visitor = request.agent(app());
    const id = setCookies(await visitor.get('/').expect(200))[SESSION_COOKIE];
    expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const session = JSON.parse((await redis.client.get(`session:${id}`)) ?? 'null');
    expect(session).to.include({ counter: 1 });
    // A new session is kept briefly; once its cookie comes back, for the cookie's day and
    // koa-session's 10 seconds on top.
    const ttl = () => redis.client.pTTL(`session:${id}`);
    expect(await ttl()).to.be.within(NEW_SESSION_LIFETIME - 1000, NEW_SESSION_LIFETIME);
    await visitor.get('/');
    expect(await ttl()).to.be.within(DAY, DAY + 10_000);
  });

  it('treats a signed id that names another key (`<id>:cart`) as no session: a new one, not a 503', async () => {
    const visitor = request.agent(app());
    await addItem(visitor, 'tea');
    const id = setCookies(await visitor.get('/'))[SESSION_COOKIE] ?? '';
    const cartKey = `session:${id}:cart`;
    expect(await redis.client.type(cartKey)).to.equal('list');
    const forged = sessionCookie(`${id}:cart`, 'test key'); // signed with the app's key
    for (let page = 0; page < 2; page++) {
      const res = await request(app()).get('/').set('Cookie', forged).expect(200);
      expect([count(res), cart(res)]).to.deep.equal([1, []]);
      expect(setCookies(res)[SESSION_COOKIE]).to.match(/^[0-9a-f-]{36}$/); // a new id
    }
    expect(await redis.client.lRange(cartKey, 0, -1)).to.deep.equal(['tea']); // untouched
  });
});

describe('the app with sessions in Redis, when Redis fails', function () {
  this.timeout(10_000);
  const redis = withRedis('each');
  const app = (timeout?: number) =>
    createApp({
      env: 'test',
      db: testDatabase(),
      keys: ['test key'],
      sessionStore: redisStore(redis.client, { timeout }),
    }).callback();

  it('answers 503 with Retry-After and its error page while Redis is down; once Redis is back (empty), a new session works', async () => {
    const visitor = request.agent(app());
    await addItem(visitor, 'tea');
    expect(cart(await visitor.get('/'))).to.deep.equal(['tea']);
    await redis.server.stop();
    const [res, stderr] = await stderrDuring(() => visitor.get('/'));
    expect(res.status).to.equal(503);
    expect(res.headers['retry-after']).to.equal('1');
    expect(res.text).to.contain('<h1>503 Service Unavailable</h1>').and.contain(UNAVAILABLE);
    expect(res.text).not.to.match(/SessionStoreUnavailable|\.ts:\d+/); // no stack trace
    expect(stderr).to.match(/^GET \/ failed: 503 Sessions are unavailable[^\n]+\n$/); // one line

    await redis.server.restart(); // nothing was saved to disk: every session is gone
    await waitUntil(() => redis.client.isReady, 'the client to reconnect', 5000);
    const page = await visitor.get('/').expect(200);
    expect([count(page), cart(page)]).to.deep.equal([1, []]); // what the visitor sees
    expect(count(await visitor.get('/').expect(200))).to.equal(2);
  });

  it('keeps a visitor’s session through a Redis that stops answering: 503 meanwhile, the count goes on after', async () => {
    const visitor = request.agent(app(300));
    await visitor.get('/');
    expect(count(await visitor.get('/'))).to.equal(2);
    redis.server.pause();
    const [res] = await stderrDuring(() => visitor.get('/')).finally(() =>
      redis.server.resume(),
    );
    expect(res.status).to.equal(503);
    expect(count(await visitor.get('/').expect(200))).to.equal(3);
  });
});

const production = { NODE_ENV: 'production', SESSION_KEYS: randomBytes(32).toString('hex') };

// A server whose REDIS_URL names a port where no Redis listens. It tries for three
// seconds before it refuses, so it starts as mocha begins and tries while the other tests
// run; it needs no redis-server. cleanUp() ends it, should a test fail before it exits.
// (A server there that accepts the connection and never answers is the platform's test.)
let unreachable: { url: string; server: Server };
before(async () => {
  const url = `redis://127.0.0.1:${await quietPort()}`;
  unreachable = { url, server: startServer({ ...production, REDIS_URL: url }) };
});
after(cleanUp);

// Two servers with REDIS_URL, started as mocha begins so that they boot side by side
// while the other tests run: one with the run's shared redis-server, and one, with
// WORKERS=2, with a redis-server of its own that asks for a password. cleanUp() ends
// them, and the run's end the redis-servers. Without redis-server, none starts, and the
// suite is skipped (or fails, with REQUIRE_REDIS).
let guarded: RedisServer;
let servers: Promise<{ server: Server; withPassword: Server }> | undefined;
async function startServers() {
  guarded = await startRedis(); // of its own: it is given a password
  const client = await connectRedis(guarded.url);
  await client.configSet('requirepass', 'secret'); // for the connections made after
  client.destroy();
  const url = guarded.url.replace('//', '//:secret@');
  return {
    withPassword: startServer({ ...production, REDIS_URL: url, WORKERS: '2' }, [
      '--import',
      sqliteProbe, // says who loads node:sqlite, on stderr
      'src/server.ts',
    ]),
    server: startServer({ ...production, REDIS_URL: (await sharedRedis()).url }),
  };
}
before(() => {
  if (!redisInstalled()) return;
  servers = startServers();
  servers.catch(() => {}); // a failure is reported by the suite that awaits it
});

describe('src/server.ts with REDIS_URL', function () {
  this.timeout(20_000); // a real process: on a busy machine, a start takes a while
  const redis = withRedis('all'); // the run's shared redis-server
  let server: Server;
  let withPassword: Server;
  before(async () => {
    ({ server, withPassword } = await servers!);
  });

  it('keeps its visitors’ sessions in the Redis that REDIS_URL names', async () => {
    const visitor = new Visitor(await server.url());
    expect(countIn(await visitor.send('/'))).to.equal(1);
    const key = `session:${visitor.cookies.get(SESSION_COOKIE)}`;
    const session = JSON.parse((await redis.client.get(key)) ?? 'null');
    expect(session).to.include({ counter: 1 });
    // The page shows what Redis holds: change it there, and the page follows.
    await redis.client.set(key, JSON.stringify({ ...session, counter: 41 }));
    expect(countIn(await visitor.send('/'))).to.equal(42);
  });

  it('says once where its sessions are, without the password, also with WORKERS=2', async () => {
    await withPassword.url();
    const stdout = withPassword.output.stdout;
    expect(stdout.match(/^Sessions .*$/gm)).to.deep.equal([
      `Sessions in Redis at ${guarded.url}`,
    ]);
    expect(stdout).to.match(/^Sessions in Redis at .*\n(Worker \d+ started\n)+Serving on /m);
    expect(stdout + withPassword.output.stderr).not.to.contain('secret');
  });

  // The stores are imported by src/server.ts: the primary still loads no node:sqlite.
  it('with WORKERS=2, only the workers load node:sqlite, never the primary', async () => {
    await withPassword.url();
    expect(sqliteLoads(withPassword.output.stderr)).to.deep.equal([
      'worker loads node:sqlite',
      'worker loads node:sqlite',
    ]);
  });
});

describe('src/server.ts with a REDIS_URL where no Redis answers', function () {
  this.timeout(20_000); // a real process: on a busy machine, a start takes a while
  it('refuses to start: exit code 1, one line on stderr', async () => {
    const { url, server } = unreachable;
    const [code] = await server.exited;
    expect(code).to.equal(1);
    expect(server.output.stderr).to.equal(`Cannot start: ${cannotReach(url)}\n`);
  });
});
