// NAIVE, DO NOT COPY. This step's own app, on the same file, with its connection opened
// without a busy timeout (node:sqlite's default, 0). SQLite lets one connection write
// at a time; another that wants to write while the lock is held does not wait for it:
// it fails at once with SQLITE_BUSY, "database is locked", and the visitor gets a 503.
// Two workers writing at the same moment are enough, or a `npm run db -- reset`.
import type Koa from 'koa';
import { createApp as createStepApp } from '../src/app.ts';
import type { AppOptions } from '../src/app.ts';
import { openDatabase } from '../src/db.ts';

export function createApp(options: AppOptions & { databasePath: string }): Koa {
  // #region naive
  const db = openDatabase(options.databasePath, { busyTimeout: 0 }); // never waits for a lock
  // #endregion naive
  // For the state inspector (development only): the file, and the connection's flaw.
  const home = (table: string) => ({
    ...db.home(table),
    where: `${db.home(table).where}, over a connection with no busy timeout: a write while another holds the lock fails at once (a 503)`,
  });
  return createStepApp({ ...options, db: { ...db, home } });
}
