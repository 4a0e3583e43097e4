// NAIVE, DO NOT COPY. One controller object serves every request: it is made once,
// when the app is built, and each request stores its page data on `this` before
// awaiting something. While it waits, the next request overwrites `this.name`.
// (Plain-text pages keep the demonstration short.)
import Koa from 'koa';
import Router from '@koa/router';
import { setTimeout } from 'node:timers/promises';
import type { Context } from 'koa';

// Stands in for anything a view awaits: a database query, a file, another service.
export type Lookup = () => Promise<unknown>;

// #region naive
class SharedViews {
  name = '';
  readonly lookup: Lookup;

  constructor(lookup: Lookup) {
    this.lookup = lookup;
  }

  async show(ctx: Context, name: string) {
    this.name = name; // per-request data on an object every request shares
    await this.lookup(); // ...and another request runs while this one waits
    ctx.body = `Hi ${this.name}`;
  }
}
// #endregion naive

// The default is slow enough for two requests sent by hand (two curls) to overlap.
const slowLookup: Lookup = () => setTimeout(1500);

export function createApp({ lookup = slowLookup }: { lookup?: Lookup } = {}): Koa {
  const app = new Koa();
  const views = new SharedViews(lookup);
  const router = new Router();
  router.get('/', (ctx) => views.show(ctx, 'Home View'));
  router.get('/howdy', (ctx) => views.show(ctx, 'Hello View'));
  app.use(router.routes());
  return app;
}
