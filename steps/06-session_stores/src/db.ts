import { DatabaseUnavailable, guardCalls, openSqlite } from '@course/platform/sqlite';
import type { SqliteOptions, Statement } from '@course/platform/sqlite';
import { SESSIONS_TABLE } from './stores/sqlite.ts';

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
  // Step 06: the sessions, kept on the server (src/stores/sqlite.ts), and their carts.
  SESSIONS_TABLE,
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
  prepare(sql: string): Statement; // guarded too: for src/stores/sqlite.ts's own SQL
  close(): void;
}

// What a visitor sees (503) when the database cannot answer right now (the platform's).
export { DatabaseUnavailable };

// Called once at start-up (each test opens a file of its own). The platform's openSqlite
// creates the file, sets the busy timeout, switches to WAL and runs the migrations not yet
// run, or throws one line; guardCalls turns "cannot answer now" (busy, full) into a 503.
export function openDatabase(
  path: string,
  options: Partial<Omit<SqliteOptions, 'migrations'>> = {},
): SiteDatabase {
  const db = openSqlite(path, {
    busyTimeout: BUSY_TIMEOUT,
    ...options,
    migrations: MIGRATIONS,
  });
  const guarded = guardCalls(db);

  // #region statements
  // Prepared once, here, and reused by every request: SQLite parses each only once, and
  // the visitor's text only ever travels as a bound parameter (?), never inside the SQL.
  const countVisit = db.prepare('UPDATE site_counts SET visits = visits + 1 RETURNING visits');
  const visits = db.prepare('SELECT visits FROM site_counts');
  const countAdd = db.prepare(
    'INSERT INTO popular (item, adds) VALUES (?, 1) ON CONFLICT (item) DO UPDATE SET adds = adds + 1',
  );
  const popular = db.prepare('SELECT item, adds FROM popular ORDER BY adds DESC, item LIMIT ?');

  // One statement each, so each is atomic: there is no read-then-write for two processes
  // to interleave (both read 41, both write 42, and a visit is lost).
  return {
    countVisit: guarded(() => (countVisit.get() as { visits: number }).visits),
    visits: guarded(() => (visits.get() as { visits: number }).visits),
    countAdd: guarded((item: string) => void countAdd.run(item)),
    popular: guarded((limit = POPULAR_LIMIT) => popular.all(limit) as Popular[]),
    prepare: guarded.prepare,
    close: guarded(() => db.close()),
  };
  // #endregion statements
}
