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
