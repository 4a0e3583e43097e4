import { expect } from 'chai';
import request from 'supertest';
import { shownPath } from '@course/platform';
import {
  asBrowser,
  inDevelopment,
  panelRow,
  setCookieValue,
} from '@course/platform/testing/panel';
import * as cartInSession from '../pitfalls/cart-in-session.ts';
import * as dayForEverySession from '../pitfalls/day-for-every-session.ts';
import * as startOverSameId from '../pitfalls/start-over-same-id.ts';
import * as storeWithoutExpiry from '../pitfalls/store-without-expiry.ts';
import { testDatabase, testDatabaseFile } from './helpers/database.ts';

// Each naive variant, seen in a browser as `npm run demo` serves it (no NODE_ENV, so Koa's
// env is 'development'): its state inspector names where the naive state really lives.
const keys = ['test key'];
// The session id's first characters, as the panel shows it (never the whole id).
const idShown = (res: request.Response) => setCookieValue(res, 'tutorial.session').slice(0, 8);

describe('step 06, the naive variants in the state inspector', () => {
  it('cart-in-session: the cart is in the session’s row, written back whole', async () => {
    const server = inDevelopment(() =>
      cartInSession.createApp({ db: testDatabase(), keys, delay: 0 }),
    );
    const visitor = request.agent(server);
    const added = await visitor.post('/items?item=tea').expect('Cart: tea\n'); // curl's text
    const res = await asBrowser(visitor).expect(200);
    const { value, where } = panelRow(res.text, 'ctx.session.items')!;
    expect(value).to.equal('["tea"]');
    expect(where).to.match(
      new RegExp(
        `^the sessions row of ${idShown(added)}…, in SQLite, written back whole as each request ends; its id in the cookie tutorial\\.session \\(\\d+ bytes\\)$`,
      ),
    );
  });

  it('day-for-every-session: a new session’s row is kept a full day, cookie or not', async () => {
    const server = inDevelopment(() =>
      dayForEverySession.createApp({ db: testDatabase(), keys }),
    );
    const res = await asBrowser(server).expect(200);
    expect(panelRow(res.text, 'ctx.session.counter')?.where).to.match(
      /^the sessions row of .{8}…, in SQLite, kept a full day from its first save, even if its cookie never comes back; /,
    );
  });

  it('start-over-same-id: "Start over" keeps the session id', async () => {
    const server = inDevelopment(() => startOverSameId.createApp({ db: testDatabase(), keys }));
    const visitor = request.agent(server);
    const first = await visitor.get('/').expect('Count: 1\nCart: (empty)\n'); // curl's text
    const res = await visitor.post('/start-over').set('Accept', 'text/html').expect(200);
    expect(panelRow(res.text, 'the session id')).to.deep.include({
      value: `"${idShown(first)}…"`, // the id from before "Start over"
      where: 'the cookie tutorial.session, and the sessions row it names, in SQLite',
      who: 'this visitor, and whoever knew the id before: "Start over" keeps it',
    });
  });

  it('store-without-expiry: every session’s row is kept for good, and counted', async () => {
    const { path } = testDatabaseFile();
    const server = inDevelopment(() =>
      storeWithoutExpiry.createApp({ databasePath: path, keys }),
    );
    await request(server).get('/').expect('Count: 1\nSessions kept: 1\n'); // curl's text
    const res = await asBrowser(server).expect(200);
    const table = `the forever_sessions table of ${shownPath(path.replace(/\.sqlite$/, '-forever-sessions.sqlite'))}`;
    expect(panelRow(res.text, 'forever_sessions')).to.deep.include({
      value: '"2 rows"',
      where: `${table}, with no expiry`,
      who: 'each row one visitor, then nobody once its cookie expires',
      lasts: 'for good: nothing ever deletes a row',
    });
    expect(panelRow(res.text, 'ctx.session.counter')?.where).to.match(
      new RegExp(`^the row of .{8}… in ${table}; its id in the cookie`),
    );
  });
});
