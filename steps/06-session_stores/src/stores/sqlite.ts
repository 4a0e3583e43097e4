import type { SiteDatabase } from '../db.ts';
import { lifetime, parse } from './store.ts';
import type { SessionStore } from './store.ts';

// #region sqlite-store
// Sessions in the site's SQLite file (the SQL is in src/db.ts): one row per visitor,
// shared by every worker on this machine, kept across restarts. `now` is the clock, which
// a test can move forward instead of waiting.
export function sqliteStore(
  db: SiteDatabase,
  now = Date.now,
): SessionStore & { prune(): number } {
  return {
    // An expired row is never returned, even before prune() has removed it.
    get: async (id) => parse(db.sessions.get(id, now())),
    set: async (id, session, maxAge) =>
      db.sessions.set(id, JSON.stringify(session), now() + lifetime(maxAge)),
    destroy: async (id) => db.sessions.destroy(id), // and its cart
    cart: async (id) => db.sessions.cart(id),
    addToCart: async (id, item, limit) => db.sessions.addToCart(id, item, limit),
    // The sessions of visitors who never came back: nothing else would ever delete them.
    prune: () => db.sessions.prune(now()),
  };
}
// #endregion sqlite-store
