// NAIVE, DO NOT COPY. A session store in SQLite that ignores the maxAge koa-session
// passes: the in-memory store's flaw (step 04), on disk. koa-session itself refuses a
// session whose time is up, so nobody sees an expired one; but its row stays for good,
// and every visitor without a cookie (every bot, every private window) adds one more.
// (Plain-text pages keep the demonstration short. Its table is in a file of its own,
// beside the step's: data/site-forever-sessions.sqlite for data/site.sqlite.)
import { parse, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import Koa from 'koa';
import createSession from 'koa-session';
import { idPrefix, inspect, inspectSession, shownPath, stateInspector } from '@course/platform';
import { servedBy } from '../src/served-by.ts';
import { SESSION_COOKIE } from '../src/session.ts';

// #region naive
function foreverStore(db: DatabaseSync) {
  db.exec('CREATE TABLE IF NOT EXISTS forever_sessions (id TEXT PRIMARY KEY, data TEXT)');
  const get = db.prepare('SELECT data FROM forever_sessions WHERE id = ?');
  const set = db.prepare('INSERT OR REPLACE INTO forever_sessions (id, data) VALUES (?, ?)');
  const destroy = db.prepare('DELETE FROM forever_sessions WHERE id = ?');
  return {
    get: async (id: string) => {
      const row = get.get(id) as { data: string } | undefined;
      return row && JSON.parse(row.data);
    },
    set: async (id: string, session: object) => void set.run(id, JSON.stringify(session)),
    destroy: async (id: string) => void destroy.run(id),
  };
}
// #endregion naive

export function createApp({
  databasePath,
  keys,
  maxAge = 24 * 60 * 60 * 1000,
}: {
  databasePath: string; // the step's database: this store's file goes beside it
  keys: string[];
  maxAge?: number; // how long a cookie lasts, in ms
}): Koa {
  // Not in the step's own file: its sessions are the step's app's, and `npm run db`
  // shows and resets what the step's app keeps, which this table is not.
  const { dir, name, ext } = parse(databasePath);
  const file = join(dir, `${name}-forever-sessions${ext}`);
  const db = new DatabaseSync(file);
  const store = foreverStore(db);
  const rows = db.prepare('SELECT count(*) AS rows FROM forever_sessions');
  const app = new Koa({ keys });
  app.use(stateInspector(app.env)); // development only: in a browser, where the state lives
  app.use(servedBy());
  app.use(async (ctx, next) => {
    await next(); // once the session is saved
    const kept = (rows.get() as { rows: number }).rows;
    ctx.body += `Sessions kept: ${kept}\n`;
    // For the state inspector: the session's row, which outlives its cookie.
    const table = `the forever_sessions table of ${shownPath(file)}`;
    const where = (id: string) => `the row of ${idPrefix(id)} in ${table}`;
    inspectSession(ctx, { cookie: SESSION_COOKIE, store: { where } });
    inspect(ctx, {
      what: 'forever_sessions',
      value: `${kept} rows`,
      where: `${table}, with no expiry`,
      who: 'each row one visitor, then nobody once its cookie expires',
      lasts: 'for good: nothing ever deletes a row',
    });
  });
  app.use(createSession({ key: SESSION_COOKIE, maxAge, store }, app));
  app.use((ctx) => {
    const session = ctx.session as { counter?: number };
    session.counter = (session.counter ?? 0) + 1;
    ctx.body = `Count: ${session.counter}\n`;
  });
  return app;
}
