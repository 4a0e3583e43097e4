import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Middleware } from 'koa';

// Cross-site request forgery: another site's page can make a visitor's browser post a form
// to us, cookies and all, but cannot read our pages: nor the random token in our forms.
export function tokenFor(session: { csrf?: string }): string {
  session.csrf ??= randomBytes(32).toString('base64url');
  return session.csrf;
}

// Compares in constant time (no early exit for an attacker to time), byte for byte.
function sameToken(sent: unknown, expected: unknown): boolean {
  if (typeof sent !== 'string' || typeof expected !== 'string') return false;
  const [a, b] = [Buffer.from(sent), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

// For routes that change something: a form must send the session's token in `_csrf`.
const FORGED =
  'This form has expired or did not come from this site. Go back, reload the form and try again.';
export function verifyCsrf(): Middleware {
  return function verifyCsrf(ctx, next) {
    const { _csrf: sent } = (ctx.request.body ?? {}) as { _csrf?: unknown };
    if (!sameToken(sent, ctx.session?.csrf)) ctx.throw(403, FORGED);
    return next();
  };
}
