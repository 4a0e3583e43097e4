// NAIVE, DO NOT COPY. The message waits in a module-level variable until a page shows
// it, so it is shown to whichever visitor loads a page next, not to the one who added
// the item. (Plain-text pages and no CSRF check keep the demonstration short.)
import Koa from 'koa';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { parseForm } from '@course/platform';

// #region naive
let lastMessage: string | undefined; // module scope: one for the whole process

const addItem: Middleware = (ctx) => {
  const { item } = ctx.request.body as { item?: string };
  lastMessage = `Added “${item}” to your cart.`;
  ctx.redirect('/');
  ctx.status = 303;
};

const home: Middleware = (ctx) => {
  ctx.body = lastMessage ?? 'No messages.';
  lastMessage = undefined;
};
// #endregion naive

export function createApp(): Koa {
  const app = new Koa();
  const router = new Router();
  router.get('/', home);
  router.post('/items', parseForm(), addItem);
  app.use(router.routes());
  return app;
}
