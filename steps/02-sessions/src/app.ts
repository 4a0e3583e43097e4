import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import Router from '@koa/router';
import {
  createRenderer,
  errorLog,
  errorPages,
  requireHttps,
  requireKeys,
  securityHeaders,
  signingKeys,
  stateInspector,
  staticFiles,
} from '@course/platform';
import { sessions } from './session.ts';
import { TutorialViews } from './views.ts';

export interface AppOptions {
  env?: string; // 'development' re-reads templates; default: NODE_ENV, else that
  keys: string[]; // sign the session cookie: the first signs, every one verifies
  secureCookies?: boolean; // mark the session cookie Secure (sent over HTTPS only)
  trustProxy?: boolean; // trust X-Forwarded-Proto and friends from a proxy in front of the app
  publicUrl?: string; // with secureCookies, where plain HTTP is sent; none: refused
  views?: string; // the templates' folder; default: views/ in this step
}

// Constants, not state: the templates' folder, and the stylesheet's (under /static/).
const VIEWS_DIR = fileURLToPath(new URL('../views', import.meta.url));
const STATIC_DIR = fileURLToPath(new URL('../static', import.meta.url));

// The app factory: each call builds a new app, router and template engine; importing this
// file builds nothing. What is not the lesson (errors, headers, templates) is the platform's.
export function createApp(options: AppOptions): Koa {
  const { keys, secureCookies = false, views = VIEWS_DIR } = options;
  const app = new Koa({ env: options.env, proxy: options.trustProxy });
  app.keys = signingKeys(requireKeys(keys)); // checked now; signed as Koa's default signs
  app.on('error', errorLog()); // one line per failure, instead of Koa's stack per visitor
  const render = createRenderer({ cache: app.env !== 'development', views });
  const router = new Router();

  // A new TutorialViews for every request, created with that request's ctx.
  router.get('/', (ctx) => {
    const view = new TutorialViews(ctx);
    render(ctx, 'home', { ...view.home(), view });
  });
  router.get('/howdy', (ctx) => {
    const view = new TutorialViews(ctx);
    render(ctx, 'hello', { ...view.hello(), view });
  });

  app.use(securityHeaders()); // outermost: every response gets them, error pages too
  app.use(errorPages(render)); // next, so it sees every error below it
  app.use(stateInspector(app.env)); // development only: where each page's state lives
  // The stylesheet, the same for everyone: browsers keep it an hour (not in development).
  app.use(staticFiles(STATIC_DIR, { maxage: app.env === 'development' ? 0 : 60 * 60 * 1000 }));
  // Before sessions: a Secure cookie cannot be sent over plain HTTP.
  if (secureCookies) app.use(requireHttps(options.publicUrl));
  app.use(sessions(app, { secure: secureCookies })); // ctx.session for everything below
  app.use(router.routes());
  app.use(router.allowedMethods()); // 405 with an Allow header for a known path, wrong method
  return app;
}
