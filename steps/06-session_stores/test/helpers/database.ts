// A database of its own for every test that needs one: a fresh file in the run's
// temporary folder, deleted with its WAL files after the test (by the root hooks of
// @course/platform/testing/sqlite, in .mocharc.json).
import { copyFileSync, existsSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { openDatabase } from '../../src/db.ts';
import type { SiteDatabase } from '../../src/db.ts';
import { databasePath, removeAfterwards } from '@course/platform/testing/sqlite';

export { databasePath } from '@course/platform/testing/sqlite';

// Each test's database starts as a copy of one that openDatabase created and migrated
// once: it finds the copy up to date and writes nothing, where creating and migrating a
// file syncs it to disk several times (tens of ms a test on a busy disk).
// (Made again once the run's folder is gone, as after an earlier run in the same process.)
let template: string | undefined;
function migrated() {
  if (!template || !existsSync(template)) {
    const path = databasePath();
    openDatabase(path).close();
    template = path;
  }
  return template;
}

export function testDatabase(options?: { busyTimeout?: number }): SiteDatabase {
  return testDatabaseFile(options).db;
}

// The same, with the file's path, for a test that also opens the file another way (to
// hold its lock, or to change it behind the app's back).
export function testDatabaseFile(options?: { busyTimeout?: number }) {
  const path = databasePath();
  copyFileSync(migrated(), path);
  const db = openDatabase(path, options);
  removeAfterwards({ db, path });
  return { db, path };
}

// A session row written straight into the store's table, in any shape, until `expires`
// (ms since 1970): for what the app and the db command make of rows they did not write.
export function storeSession(db: SiteDatabase, id: string, data: string, expires: number) {
  db.prepare(
    'INSERT INTO sessions (id, data, expires) VALUES (?, ?, ?) ON CONFLICT (id) ' +
      'DO UPDATE SET data = excluded.data, expires = excluded.expires WHERE NOT revoked',
  ).run(id, data, expires);
}

// How many sessions, and cart items, a file holds (over a read-only connection).
export function sessionRows(path: string) {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { sessions: rows('sessions'), cartItems: rows('cart_items') };
  } finally {
    db.close();
  }
}

// The names of a file's tables.
export function tablesIn(path: string) {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all();
    return rows.map((row) => row.name as string);
  } finally {
    db.close();
  }
}

// How many sessions (not revoked) a file keeps past `time` (ms since 1970).
export function sessionsEnding(path: string, time: number) {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const query = 'SELECT count(*) AS n FROM sessions WHERE expires > ? AND NOT revoked';
    return (db.prepare(query).get(time) as { n: number }).n;
  } finally {
    db.close();
  }
}
