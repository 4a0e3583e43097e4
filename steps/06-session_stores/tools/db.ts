// `npm run db -- show` and `npm run db -- reset`: look at the site's database, or start
// again, from the command line, with the server running or not. The file is the one the
// server opens: DATABASE_PATH, else data/site.sqlite in this step.
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { loadConfig } from '../src/config.ts';
import { BUSY_TIMEOUT, openDatabase } from '../src/db.ts';
import { NEW_SESSION_LIFETIME, REVOKED_LIFETIME } from '../src/stores/store.ts';

export const USAGE = `usage: npm run db -- show | reset
  show    what the database holds: the visits, every item added, most added first, and
          the sessions kept in it with their carts
  reset   start again: visits back to 0, the popular list emptied and every session
          ended, with its cart (safe while the server runs)
The file is DATABASE_PATH, else data/site.sqlite in this step.`;

type Print = (line: string) => void;

// The path as the reader typed it, or would: relative to where they are, when it is below.
const shown = (path: string) => {
  const below = relative(process.cwd(), path);
  return below && !below.startsWith('..') ? below : path;
};

// A connection for this command alone, once openDatabase has checked the file and
// brought its schema up to date, exactly as the server does when it starts. It waits for
// a server's write to finish as long as the server would (BUSY_TIMEOUT).
function connect(path: string): DatabaseSync {
  openDatabase(path).close();
  const db = new DatabaseSync(path);
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT}`);
  return db;
}

type Counts = { visits: number; items: { item: string; adds: number }[] };
function counts(db: DatabaseSync): Counts {
  const { visits } = db.prepare('SELECT visits FROM site_counts').get() as { visits: number };
  const items = db.prepare('SELECT item, adds FROM popular ORDER BY adds DESC, item').all();
  return { visits, items: items as Counts['items'] };
}

// The sessions kept in the file (src/stores/sqlite.ts; none while REDIS_URL is set):
// how many, how many have expired (the server's next prune removes them), how many end
// soon, as every new session does until its cookie comes back; their carts; and the
// revoked ones, kept a while so that no request in flight can save them again.
function sessions(db: DatabaseSync, now = Date.now()) {
  const count = (from: string, ...params: number[]) =>
    (db.prepare(`SELECT count(*) AS n FROM ${from}`).get(...params) as { n: number }).n;
  const soon = now + NEW_SESSION_LIFETIME;
  return {
    total: count('sessions WHERE NOT revoked'),
    expired: count('sessions WHERE NOT revoked AND expires <= ?', now),
    endingSoon: count('sessions WHERE NOT revoked AND expires > ? AND expires <= ?', now, soon),
    carts: count('(SELECT DISTINCT session_id FROM cart_items)'),
    items: count('cart_items'),
    revoked: count('sessions WHERE revoked'),
  };
}

const minutes = (ms: number) => `${ms / 60_000} minutes`;

function show(db: DatabaseSync, print: Print) {
  const { visits, items } = counts(db);
  print(`Visits to this site: ${visits}`);
  if (!items.length) print('Popular with everyone: nothing added yet');
  else {
    print('Popular with everyone (times added, item):');
    // Quoted as JSON: an item's quotes, spaces and control characters are all visible.
    for (const { item, adds } of items)
      print(`${String(adds).padStart(7)}  ${JSON.stringify(item)}`);
  }
  const kept = sessions(db);
  print(
    `Sessions: ${kept.total}, of which ${kept.expired} expired and ` +
      `${kept.endingSoon} end within ${minutes(NEW_SESSION_LIFETIME)}`,
  );
  print(`Carts: ${kept.carts}, holding ${kept.items} items`);
  print(`Revoked sessions, kept ${minutes(REVOKED_LIFETIME)}: ${kept.revoked}`);
}

// #region reset
// One transaction: a server that reads at the same moment sees the old numbers or the new
// ones, never half of each, and its next request finds the new ones. The file, its
// tables and every server's connection to it stay as they are. Sessions end as Start
// over ends one: revoked (their carts go with them), so that a request in flight cannot
// save its session again; the expired ones are simply deleted.
function reset(db: DatabaseSync, print: Print) {
  db.exec('BEGIN IMMEDIATE'); // the write lock first: no visit can slip in between
  try {
    const before = counts(db);
    const now = Date.now();
    db.exec('UPDATE site_counts SET visits = 0');
    db.exec('DELETE FROM popular');
    db.prepare('DELETE FROM sessions WHERE expires <= ?').run(now);
    const { changes: ended } = db
      .prepare("UPDATE sessions SET revoked = 1, data = '', expires = ? WHERE NOT revoked")
      .run(now + REVOKED_LIFETIME);
    db.exec('COMMIT');
    const items = before.items.length === 1 ? 'item' : 'items';
    print(
      `Reset: visits ${before.visits} → 0; ${before.items.length} popular ${items} removed; ` +
        `${ended} ${ended === 1 ? 'session' : 'sessions'} ended`,
    );
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
// #endregion reset

// Runs the command; returns its exit code. Output goes to `print`, problems to `fail`.
export function runDbCommand(
  args: string[],
  { databasePath, print = console.log, fail = console.error }: DbCommandOptions,
): number {
  const [command, ...extra] = args;
  const run = command === 'show' ? show : command === 'reset' ? reset : undefined;
  if (!run || extra.length) {
    fail(USAGE);
    return 2;
  }
  print(`Database: ${shown(databasePath)}`);
  if (!existsSync(databasePath)) {
    print('No database there yet: the server makes it when it starts.');
    return 0;
  }
  let db: DatabaseSync | undefined;
  try {
    db = connect(databasePath);
    run(db, print);
    return 0;
  } catch (error) {
    fail((error as Error).message);
    return 1;
  } finally {
    db?.close();
  }
}

export interface DbCommandOptions {
  databasePath: string;
  print?: Print;
  fail?: Print;
}

// As a command (`node tools/db.ts show`), not when a test imports it. Only
// DATABASE_PATH matters here, read by the same rules as the server's (src/config.ts).
if (import.meta.main) {
  const { databasePath } = loadConfig({ DATABASE_PATH: process.env.DATABASE_PATH }, () => {});
  process.exitCode = runDbCommand(process.argv.slice(2), { databasePath });
}
