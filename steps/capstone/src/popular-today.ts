import type { Redis } from '@course/platform/redis';
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

// TODO(capstone): a first try, and a naive one. The counts live in this process's memory:
// with WORKERS=2 each worker counts its own adds and shows its own list, a second machine
// another, a restart forgets them all, and old days stay in the Map for as long as the
// process runs. Keep them where every worker of every machine finds them, counted in one
// atomic step each, and make old days go away on their own. See the README.
export const popularToday: (options: PopularTodayOptions) => PopularToday = () => {
  const days = new Map<string, Map<string, number>>();
  return {
    add: async (day, item) => {
      const counts = days.get(day) ?? new Map<string, number>();
      days.set(day, counts);
      counts.set(item, (counts.get(item) ?? 0) + 1); // read, then write: fine in one process
    },
    list: async (day, limit) =>
      [...(days.get(day) ?? [])]
        .map(([item, adds]) => ({ item, adds }))
        .sort((a, b) => b.adds - a.adds || (a.item < b.item ? -1 : 1))
        .slice(0, limit),
    home: () => ({
      where: `a Map in the memory of process ${process.pid}`,
      who: 'the visitors this process serves',
      lasts: 'until this process stops',
    }),
  };
};
