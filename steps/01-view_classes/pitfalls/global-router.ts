// NAIVE, DO NOT COPY. It looks like an app factory, but the router is made once, when
// this file is imported, and every app shares it: each call registers the routes
// again, and whatever one app (or one test) adds to the router, every app serves.
import Koa from 'koa';
import Router from '@koa/router';
import { createRenderer } from '../src/render.ts';

export const router = new Router(); // module scope: one per process, not one per app

export function createApp(): Koa {
  const app = new Koa();
  const render = createRenderer({ cache: true });
  router.get('/', (ctx) => render(ctx, 'home', { name: 'Home View' }));
  router.get('/howdy', (ctx) => render(ctx, 'hello', { name: 'Hello View' }));
  app.use(router.routes());
  return app;
}
