import { expect } from 'chai';
import type { Redis } from '@course/platform/redis';

const DAY = 24 * 60 * 60 * 1000;

// Each of `keys`, which hold `day`'s list, expires: not before that day is over (UTC), and
// within a week after it. (PTTL: -1 is a key without expiry, -2 one that is gone.)
export async function expectExpiring(client: Redis, keys: string[], day: string) {
  const dayEnds = Date.parse(`${day}T00:00:00Z`) + DAY;
  for (const key of keys) {
    const ttl = await client.pTTL(key);
    const [earliest, latest] = [dayEnds - Date.now() - 1000, dayEnds + 7 * DAY - Date.now()];
    expect(ttl, `the TTL of ${key}, in ms`).to.be.within(earliest, latest);
  }
}
