import { withDeadline } from '@course/platform/redis';
import type { Redis } from '@course/platform/redis';
import { utcDay } from '../src/day.ts';
import type { Popular, SiteDatabase } from './db.ts';

// The "Popular today" list: each day's items, and how often each was added that day.
// The app counts an add with add(), reads a day's list with list(), and asks home() where
// the list lives for the state inspector. `day` is always YYYY-MM-DD, from the app's
// clock (src/day.ts), never from the visitor.
export interface PopularToday {
  add(day: string, item: string): Promise<void>; // one more add of `item` on `day`
  list(day: string, limit: number): Promise<Popular[]>; // the most added first
  home(day: string): { where: string; who: string; lasts: string };
}

// What it may keep the lists in: the site's database, and with REDIS_URL, the Redis
// client (the tests build it so: popularToday({ db }) or popularToday({ db, redis })).
export type PopularTodayOptions = { db: SiteDatabase; redis?: Redis };

// How long a day's list is kept: two days after its last add in Redis, two days after the
// day itself in SQLite. Today's list, and yesterday's, are always there; none is kept for
// ever, however long the site runs.
export const KEEP_DAYS = 2;
const DAY = 24 * 60 * 60 * 1000;

// With REDIS_URL: one list for every worker of every machine. Without: this machine's
// database file, shared by its workers. Either way nothing is kept in the process, so a
// restart loses nothing, and each add is one atomic step, so no add is lost.
export function popularToday({ db, redis }: PopularTodayOptions): PopularToday {
  return redis ? inRedis(redis) : inSqlite(db);
}

// A sorted set per day, `popular:YYYY-MM-DD`: ZINCRBY counts one add, in Redis itself, so
// overlapping adds from any number of processes never read-then-write. The TTL goes with
// it in the same transaction (MULTI), so no list is ever left without one.
function inRedis(client: Redis, timeout = 1000): PopularToday {
  const deadline = withDeadline(timeout);
  // Each command within `timeout` ms, or a 503 that says what is missing (not "sessions").
  const call = <T>(command: () => Promise<T>) =>
    deadline(command).catch((error: Error) => {
      throw new PopularTodayUnavailable(error.cause);
    });
  const keyFor = (day: string) => `popular:${day}`;
  return {
    add: (day, item) =>
      call(async () => {
        const key = keyFor(day);
        await client
          .multi()
          .zIncrBy(key, 1, item)
          .expire(key, (KEEP_DAYS * DAY) / 1000)
          .exec();
      }),
    // The highest scores first (ties: the item last in alphabetical order first).
    list: (day, limit) =>
      call(async () => {
        const top = await client.zRangeWithScores(keyFor(day), 0, limit - 1, { REV: true });
        return top.map(({ value, score }) => ({ item: value, adds: score }));
      }),
    home: (day) => ({
      where: `the Redis sorted set ${keyFor(day)}, with a TTL`,
      who: 'every visitor, on every machine',
      lasts: `${KEEP_DAYS} days after its last add`,
    }),
  };
}

// A row per day and item (the migration in solution/db.ts). The upsert is one statement,
// so atomic; days older than KEEP_DAYS go with each add, in a second one.
function inSqlite(db: SiteDatabase): PopularToday {
  const count = db.prepare(
    'INSERT INTO popular_today (day, item, adds) VALUES (?, ?, 1) ' +
      'ON CONFLICT (day, item) DO UPDATE SET adds = adds + 1',
  );
  const forget = db.prepare('DELETE FROM popular_today WHERE day < ?');
  const list = db.prepare(
    'SELECT item, adds FROM popular_today WHERE day = ? ORDER BY adds DESC, item LIMIT ?',
  );
  const daysBefore = (day: string, days: number) =>
    utcDay(new Date(Date.parse(`${day}T00:00:00Z`) - days * DAY));
  return {
    add: async (day, item) => {
      count.run(day, item);
      forget.run(daysBefore(day, KEEP_DAYS));
    },
    list: async (day, limit) => list.all(day, limit) as Popular[],
    home: () => ({
      ...db.home('popular_today'),
      lasts: `until ${KEEP_DAYS} days after its day`,
    }),
  };
}

// What a visitor sees while Redis cannot answer: a 503 that asks to try again, at once
// (a Redis that is down) or after `timeout` (one that does not answer), instead of a 500
// or a page that hangs. An add that gets it is not confirmed: no "Added", and no flash
// saved (the item may already be in the cart, which the visitor sees on the next page).
export class PopularTodayUnavailable extends Error {
  status = 503;
  expose = true;
  headers = { 'Retry-After': '1' };
  constructor(cause: unknown) {
    super('Today’s popular list is unavailable for a moment; please try again.', { cause });
    this.name = 'PopularTodayUnavailable';
  }
}
