import { expect } from 'chai';
import type Koa from 'koa';
import request from 'supertest';
import { shownPath } from '@course/platform';
import * as cartInSession from '../pitfalls/cart-in-session.ts';
import * as dayForEverySession from '../pitfalls/day-for-every-session.ts';
import * as startOverSameId from '../pitfalls/start-over-same-id.ts';
import * as storeWithoutExpiry from '../pitfalls/store-without-expiry.ts';
import { testDatabase, testDatabaseFile } from './helpers/database.ts';

// Each naive variant, seen in a browser as `npm run demo` serves it (no NODE_ENV, so Koa's
// env is 'development'): its state inspector names where the naive state really lives.
function inDevelopment(make: () => Koa) {
  const saved = process.env.NODE_ENV;
  process.env.NODE_ENV = 'development';
  try {
    return make().callback();
  } finally {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  }
}
const keys = ['test key'];
// The panel's rows as text: [what, value, where, who, lasts].
const rows = (html: string) =>
  [...html.matchAll(/<tr><th scope="row">(.*?)<\/tr>/g)].map(([row]) =>
    [...row.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)].map(([, cell]) =>
      cell.replace(/<\/?code>/g, ''),
    ),
  );
const row = (html: string, what: string) => rows(html).find(([name]) => name === what);
// The session id's first characters, as the panel shows it (never the whole id).
const idShown = (res: request.Response) =>
  /^tutorial\.session=(.{8})/.exec(([] as string[]).concat(res.headers['set-cookie'])[0])?.[1];

describe('step 06, the naive variants in the state inspector', () => {
  it('cart-in-session: the cart is in the session’s row, written back whole', async () => {
    const server = inDevelopment(() =>
      cartInSession.createApp({ db: testDatabase(), keys, delay: 0 }),
    );
    const visitor = request.agent(server);
    const added = await visitor.post('/items?item=tea').expect('Cart: tea\n'); // curl's text
    const res = await visitor.get('/').set('Accept', 'text/html').expect(200);
    const [, value, where] = row(res.text, 'ctx.session.items')!;
    expect(value).to.equal('[&quot;tea&quot;]');
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
    const res = await request(server).get('/').set('Accept', 'text/html').expect(200);
    expect(row(res.text, 'ctx.session.counter')?.[2]).to.match(
      /^the sessions row of .{8}…, in SQLite, kept a full day from its first save, even if its cookie never comes back; /,
    );
  });

  it('start-over-same-id: "Start over" keeps the session id', async () => {
    const server = inDevelopment(() => startOverSameId.createApp({ db: testDatabase(), keys }));
    const visitor = request.agent(server);
    const first = await visitor.get('/').expect('Count: 1\nCart: (empty)\n'); // curl's text
    const res = await visitor.post('/start-over').set('Accept', 'text/html').expect(200);
    expect(row(res.text, 'the session id')?.slice(1, 4)).to.deep.equal([
      `&quot;${idShown(first)}…&quot;`, // the id from before "Start over"
      'the cookie tutorial.session, and the sessions row it names, in SQLite',
      'this visitor, and whoever knew the id before: &quot;Start over&quot; keeps it',
    ]);
  });

  it('store-without-expiry: every session’s row is kept for good, and counted', async () => {
    const { path } = testDatabaseFile();
    const server = inDevelopment(() =>
      storeWithoutExpiry.createApp({ databasePath: path, keys }),
    );
    await request(server).get('/').expect('Count: 1\nSessions kept: 1\n'); // curl's text
    const res = await request(server).get('/').set('Accept', 'text/html').expect(200);
    const table = `the forever_sessions table of ${shownPath(path.replace(/\.sqlite$/, '-forever-sessions.sqlite'))}`;
    expect(row(res.text, 'forever_sessions')?.slice(1)).to.deep.equal([
      '&quot;2 rows&quot;',
      `${table}, with no expiry`,
      'each row one visitor, then nobody once its cookie expires',
      'for good: nothing ever deletes a row',
    ]);
    expect(row(res.text, 'ctx.session.counter')?.[2]).to.match(
      new RegExp(`^the row of .{8}… in ${table}; its id in the cookie`),
    );
  });
});
