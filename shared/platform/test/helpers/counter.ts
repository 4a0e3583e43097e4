// A small database of the kind a step opens with openSqlite: a visit count and a list of
// items, each call guarded. A module of its own, so that a test's child process can open
// one too.
import { guardCalls, openSqlite } from '../../src/sqlite.ts';
import type { SqliteOptions } from '../../src/sqlite.ts';

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE site_counts (id INTEGER PRIMARY KEY CHECK (id = 1), visits INTEGER NOT NULL);
   INSERT INTO site_counts (id, visits) VALUES (1, 0);
   CREATE TABLE popular (item TEXT PRIMARY KEY, adds INTEGER NOT NULL);`,
  `CREATE INDEX popular_by_adds ON popular (adds DESC, item);`,
];

export function openCounter(path: string, options: Partial<SqliteOptions> = {}) {
  const db = openSqlite(path, { busyTimeout: 5000, migrations: MIGRATIONS, ...options });
  const guarded = guardCalls(db);
  const count = db.prepare('UPDATE site_counts SET visits = visits + 1 RETURNING visits');
  const read = db.prepare('SELECT visits FROM site_counts');
  const add = db.prepare(
    'INSERT INTO popular (item, adds) VALUES (?, 1) ON CONFLICT (item) DO UPDATE SET adds = adds + 1',
  );
  const list = db.prepare('SELECT item, adds FROM popular ORDER BY adds DESC, item LIMIT ?');
  return {
    countVisit: guarded(() => count.get()!.visits as number),
    visits: guarded(() => read.get()!.visits as number),
    countAdd: guarded((item: string) => void add.run(item)),
    popular: guarded((limit: number = 5) => list.all(limit)),
    prepare: guarded.prepare,
    close: guarded(() => db.close()),
  };
}
export type Counter = ReturnType<typeof openCounter>;
