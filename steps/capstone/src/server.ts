import cluster from 'node:cluster';
import { every, manageWorkers, orStop, serve, shownPath } from '@course/platform';
import { connectRedis, withoutCredentials } from '@course/platform/redis';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import type { Config } from './config.ts';
import type { SiteDatabase } from './db.ts';
import { popularToday } from './popular-today.ts';
import { redisStore } from '../../06-session_stores/src/stores/redis.ts';
import { sqliteStore } from '../../06-session_stores/src/stores/sqlite.ts';

// The only file that starts the server, and the only one that reads the environment.
// Every setting is checked here, at start-up (src/config.ts): a typo stops the server in
// one line. Each worker reads them again; the primary has already warned about them.
const settings = orStop(() =>
  loadConfig(process.env, cluster.isWorker ? () => {} : console.warn),
);

// Each serving process opens its own connection, or stops the start in one line. Imported
// here, so that a primary never loads node:sqlite (nor its warning, before Node 24.15).
async function open(path: string): Promise<SiteDatabase> {
  const { openDatabase } = await import('./db.ts');
  const who = cluster.isWorker ? `Worker ${process.pid}: ` : '';
  return orStop(() => openDatabase(path, { onFileGone: (m) => console.error(`${who}${m}`) }));
}

// #region store
// REDIS_URL set: sessions in Redis, shared by every machine (unreachable: refused in one
// line). Unset: in the database file, whose expired rows are removed every PRUNE_EVERY.
const PRUNE_EVERY = 10 * 60 * 1000;
async function storeFor({ redisUrl }: Config, db: SiteDatabase) {
  if (redisUrl) return redisStore(await orStop(() => connectRedis(redisUrl)));
  const store = sqliteStore(db);
  every(PRUNE_EVERY, () => store.prune(), 'Could not remove expired sessions');
  return store;
}

// Said at start-up: a mistyped REDIS_URL would leave the sessions quietly in SQLite.
const whereSessionsAre = ({ redisUrl, databasePath }: Config) =>
  redisUrl
    ? `Sessions in Redis at ${withoutCredentials(redisUrl)}`
    : `Sessions in SQLite at ${shownPath(databasePath)}`;
// #endregion store

// Serves on PORT, and on Ctrl-C or SIGTERM finishes the requests in flight. With WORKERS
// above 1, this process is the primary, which only starts and watches the workers: each
// runs this file again, builds its own app, with its own memory, and serves on the shared
// port. What they share is in the database file and the session store.
if (settings.workers > 1 && cluster.isPrimary) {
  cluster.once('listening', () => console.log(whereSessionsAre(settings)));
  manageWorkers(settings);
} else {
  const db = await open(settings.databasePath);
  const sessionStore = await storeFor(settings, db); // or, unreachable, no start at all
  if (cluster.isPrimary) console.log(whereSessionsAre(settings));
  // TODO(capstone): the day's lists, built here for this process. With REDIS_URL, every
  // machine must find the same lists: give them what they need to be shared.
  const lists = popularToday({ db });
  const { day } = settings; // TODAY: every request falls on that day; unset: the real date
  const today = day === undefined ? undefined : () => day;
  serve(createApp({ ...settings, db, sessionStore, popularToday: lists, today }), settings);
}
