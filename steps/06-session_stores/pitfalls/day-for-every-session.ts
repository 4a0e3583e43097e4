// NAIVE, DO NOT COPY. This step's app, with its SQLite store as it would be without the
// short first lifetime: every session, the first save of a new id included, is kept for
// the cookie's full day. Every request without a cookie stores a new session, and a
// client that never sends one back (a bot, a link checker, a curl loop) leaves a row per
// request, for a day: at a few hundred bytes each, a busy bot fills a disk, or a Redis
// capped by maxmemory, within the day; with `noeviction` Redis then refuses every write,
// and every visitor, old sessions included, gets the 503 page.
import type Koa from 'koa';
import { createApp as createStepApp } from '../src/app.ts';
import type { SiteDatabase } from '../src/db.ts';
import { sqliteStore } from '../src/stores/sqlite.ts';
import { lifetime } from '../src/stores/store.ts';
import type { SessionStore } from '../src/stores/store.ts';

// #region naive
function dayForEverySession(db: SiteDatabase): SessionStore {
  const save = db.prepare(
    'INSERT INTO sessions (id, data, expires) VALUES (:id, :data, :expires) ' +
      'ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires = :expires WHERE NOT revoked',
  );
  return {
    ...sqliteStore(db),
    // The full lifetime at every save, whether the cookie has ever come back or not.
    set: async (id, session, maxAge) => {
      const expires = Date.now() + lifetime(maxAge);
      save.run({ id, data: JSON.stringify(session), expires });
    },
  };
}
// #endregion naive

export function createApp({ db, keys }: { db: SiteDatabase; keys: string[] }): Koa {
  const store = dayForEverySession(db);
  // For the state inspector (development only): how long the row is kept, cookie or not.
  const where = (id: string, what?: 'cart') =>
    what
      ? store.where(id, what)
      : `${store.where(id)}, kept a full day from its first save, even if its cookie never comes back`;
  return createStepApp({ db, keys, sessionStore: { ...store, where } });
}
