import cluster from 'node:cluster';
import { isAbsolute, relative } from 'node:path';
import { createApp } from './app.ts';
import { manageWorkers } from './cluster.ts';
import { loadConfig } from './config.ts';
import type { Config } from './config.ts';
import type { SiteDatabase } from './db.ts';
import { cannotStart, serve } from './serve.ts';
import { connectRedis, redisStore, withoutCredentials } from './stores/redis.ts';
import { sqliteStore } from './stores/sqlite.ts';

// The only file that starts the server, and the only one that reads the environment.
let config: Config;
try {
  // Each worker reads the settings again; the primary has already warned about them.
  config = loadConfig(process.env, cluster.isWorker ? () => {} : console.warn);
} catch (error) {
  cannotStart((error as Error).message);
}

// Each process that serves opens its own connection to the database file; a file it
// cannot open or create stops the start with one line saying what to fix. src/db.ts is
// imported here, not at the top: the primary of several workers serves nothing, so it
// never loads node:sqlite (whose warning Node 22, and 24 before 24.15, print in each
// process that does).
async function open(path: string): Promise<SiteDatabase> {
  const { openDatabase } = await import('./db.ts');
  const who = cluster.isWorker ? `Worker ${process.pid}: ` : '';
  try {
    return openDatabase(path, { onFileGone: (message) => console.error(`${who}${message}`) });
  } catch (error) {
    cannotStart((error as Error).message);
  }
}

// #region store
// REDIS_URL set: sessions in Redis, shared by every machine that connects to it (and not
// reachable at start-up: refused, in one line). Unset: in the database file, shared by
// the workers of this machine; expired rows are removed every PRUNE_EVERY.
const PRUNE_EVERY = 10 * 60 * 1000;
async function sessionStore(db: SiteDatabase) {
  if (config.redisUrl) {
    try {
      return redisStore(await connectRedis(config.redisUrl));
    } catch (error) {
      cannotStart((error as Error).message);
    }
  }
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
function whereSessionsAre() {
  if (config.redisUrl) return `Sessions in Redis at ${withoutCredentials(config.redisUrl)}`;
  const path = relative(process.cwd(), config.databasePath);
  const shown = path.startsWith('..') || isAbsolute(path) ? config.databasePath : path;
  return `Sessions in SQLite at ${shown}`;
}
// #endregion store

// #region start
// WORKERS=1 (the default): this process serves, as in the earlier steps. More: this
// process becomes the primary, which only starts and watches the workers; node:cluster
// runs this same file again in each worker, where cluster.isPrimary is false, and each
// worker builds its own app, with its own memory, and serves on the shared port. What
// they all share lives in the database file.
// The process that says "Serving on" says where the sessions are, once its store works:
// this one, or the primary when its first worker serves.
if (config.workers > 1 && cluster.isPrimary) {
  cluster.once('listening', () => console.log(whereSessionsAre()));
  manageWorkers(config);
} else {
  const db = await open(config.databasePath);
  const store = await sessionStore(db);
  if (cluster.isPrimary) console.log(whereSessionsAre());
  serve(createApp({ ...config, db, sessionStore: store }), config);
}
// #endregion start
