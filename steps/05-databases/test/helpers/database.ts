// A database of its own for every test that needs one: a fresh file in a temporary
// folder, deleted with its WAL files after the test (or, for one opened outside any
// test, after the whole run), whether the test passed or failed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db.ts';
import type { SiteDatabase } from '../../src/db.ts';

const folder = mkdtempSync(join(tmpdir(), 'tutorial-db-'));
let made = 0;
let inTest = false;
const forThisTest: { db: SiteDatabase; path: string }[] = [];
const forTheRun: { db: SiteDatabase; path: string }[] = [];

// A new path in the temporary folder (for tests that open the file themselves).
export const databasePath = () => join(folder, `site-${++made}.sqlite`);

export function testDatabase(options?: { busyTimeout?: number }): SiteDatabase {
  const path = databasePath();
  const db = openDatabase(path, options);
  (inTest ? forThisTest : forTheRun).push({ db, path });
  return db;
}

function remove(opened: { db: SiteDatabase; path: string }[]) {
  for (const { db, path } of opened.splice(0)) {
    try {
      db.close();
    } catch {
      // closed by the test already
    }
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
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
    rmSync(folder, { recursive: true, force: true });
  },
};
