import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { shownPath } from '@course/platform';
import { asBrowser, inDevelopment, panelRow } from '@course/platform/testing/panel';
import type * as importTimeDatabase from '../pitfalls/import-time-database.ts';
import * as memoryDatabase from '../pitfalls/memory-database.ts';
import * as noBusyTimeout from '../pitfalls/no-busy-timeout.ts';
import * as popularAtStartup from '../pitfalls/popular-at-startup.ts';
import * as readModifyWrite from '../pitfalls/read-modify-write.ts';
import { databasePath, testDatabase, testDatabaseFile } from './helpers/database.ts';

// Each naive variant, seen in a browser as `npm run demo` serves it (no NODE_ENV, so Koa's
// env is 'development'; a variant built on this step's app is given env: 'development'):
// its state inspector names where the naive state really lives.
const env = 'development';
const keys = ['test key'];

describe('step 05, the naive variants in the state inspector', () => {
  it('import-time-database: one connection, opened at import, for every app in this process', async () => {
    // A fresh copy of the module, which opens DATABASE_PATH as it is imported.
    const file = databasePath();
    const url = new URL('../pitfalls/import-time-database.ts', import.meta.url);
    url.searchParams.set('process', randomBytes(4).toString('hex'));
    process.env.DATABASE_PATH = file;
    let naive: typeof importTimeDatabase;
    try {
      naive = (await import(url.href)) as typeof importTimeDatabase;
    } finally {
      delete process.env.DATABASE_PATH;
    }
    try {
      const res = await asBrowser(naive.createApp({ env, keys }).callback()).expect(200);
      expect(panelRow(res.text, 'visits')).to.deep.include({
        where: `the site_counts table of ${shownPath(file)}, opened as this module was imported: one connection for every app in this process (pid ${process.pid})`,
        who: 'every app made in this process, tests included, and every visitor',
      });
    } finally {
      naive.db.close();
    }
  });

  it('memory-database: the tables are in this process’s memory, one database per worker', async () => {
    const app = memoryDatabase.createApp({ env, keys, db: testDatabase() });
    const res = await asBrowser(app.callback()).expect(200);
    expect(panelRow(res.text, 'visits')).to.deep.include({
      value: '1',
      where: `the site_counts table of a database in this process's memory (pid ${process.pid}): each worker has its own`,
      who: 'the visitors this process serves, not the other workers',
      lasts: 'until this process ends',
    });
  });

  it('no-busy-timeout: the tables are in the file, over a connection that never waits', async () => {
    const { db, path } = testDatabaseFile();
    const app = noBusyTimeout.createApp({ env, keys, db, databasePath: path });
    const res = await asBrowser(app.callback()).expect(200);
    expect(panelRow(res.text, 'popular')?.where).to.equal(
      `the popular table of ${shownPath(path)}, over a connection with no busy timeout: a write while another holds the lock fails at once (a 503)`,
    );
  });

  it('popular-at-startup: the list is a copy in this process’s memory, read at start-up', async () => {
    const db = testDatabase();
    db.countAdd('tea');
    const server = inDevelopment(() => popularAtStartup.createApp({ db }));
    await request(server).post('/items?item=cake').expect('Popular with everyone: tea (1)\n'); // curl's plain text, as it was
    const res = await asBrowser(server).expect(200);
    expect(panelRow(res.text, 'popular')).to.deep.include({
      value: '[{"item":"tea","adds":1}]',
      where: `a copy in this process's memory (pid ${process.pid}), read at start-up from ${db.home('popular').where}`,
    });
  });

  it('read-modify-write: the count is in the file, read and written back in two statements', async () => {
    const { path } = testDatabaseFile();
    const server = inDevelopment(() => readModifyWrite.createApp({ databasePath: path }));
    await request(server).get('/').expect('Visits to this site: 1\n'); // curl's plain text
    const res = await asBrowser(server).expect(200);
    expect(panelRow(res.text, 'visits')).to.deep.include({
      value: '2',
      where: `the site_counts table of ${shownPath(path)}, read, then written back plus one: two statements, with an await between`,
    });
  });
});
