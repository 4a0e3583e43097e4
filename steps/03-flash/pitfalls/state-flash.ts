// NAIVE, DO NOT COPY. The message is kept in ctx.state, Koa's per-request object (like
// Flask's `g`). It lasts for the rest of this request, and the redirect makes the
// browser send a new one, with a new, empty ctx.state. The message is lost.
// (Plain-text pages and no CSRF check keep the demonstration short.)
import Koa from 'koa';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { parseForm } from '@course/platform';

// #region naive
const addItem: Middleware = (ctx) => {
  const { item } = ctx.request.body as { item?: string };
  ctx.state.message = `Added “${item}” to your cart.`; // gone when this response is sent
  ctx.redirect('/');
  ctx.status = 303;
};

const home: Middleware = (ctx) => {
  ctx.body = ctx.state.message ?? 'No messages.';
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
