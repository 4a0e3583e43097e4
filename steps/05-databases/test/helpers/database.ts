// A database of its own for every test that needs one: a fresh file in a temporary
// folder, deleted with its WAL files after the test (or, for one opened outside any
// test, after the whole run), whether the test passed or failed.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openDatabase } from '../../src/db.ts';
import type { SiteDatabase } from '../../src/db.ts';

// The tests' temporary folder (their databases, and files such as a notice), made when
// first needed, so importing this file makes nothing, and removed after the run.
let folder: string | undefined;
export const testFolder = () => (folder ??= mkdtempSync(join(tmpdir(), 'tutorial-test-')));
function removeFolder() {
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = template = undefined;
}
// Should mocha stop without its hooks (an error outside any test), nothing is left.
process.on('exit', removeFolder);
let made = 0;
let inTest = false;
const forThisTest: { db: SiteDatabase; path: string }[] = [];
const forTheRun: { db: SiteDatabase; path: string }[] = [];

// A new path in the temporary folder (for tests that open the file themselves).
export const databasePath = () => join(testFolder(), `site-${++made}.sqlite`);

// Each test's database starts as a copy of one that openDatabase created and migrated
// once: it finds the copy up to date and writes nothing, where creating and migrating a
// file syncs it to disk several times (tens of ms a test on a busy disk).
let template: string | undefined;
function migrated() {
  if (!template) {
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
  (inTest ? forThisTest : forTheRun).push({ db, path });
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

function remove(opened: { db: SiteDatabase; path: string }[]) {
  for (const { db, path } of opened.splice(0)) {
    const removeFiles = () => {
      for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    };
    // Deleted before they are closed: SQLite then skips the checkpoint that would copy
    // the WAL into the file and sync both to disk (tens of ms a test on a busy disk).
    try {
      removeFiles();
    } catch {
      // Windows deletes no open file: they are deleted below, once closed
    }
    try {
      db.close();
    } catch {
      // closed by the test already
    }
    removeFiles();
  }
}

// Loaded by .mocharc.json: mocha runs these around every test of the step.
export const mochaHooks = {
  beforeEach() {
    inTest = true;
  },
  afterEach() {
    inTest = false;
    remove(forThisTest);
  },
  afterAll() {
    remove(forTheRun);
    removeFolder();
  },
};
