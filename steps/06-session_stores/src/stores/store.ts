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
