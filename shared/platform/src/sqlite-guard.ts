import type { DatabaseSync, StatementSync } from 'node:sqlite';

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
export function sqliteCode(error: unknown): number {
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
export type Statement = Pick<StatementSync, 'get' | 'all' | 'run'>;
type GuardCall = <Args extends unknown[], Result>(
  call: (...args: Args) => Result,
) => (...args: Args) => Result;
export type Guard = GuardCall & {
  // Another statement on the same connection, its calls guarded the same way: for a
  // module that keeps its own SQL (a session store) beside the step's own statements.
  prepare(sql: string): Statement;
};

export function guardCalls(db: DatabaseSync): Guard {
  // The connection's own busy timeout (openSqlite set it), to restore once a write works.
  const busyTimeout = db.prepare('PRAGMA busy_timeout').get()!.timeout as number;
  // This connection's writes so far (reads get through a held lock: they prove nothing).
  const changes = db.prepare('SELECT total_changes() AS changes');
  const written = () => changes.get()!.changes as number;
  let stillBusy: number | undefined; // `written()` when the lock was found held
  const setBusyTimeout = (ms: number) => db.exec(`PRAGMA busy_timeout = ${ms}`);

  const guard =
    <Args extends unknown[], Result>(call: (...args: Args) => Result) =>
    (...args: Args): Result => {
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
  return Object.assign(guard, {
    prepare: (sql: string) => guardStatement(guard, db.prepare(sql)),
  });
}
// #endregion still-busy

// A prepared statement whose get, all and run are guarded calls.
function guardStatement(guard: GuardCall, statement: StatementSync): Statement {
  return {
    get: guard(statement.get.bind(statement)) as Statement['get'],
    all: guard(statement.all.bind(statement)) as Statement['all'],
    run: guard(statement.run.bind(statement)) as Statement['run'],
  };
}
