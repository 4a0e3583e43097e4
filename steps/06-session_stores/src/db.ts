import { mkdirSync, statSync } from 'node:fs';
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
  // The popular list, most added first, read in that order: a page reads the few rows it
  // shows, not the whole table sorted (which grows with every new item anyone adds).
  `CREATE INDEX popular_by_adds ON popular (adds DESC, item);`,
  // Step 06: sessions kept on the server (src/stores/sqlite.ts), `expires` in milliseconds
  // since 1970 as Date.now() counts; and each visitor's cart, a row per item, that goes
  // when its session goes (ON DELETE CASCADE; node:sqlite turns foreign keys on). A
  // destroyed session leaves its row behind, revoked, until `expires`: a request that
  // loaded the session before it was destroyed cannot write it back (see the `sessions`
  // statements). Revoking a row empties its cart in the same statement (the trigger).
  `CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     data TEXT NOT NULL,
     expires INTEGER NOT NULL,
     revoked INTEGER NOT NULL DEFAULT 0
   );
   CREATE INDEX sessions_by_expiry ON sessions (expires);
   CREATE TABLE cart_items (
     session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
     item TEXT NOT NULL
   );
   CREATE INDEX cart_items_by_session ON cart_items (session_id);
   CREATE TRIGGER sessions_revoked_empty_cart AFTER UPDATE OF revoked ON sessions
   WHEN new.revoked BEGIN
     DELETE FROM cart_items WHERE session_id = new.id;
   END;`,
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
    get(id: string, now: number): string | undefined; // undefined: none, expired, revoked
    // Saves until `expires`, or until `firstExpires` for an id not stored yet; never
    // writes over a revoked session.
    set(id: string, data: string, expires: number, firstExpires: number): void;
    destroy(id: string, revokedUntil: number): void; // the session and its cart, for good
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

// #region still-busy
// Wraps each database call of one connection: turns "cannot answer now" into
// DatabaseUnavailable. node:sqlite is synchronous, so a call waiting for the lock blocks
// its whole process, and every request queued behind it would wait its own full busy
// timeout in turn (5, 10, 15 s...). So once a call has waited the whole timeout in vain,
// the lock is known to be held: the next calls wait only STILL_BUSY_TIMEOUT each, and
// answer their 503 at once, until a write gets through and the full timeout is back.
export const STILL_BUSY_TIMEOUT = 50; // ms
function guardFor(db: DatabaseSync, busyTimeout: number) {
  // This connection's writes so far (reads get through a held lock: they prove nothing).
  const changes = db.prepare('SELECT total_changes() AS changes');
  const written = () => changes.get()!.changes as number;
  let stillBusy: number | undefined; // `written()` when the lock was found held
  const setBusyTimeout = (ms: number) => db.exec(`PRAGMA busy_timeout = ${ms}`);

  return function guarded<Args extends unknown[], Result>(call: (...args: Args) => Result) {
    return (...args: Args): Result => {
      try {
        const result = call(...args);
        if (stillBusy !== undefined && db.isOpen && written() > stillBusy) {
          stillBusy = undefined;
          setBusyTimeout(busyTimeout);
        }
        return result;
      } catch (error) {
        const code = sqliteCode(error);
        if (code === 5 && stillBusy === undefined) {
          stillBusy = written();
          setBusyTimeout(Math.min(busyTimeout, STILL_BUSY_TIMEOUT));
        }
        throw UNAVAILABLE.has(code) ? new DatabaseUnavailable(error) : error;
      }
    };
  };
}
// #endregion still-busy

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
function migrate(db: DatabaseSync) {
  db.exec('BEGIN IMMEDIATE');
  try {
    const version = db.prepare('PRAGMA user_version').get()!.user_version as number;
    if (version > MIGRATIONS.length) {
      throw new WrongFile(
        `it was made by a later step of the course (schema ${version}, this step knows ${MIGRATIONS.length})`,
        "use this step's own data/site.sqlite, or set DATABASE_PATH to another file",
      );
    }
    // Until the popular list's index became migration 2, this step's sessions were
    // migration 2: a file made then is at schema 2 with a sessions table already.
    const sessions = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sessions'").get();
    if (version === 2 && sessions) {
      throw new WrongFile(
        'it was made by an earlier version of this step (schema 2 held the sessions then)',
        'delete it, with its -wal and -shm files, to start again, or set DATABASE_PATH to another file',
      );
    }
    for (const sql of MIGRATIONS.slice(version)) db.exec(sql);
    // The version is written in any case, so that a read-only file fails here, at start-up,
    // not on the first visit. Up to date, it is rolled back: nothing reaches the disk, and a
    // worker can start (replace one that died) even when the disk is full.
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    db.exec(version < MIGRATIONS.length ? 'COMMIT' : 'ROLLBACK');
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
    const fix =
      error instanceof WrongFile
        ? error.fix
        : [11, 26].includes(sqliteCode(error)) // CORRUPT, NOTADB
          ? 'move the damaged file away, or set DATABASE_PATH to another file'
          : 'set DATABASE_PATH to a file in a folder you can write';
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot open the database at ${JSON.stringify(path)}: ${reason}; ${fix}`, {
      cause: error,
    });
  }
}
// #endregion connect

// #region file-gone
// Deleting the file (or data/) while the server runs stops nothing: SQLite goes on with
// the file it opened, which no other process can see any more, and a process that opens
// the path later makes a new one. So every FILE_CHECK_EVERY ms, a cheap look (a stat)
// whether the path still names the file this connection opened; if not, onFileGone is
// told once.
export const FILE_CHECK_EVERY = 10_000;
function watchFile(path: string, onFileGone: (message: string) => void, every: number) {
  const opened = statSync(path);
  const timer = setInterval(() => {
    let now;
    try {
      now = statSync(path, { throwIfNoEntry: false });
    } catch {
      return; // cannot look (a folder's permissions changed): nothing to say for sure
    }
    if (now?.dev === opened.dev && now.ino === opened.ino) return;
    clearInterval(timer);
    onFileGone(
      `The database file ${JSON.stringify(path)} was deleted or replaced while in use: ` +
        'this process goes on with the old one, which nothing else sees. Stop the server ' +
        'and start it again; to start over, use `npm run db -- reset` instead.',
    );
  }, every);
  timer.unref(); // a timer that does not keep the process running
  return () => clearInterval(timer);
}
// #endregion file-gone

export interface OpenOptions {
  busyTimeout?: number; // ms; default BUSY_TIMEOUT
  onFileGone?: (message: string) => void; // default: no check
  fileCheckEvery?: number; // ms; default FILE_CHECK_EVERY
}

// Nothing happens at import: the server calls this once at start-up, and each test opens
// a file of its own.
export function openDatabase(
  path: string,
  {
    busyTimeout = BUSY_TIMEOUT,
    onFileGone,
    fileCheckEvery = FILE_CHECK_EVERY,
  }: OpenOptions = {},
): SiteDatabase {
  // PRAGMAs take no bound parameters, so the number is checked before it joins the SQL.
  if (!Number.isSafeInteger(busyTimeout) || busyTimeout < 0) {
    throw new TypeError(`busyTimeout must be a whole number of milliseconds: ${busyTimeout}`);
  }
  const db = connect(path, busyTimeout);
  const stopWatching = onFileGone ? watchFile(path, onFileGone, fileCheckEvery) : () => {};
  const guarded = guardFor(db, busyTimeout);

  // #region statements
  // Prepared once, here, and reused by every request: SQLite parses each only once, and
  // the visitor's text only ever travels as a bound parameter (?), never inside the SQL.
  const countVisit = db.prepare('UPDATE site_counts SET visits = visits + 1 RETURNING visits');
  const visits = db.prepare('SELECT visits FROM site_counts');
  const countAdd = db.prepare(
    'INSERT INTO popular (item, adds) VALUES (?, 1) ON CONFLICT (item) DO UPDATE SET adds = adds + 1',
  );
  const popular = db.prepare('SELECT item, adds FROM popular ORDER BY adds DESC, item LIMIT ?');
  const getSession = db.prepare(
    'SELECT data FROM sessions WHERE id = ? AND expires > ? AND NOT revoked',
  );
  // One statement each, so that a save and a Start over cannot interleave. A new id gets
  // the short first lifetime, a session already stored the full one, and a revoked row is
  // left as it is: a request that loaded the session before it was destroyed saves nothing.
  const setSession = db.prepare(
    'INSERT INTO sessions (id, data, expires) VALUES (:id, :data, :firstExpires) ' +
      'ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires = :expires WHERE NOT revoked',
  );
  // Revokes rather than deletes: the row stays, without its data (and the migration's
  // trigger empties its cart), so that the save above finds it, until prune() removes it.
  const destroySession = db.prepare(
    "INSERT INTO sessions (id, data, expires, revoked) VALUES (:id, '', :until, 1) " +
      "ON CONFLICT (id) DO UPDATE SET data = '', expires = :until, revoked = 1",
  );
  const pruneSessions = db.prepare('DELETE FROM sessions WHERE expires <= ?');
  const cart = db.prepare('SELECT item FROM cart_items WHERE session_id = ? ORDER BY rowid');
  // One statement, so the count and the insert cannot interleave with another request's.
  const addToCart = db.prepare(
    'INSERT INTO cart_items (session_id, item) SELECT :id, :item ' +
      'WHERE EXISTS (SELECT 1 FROM sessions WHERE id = :id AND NOT revoked) ' +
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
      set: guarded((id: string, data: string, expires: number, firstExpires: number) => {
        setSession.run({ id, data, expires, firstExpires });
      }),
      destroy: guarded((id: string, until: number) => void destroySession.run({ id, until })),
      prune: guarded((now: number) => Number(pruneSessions.run(now).changes)),
      cart: guarded((id: string) => cart.all(id).map((row) => row.item as string)),
      addToCart: guarded(
        (id: string, item: string, limit: number) =>
          Number(addToCart.run({ id, item, limit }).changes) === 1,
      ),
    },
    close: guarded(() => {
      stopWatching();
      db.close();
    }),
  };
  // #endregion statements
}
