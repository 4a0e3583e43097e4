import { expect } from 'chai';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DatabaseUnavailable } from '@course/platform/sqlite';
import { databaseFolderPerTest } from '@course/platform/testing/sqlite';
import { MIGRATIONS, openDatabase } from '../src/db.ts';
import type { SiteDatabase } from '../src/db.ts';

// The step's database: its schema, its statements, and what the lesson says of WAL and
// the busy timeout. How the file is opened, migrated, watched and guarded is the
// platform's (openSqlite), tested in shared/platform/test/sqlite.test.ts.
// Every test gets a database folder of its own, removed after it (connections closed first).
let dir: string;
let file: string;
const { keep } = databaseFolderPerTest((folder) => {
  dir = folder;
  file = join(folder, 'site.db');
});

// A connection as the code under test opens one, and a plain one of our own (to look
// inside the file or to hold its lock): both closed after the test.
const open = (options?: { busyTimeout?: number }): SiteDatabase =>
  keep(openDatabase(file, options));
const connect = () => keep(new DatabaseSync(file));

const pragma = (name: string) => Object.values(connect().prepare(`PRAGMA ${name}`).get()!)[0];

describe('openDatabase', () => {
  it('creates the file and its folder, with every migration applied, in WAL mode', () => {
    file = join(dir, 'data', 'deeper', 'site.db');
    open();
    expect(pragma('user_version')).to.equal(MIGRATIONS.length);
    expect(pragma('journal_mode')).to.equal('wal');
  });

  it('brings a file of an earlier schema up to date, and keeps its data', () => {
    const older = connect();
    older.exec(`${MIGRATIONS[0]}; PRAGMA user_version = 1`);
    older.exec("UPDATE site_counts SET visits = 41; INSERT INTO popular VALUES ('tea', 2)");
    const db = open();
    expect(pragma('user_version')).to.equal(MIGRATIONS.length);
    expect([db.countVisit(), db.popular()]).to.deep.equal([42, [{ item: 'tea', adds: 2 }]]);
  });
});

describe('visits', () => {
  it('starts at 0; countVisit counts each visit and returns the new count', () => {
    const db = open();
    expect(db.visits()).to.equal(0);
    expect([db.countVisit(), db.countVisit(), db.countVisit()]).to.deep.equal([1, 2, 3]);
    expect(db.visits()).to.equal(3);
  });
});

describe('popular items', () => {
  it('lists the most added first, and items added as often in alphabetical order', () => {
    const db = open();
    for (const item of ['pear', 'apple', 'tea', 'tea', 'fig', 'fig', 'tea']) db.countAdd(item);
    expect(db.popular()).to.deep.equal([
      { item: 'tea', adds: 3 },
      { item: 'fig', adds: 2 },
      { item: 'apple', adds: 1 },
      { item: 'pear', adds: 1 },
    ]);
  });

  it('lists at most 5 unless asked for another number', () => {
    const db = open();
    for (const item of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) db.countAdd(item);
    expect(db.popular().map((row) => row.item)).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
    expect(db.popular(2)).to.have.length(2);
    expect(db.popular(10)).to.have.length(7);
  });

  it('reads the list through its index: the rows it shows, not the whole table sorted', () => {
    open();
    // The query of src/db.ts's popular(), as SQLite plans it.
    const plan = connect()
      .prepare(
        'EXPLAIN QUERY PLAN SELECT item, adds FROM popular ORDER BY adds DESC, item LIMIT ?',
      )
      .all(5)
      .map((step) => step.detail as string);
    expect(plan).to.deep.equal(['SCAN popular USING COVERING INDEX popular_by_adds']);
  });

  it("stores and returns the visitor's text as it was, SQL and HTML included", () => {
    const db = open();
    const items = [`it's "quoted"`, `'); DROP TABLE popular; --`, '<script>alert(1)</script>'];
    for (const item of items) db.countAdd(item);
    expect(db.popular().map((row) => row.item)).to.have.members(items);
  });

  it('stores a NUL character byte for byte', () => {
    open().countAdd('a\0b');
    const stored = connect()
      .prepare('SELECT hex(CAST(item AS BLOB)) AS hex FROM popular')
      .get();
    expect(stored?.hex).to.equal('610062');
  });

  it('returns a NUL character as it was stored (Node 24.16 and later, 26.1 and later)', function () {
    // Node 22, 24 before 24.16 and 26.0 store it, but cut the text at the NUL when they
    // read it back ("a"): each release tried, with node:sqlite alone.
    const [major, minor] = process.versions.node.split('.').map(Number);
    const whole = major > 26 || (major === 26 && minor >= 1) || (major === 24 && minor >= 16);
    if (!whole) this.skip();
    const db = open();
    db.countAdd('a\0b');
    expect(db.popular()).to.deep.equal([{ item: 'a\0b', adds: 1 }]);
  });
});

describe('when another connection holds the write lock', () => {
  it('with busyTimeout 0, a write fails at once with DatabaseUnavailable (503)', () => {
    const db = open({ busyTimeout: 0 });
    const holder = connect();
    holder.exec('BEGIN IMMEDIATE');
    let caught: unknown;
    try {
      db.countVisit();
    } catch (error) {
      caught = error;
    }
    expect(caught).to.be.instanceOf(DatabaseUnavailable);
    const error = caught as DatabaseUnavailable;
    expect(error).to.include({ status: 503, expose: true });
    expect(error.message).to.equal(
      'The database is busy or unavailable; please try again in a moment.',
    );
    expect(error.cause).to.include({ code: 'ERR_SQLITE_ERROR', errcode: 5 });
    holder.exec('ROLLBACK');
    expect(db.countVisit()).to.equal(1);
  });

  it('still reads: in WAL mode a writer does not block readers', () => {
    const db = open({ busyTimeout: 0 });
    db.countVisit();
    const holder = connect();
    holder.exec('BEGIN IMMEDIATE');
    holder.exec('UPDATE site_counts SET visits = 100');
    expect(db.visits()).to.equal(1); // the last committed value
    holder.exec('COMMIT');
    expect(db.visits()).to.equal(100);
  });
});
