import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

// #region migrations
// The schema, one step at a time. Never edit a migration that has shipped: a database
// that already ran it will not run it again. Add a new one at the end instead.
// The file records how many have run in PRAGMA user_version (a number in its header).
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE site_counts (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     visits INTEGER NOT NULL
   );
   INSERT INTO site_counts (id, visits) VALUES (1, 0);
   CREATE TABLE popular (item TEXT PRIMARY KEY, adds INTEGER NOT NULL);`,
  // Step 06: sessions kept on the server (src/stores/sqlite.ts), `expires` in milliseconds
  // since 1970 as Date.now() counts; and each visitor's cart, a row per item, that goes
  // when its session goes (ON DELETE CASCADE; node:sqlite turns foreign keys on).
  `CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     data TEXT NOT NULL,
     expires INTEGER NOT NULL
   );
   CREATE INDEX sessions_by_expiry ON sessions (expires);
   CREATE TABLE cart_items (
     session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
     item TEXT NOT NULL
   );
   CREATE INDEX cart_items_by_session ON cart_items (session_id);`,
];
// #endregion migrations

// How long a connection waits for another's write lock before it gives up (ms), unless
// openDatabase is told otherwise; and how many items the popular list shows.
export const BUSY_TIMEOUT = 5000;
export const POPULAR_LIMIT = 5;

export type Popular = { item: string; adds: number };
export interface SiteDatabase {
  countVisit(): number; // counts one visit, returns the new total
  visits(): number;
  countAdd(item: string): void;
  popular(limit?: number): Popular[]; // most added first
  // Sessions kept on the server: each row one visitor's session, as JSON, and its cart.
  sessions: {
    get(id: string, now: number): string | undefined; // undefined: none, or expired
    set(id: string, data: string, expires: number): void;
    destroy(id: string): void; // the session and its cart
    prune(now: number): number; // deletes the expired sessions; returns how many
    cart(id: string): string[]; // oldest first
    addToCart(id: string, item: string, limit: number): boolean; // false: full, or no session
  };
  close(): void;
}

// #region unavailable
// What a visitor sees (503) when the database cannot answer right now: another process
// held the lock longer than the busy timeout, the disk is full or read-only, the file is
// damaged. The original SQLite error stays in `cause` for the log.
export class DatabaseUnavailable extends Error {
  status = 503;
  expose = true;
  headers = { 'Retry-After': '1' };
  constructor(cause: unknown) {
    super('The database is busy or unavailable; please try again in a moment.', { cause });
    this.name = 'DatabaseUnavailable';
  }
}
// #endregion unavailable

// SQLite's result codes for "cannot answer now", as opposed to a mistake in our SQL
// (no such table, a syntax error), which is a bug: it stays an ordinary error, a 500.
// BUSY, LOCKED, NOMEM, READONLY, IOERR, CORRUPT, FULL, CANTOPEN, PROTOCOL, NOTADB.
const UNAVAILABLE = new Set([5, 6, 7, 8, 10, 11, 13, 14, 15, 26]);

// node:sqlite throws a plain Error with code 'ERR_SQLITE_ERROR' and SQLite's own number
// in errcode; the low byte is the main code (an extended code adds detail above it).
function sqliteCode(error: unknown): number {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  return code === 'ERR_SQLITE_ERROR' && typeof errcode === 'number' ? errcode & 0xff : 0;
}

// Runs one database call; turns "cannot answer now" into DatabaseUnavailable.
function guarded<Args extends unknown[], Result>(call: (...args: Args) => Result) {
  return (...args: Args): Result => {
    try {
      return call(...args);
    } catch (error) {
      throw UNAVAILABLE.has(sqliteCode(error)) ? new DatabaseUnavailable(error) : error;
    }
  };
}

// #region migrate
// Brings the schema up to date. BEGIN IMMEDIATE takes the write lock before reading the
// version: two processes starting together cannot both see 0 and both create the tables;
// the second waits (busy timeout), then finds the work done. CREATE TABLE is part of the
// transaction too, so a failed migration leaves nothing half-done.
function migrate(db: DatabaseSync) {
  db.exec('BEGIN IMMEDIATE');
  try {
    const version = db.prepare('PRAGMA user_version').get()!.user_version as number;
    if (version > MIGRATIONS.length)
      throw new Error(`its schema ${version} is newer than this code`);
    for (const sql of MIGRATIONS.slice(version)) db.exec(sql);
    // Written even when it has not changed: a read-only file fails here, at start-up.
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    db.exec('COMMIT');
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
function connect(path: string, busyTimeout: number): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new DatabaseSync(path);
    // First the timeout, so that every statement below waits for a lock instead of failing
    // at once (node:sqlite's default is 0). (It turns foreign keys on by itself, though.)
    db.exec(`PRAGMA busy_timeout = ${busyTimeout}`);
    useWal(db, busyTimeout);
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    const fix = [11, 26].includes(sqliteCode(error)) // CORRUPT, NOTADB
      ? 'move the damaged file away, or set DATABASE_PATH to another file'
      : 'set DATABASE_PATH to a file in a folder you can write';
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot open the database at ${JSON.stringify(path)}: ${reason}; ${fix}`, {
      cause: error,
    });
  }
}
// #endregion connect

// Nothing happens at import: the server calls this once at start-up, and each test opens
// a file of its own.
export function openDatabase(
  path: string,
  { busyTimeout = BUSY_TIMEOUT }: { busyTimeout?: number } = {},
): SiteDatabase {
  // PRAGMAs take no bound parameters, so the number is checked before it joins the SQL.
  if (!Number.isSafeInteger(busyTimeout) || busyTimeout < 0) {
    throw new TypeError(`busyTimeout must be a whole number of milliseconds: ${busyTimeout}`);
  }
  const db = connect(path, busyTimeout);

  // #region statements
  // Prepared once, here, and reused by every request: SQLite parses each only once, and
  // the visitor's text only ever travels as a bound parameter (?), never inside the SQL.
  const countVisit = db.prepare('UPDATE site_counts SET visits = visits + 1 RETURNING visits');
  const visits = db.prepare('SELECT visits FROM site_counts');
  const countAdd = db.prepare(
    'INSERT INTO popular (item, adds) VALUES (?, 1) ON CONFLICT (item) DO UPDATE SET adds = adds + 1',
  );
  const popular = db.prepare('SELECT item, adds FROM popular ORDER BY adds DESC, item LIMIT ?');
  const getSession = db.prepare('SELECT data FROM sessions WHERE id = ? AND expires > ?');
  const setSession = db.prepare(
    'INSERT INTO sessions (id, data, expires) VALUES (?, ?, ?) ' +
      'ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires = excluded.expires',
  );
  const destroySession = db.prepare('DELETE FROM sessions WHERE id = ?');
  const pruneSessions = db.prepare('DELETE FROM sessions WHERE expires <= ?');
  const cart = db.prepare('SELECT item FROM cart_items WHERE session_id = ? ORDER BY rowid');
  // One statement, so the count and the insert cannot interleave with another request's.
  const addToCart = db.prepare(
    'INSERT INTO cart_items (session_id, item) SELECT :id, :item ' +
      'WHERE EXISTS (SELECT 1 FROM sessions WHERE id = :id) ' +
      'AND (SELECT count(*) FROM cart_items WHERE session_id = :id) < :limit',
  );

  // One statement each, so each is atomic: there is no read-then-write for two processes
  // to interleave (both read 41, both write 42, and a visit is lost).
  return {
    countVisit: guarded(() => (countVisit.get() as { visits: number }).visits),
    visits: guarded(() => (visits.get() as { visits: number }).visits),
    countAdd: guarded((item: string) => void countAdd.run(item)),
    popular: guarded((limit = POPULAR_LIMIT) => popular.all(limit) as Popular[]),
    sessions: {
      get: guarded(
        (id: string, now: number) =>
          (getSession.get(id, now) as { data: string } | undefined)?.data,
      ),
      set: guarded((id: string, data: string, expires: number) => {
        setSession.run(id, data, expires);
      }),
      destroy: guarded((id: string) => void destroySession.run(id)),
      prune: guarded((now: number) => Number(pruneSessions.run(now).changes)),
      cart: guarded((id: string) => cart.all(id).map((row) => row.item as string)),
      addToCart: guarded(
        (id: string, item: string, limit: number) =>
          Number(addToCart.run({ id, item, limit }).changes) === 1,
      ),
    },
    close: guarded(() => db.close()),
  };
  // #endregion statements
}
