import { guardCalls, openSqlite } from '@course/platform/sqlite';
import { shownPath } from '@course/platform';
import type { OpenOptions } from '@course/platform/sqlite';
import { SESSIONS_TABLE } from '../../06-session_stores/src/stores/sqlite.ts';

// The schema, one step at a time: a file records how many have run (PRAGMA user_version),
// so never edit a migration that has shipped; add a new one at the end instead.
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE site_counts (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     visits INTEGER NOT NULL
   );
   INSERT INTO site_counts (id, visits) VALUES (1, 0);
   CREATE TABLE popular (item TEXT PRIMARY KEY, adds INTEGER NOT NULL);`,
  // The popular list in its order: a page reads the few rows it shows, not a sorted table.
  `CREATE INDEX popular_by_adds ON popular (adds DESC, item);`,
  // Step 06: the sessions, kept on the server (src/stores/sqlite.ts), and their carts.
  SESSIONS_TABLE,
  // TODO(capstone): without REDIS_URL, a machine keeps the day's lists in this file: their
  // table is a new migration, added here, at the end.
];

// How long a connection waits for another's write lock (ms); the popular list's length.
export const BUSY_TIMEOUT = 5000;
export const POPULAR_LIMIT = 5;
const SHARED = { who: 'every visitor, in every worker', lasts: 'until the file is deleted' };

export type Popular = { item: string; adds: number };
// What the site shares, in the database file: openDatabase's answer.
export type SiteDatabase = ReturnType<typeof openDatabase>;

// Called once at start-up (each test opens a file of its own). openSqlite makes the file,
// switches to WAL and migrates, or throws one line; guardCalls makes "busy" a 503.
export function openDatabase(path: string, options: OpenOptions = {}) {
  const settings = { busyTimeout: BUSY_TIMEOUT, ...options, migrations: MIGRATIONS };
  const db = openSqlite(path, settings);
  const guarded = guardCalls(db);
  const file = shownPath(path); // as the state inspector shows it

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
    // countVisit returns the new total; popular lists the most added first.
    countVisit: guarded(() => (countVisit.get() as { visits: number }).visits),
    visits: guarded(() => (visits.get() as { visits: number }).visits),
    countAdd: guarded((item: string) => void countAdd.run(item)),
    popular: guarded((limit?: number) => popular.all(limit ?? POPULAR_LIMIT) as Popular[]),
    prepare: guarded.prepare, // guarded too: for src/stores/sqlite.ts's own SQL
    close: guarded(() => db.close()),
    // For the state inspector: where a table's rows live, who shares them, for how long.
    home: (table: string) => ({ where: `the ${table} table of ${file}`, ...SHARED }),
  };
}
