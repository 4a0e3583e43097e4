import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import Router from '@koa/router';
import serve from 'koa-static';
import { verifyCsrf } from './csrf.ts';
import { errorPages } from './errors.ts';
import { parseForm } from './forms.ts';
import { securityHeaders } from './headers.ts';
import { errorLog } from './log.ts';
import { requireHttps } from './https.ts';
import { siteNotice } from './notice.ts';
import type { SiteDatabase } from './db.ts';
import { createRenderer } from './render.ts';
import { servedBy } from './served-by.ts';
import { sessions } from './session.ts';
import { TutorialViews } from './views.ts';

export interface AppOptions {
  // The site's shared data (src/db.ts), opened by src/server.ts, or by a test.
  db: SiteDatabase;
  // 'development' re-reads templates on every request; any other value caches them.
  // Default: NODE_ENV, else 'development' (Koa reads it when this is not given).
  env?: string;
  // Secrets that sign the session cookie. The first signs; every one verifies, so a
  // retired key can stay at the end of the list until its cookies have expired.
  keys: string[];
  // Mark the session cookie Secure (sent over HTTPS only).
  secureCookies?: boolean;
  // Trust X-Forwarded-Proto and friends from a proxy in front of the app.
  trustProxy?: boolean;
  // The site's own https:// address (PUBLIC_URL), where secureCookies sends a page load
  // that came over plain HTTP; without it, that page load is refused as well.
  publicUrl?: string;
  // The templates' folder; default: views/ in this step.
  views?: string;
  // A text file shown at the top of every page, read on every request; default: none.
  noticeFile?: string;
}

// A constant, not state: the folder of files served as they are (the stylesheet).
const STATIC_DIR = fileURLToPath(new URL('../static', import.meta.url));

// The app factory: every call builds a new app, router and template engine, and
// importing this file builds nothing. Tests make as many apps as they like; only
// src/server.ts listens.
export function createApp({
  db,
  env,
  keys,
  secureCookies = false,
  trustProxy = false,
  publicUrl,
  views,
  noticeFile,
}: AppOptions): Koa {
  if (
    !Array.isArray(keys) ||
    keys.length === 0 ||
    !keys.every((key) => typeof key === 'string' && key)
  ) {
    throw new TypeError('createApp: options.keys must be a non-empty array of secret strings');
  }
  if (typeof db?.countVisit !== 'function') {
    throw new TypeError('createApp: options.db must be an open database, from openDatabase()');
  }
  const app = new Koa({ env, keys, proxy: trustProxy });
  // Our log instead of Koa's, which traces every visitor who hangs up; an outage's
  // repeated lines are counted, not printed.
  app.on('error', errorLog());
  const render = createRenderer({ cache: app.env !== 'development', views });
  const router = new Router();

  // #region routes
  // A new TutorialViews for every request, created with that request's ctx and the
  // app's database.
  router.get('/', (ctx) => {
    const view = new TutorialViews(ctx, db);
    render(ctx, 'home', { ...view.home(), view });
  });
  router.get('/howdy', (ctx) => {
    const view = new TutorialViews(ctx, db);
    render(ctx, 'hello', { ...view.hello(), view });
  });
  // Forms post here: read the form, check it came from our page, then add the item.
  router.post('/items', parseForm(), verifyCsrf(), (ctx) =>
    new TutorialViews(ctx, db).addItem(),
  );
  // #endregion routes

  app.use(securityHeaders()); // outermost: every response gets them, error pages too
  app.use(servedBy()); // which worker process answered, on every response
  app.use(errorPages(render)); // next, so it sees every error below it
  // The stylesheet is the same for every visitor: browsers may keep it for an hour,
  // except in development, where an edit shows on the next reload.
  app.use(serve(STATIC_DIR, { maxage: app.env === 'development' ? 0 : 60 * 60 * 1000 }));
  // Read on every request, so an edit shows at once in every worker; not for the stylesheet.
  if (noticeFile) app.use(siteNotice(noticeFile));
  // Before sessions: a Secure cookie cannot be sent over plain HTTP.
  if (secureCookies) app.use(requireHttps(publicUrl));
  app.use(sessions(app, { secure: secureCookies })); // ctx.session for everything below
  app.use(router.routes());
  app.use(router.allowedMethods()); // 405 with an Allow header for a known path, wrong method
  return app;
}
