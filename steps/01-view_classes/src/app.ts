import Koa from 'koa';
import Router from '@koa/router';
import { errorPages } from './errors.ts';
import { createRenderer } from './render.ts';
import { TutorialViews } from './views.ts';

export interface AppOptions {
  // 'development' re-reads templates on every request; any other value caches them.
  // Default: NODE_ENV, else 'development' (Koa's own rule).
  env?: string;
}

// The app factory: every call builds a new app, router and template engine, and
// importing this file builds nothing. Tests make as many apps as they like; only
// src/server.ts listens.
export function createApp(options: AppOptions = {}): Koa {
  const app = new Koa({ env: options.env });
  const render = createRenderer({ cache: app.env !== 'development' });
  const router = new Router();

  // A new TutorialViews for every request, created with that request's ctx.
  router.get('home', '/', (ctx) => {
    const view = new TutorialViews(ctx);
    render(ctx, 'home', { ...view.home(), view });
  });
  router.get('hello', '/howdy', (ctx) => {
    const view = new TutorialViews(ctx);
    render(ctx, 'hello', { ...view.hello(), view });
  });

  app.use(errorPages(render)); // first, so it sees every error below it
  app.use(router.routes());
  app.use(router.allowedMethods()); // 405 with an Allow header for a known path, wrong method
  return app;
}
