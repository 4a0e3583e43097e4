import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// For tests of SQLite files: every test gets a folder of its own under the system's
// temporary folder (`onEach` hears where), removed after the test whether it passed or
// not. The connections a test keeps (`keep`, or pushed on `opened`) are closed first, so
// nothing is left open. Call it at the top of a test file: it adds mocha's hooks.
export function databaseFolderPerTest(onEach: (dir: string) => void) {
  const opened: { close(): void }[] = [];
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'db-test-'));
    opened.length = 0;
    onEach(dir);
  });
  afterEach(() => {
    for (const db of opened.splice(0)) {
      try {
        db.close();
      } catch {
        // already closed by the test
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const keep = <T extends { close(): void }>(db: T): T => (opened.push(db), db);
  return { opened, keep };
}

// For `node --import <sqliteProbe> src/server.ts`: loaded before the server in each of its
// processes (node:cluster gives the workers the same options), it prints a line to stderr
// whenever a module imports node:sqlite: "primary loads node:sqlite", or "worker loads…".
export const sqliteProbe =
  'data:text/javascript,' +
  encodeURIComponent(`
    import cluster from 'node:cluster';
    import { registerHooks } from 'node:module';
    registerHooks({
      resolve(specifier, context, next) {
        if (specifier === 'node:sqlite')
          console.error((cluster.isPrimary ? 'primary' : 'worker') + ' loads node:sqlite');
        return next(specifier, context);
      },
    });`);

// Those lines, in the order a server printed them.
export const sqliteLoads = (stderr: string) => stderr.match(/^\w+ loads node:sqlite$/gm);

// ---------------------------------------------------------------------------------------
// For a step's .mocharc.json "require" (steps 05 and 06): the run's temporary folder, and
// the databases its tests open in it, closed and deleted with their WAL files after each
// test (or, for one opened outside any test, after the whole run), whether the test passed
// or failed. It imports nothing from a step's src/: a file in "require" loads before the
// test files, and mutation testing must load src/ after it has switched a mutant on (a
// mutant in a module's top-level code, such as a migration's SQL, is fixed at load).

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
