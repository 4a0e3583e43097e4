import type { Middleware } from 'koa';
import send from 'koa-send';

// The files served as they are (the stylesheet), from `dir`, under one path prefix only:
// /static/style.css is dir/style.css. Any other path (every page) goes straight on, with
// no look-up in the file system: mounted at `/`, a file server would first ask the disk
// for each page's path, on every request. koa-send keeps a path inside `dir` (`..`, even
// encoded, is refused) and serves no hidden files. A missing file is the site's 404 page.
// `maxage` (ms) is how long browsers may keep a file: 0 in development, so that an edit
// shows on the next reload.
export function staticFiles(
  dir: string,
  { prefix = '/static', maxage = 0 }: { prefix?: string; maxage?: number } = {},
): Middleware {
  return async function staticFiles(ctx, next) {
    if (!ctx.path.startsWith(`${prefix}/`)) return next();
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET, HEAD');
      return void (ctx.status = 405);
    }
    try {
      if (await send(ctx, ctx.path.slice(prefix.length), { root: dir, maxage })) return;
    } catch (error) {
      if ((error as { status?: number }).status !== 404) throw error;
    }
    ctx.status = 404; // no body: the error pages give it the site's 404 page
  };
}
