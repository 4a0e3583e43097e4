// NAIVE, DO NOT COPY (createApp). A "current request" global: middleware keeps each
// request's ctx in a module-level variable, so that a helper deep in the code can
// reach the session without being passed ctx. After an await, "current" is whichever
// request arrived last, and the message goes into another visitor's session.
// createAsyncLocalStorageApp is the break-glass alternative that does work.
// (Plain-text pages and no CSRF check keep the demonstration short.)
import { setTimeout } from 'node:timers/promises';
import Koa from 'koa';
import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { flash, popFlash } from '../src/flash.ts';
import { inspect, parseForm, stateInspector } from '@course/platform';
import { sessions } from '../src/session.ts';

// Stands in for anything awaited while handling the form: a database write. The
// default is slow enough to overlap two submissions by hand in two browsers.
export type Save = (item: string) => Promise<unknown>;
const slowSave: Save = () => setTimeout(1500);

// #region naive
let currentCtx: Context | undefined; // module scope: "the" request, for the whole process

function rememberCurrentRequest(ctx: Context, next: Next) {
  currentCtx = ctx;
  return next();
}

// A helper that needs the session, and reaches for the "current" request to find it.
function flashForCurrentVisitor(message: string) {
  flash(currentCtx!.session!, message);
}
// #endregion naive

// For the state inspector (development only): which request "current" holds once this
// one is done: this one, or another visitor's that arrived meanwhile.
async function reportCurrentRequest(ctx: Context, next: Next) {
  await next();
  const whose = currentCtx === ctx ? 'this request' : 'another request, arrived since';
  inspect(ctx, {
    what: 'currentCtx',
    value: currentCtx && `${currentCtx.method} ${currentCtx.path}: ${whose}`,
    where: `a variable of this module, in this process's memory (pid ${process.pid})`,
    who: 'every visitor of this process: the last request to arrive wins',
    lasts: 'until the next request arrives',
  });
}

// The same app either way; only the helper differs in how it finds "the" request.
function buildApp(app: Koa, flashMessage: (message: string) => void, save: Save): Koa {
  const router = new Router();
  router.get('/', (ctx) => {
    ctx.body = popFlash(ctx.session!).join('\n') || 'No messages.';
  });
  router.post('/items', parseForm(), async (ctx) => {
    const { item = '' } = ctx.request.body as { item?: string };
    await save(item); // another visitor's request runs here
    flashMessage(`Added “${item}” to your cart.`);
    ctx.redirect('/');
    ctx.status = 303;
  });
  app.use(sessions(app));
  app.use(router.routes());
  return app;
}

export function createApp({ keys, save = slowSave }: { keys: string[]; save?: Save }): Koa {
  const app = new Koa({ keys });
  app.use(stateInspector(app.env)); // development only: in a browser, where the state lives
  app.use(reportCurrentRequest);
  app.use(rememberCurrentRequest);
  return buildApp(app, flashForCurrentVisitor, save);
}

// #region async-local-storage
// Koa's asyncLocalStorage option runs each request inside Node's AsyncLocalStorage, so
// app.currentContext is this request's ctx even after an await: Node's thread local.
// It works; it also hides the helper's need for the request, which a ctx parameter
// would make plain.
export function createAsyncLocalStorageApp({
  keys,
  save = slowSave,
}: {
  keys: string[];
  save?: Save;
}): Koa {
  const app = new Koa({ keys, asyncLocalStorage: true });
  return buildApp(app, (message) => flash(app.currentContext!.session!, message), save);
}
// #endregion async-local-storage
