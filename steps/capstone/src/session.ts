import type Koa from 'koa';
import createSession from 'koa-session';
import type { Middleware } from 'koa';
import { inspectSession } from '@course/platform';
import type { FlashQueues } from './flash.ts';
import type { SessionStore } from './stores/store.ts';

// What this app keeps in a visitor's session, on the server now; the cookie carries its id.
export interface SessionData {
  counter?: number;
  csrf?: string;
  flash?: FlashQueues;
}

// koa-session 7 adds ctx.session without a type: the data, and what of its own this app
// uses (`externalKey` is the id, the key in the store). Null after `ctx.session = null`.
type KoaSession = { readonly externalKey: string; regenerate(): Promise<void> };
declare module 'koa' {
  interface DefaultContext {
    session:
      (SessionData & KoaSession & { manuallyCommit(): Promise<void> | undefined }) | null;
  }
}

// Stored by this app, but perhaps by an older version or a bug: check the shape once, as
// the session is loaded. Any other shape is dropped (a fresh start), not half-trusted.
const strings = (value: unknown) =>
  Array.isArray(value) && value.every((v) => typeof v === 'string');
const fields = new Map<string, (value: unknown) => boolean>([
  ['counter', (value) => Number.isSafeInteger(value) && (value as number) >= 0],
  ['csrf', (value) => typeof value === 'string'],
  ['flash', (value) => isRecord(value) && Object.values(value).every(strings)],
  ['_expire', Number.isFinite], // koa-session's own: when the cookie expires
  ['_maxAge', Number.isFinite],
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const isSessionData = (data: unknown): data is SessionData =>
  isRecord(data) && Object.entries(data).every(([key, value]) => fields.get(key)?.(value));

// The cookie's name (its signature travels in `tutorial.session.sig`). Over HTTPS it
// starts with `__Host-`: browsers then accept it only Secure, with Path=/ and no Domain,
// so a page on a sibling subdomain cannot plant a session of its choosing under it.
export const SESSION_COOKIE = 'tutorial.session';
export const sessionCookieName = (secure: boolean) =>
  secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE;

// With a `store`, the cookie holds only a signed random id; koa-session calls store.get/set.
export function sessions(
  app: Koa,
  { secure = false, store }: { secure?: boolean; store?: SessionStore } = {},
): Middleware {
  const key = sessionCookieName(secure);
  const session = createSession(
    {
      key,
      store, // the session on the server, the cookie only its id
      maxAge: 24 * 60 * 60 * 1000, // one day from the last change; the browser then forgets it
      httpOnly: true, // page scripts cannot read it, so injected script cannot steal it
      sameSite: 'lax', // not sent with other sites' form posts: a first defence against CSRF
      secure, // HTTPS only; behind a TLS-terminating proxy also set app.proxy
      signed: true, // an HMAC with app.keys: a made-up id is refused before the store is asked
      valid: (_ctx, data) => isSessionData(data),
      autoCommit: false, // saved below, and only when the request should change anything
    },
    app,
  );

  return function sessions(ctx, next) {
    // A page about one visitor: no shared cache (a proxy, a CDN) may keep it for the next.
    ctx.set('Cache-Control', 'no-store');
    return session(ctx, async () => {
      await next();
      // A HEAD request (a link checker, a preview) changes nothing: no visit counted, no
      // message used up, no cookie sent. A request that failed (it threw) is not saved.
      if (ctx.method !== 'HEAD') await ctx.session?.manuallyCommit();
      // For the state inspector (development only): what the session holds, and where.
      inspectSession(ctx, { cookie: key, store, secrets: ['csrf'] });
    });
  };
}
