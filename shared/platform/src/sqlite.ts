// A SQLite file for a step's database: opened, switched to WAL, migrated, watched; and
// each call guarded (sqlite-guard.ts). Its own entry point, '@course/platform/sqlite',
// so that only a process that opens a database loads node:sqlite.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { sqliteCode } from './sqlite-guard.ts';
import { FILE_CHECK_EVERY, watchFile } from './sqlite-watch.ts';

export { DatabaseUnavailable, guardCalls, STILL_BUSY_TIMEOUT } from './sqlite-guard.ts';
export type { Guard, Statement } from './sqlite-guard.ts';
export { FILE_CHECK_EVERY } from './sqlite-watch.ts';

export interface SqliteOptions {
  migrations: readonly string[]; // the schema, one step at a time (PRAGMA user_version)
  busyTimeout: number; // ms a connection waits for another's write lock
  onFileGone?: (message: string) => void; // default: no check
  fileCheckEvery?: number; // ms; default FILE_CHECK_EVERY
}
// What a step's openDatabase lets its callers choose: all but the step's own migrations.
export type OpenOptions = Partial<Omit<SqliteOptions, 'migrations'>>;

// A database file that opens but is not this step's to use, and what to do instead.
class WrongFile extends Error {
  fix: string;
  constructor(reason: string, fix: string) {
    super(reason);
    this.fix = fix;
  }
}

// #region migrate
// Brings the schema up to date. BEGIN IMMEDIATE takes the write lock before reading the
// version: two processes starting together cannot both see 0 and both create the tables;
// the second waits (busy timeout), then finds the work done. CREATE TABLE is part of the
// transaction too, so a failed migration leaves nothing half-done.
function migrate(db: DatabaseSync, migrations: readonly string[]) {
  db.exec('BEGIN IMMEDIATE');
  try {
    const version = db.prepare('PRAGMA user_version').get()!.user_version as number;
    if (version > migrations.length) {
      throw new WrongFile(
        `it was made by a later step of the course (schema ${version}, this step knows ${migrations.length})`,
        "use this step's own data/site.sqlite, or set DATABASE_PATH to another file",
      );
    }
    for (const sql of migrations.slice(version)) db.exec(sql);
    // The version is written in any case, so that a read-only file fails here, at start-up,
    // not on the first visit. Up to date, it is rolled back: nothing reaches the disk, and a
    // worker can start (replace one that died) even when the disk is full.
    db.exec(`PRAGMA user_version = ${migrations.length}`);
    db.exec(version < migrations.length ? 'COMMIT' : 'ROLLBACK');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
// #endregion migrate

// #region wal
// WAL mode, kept in the file: readers no longer wait for a writer, nor a writer for them.
// Switching a new file needs it to itself for an instant, and SQLite does not wait for
// that (it could deadlock): a second process opening the new file at that moment gets
// SQLITE_BUSY at once, despite busy_timeout. So it tries again, until busyTimeout.
function useWal(db: DatabaseSync, busyTimeout: number) {
  const deadline = Date.now() + busyTimeout;
  for (;;) {
    try {
      db.exec('PRAGMA journal_mode = WAL');
      return;
    } catch (error) {
      if (sqliteCode(error) !== 5 || Date.now() >= deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // sleeps 10 ms
    }
  }
}
// #endregion wal

// #region connect
// Opens the file and brings its schema up to date, or says in one line what to fix: the
// server prints it as "Cannot start: ...".
export function openSqlite(path: string, options: SqliteOptions): DatabaseSync {
  const { migrations, busyTimeout, onFileGone, fileCheckEvery = FILE_CHECK_EVERY } = options;
  // PRAGMAs take no bound parameters, so the number is checked before it joins the SQL.
  if (!Number.isSafeInteger(busyTimeout) || busyTimeout < 0) {
    throw new TypeError(`busyTimeout must be a whole number of milliseconds: ${busyTimeout}`);
  }
  let db: DatabaseSync | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new DatabaseSync(path);
    // First the timeout, so that every statement below waits for a lock instead of failing
    // at once (node:sqlite's default is 0). (It turns foreign keys on by itself, though.)
    db.exec(`PRAGMA busy_timeout = ${busyTimeout}`);
    useWal(db, busyTimeout);
    // With WAL, NORMAL syncs the disk at each checkpoint, not at every commit (FULL, the
    // default): a crash of the process loses nothing, a power cut the last commits.
    db.exec('PRAGMA synchronous = NORMAL');
    migrate(db, migrations);
  } catch (error) {
    db?.close();
    throw new Error(`Cannot open the database at ${JSON.stringify(path)}: ${why(error)}`, {
      cause: error,
    });
  }
  if (onFileGone) watchFile(db, path, onFileGone, fileCheckEvery);
  return db;
}

// What went wrong, and what to do about it.
function why(error: unknown) {
  const fix =
    error instanceof WrongFile
      ? error.fix
      : [11, 26].includes(sqliteCode(error)) // CORRUPT, NOTADB
        ? 'move the damaged file away, or set DATABASE_PATH to another file'
        : 'set DATABASE_PATH to a file in a folder you can write';
  return `${error instanceof Error ? error.message : String(error)}; ${fix}`;
}
// #endregion connect
