import type Koa from 'koa';
import createSession from 'koa-session';
import type { FlashSession } from './flash.ts';

// What this app keeps in a visitor's session. Everything here travels to the browser
// and back on every request, readable by anyone who has the cookie: keep it small and
// keep secrets out of it.
export interface SessionData extends FlashSession {
  counter?: number;
  items?: string[];
  csrf?: string;
}

// koa-session 7 adds ctx.session but does not type it. It is null only after the app
// ends a session with `ctx.session = null`.
declare module 'koa' {
  interface DefaultContext {
    session: SessionData | null;
  }
}

// The cookie's name. Its signature travels in a second cookie, `tutorial.session.sig`.
export const SESSION_COOKIE = 'tutorial.session';

export function sessions(app: Koa, { secure = false }: { secure?: boolean } = {}) {
  return createSession(
    {
      key: SESSION_COOKIE,
      maxAge: 24 * 60 * 60 * 1000, // one day from the last change; the browser then forgets it
      httpOnly: true, // page scripts cannot read it, so injected script cannot steal it
      sameSite: 'lax', // not sent with other sites' form posts: a first defence against CSRF
      secure, // HTTPS only; behind a TLS-terminating proxy also set app.proxy
      signed: true, // an HMAC with app.keys detects tampering; it does not hide the content
    },
    app,
  );
}
