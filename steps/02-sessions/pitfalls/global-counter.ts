// NAIVE, DO NOT COPY. The count lives in a module-level variable: one number for the
// whole process. Every visitor shares it, it is gone when the process restarts, and
// when the app runs as several worker processes each has its own.
// (Plain-text pages keep the demonstration short.)
import Koa from 'koa';
import Router from '@koa/router';
import type { Middleware } from 'koa';
import { inspect, stateInspector } from '@course/platform';

// #region naive
let counter = 0; // module scope: made once per process, shared by every request

const countVisit: Middleware = (ctx) => {
  counter += 1;
  ctx.body = `Count: ${counter}`;
};
// #endregion naive

export function createApp(): Koa {
  const app = new Koa();
  app.use(stateInspector(app.env)); // development only: in a browser, where the state lives
  app.use(async (ctx, next) => {
    await next();
    const where = `a variable of this module, in this process's memory (pid ${process.pid})`;
    const home = { where, who: 'every visitor', lasts: 'until the process ends' };
    inspect(ctx, { what: 'counter', value: counter, ...home });
  });
  const router = new Router();
  router.get('/', countVisit);
  router.get('/howdy', countVisit);
  app.use(router.routes());
  return app;
}
