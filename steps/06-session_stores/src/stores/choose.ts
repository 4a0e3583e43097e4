import { isAbsolute, relative } from 'node:path';
import { cannotStart } from '@course/platform';
import { connectRedis, withoutCredentials } from '@course/platform/redis';
import type { Config } from '../config.ts';
import type { SiteDatabase } from '../db.ts';
import { redisStore } from './redis.ts';
import { sqliteStore } from './sqlite.ts';

// #region store
// REDIS_URL set: sessions in Redis, shared by every machine that connects to it (and not
// reachable at start-up: refused, in one line). Unset: in the database file, shared by
// the workers of this machine; expired rows are removed every PRUNE_EVERY.
const PRUNE_EVERY = 10 * 60 * 1000;
export async function sessionStore({ redisUrl }: Config, db: SiteDatabase) {
  if (redisUrl)
    return redisStore(await connectRedis(redisUrl).catch((e: Error) => cannotStart(e.message)));
  const store = sqliteStore(db);
  setInterval(() => {
    try {
      store.prune();
    } catch (error) {
      console.error(`Could not remove expired sessions: ${(error as Error).message}`);
    }
  }, PRUNE_EVERY).unref(); // a timer that does not keep the process running
  return store;
}

// Where the sessions are, said once at start-up, since a mistyped name (REDIS_ULR=…)
// would leave REDIS_URL unset and the sessions quietly in SQLite.
export function whereSessionsAre({ redisUrl, databasePath }: Config) {
  if (redisUrl) return `Sessions in Redis at ${withoutCredentials(redisUrl)}`;
  const path = relative(process.cwd(), databasePath);
  const shown = path.startsWith('..') || isAbsolute(path) ? databasePath : path;
  return `Sessions in SQLite at ${shown}`;
}
// #endregion store
