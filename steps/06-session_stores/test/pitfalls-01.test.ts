import { expect } from 'chai';
import request from 'supertest';
import Koa from 'koa';
import type Router from '@koa/router';
import * as appModule from '../src/app.ts';
import { testDatabase } from './helpers/database.ts';
import { createApp } from '../src/app.ts';
import { overlapping } from './helpers/overlapping.ts';
import * as sharedController from '../pitfalls/shared-controller.ts';
import * as globalRouter from '../pitfalls/global-router.ts';
import * as routeOrder from '../pitfalls/route-order.ts';

// Each pitfall: a test that shows the naive variant in pitfalls/ misbehaving, and the
// same test against this step's app (or the corrected variant) showing it does not.

const heading = (html: string) => /<h1>(.*?)<\/h1>/.exec(html)?.[1];

// #region pitfall-1
describe('step 01, pitfall 1: one controller shared by every request', () => {
  it('naive: of two overlapping requests, one gets the page the other asked for', async () => {
    const app = sharedController.createApp({ lookup: overlapping(2) }).callback();
    const [home, hello] = await Promise.all([
      request(app).get('/'),
      request(app).get('/howdy'),
    ]);
    expect(home.text).to.equal(hello.text); // both say "Hi Hello View", or both "Hi Home View"
    expect(home.text).to.match(/^Hi (Home|Hello) View$/);
  });

  // This step's views never await, so nothing can interleave today; the test guards the
  // day one does, and shows the same traffic as above getting the right pages.
  it('this step: a view per request, so overlapping requests each get their own page', async () => {
    const app = createApp({ env: 'test', db: testDatabase(), keys: ['test key'] }).callback();
    const paths = ['/', '/howdy', '/', '/howdy', '/', '/howdy'];
    const pages = await Promise.all(paths.map((path) => request(app).get(path)));
    expect(pages.map((page) => heading(page.text))).to.deep.equal(
      paths.map((path) => (path === '/' ? 'Hi Home View' : 'Hi Hello View')),
    );
  });
});

// #endregion pitfall-1

// #region pitfall-2
describe('step 01, pitfall 2: a module-level router instead of a factory', () => {
  // The router inside an app: @koa/router's routes() middleware carries it as `.router`.
  const routerOf = (app: Koa) =>
    app.middleware
      .map((middleware) => (middleware as { router?: Router }).router)
      .find(Boolean)!;

  it('naive: every app shares one router, and each createApp() adds the routes again', () => {
    const first = globalRouter.createApp();
    const routes = routerOf(first).stack.length;
    const second = globalRouter.createApp();
    expect(routerOf(second)).to.equal(routerOf(first));
    expect(routerOf(first).stack.length).to.equal(routes + 2);
  });

  it('naive: a route added for one app is served by every app', async () => {
    const mine = globalRouter.createApp();
    const yours = globalRouter.createApp();
    routerOf(mine).get('/debug', (ctx) => {
      ctx.body = 'debug tools';
    });
    await request(yours.callback()).get('/debug').expect(200, 'debug tools');
  });

  it('this step: each createApp() builds its own router, with its own routes only', async () => {
    const mine = createApp({ env: 'test', db: testDatabase(), keys: ['test key'] });
    const yours = createApp({ env: 'test', db: testDatabase(), keys: ['test key'] });
    expect(routerOf(mine)).to.not.equal(routerOf(yours));
    expect(routerOf(yours).stack.length).to.equal(routerOf(mine).stack.length);
    routerOf(mine).get('/debug', (ctx) => {
      ctx.body = 'debug tools';
    });
    await request(mine.callback()).get('/debug').expect(200, 'debug tools');
    await request(yours.callback()).get('/debug').expect(404);
  });

  it('this step: the app module exports a factory and nothing it built at import', () => {
    expect(Object.keys(appModule)).to.deep.equal(['createApp']);
    expect(appModule.createApp({ db: testDatabase(), keys: ['test key'] })).to.be.an.instanceOf(
      Koa,
    );
  });
});
// #endregion pitfall-2

// #region pitfall-3
describe('step 01, pitfall 3: route order', () => {
  it('naive: /:action registered first makes /admin unreachable', async () => {
    await request(routeOrder.createApp().callback()).get('/admin').expect(404);
  });

  it('fixed: /admin registered before /:action is reached, and actions still work', async () => {
    const app = routeOrder.createOrderedApp().callback();
    await request(app).get('/admin').expect(200, 'admin page');
    await request(app).get('/add').expect(200, 'add done');
    await request(app).get('/nonsense').expect(404);
  });
});
// #endregion pitfall-3
