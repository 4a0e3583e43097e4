import { idPrefix, storedObject } from '@course/platform';
import type { SiteDatabase } from '../db.ts';
import { firstLifetime, lifetime, REVOKED_LIFETIME } from './store.ts';
import type { SessionStore } from './store.ts';

// #region table
// The next migration (src/db.ts): cart items go with their session (CASCADE) or its revocation.
export const SESSIONS_TABLE = `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires INTEGER NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX sessions_by_expiry ON sessions (expires);
  CREATE TABLE cart_items (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    item TEXT NOT NULL
  );
  CREATE INDEX cart_items_by_session ON cart_items (session_id);
  CREATE TRIGGER sessions_revoked_empty_cart AFTER UPDATE OF revoked ON sessions
  WHEN new.revoked BEGIN
    DELETE FROM cart_items WHERE session_id = new.id;
  END;`;
// #endregion table

// #region statements
// One statement each, so no two requests' calls interleave; a revoked row is never rewritten.
const SQL = {
  get: 'SELECT data FROM sessions WHERE id = ? AND expires > ? AND NOT revoked',
  set:
    'INSERT INTO sessions (id, data, expires) VALUES (:id, :data, :firstExpires) ' +
    'ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires = :expires WHERE NOT revoked',
  destroy:
    "INSERT INTO sessions (id, data, expires, revoked) VALUES (:id, '', :until, 1) " +
    "ON CONFLICT (id) DO UPDATE SET data = '', expires = :until, revoked = 1",
  prune: 'DELETE FROM sessions WHERE expires <= ?',
  cart: 'SELECT item FROM cart_items WHERE session_id = ? ORDER BY rowid',
  addToCart:
    'INSERT INTO cart_items (session_id, item) SELECT :id, :item ' +
    'WHERE EXISTS (SELECT 1 FROM sessions WHERE id = :id AND NOT revoked) ' +
    'AND (SELECT count(*) FROM cart_items WHERE session_id = :id) < :limit',
};
// #endregion statements

// #region sqlite-store
// Sessions in the site's SQLite file, shared by this machine's workers. `now`: a test's clock.
export function sqliteStore(db: SiteDatabase, now = Date.now) {
  const run = Object.fromEntries(
    Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]),
  ) as Record<keyof typeof SQL, ReturnType<SiteDatabase['prepare']>>;
  return {
    where: (id, what?) =>
      `the ${what ? 'cart_items rows' : 'sessions row'} of ${idPrefix(id)}, in SQLite`,
    // An expired or revoked row is never returned, even before prune() has removed it.
    get: async (id) => storedObject(run.get.get(id, now())?.data as string | undefined),
    set: async (id, session, maxAge) => {
      const [expires, firstExpires] = [now() + lifetime(maxAge), now() + firstLifetime(maxAge)];
      run.set.run({ id, data: JSON.stringify(session), expires, firstExpires });
    },
    destroy: async (id) => void run.destroy.run({ id, until: now() + REVOKED_LIFETIME }),
    cart: async (id) => run.cart.all(id).map((row) => row.item as string),
    addToCart: async (id, item, limit) =>
      Number(run.addToCart.run({ id, item, limit }).changes) === 1,
    // The sessions of visitors who never came back: nothing else would ever delete them.
    prune: () => Number(run.prune.run(now()).changes),
  } satisfies SessionStore & { prune(): number };
}
// #endregion sqlite-store
