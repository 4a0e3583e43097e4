// NAIVE, DO NOT COPY. A site-wide visit counter in a module-level variable. With one
// process it looks right. With several workers each process has its own `visits`: a
// visitor sees whichever worker's count served them, and the total is split between them.
// (Plain-text pages keep the demonstration short.)
import cluster from 'node:cluster';
import Koa from 'koa';
import { inspect, stateInspector } from '@course/platform';
import { servedBy } from '../src/served-by.ts';

// #region naive
let visits = 0; // one number per process, not one for the site

function countVisit(ctx: Koa.Context) {
  visits += 1;
  ctx.body = `Visits to this site: ${visits}\n`;
}
// #endregion naive

export function createApp(): Koa {
  const app = new Koa();
  app.use(stateInspector(app.env)); // development only: in a browser, where the state lives
  app.use(servedBy());
  app.use(async (ctx, next) => {
    await next();
    // With WORKERS, one worker of several, each with a `visits` of its own.
    const where = cluster.isWorker
      ? `a variable in this worker's memory (worker #${cluster.worker?.id}, pid ${process.pid})`
      : `a variable in this process's memory (pid ${process.pid})`;
    inspect(ctx, {
      what: 'visits',
      value: visits,
      where,
      who: 'the visitors this process serves; each worker counts its own',
      lasts: 'until this process ends',
    });
  });
  app.use(countVisit);
  return app;
}
