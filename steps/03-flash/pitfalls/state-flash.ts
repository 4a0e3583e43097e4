// NAIVE, DO NOT COPY. The message is kept in ctx.state, Koa's per-request object (like
// Flask's `g`). It lasts for the rest of this request, and the redirect makes the
// browser send a new one, with a new, empty ctx.state. The message is lost.
// (Plain-text pages and no CSRF check keep the demonstration short.)
import Koa from 'koa';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { inspect, parseForm, stateInspector } from '@course/platform';

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
  app.use(stateInspector(app.env)); // development only: in a browser, where the state lives
  app.use(async (ctx, next) => {
    await next();
    // Listed even when empty, as the page after the redirect always finds it.
    inspect(ctx, {
      what: 'ctx.state.message',
      value: ctx.state.message,
      where: "ctx.state, made new for each request: the message went with the redirect's",
      who: 'this request only',
      lasts: 'until this response is sent, then wiped',
    });
  });
  const router = new Router();
  router.get('/', home);
  router.post('/items', parseForm(), addItem);
  app.use(router.routes());
  return app;
}
