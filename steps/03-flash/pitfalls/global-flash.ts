// NAIVE, DO NOT COPY. The message waits in a module-level variable until a page shows
// it, so it is shown to whichever visitor loads a page next, not to the one who added
// the item. (Plain-text pages and no CSRF check keep the demonstration short.)
import Koa from 'koa';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { inspect, parseForm, stateInspector } from '@course/platform';

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
  app.use(stateInspector(app.env)); // development only: in a browser, where the state lives
  app.use(async (ctx, next) => {
    const waiting = lastMessage; // as this request found it, for whoever came first
    await next();
    inspect(ctx, {
      what: 'lastMessage',
      value: waiting,
      where: `a variable of this module, in this process's memory (pid ${process.pid})`,
      who: 'every visitor of this process: whoever loads a page first takes it',
      lasts: 'until any visitor loads a page',
    });
  });
  const router = new Router();
  router.get('/', home);
  router.post('/items', parseForm(), addItem);
  app.use(router.routes());
  return app;
}
