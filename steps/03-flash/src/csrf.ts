import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';

// Cross-site request forgery: another site's page can make a visitor's browser post a
// form to us, with the visitor's cookies. It cannot read our pages, though, so it
// cannot know a random token that we put in our own forms. One token per session.
export function csrfToken(session: { csrf?: string }): string {
  session.csrf ??= randomBytes(32).toString('base64url');
  return session.csrf;
}

// For routes that change something: a form must send the session's token in `_csrf`.
export function verifyCsrf(): Middleware {
  return function verifyCsrf(ctx, next) {
    const { _csrf: sent } = (ctx.request.body ?? {}) as { _csrf?: unknown };
    const expected = ctx.session?.csrf;
    const matches =
      typeof sent === 'string' &&
      typeof expected === 'string' &&
      sent.length === expected.length &&
      timingSafeEqual(Buffer.from(sent), Buffer.from(expected)); // no early exit to time
    if (!matches)
      ctx.throw(403, 'This form has expired or did not come from this site. Reload the page and try again.');
    return next();
  };
}
