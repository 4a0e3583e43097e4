import type { Middleware } from 'koa';

// #region served-by
// Which process answered: the X-Served-By header and the page footer show its pid. With
// several workers, watch it change from one connection to the next; whatever one process
// keeps in its memory, the others never see.
export function servedBy(): Middleware {
  return async function servedBy(ctx, next) {
    ctx.state.servedBy = process.pid; // for the footer, error pages included
    await next();
    ctx.set('X-Served-By', String(process.pid)); // after next: error pages reset headers
  };
}
// #endregion served-by
