// Loaded by .mocharc.json: the tests' temporary folder, and the databases opened in it
// (database.ts), closed and deleted with their WAL files after each test (or, for one
// opened outside any test, after the whole run), whether the test passed or failed.
// Nothing from src/ is imported here: a file in .mocharc.json's "require" loads before
// the test files, and mutation testing must load src/ after it has switched a mutant on
// (a mutant in a module's top-level code, such as a migration's SQL, is fixed at load).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The tests' temporary folder (their databases, and files such as a notice), made when
// first needed, so importing this file makes nothing, and removed after the run.
let folder: string | undefined;
export const testFolder = () => (folder ??= mkdtempSync(join(tmpdir(), 'tutorial-test-')));
function removeFolder() {
  if (folder) rmSync(folder, { recursive: true, force: true });
  folder = undefined;
}
// Should mocha stop without its hooks (an error outside any test), nothing is left.
process.on('exit', removeFolder);
let made = 0;

// A new path in the temporary folder (for tests that open the file themselves).
export const databasePath = () => join(testFolder(), `site-${++made}.sqlite`);

// A database a test opened at `path`: closed and deleted once the test (or the run) is over.
type Opened = { db: { close(): void }; path: string };
let inTest = false;
const forThisTest: Opened[] = [];
const forTheRun: Opened[] = [];
export const removeAfterwards = (opened: Opened) =>
  (inTest ? forThisTest : forTheRun).push(opened);

function remove(opened: Opened[]) {
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

// Mocha runs these around every test of the step.
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
