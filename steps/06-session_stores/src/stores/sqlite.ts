import type { SiteDatabase } from '../db.ts';
import { firstLifetime, lifetime, parse, REVOKED_LIFETIME } from './store.ts';
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
    // An expired or revoked row is never returned, even before prune() has removed it.
    get: async (id) => parse(db.sessions.get(id, now())),
    // A new id gets a short first lifetime, a session already stored its full one; and a
    // session destroyed since this request loaded it is not written back.
    set: async (id, session, maxAge) =>
      db.sessions.set(
        id,
        JSON.stringify(session),
        now() + lifetime(maxAge),
        now() + firstLifetime(maxAge),
      ),
    // Revoked with its cart; the row stays as a marker until prune() (see src/db.ts).
    destroy: async (id) => db.sessions.destroy(id, now() + REVOKED_LIFETIME),
    cart: async (id) => db.sessions.cart(id),
    addToCart: async (id, item, limit) => db.sessions.addToCart(id, item, limit),
    // The sessions of visitors who never came back: nothing else would ever delete them.
    prune: () => db.sessions.prune(now()),
  };
}
// #endregion sqlite-store
