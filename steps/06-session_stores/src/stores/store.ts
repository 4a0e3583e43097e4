// #region interface
// What koa-session asks of a session store (its `store` option): three calls, each with
// the session's id, which is what the visitor's cookie now carries. maxAge is the
// cookie's lifetime in milliseconds plus 10 seconds, or 'session' (see lifetime below).
// The last two are this app's own: the cart, kept beside the session (see addToCart).
export interface SessionStore {
  get(id: string, maxAge?: number | 'session'): Promise<object | undefined>;
  set(id: string, session: object, maxAge?: number | 'session'): Promise<void>;
  destroy(id: string): Promise<void>;
  cart(id: string): Promise<string[]>;
  // Appends one item, in one atomic step, unless the cart already holds `limit` items.
  addToCart(id: string, item: string, limit: number): Promise<boolean>;
}
// #endregion interface

// #region lifetime
// How long a store keeps a session, from the maxAge koa-session hands to set(). A number
// is the cookie's maxAge plus 10 seconds, so the stored session outlives the cookie that
// points to it; each save starts the countdown again. With `maxAge: 'session'` the cookie
// lasts until the browser closes, which the server never hears of: left alone, such a
// session would stay for ever, so it is kept for a day after its last save instead.
export const BROWSER_SESSION_LIFETIME = 24 * 60 * 60 * 1000;

export const lifetime = (maxAge?: number | 'session') =>
  typeof maxAge === 'number' && maxAge > 0 ? maxAge : BROWSER_SESSION_LIFETIME;
// #endregion lifetime

// #region first-save
// A session's first save, under an id the store has never held (koa-session has just made
// it), is kept only briefly; from its next save on, once its cookie has come back, for
// its full lifetime. Every request without a cookie stores a new session (a bot, a link
// checker, curl): kept a day each, a client that never sends a cookie back would fill
// the store at its own pace (pitfall 5). Fifteen minutes is long enough to read the first
// page and send its form (the form's CSRF token lives in that session), and a cookie-less
// client then holds 1/96 of the sessions a day would let it hold.
export const NEW_SESSION_LIFETIME = 15 * 60 * 1000;

export const firstLifetime = (maxAge?: number | 'session') =>
  Math.min(NEW_SESSION_LIFETIME, lifetime(maxAge));

// A destroyed session's id stays in the store, revoked, for this long: a request that
// loaded the session before Start over and saves it afterwards must find it revoked,
// not absent, or it would store it again. Fifteen minutes is far longer than any request
// lasts (the store's and the database's own deadlines are seconds), and no longer than
// a new session is kept: a client that starts over again and again costs no more than
// one that never sends its cookie back.
export const REVOKED_LIFETIME = 15 * 60 * 1000;
// #endregion first-save

// A stored session, back from its JSON. Anything else counts as no session: the visitor
// starts afresh, as with a cookie that fails its signature.
export function parse(json: string | null | undefined): object | undefined {
  if (json == null) return undefined;
  try {
    const data: unknown = JSON.parse(json);
    return typeof data === 'object' && data !== null ? data : undefined;
  } catch {
    return undefined;
  }
}
