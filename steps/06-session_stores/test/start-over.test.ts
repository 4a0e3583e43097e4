import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../src/app.ts';
import type { SiteDatabase } from '../src/db.ts';
import { connectRedis } from '@course/platform/redis';
import { redisStore } from '../src/stores/redis.ts';
import type { Redis } from '@course/platform/redis';
import { sqliteStore } from '../src/stores/sqlite.ts';
import type { SessionStore } from '../src/stores/store.ts';
import { cookieHeader, count } from './helpers/cookies.ts';
import { testDatabase } from './helpers/database.ts';
import { cart, csrfFrom, flashes } from './helpers/forms.ts';
import { redisOrSkip, sharedRedis } from '@course/platform/testing/redis';

// Start over while another request of the same visitor is in flight (a second tab, a
// double click, a copy of the cookie elsewhere): that request loaded the session before
// Start over destroyed it, and saves it after. The session must stay destroyed.

// The store, with a hold: the next lookup loads the session, then waits until released,
// so that the request that made it is certainly in flight across the whole Start over.
function holdingStore(store: SessionStore) {
  let holdNext = false;
  let loaded = () => {};
  let release = () => {};
  return {
    store: {
      ...store,
      get: async (id: string) => {
        const session = await store.get(id);
        if (holdNext) {
          holdNext = false;
          loaded();
          await new Promise<void>((resolve) => (release = resolve));
        }
        return session;
      },
    },
    // Holds the next lookup; resolves once it has loaded the session.
    holdNext: () =>
      new Promise<void>((resolve) => {
        holdNext = true;
        loaded = resolve;
      }),
    release: () => release(),
  };
}

function startOverWhileInFlight(store: (db: SiteDatabase) => SessionStore) {
  it('a request that loaded the session before Start over cannot bring it back, nor add to its cart', async () => {
    const db = testDatabase();
    const held = holdingStore(store(db));
    const server = createApp({ env: 'test', db, keys: ['test key'], sessionStore: held.store });
    const app = server.callback();
    const page = await request(app).get('/');
    const old = { cookie: cookieHeader(page), csrf: csrfFrom(page) };
    const addTea = () =>
      request(app)
        .post('/items')
        .set('Cookie', old.cookie)
        .type('form')
        .send({ _csrf: old.csrf, item: 'tea' });

    // An add with the old cookie loads the session, and is held there...
    const loaded = held.holdNext();
    const inFlight = addTea().then((res) => res); // sent now, answered later
    await loaded;
    // ...while Start over, with the same cookie, destroys the session.
    const startOver = await request(app)
      .post('/start-over')
      .set('Cookie', old.cookie)
      .type('form')
      .send({ _csrf: old.csrf });
    expect(startOver.status).to.equal(303);
    // Then the add goes on, and saves the session it loaded.
    held.release();
    expect((await inFlight).status).to.equal(303);

    // The old cookie finds no session: a new visitor's page, count 1, an empty cart.
    const afterwards = await request(app).get('/').set('Cookie', old.cookie);
    expect([count(afterwards), cart(afterwards)]).to.deep.equal([1, []]);
    // Its old token no longer works, and the tea landed in no cart.
    expect((await addTea()).status).to.equal(403);
    const fresh = await request(app).get('/').set('Cookie', cookieHeader(startOver));
    expect([cart(fresh), flashes(fresh)]).to.deep.equal([
      [],
      ['info: You have started over, with a new session.'],
    ]);
  });
}

describe('Start over, with a request of the same visitor in flight, SQLite', () => {
  startOverWhileInFlight((db) => sqliteStore(db));
});

describe('Start over, with a request of the same visitor in flight, Redis', function () {
  this.timeout(10_000); // may start the run's redis-server
  let client: Redis | undefined;
  before(async function () {
    redisOrSkip(this);
    client = await connectRedis((await sharedRedis()).url);
  });
  after(() => client?.destroy());
  startOverWhileInFlight(() => redisStore(client!));
});
