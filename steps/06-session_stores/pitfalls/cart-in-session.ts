// NAIVE, DO NOT COPY. Sessions on the server, in the step's SQLite store, but the cart
// kept inside the session, as in steps 02-05. koa-session reads the whole session before
// a request and writes the whole of it back after: of two adds that overlap (two tabs, a
// double click, a phone that retries), the one that finishes last writes back a cart
// without the other's item. The store cannot help: it saves what it is given.
// (Plain-text pages keep the demonstration short; POST /items?item=tea adds an item,
// slowly enough for two curls started together to overlap.)
import { setTimeout } from 'node:timers/promises';
import Koa from 'koa';
import createSession from 'koa-session';
import { inspectSession, stateInspector } from '@course/platform';
import type { SiteDatabase } from '../src/db.ts';
import { servedBy } from '../src/served-by.ts';
import { SESSION_COOKIE } from '../src/session.ts';
import { sqliteStore } from '../src/stores/sqlite.ts';
import type { SessionStore } from '../src/stores/store.ts';

export function createApp({
  db,
  keys,
  sessionStore = sqliteStore(db),
  delay = 2000, // the demo's second add comes 0.5 s after the first: a wide margin
}: {
  db: SiteDatabase;
  keys: string[];
  sessionStore?: SessionStore;
  delay?: number; // ms between reading the cart and writing it back
}): Koa {
  const app = new Koa({ keys });
  app.use(stateInspector(app.env)); // development only: in a browser, where the state lives
  app.use(servedBy());
  app.use(async (ctx, next) => {
    await next(); // once the session is saved
    const where = (id: string) =>
      `${sessionStore.where(id)}, written back whole as each request ends`;
    inspectSession(ctx, { cookie: SESSION_COOKIE, store: { where } });
  });
  app.use(createSession({ key: SESSION_COOKIE, store: sessionStore }, app));
  app.use(async (ctx) => {
    const session = ctx.session as { items?: string[] };
    const item = ctx.query.item;
    if (ctx.method === 'POST' && typeof item === 'string') {
      // #region naive
      const cart = session.items ?? []; // the cart as this request read it
      await setTimeout(delay); // a slow moment: another request may read the same cart
      session.items = [...cart, item]; // saved whole when this request ends
      // #endregion naive
    }
    ctx.body = `Cart: ${(session.items ?? []).join(', ') || '(empty)'}\n`;
  });
  return app;
}
