import type { Middleware } from 'koa';

// With SECURE_COOKIES the session cookie is Secure: a browser sends it back over HTTPS
// only, and koa-session refuses to set it on a plain-HTTP response (a 500). So this
// site answers plain HTTP with no page at all: a page load (GET, HEAD) is redirected
// to the same address over HTTPS; anything else, whose body a redirect would lose or
// that already went over the network unencrypted, is refused.
export function requireHttps(): Middleware {
  return function requireHttps(ctx, next) {
    if (ctx.secure) return next();
    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      ctx.redirect(`https://${ctx.host}${ctx.originalUrl}`);
      ctx.status = 308; // Permanent Redirect: this address is HTTPS-only for good
      return;
    }
    ctx.throw(
      403,
      `This site works over HTTPS only: send the ${ctx.method} request to its https:// address.`,
    );
  };
}
