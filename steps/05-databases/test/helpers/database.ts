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

// What a database file holds now, read over a connection of the test's own, as anyone
// else with the file would read it (a second worker, the sqlite3 command line).
export function inFile(path: string) {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const { visits } = db.prepare('SELECT visits FROM site_counts').get() as { visits: number };
    const popular = db.prepare('SELECT item, adds FROM popular ORDER BY adds DESC, item').all();
    return { visits, popular: popular as { item: string; adds: number }[] };
  } finally {
    db.close();
  }
}

// Runs `sql` over a connection of the test's own, then closes it.
export function changeFile(path: string, sql: string) {
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    db.exec(sql);
  } finally {
    db.close();
  }
}
