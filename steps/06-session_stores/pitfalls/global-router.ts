// NAIVE, DO NOT COPY. It looks like an app factory, but the router is made once, when
// this file is imported, and every app shares it: each call registers the routes
// again, and whatever one app (or one test) adds to the router, every app serves.
// (Plain-text pages keep the demonstration short.)
import Koa from 'koa';
import Router from '@koa/router';

const router = new Router(); // module scope: one per process, not one per app

export function createApp(): Koa {
  const app = new Koa();
  router.get('/', (ctx) => {
    ctx.body = 'Hi Home View';
  });
  router.get('/howdy', (ctx) => {
    ctx.body = 'Hi Hello View';
  });
  app.use(router.routes());
  return app;
}
