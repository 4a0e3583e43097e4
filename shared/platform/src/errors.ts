import { STATUS_CODES } from 'node:http';
import type { Context, Middleware } from 'koa';
import type { Render } from './render.ts';

interface HttpError {
  status?: number;
  expose?: boolean;
  message?: string;
  headers?: Record<string, string | string[]>;
}

// Outermost middleware: every thrown error, and every error status left without a body
// (404 when no route matched, 405 from allowedMethods), becomes the site's error page.
export function errorPages(render: Render): Middleware {
  function renderError(ctx: Context, status: number, message?: string) {
    render(ctx, 'error', { name: STATUS_CODES[status] ?? 'Error', status, message });
    ctx.status = status; // after the body: setting a body turns Koa's default 404 into 200
  }

  return async function errorPages(ctx, next) {
    try {
      await next();
    } catch (caught) {
      const err = caught as HttpError;
      // Client errors (4xx) may explain themselves; a server error's message stays in the
      // log. A server error that explains itself (503: the database is busy) is logged too.
      if (!err.expose || (err.status ?? 500) >= 500) ctx.app.emit('error', caught, ctx);
      if (ctx.headerSent) return; // too late for a page: Koa ends the response
      // Nothing the failed handler set (caching, cookies, downloads) applies to the error page.
      for (const name of ctx.res.getHeaderNames()) ctx.res.removeHeader(name);
      if (err.headers) ctx.set(err.headers);
      const status = err.status && err.status >= 400 && err.status < 600 ? err.status : 500;
      return renderError(ctx, status, err.expose ? err.message : undefined);
    }
    if (ctx.status >= 400 && ctx.body == null) renderError(ctx, ctx.status);
  };
}
