import type { Middleware } from 'koa';

// With SECURE_COOKIES the session cookie is Secure: a browser sends it back over HTTPS
// only, and koa-session refuses to set it on a plain-HTTP response (a 500). So this
// site answers plain HTTP with no page at all: a page load (GET, HEAD) is redirected
// to the same path on the site's own HTTPS address, `publicUrl` (PUBLIC_URL); anything
// else, whose body a redirect would lose or that already went over the network
// unencrypted, is refused. So is a page load when no address was given.
export function requireHttps(publicUrl?: string): Middleware {
  return function requireHttps(ctx, next) {
    if (ctx.secure) return next();
    if ((ctx.method === 'GET' || ctx.method === 'HEAD') && publicUrl) {
      // Never to the request's Host or X-Forwarded-Host: the client writes those, and a
      // cache that kept a redirect to a host it named would send others there. Nor kept
      // at all: the address is the site's setting, which may change.
      const path = ctx.originalUrl.startsWith('/') ? ctx.originalUrl : '/';
      ctx.set('Cache-Control', 'no-store');
      ctx.redirect(`${new URL(publicUrl).origin}${path}`);
      ctx.status = 308; // Permanent Redirect: this address is HTTPS-only for good
      return;
    }
    ctx.throw(
      403,
      `This site works over HTTPS only: send the ${ctx.method} request to its https:// address.`,
    );
  };
}
