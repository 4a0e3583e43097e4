import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { openSqlite } from '../src/sqlite.ts';

// How durable a commit is: WAL with synchronous = NORMAL, as Rails 7.1 and later default
// to. A commit does not wait for the disk; a crash of the process loses nothing, a power
// cut can lose the last commits (never the file's consistency).
describe('openSqlite durability', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sqlite-durability-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the file in WAL mode with synchronous = NORMAL on its connection', () => {
    const db = openSqlite(join(dir, 'site.sqlite'), { migrations: [], busyTimeout: 100 });
    try {
      expect(db.prepare('PRAGMA journal_mode').get()).to.deep.equal({ journal_mode: 'wal' });
      expect(db.prepare('PRAGMA synchronous').get()).to.deep.equal({ synchronous: 1 });
    } finally {
      db.close();
    }
  });
});
