import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import Router from '@koa/router';
import {
  createRenderer,
  errorLog,
  errorPages,
  parseForm,
  requireHttps,
  requireKeys,
  securityHeaders,
  signingKeys,
  stateInspector,
  staticFiles,
} from '@course/platform';
import { verifyCsrf } from '../../06-session_stores/src/csrf.ts';
import type { SiteDatabase } from './db.ts';
import { utcDay } from './day.ts';
import { siteNotice } from '../../06-session_stores/src/notice.ts';
import type { PopularToday } from './popular-today.ts';
import { servedBy } from '../../06-session_stores/src/served-by.ts';
import { sessions } from '../../06-session_stores/src/session.ts';
import type { SessionStore } from '../../06-session_stores/src/stores/store.ts';
import { sqliteStore } from '../../06-session_stores/src/stores/sqlite.ts';
import { TutorialViews } from './views.ts';

export interface AppOptions {
  db: SiteDatabase; // the site's shared data (src/db.ts), opened by src/server.ts, or by a test
  env?: string; // 'development' re-reads templates; default: NODE_ENV, else that
  keys: string[]; // sign the session cookie: the first signs, every one verifies
  secureCookies?: boolean; // mark the session cookie Secure (sent over HTTPS only)
  trustProxy?: boolean; // trust X-Forwarded-Proto and friends from a proxy in front of the app
  publicUrl?: string; // with secureCookies, where plain HTTP is sent; none: refused
  views?: string; // the templates' folder; default: views/ in this step
  noticeFile?: string; // shown atop every page, read at every request; default: none
  sessionStore?: SessionStore; // where sessions are kept (src/stores/); default: a table in `db`
  popularToday: PopularToday; // the day's lists (src/popular-today.ts): the server's, a test's
  today?: () => string; // the day a request falls on, YYYY-MM-DD; default: the date in UTC
}

// Constants, not state: the templates' folder, and the stylesheet's (under /static/).
const VIEWS_DIR = fileURLToPath(new URL('../views', import.meta.url));
const STATIC_DIR = fileURLToPath(new URL('../../06-session_stores/static', import.meta.url));

// The app factory: each call builds a new app, router and template engine; importing this
// file builds nothing. What is not the lesson (errors, headers, templates) is the platform's.
export function createApp(options: AppOptions): Koa {
  const { db, keys, secureCookies = false, views = VIEWS_DIR, noticeFile } = options;
  const { popularToday, today = () => utcDay() } = options;
  const app = new Koa({ env: options.env, proxy: options.trustProxy });
  app.keys = signingKeys(requireKeys(keys)); // checked now; signed as Koa's default signs
  if (typeof db?.countVisit !== 'function') {
    throw new TypeError('createApp: options.db must be an open database, from openDatabase()');
  }
  if (typeof popularToday?.add !== 'function') {
    throw new TypeError('createApp: options.popularToday must come from popularToday()');
  }
  app.on('error', errorLog()); // one line per failure, instead of Koa's stack per visitor
  const render = createRenderer({ cache: app.env !== 'development', views });
  const router = new Router();

  // Sessions, and the carts beside them, live in the store: by default, a table in `db`.
  const store = options.sessionStore ?? sqliteStore(db);
  // A new TutorialViews for every request, created with that request's ctx, the app's
  // database, session store and day lists, and the day the request falls on.
  const viewFor = (ctx: Koa.Context) =>
    new TutorialViews(ctx, db, store, { lists: popularToday, day: today() });
  router.get('/', async (ctx) => {
    const view = viewFor(ctx);
    render(ctx, 'home', { ...(await view.home()), view });
  });
  router.get('/howdy', (ctx) => {
    const view = viewFor(ctx);
    render(ctx, 'hello', { ...view.hello(), view });
  });
  // Forms post here: read the form, check it came from our page, then add the item.
  router.post('/items', parseForm(), verifyCsrf(), (ctx) => viewFor(ctx).addItem());
  // Start over: the session destroyed on the server, and a new one, with a new id.
  router.post('/start-over', parseForm(), verifyCsrf(), (ctx) => viewFor(ctx).startOver());

  app.use(securityHeaders()); // outermost: every response gets them, error pages too
  app.use(servedBy()); // which worker process answered, on every response
  app.use(errorPages(render)); // next, so it sees every error below it
  app.use(stateInspector(app.env)); // development only: where each page's state lives
  // The stylesheet, the same for everyone: browsers keep it an hour (not in development).
  app.use(staticFiles(STATIC_DIR, { maxage: app.env === 'development' ? 0 : 60 * 60 * 1000 }));
  // Read on every request, so an edit shows at once in every worker; not for the stylesheet.
  if (noticeFile) app.use(siteNotice(noticeFile));
  // Before sessions: a Secure cookie cannot be sent over plain HTTP.
  if (secureCookies) app.use(requireHttps(options.publicUrl));
  app.use(sessions(app, { secure: secureCookies, store })); // ctx.session for everything below
  app.use(router.routes());
  app.use(router.allowedMethods()); // 405 with an Allow header for a known path, wrong method
  return app;
}
