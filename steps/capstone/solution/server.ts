import cluster from 'node:cluster';
import { every, manageWorkers, orStop, serve, shownPath } from '@course/platform';
import { connectRedis, withoutCredentials } from '@course/platform/redis';
import type { Redis } from '@course/platform/redis';
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import type { Config } from '../src/config.ts';
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
// A Redis client: sessions in Redis, shared by every machine. None (no REDIS_URL): in the
// database file, whose expired rows are removed every PRUNE_EVERY.
const PRUNE_EVERY = 10 * 60 * 1000;
function storeFor(redis: Redis | undefined, db: SiteDatabase) {
  if (redis) return redisStore(redis);
  const store = sqliteStore(db);
  every(PRUNE_EVERY, () => store.prune(), 'Could not remove expired sessions');
  return store;
}

// Said at start-up: a mistyped REDIS_URL would leave the sessions and lists quietly in SQLite.
const whereSessionsAre = ({ redisUrl, databasePath }: Config) =>
  redisUrl
    ? `Sessions and today's lists in Redis at ${withoutCredentials(redisUrl)}`
    : `Sessions and today's lists in SQLite at ${shownPath(databasePath)}`;

// One connection to the Redis that REDIS_URL names, for the sessions and the day's lists
// (unreachable: refused in one line); none without REDIS_URL.
const connect = ({ redisUrl }: Config) =>
  redisUrl ? orStop(() => connectRedis(redisUrl)) : undefined;
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
  const redis = await connect(settings); // or, unreachable, no start at all
  const sessionStore = storeFor(redis, db);
  if (cluster.isPrimary) console.log(whereSessionsAre(settings));
  // The day's lists: in the Redis every machine shares, or without one in the file.
  const lists = popularToday({ db, redis });
  const { day } = settings; // TODAY: every request falls on that day; unset: the real date
  const today = day === undefined ? undefined : () => day;
  serve(createApp({ ...settings, db, sessionStore, popularToday: lists, today }), settings);
}
