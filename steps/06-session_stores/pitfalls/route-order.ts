// Route ordering. @koa/router tries routes in the order they were registered, and the
// first handler that does not call next() answers. A catch-all such as /:action
// therefore shadows every route registered after it that it also matches.
import Koa from 'koa';
import Router from '@koa/router';
import type { RouterMiddleware } from '@koa/router';

const actions = new Set(['add', 'delete']);

const admin: RouterMiddleware = (ctx) => {
  ctx.body = 'admin page';
};

const action: RouterMiddleware = (ctx) => {
  if (!actions.has(ctx.params.action))
    ctx.throw(404, `No action called "${ctx.params.action}".`);
  ctx.body = `${ctx.params.action} done`;
};

function createActionsApp(register: (router: Router) => void): Koa {
  const app = new Koa();
  const router = new Router();
  register(router);
  app.use(router.routes());
  return app;
}

// NAIVE: /:action first. It matches /admin too, and answers 404 before /admin is tried.
export const createApp = () =>
  createActionsApp((r) => r.get('/:action', action).get('/admin', admin));

// Specific routes first, catch-alls last.
export const createOrderedApp = () =>
  createActionsApp((r) => r.get('/admin', admin).get('/:action', action));
