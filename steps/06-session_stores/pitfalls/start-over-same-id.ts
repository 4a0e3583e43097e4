// NAIVE, DO NOT COPY. "Start over" that empties the session but keeps its id. Whoever
// knew the id before still shares the session after: session fixation. An attacker
// gets an id of their own (any first visit gives one), plants it in the victim's
// browser (a sibling subdomain, a shared computer, a link on a site that puts ids in
// URLs), and waits: the victim's fresh start, or sign-in, happens under the attacker's id.
// (Plain-text pages keep the demonstration short; POST /items?item=tea adds an item.)
import Koa from 'koa';
import createSession from 'koa-session';
import { idPrefix, inspect, inspectSession, stateInspector } from '@course/platform';
import type { SiteDatabase } from '../src/db.ts';
import { servedBy } from '../src/served-by.ts';
import { SESSION_COOKIE } from '../src/session.ts';
import { sqliteStore } from '../src/stores/sqlite.ts';

export function createApp({ db, keys }: { db: SiteDatabase; keys: string[] }): Koa {
  const store = sqliteStore(db);
  const app = new Koa({ keys });
  app.use(stateInspector(app.env)); // development only: in a browser, where the state lives
  app.use(servedBy());
  app.use(async (ctx, next) => {
    await next(); // once the session is saved
    inspectSession(ctx, { cookie: SESSION_COOKIE, store });
    const id = ctx.session?.externalKey;
    inspect(ctx, {
      what: 'the session id',
      value: id && idPrefix(id),
      where: `the cookie ${SESSION_COOKIE}, and the sessions row it names, in SQLite`,
      who: 'this visitor, and whoever knew the id before: "Start over" keeps it',
      lasts: 'as long as the session: never replaced',
    });
  });
  app.use(createSession({ key: SESSION_COOKIE, store }, app));
  app.use(async (ctx) => {
    const session = ctx.session as { counter?: number; started?: boolean };
    const id = ctx.session!.externalKey as string;
    if (ctx.method === 'POST' && ctx.path === '/start-over') {
      // #region naive
      delete session.counter; // the data goes; the id, and whoever knows it, stays
      session.started = true; // a change, so that koa-session saves the emptied session
      // #endregion naive
    } else if (ctx.method === 'POST' && typeof ctx.query.item === 'string') {
      await store.addToCart(id, ctx.query.item, 20);
    } else session.counter = (session.counter ?? 0) + 1;
    ctx.body =
      `Count: ${session.counter ?? 0}\n` +
      `Cart: ${(await store.cart(id)).join(', ') || '(empty)'}\n`;
  });
  return app;
}
