import type { Middleware } from 'koa';

// Which process answered, in the X-Served-By header and the footer. With several workers,
// it changes from one connection to the next: what one keeps in memory, the others never see.
export function servedBy(): Middleware {
  return async function servedBy(ctx, next) {
    ctx.state.servedBy = process.pid; // for the footer, error pages included
    await next();
    ctx.set('X-Served-By', String(process.pid)); // after next: error pages reset headers
  };
}
