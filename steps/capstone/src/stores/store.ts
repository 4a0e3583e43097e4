// #region interface
// koa-session's `store` option (get, set, destroy by the cookie's id), and the cart beside it.
export interface SessionStore {
  get(id: string, maxAge?: number | 'session'): Promise<object | undefined>;
  set(id: string, session: object, maxAge?: number | 'session'): Promise<void>;
  destroy(id: string): Promise<void>;
  cart(id: string): Promise<string[]>;
  addToCart(id: string, item: string, limit: number): Promise<boolean>; // false: full, or gone
  where(id: string, what?: 'cart'): string; // for the state inspector: which key, which rows
}
// #endregion interface

// #region lifetime
// How long a store keeps a session: koa-session's maxAge (the cookie's, plus 10 s); for a
// `maxAge: 'session'` cookie, whose end the server never hears of, a day after its last save.
export const BROWSER_SESSION_LIFETIME = 24 * 60 * 60 * 1000;
export const lifetime = (maxAge?: number | 'session') =>
  typeof maxAge === 'number' && maxAge > 0 ? maxAge : BROWSER_SESSION_LIFETIME;

// A new id's first save is kept briefly: a client that never sends its cookie back (pitfall 5).
export const NEW_SESSION_LIFETIME = 15 * 60 * 1000;
export const firstLifetime = (maxAge?: number | 'session') =>
  Math.min(NEW_SESSION_LIFETIME, lifetime(maxAge));

// A destroyed id stays revoked this long, so a request still in flight cannot save it again.
export const REVOKED_LIFETIME = 15 * 60 * 1000;
// #endregion lifetime
