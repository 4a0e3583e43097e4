import { fileURLToPath } from 'node:url';
import Koa from 'koa';
import Router from '@koa/router';
import serve from 'koa-static';
import { errorPages } from './errors.ts';
import { securityHeaders } from './headers.ts';
import { logError } from './log.ts';
import { createRenderer } from './render.ts';
import { TutorialViews } from './views.ts';

export interface AppOptions {
  // 'development' re-reads templates on every request; any other value caches them.
  // Default: NODE_ENV, else 'development' (Koa reads it when this is not given).
  env?: string;
  // The templates' folder; default: views/ in this step.
  views?: string;
}

// A constant, not state: the folder of files served as they are (the stylesheet).
const STATIC_DIR = fileURLToPath(new URL('../static', import.meta.url));

// The app factory: every call builds a new app, router and template engine, and
// importing this file builds nothing. Tests make as many apps as they like; only
// src/server.ts listens.
export function createApp({ env, views }: AppOptions = {}): Koa {
  const app = new Koa({ env });
  app.on('error', logError); // our log instead of Koa's, which traces every visitor who hangs up
  const render = createRenderer({ cache: app.env !== 'development', views });
  const router = new Router();

  // #region routes
  // A new TutorialViews for every request, created with that request's ctx.
  router.get('/', (ctx) => {
    const view = new TutorialViews(ctx);
    render(ctx, 'home', { ...view.home(), view });
  });
  router.get('/howdy', (ctx) => {
    const view = new TutorialViews(ctx);
    render(ctx, 'hello', { ...view.hello(), view });
  });
  // #endregion routes

  app.use(securityHeaders()); // outermost: every response gets them, error pages too
  app.use(errorPages(render)); // next, so it sees every error below it
  // The stylesheet is the same for every visitor: browsers may keep it for an hour,
  // except in development, where an edit shows on the next reload.
  app.use(serve(STATIC_DIR, { maxage: app.env === 'development' ? 0 : 60 * 60 * 1000 }));
  app.use(router.routes());
  app.use(router.allowedMethods()); // 405 with an Allow header for a known path, wrong method
  return app;
}
