import { fileURLToPath } from 'node:url';
import {
  baseSettings,
  pathFrom,
  redisUrlFrom,
  sessionKeys,
  workersFrom,
} from '@course/platform';
import type { Environment } from '@course/platform';
import { dayFrom } from './day.ts';

// The platform's settings and this step's own, all checked at start-up (src/server.ts).
export type Config = ReturnType<typeof loadConfig>;

// The notice shipped with this step, used when NOTICE_FILE is not set.
export const DEFAULT_NOTICE_FILE = fileURLToPath(new URL('../notice.txt', import.meta.url));
// The database, without DATABASE_PATH: in data/ (which git ignores), made on first start.
export const DEFAULT_DATABASE = fileURLToPath(new URL('../data/site.sqlite', import.meta.url));

export function loadConfig(environment: Environment, warn: (message: string) => void) {
  return {
    ...baseSettings(environment),
    workers: workersFrom(environment.WORKERS), // how many processes serve; 1, as before
    noticeFile: pathFrom(environment.NOTICE_FILE, DEFAULT_NOTICE_FILE), // read at each request
    // The SQLite file that holds what every visitor shares.
    databasePath: pathFrom(environment.DATABASE_PATH, DEFAULT_DATABASE),
    // Set: sessions in that Redis server, such as redis://127.0.0.1:6379. Unset: in SQLite.
    redisUrl: redisUrlFrom(environment.REDIS_URL),
    // Set: every request falls on that day, such as TODAY=2026-12-02. Unset: the real date.
    day: dayFrom(environment.TODAY),
    keys: sessionKeys(environment, warn), // last: it warns once nothing else can stop the start
  };
}
