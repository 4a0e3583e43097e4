import type { Middleware } from 'koa';

// #region headers
// Headers that tell the browser what this site allows, on every response (error pages
// included, so they are set after everything else has run):
// - Content-Security-Policy: scripts, styles, images and form posts from this site only,
//   and no other site may show our pages in a frame (a framed form can be clicked by a
//   visitor who thinks they are on another page: clickjacking).
// - X-Content-Type-Options: believe our Content-Type; never guess that text is a script.
// - Referrer-Policy: tell other sites nothing about which of our pages linked to them.
// (koa-helmet sets these and nine more, before the response is made: an error page,
// which starts from no headers at all, would go without them. Four lines, set last,
// show what each one is for.)
const SECURITY_HEADERS = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};

export function securityHeaders(): Middleware {
  return async function securityHeaders(ctx, next) {
    await next();
    ctx.set(SECURITY_HEADERS);
  };
}
// #endregion headers
