import cluster from 'node:cluster';
import { isAbsolute, relative } from 'node:path';
import { cannotStart, manageWorkers, serve } from '@course/platform';
import { connectRedis, withoutCredentials } from '@course/platform/redis';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import type { Config } from './config.ts';
import type { SiteDatabase } from './db.ts';
import { redisStore } from './stores/redis.ts';
import { sqliteStore } from './stores/sqlite.ts';

// The only file that starts the server, and the only one that reads the environment.
// Every setting is checked here, at start-up (src/config.ts), so a typo stops the server
// with one line instead of surfacing later as a strange failure.
let settings: Config;
try {
  // Each worker reads the settings again; the primary has already warned about them.
  settings = loadConfig(process.env, cluster.isWorker ? () => {} : console.warn);
} catch (error) {
  cannotStart((error as Error).message);
}

// Each process that serves opens its own connection to the database file, or stops the
// start in one line. Imported here: the primary of several workers never loads
// node:sqlite (whose warning Node 22, and 24 before 24.15, print in each process).
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
// REDIS_URL set: sessions in Redis, shared by every machine (unreachable: refused in one
// line). Unset: in the database file, whose expired rows are removed every PRUNE_EVERY.
const PRUNE_EVERY = 10 * 60 * 1000;
async function sessionStore({ redisUrl }: Config, db: SiteDatabase) {
  if (redisUrl)
    return redisStore(await connectRedis(redisUrl).catch((e: Error) => cannotStart(e.message)));
  const store = sqliteStore(db);
  const prune = () => {
    try {
      store.prune();
    } catch (error) {
      console.error(`Could not remove expired sessions: ${(error as Error).message}`);
    }
  };
  setInterval(prune, PRUNE_EVERY).unref(); // a timer that does not keep the process running
  return store;
}

// Said at start-up: a mistyped REDIS_URL would leave the sessions quietly in SQLite.
function whereSessionsAre({ redisUrl, databasePath }: Config) {
  if (redisUrl) return `Sessions in Redis at ${withoutCredentials(redisUrl)}`;
  const path = relative(process.cwd(), databasePath);
  const outside = path.startsWith('..') || isAbsolute(path);
  return `Sessions in SQLite at ${outside ? databasePath : path}`;
}
// #endregion store

// #region start
// Serves on PORT, and on Ctrl-C or SIGTERM finishes the requests in flight (the platform's
// serve). With WORKERS above 1, this process is the primary, which only starts and watches
// the workers (manageWorkers): node:cluster runs this file again in each worker, which
// builds its own app, with its own memory, and serves on the shared port. What they
// share is in the database file and the session store.
if (settings.workers > 1 && cluster.isPrimary) {
  cluster.once('listening', () => console.log(whereSessionsAre(settings)));
  manageWorkers(settings);
} else {
  const db = await open(settings.databasePath);
  const store = await sessionStore(settings, db);
  if (cluster.isPrimary) console.log(whereSessionsAre(settings));
  serve(createApp({ ...settings, db, sessionStore: store }), settings);
}
// #endregion start
