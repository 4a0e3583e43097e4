// #region interface
// What koa-session asks of a session store (its `store` option): three calls, each with
// the session's id, which is all the visitor's cookie now carries. The last two are this
// app's own: the cart, kept beside the session, and appended to in one atomic step.
export interface SessionStore {
  get(id: string, maxAge?: number | 'session'): Promise<object | undefined>;
  set(id: string, session: object, maxAge?: number | 'session'): Promise<void>;
  destroy(id: string): Promise<void>;
  cart(id: string): Promise<string[]>;
  addToCart(id: string, item: string, limit: number): Promise<boolean>; // false: full, or gone
}
// #endregion interface

// #region lifetime
// How long a store keeps a session, from the maxAge koa-session hands to set(): the
// cookie's maxAge plus 10 seconds, so the session outlives the cookie that points to it.
// With `maxAge: 'session'` the cookie lasts until the browser closes, which the server
// never hears of: such a session is kept for a day after its last save, not for ever.
export const BROWSER_SESSION_LIFETIME = 24 * 60 * 60 * 1000;

export const lifetime = (maxAge?: number | 'session') =>
  typeof maxAge === 'number' && maxAge > 0 ? maxAge : BROWSER_SESSION_LIFETIME;
// #endregion lifetime

// #region first-save
// A session's first save, under an id the store has never held, is kept only briefly: a
// client that never sends its cookie back (a bot, curl) stores a new session at every
// request (pitfall 5). Fifteen minutes is enough to read the first page and send its form.
export const NEW_SESSION_LIFETIME = 15 * 60 * 1000;

export const firstLifetime = (maxAge?: number | 'session') =>
  Math.min(NEW_SESSION_LIFETIME, lifetime(maxAge));

// A destroyed session's id stays in the store, revoked, this long: a request that loaded
// it before Start over and saves it afterwards must find it revoked, not absent, or it
// would store it again. Far longer than any request; no longer than a new session.
export const REVOKED_LIFETIME = 15 * 60 * 1000;
// #endregion first-save

// A stored session, back from its JSON. Anything else counts as no session: the visitor
// starts afresh, as with a cookie that fails its signature.
export function parse(json: string | null | undefined): object | undefined {
  try {
    const data: unknown = JSON.parse(json ?? '');
    return typeof data === 'object' && data !== null ? data : undefined;
  } catch {
    return undefined;
  }
}
