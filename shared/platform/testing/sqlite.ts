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
