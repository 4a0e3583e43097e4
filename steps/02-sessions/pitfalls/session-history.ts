// NAIVE, DO NOT COPY. The session used as a database: every page view (when, where,
// which browser) is appended to a history kept in the session, so the cookie grows
// with every request until browsers drop it (most ignore a cookie over about 4 KB).
// The browser then holds a signature for a value it never stored, and the visitor's
// whole session is silently lost.
// (Plain-text pages keep the demonstration short.)
import Koa from 'koa';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import createSession from 'koa-session';
import { cookieBytes, inspect, inspectSession, stateInspector } from '@course/platform';
import { SESSION_COOKIE } from '../src/session.ts';

interface Visit {
  path: string;
  at: string;
  browser: string;
}

// #region naive
const recordVisit: Middleware = (ctx) => {
  const session = ctx.session as { history?: Visit[] };
  session.history = [
    ...(session.history ?? []),
    { path: ctx.path, at: new Date().toISOString(), browser: ctx.get('User-Agent') },
  ];
  ctx.body = `Visits: ${session.history.length}`;
};
// #endregion naive

export function createApp({ keys }: { keys: string[] }): Koa {
  const app = new Koa({ keys });
  app.use(stateInspector(app.env)); // development only: in a browser, where the state lives
  app.use(async (ctx, next) => {
    await next(); // once the session is saved: its cookie's size as sent now
    inspectSession(ctx, { cookie: SESSION_COOKIE });
    const bytes = cookieBytes(ctx, SESSION_COOKIE);
    inspect(ctx, {
      what: `the cookie ${SESSION_COOKIE}`,
      value: `${bytes} bytes`,
      where:
        "this visitor's browser, sent back with every request; most browsers drop a cookie over 4,096 bytes",
      who: 'this visitor',
      lasts: 'until it outgrows 4 KB: then the browser drops it, and the session with it',
    });
  });
  const router = new Router();
  router.get('/', recordVisit);
  router.get('/howdy', recordVisit);
  // koa-session as it comes: no check of the session's shape.
  app.use(createSession({ key: SESSION_COOKIE }, app));
  app.use(router.routes());
  return app;
}
