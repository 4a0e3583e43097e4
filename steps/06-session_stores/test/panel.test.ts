import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { shownPath } from '@course/platform';
import { connectRedis } from '@course/platform/redis';
import type { Redis } from '@course/platform/redis';
import { redisOrSkip, sharedRedis } from '@course/platform/testing/redis';
import {
  asBrowser,
  hasPanel,
  panelHtml,
  panelRow,
  panelRows,
} from '@course/platform/testing/panel';
import {
  sessionRows,
  setCookieBytes,
  setCookieValue,
  stateRows,
} from '@course/platform/testing/panel';
import { createApp } from '../src/app.ts';
import { redisStore } from '../src/stores/redis.ts';
import type { SessionStore } from '../src/stores/store.ts';
import { testDatabaseFile } from './helpers/database.ts';
import { addItem, csrfFrom } from './helpers/forms.ts';

// The state inspector's panel, through HTTP: in development, each page lists what this
// step keeps and where: the session's values in the store (a row of the sessions table, or
// a Redis key), its id in the cookie, the cart beside it, the site's counts in their tables,
// the notice from its file, ctx.state's values; elsewhere there is no panel.
const folder = mkdtempSync(join(tmpdir(), 'panel-'));
after(() => rmSync(folder, { recursive: true, force: true }));
const noticeFile = join(folder, 'notice.txt');
writeFileSync(noticeFile, 'Closed <i>Monday</i>\n');
let path = '';
const app = (env: string, sessionStore?: SessionStore) => {
  const opened = testDatabaseFile();
  path = opened.path;
  const options = { env, keys: ['test key'], noticeFile, db: opened.db, sessionStore };
  return createApp(options).callback();
};
// The session's id, as its cookie holds it, and that cookie's size.
const idIn = (res: request.Response) => setCookieValue(res, 'tutorial.session');
const idCookieBytes = (res: request.Response) => setCookieBytes(res, 'tutorial.session');

describe('the state inspector, with sessions in SQLite', () => {
  it('shows each value of the session in its row, the cart in its rows, and what is shared', async () => {
    const visitor = request.agent(app('development'));
    await addItem(visitor, '<b>tea</b>');
    const res = await asBrowser(visitor).expect(200);
    const id = idIn(res).slice(0, 8);
    const token = csrfFrom(res);
    const notice = 'Closed <i>Monday</i>';
    const fromFile = `the file ${shownPath(noticeFile)}, read again for this request`;
    const cartRows = `the cart_items rows of ${id}…, in SQLite`;
    const table = (name: string) => [
      `the ${name} table of ${shownPath(path)}`,
      'every visitor, in every worker',
      'until the file is deleted',
    ];
    const flash = { error: [], info: ['Added “<b>tea</b>” to your cart.'] };
    const where = `the sessions row of ${id}…, in SQLite; its id in the cookie tutorial.session (${idCookieBytes(res)} bytes)`;
    expect(panelRows(res.text)).to.deep.equal([
      ['the site notice', `"${notice}"`, fromFile, 'every visitor', 'until the file changes'],
      ['cart', '["<b>tea</b>"]', cartRows, 'this visitor', 'as its session'],
      ['popular', '[{"item":"<b>tea</b>","adds":1}]', ...table('popular')],
      ['visits', '2', ...table('site_counts')],
      ['flash', JSON.stringify(flash), 'the session', 'this visitor', 'until shown once'],
      ...sessionRows(
        { counter: 2, csrf: `${token.slice(0, 8)}…` },
        where,
        'up to 24 h after its last change',
      ),
      ...stateRows({ servedBy: process.pid, notice }),
    ]);
    expect(panelHtml(res.text)).to.not.contain(token); // the token: its first 8 characters only
    expect(res.text).to.not.contain(idIn(res)); // the id: its first 8 characters only
  });

  it('is not on the page outside development', async () => {
    expect(hasPanel((await asBrowser(app('production')).expect(200)).text)).to.equal(false);
    expect(hasPanel((await asBrowser(app('test')).expect(200)).text)).to.equal(false);
  });
});

describe('the state inspector, with sessions in Redis', function () {
  this.timeout(10_000);
  let client: Redis;
  before(async function () {
    redisOrSkip(this);
    client = await connectRedis((await sharedRedis()).url, { startupTimeout: 1000 });
  });
  after(() => client?.destroy());

  it('shows the session in its Redis key, with a TTL, and the cart in its Redis list', async () => {
    const visitor = request.agent(app('development', redisStore(client)));
    await addItem(visitor, 'tea');
    const res = await asBrowser(visitor).expect(200);
    const id = idIn(res).slice(0, 8);
    expect(panelRow(res.text, 'ctx.session.counter')?.where).to.equal(
      `the Redis key session:${id}…, with a TTL; its id in the cookie tutorial.session (${idCookieBytes(res)} bytes)`,
    );
    expect(panelRow(res.text, 'cart')?.where).to.equal(
      `the Redis list session:${id}…:cart, with a TTL`,
    );
  });
});
