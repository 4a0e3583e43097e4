// NAIVE, DO NOT COPY. A site-wide visit counter in a module-level variable. With one
// process it looks right. With several workers each process has its own `visits`: a
// visitor sees whichever worker's count served them, and the total is split between them.
// (Plain-text pages keep the demonstration short.)
import Koa from 'koa';
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
  app.use(servedBy());
  app.use(countVisit);
  return app;
}
