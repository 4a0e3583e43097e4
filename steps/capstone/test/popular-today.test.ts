import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import type { Agent } from 'supertest';
import { connectRedis } from '@course/platform/redis';
import type { Redis } from '@course/platform/redis';
import { redisOrSkip, startRedis } from '@course/platform/testing/redis';
import type { RedisServer } from '@course/platform/testing/redis';
import { databaseFolderPerTest } from '@course/platform/testing/sqlite';
import { utcDay } from '../src/day.ts';
import { expectExpiring } from './helpers/expiry.ts';
import { todayIn } from './helpers/machines.ts';
import {
  createApp,
  loadConfig,
  openDatabase,
  popularToday,
  UNDER_TEST,
} from './helpers/under-test.ts';

// The app in this process, its day set by createApp's `today` option: a new day, old
// days, and Redis going away. The lists are built as src/server.ts builds them:
// popularToday({ db }) without Redis, popularToday({ db, redis }) with it.
const DAY = 24 * 60 * 60 * 1000;
const dayAfter = (day: string, days: number) =>
  utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY));
const firstDay = utcDay(); // today, so that a TTL counted from now fits the day

// The token in a page's form; and an add as the form makes it, with a page's token.
const csrfIn = (page: { text: string }) => /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
async function addItem(visitor: Agent, item: string, csrf?: string) {
  csrf ??= csrfIn(await visitor.get('/'));
  return visitor.post('/items').type('form').send({ _csrf: csrf, item });
}

// `run`, without what it writes to stderr (the error log's line for each 503).
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const write = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await run();
  } finally {
    process.stderr.write = write;
  }
}

// An app with a database of its own, whose day is `clock.day` at each request.
function appWith(db: ReturnType<typeof openDatabase>, redis?: Redis) {
  const clock = { day: firstDay };
  const app = createApp({
    env: 'test',
    db,
    keys: ['test key'],
    popularToday: popularToday({ db, redis }),
    today: () => clock.day,
  });
  return { clock, visitor: request.agent(app.callback()) };
}

describe(`TODAY (${UNDER_TEST}/)`, () => {
  it('puts every request of the server on the day it names, and stops the start for anything else', () => {
    expect(loadConfig({ TODAY: '2026-12-02' }, () => {}).day).to.equal('2026-12-02');
    expect(loadConfig({}, () => {}).day).to.equal(undefined);
    for (const wrong of ['2026-02-30', '2026-13-01', '2026-12-2', 'tomorrow', '']) {
      expect(() => loadConfig({ TODAY: wrong }, () => {}), wrong).to.throw(/^TODAY must be/);
    }
  });
});

for (const where of ['SQLite', 'Redis'] as const) {
  describe(`the day's lists in ${where}, in this process (${UNDER_TEST}/)`, () => {
    const opened: { dir: string; redis?: RedisServer; client?: Redis } = { dir: '' };
    const { keep } = databaseFolderPerTest((dir) => (opened.dir = dir));
    before(async function () {
      if (where === 'SQLite') return;
      redisOrSkip(this);
      opened.redis = await startRedis();
      opened.client = await connectRedis(opened.redis.url, { log: () => {} });
    });
    beforeEach(() => opened.client?.flushAll());
    after(() => opened.client?.destroy());
    const app = () =>
      appWith(keep(openDatabase(join(opened.dir, 'site.sqlite'))), opened.client);

    it('starts a new list on a new day, and still has the last day’s for that day', async () => {
      const { clock, visitor } = app();
      for (const item of ['tea', 'milk', 'tea']) await addItem(visitor, item);
      expect(todayIn(await visitor.get('/'))).to.deep.equal(['tea (2)', 'milk (1)']);
      clock.day = dayAfter(firstDay, 1);
      expect(todayIn(await visitor.get('/'))).to.deep.equal([]);
      await addItem(visitor, 'bread');
      expect(todayIn(await visitor.get('/'))).to.deep.equal(['bread (1)']);
      clock.day = firstDay;
      expect(todayIn(await visitor.get('/'))).to.deep.equal(['tea (2)', 'milk (1)']);
    });

    if (where === 'SQLite') {
      it('forgets a day’s list once a week has passed: the file does not grow for ever', async () => {
        const { clock, visitor } = app();
        await addItem(visitor, 'tea');
        clock.day = dayAfter(firstDay, 8);
        await addItem(visitor, 'milk');
        clock.day = firstDay;
        expect(todayIn(await visitor.get('/'))).to.deep.equal([]);
      });
    }

    if (where === 'Redis') {
      it('keeps each day in keys of its own, which expire; a later day’s adds leave them as they were', async () => {
        const { clock, visitor } = app();
        const client = opened.client!;
        const contents = async () => {
          const keys = await client.keys('*');
          const dumps = keys.map(async (key) => [key, String(await client.dump(key))] as const);
          return new Map(await Promise.all(dumps));
        };
        for (const item of ['tea', 'milk']) await addItem(visitor, item);
        const firstDays = await contents();
        expect(firstDays.size, 'keys in Redis after adds').to.be.above(0);
        await expectExpiring(client, [...firstDays.keys()], firstDay);

        clock.day = dayAfter(firstDay, 1);
        await addItem(visitor, 'tea');
        const both = await contents();
        for (const [key, value] of firstDays) expect(both.get(key), key).to.equal(value);
        const secondDays = [...both.keys()].filter((key) => !firstDays.has(key));
        expect(secondDays.length, 'keys of its own for the second day').to.be.above(0);
        for (const key of secondDays)
          expect(await client.pTTL(key), key).to.be.within(1, 8 * DAY);
      });

      it('answers 503 and asks to try again while Redis is down: no page, no add confirmed', async () => {
        const redis = await startRedis(); // of its own, to stop
        const client = await connectRedis(redis.url, { log: () => {} });
        try {
          const db = keep(openDatabase(join(opened.dir, 'site.sqlite')));
          const { visitor } = appWith(db, client);
          const csrf = csrfIn(await visitor.get('/'));
          expect((await addItem(visitor, 'tea', csrf)).status).to.equal(303);
          await redis.stop();
          const page = await quietly(() => visitor.get('/'));
          expect(page.status).to.equal(503);
          expect(page.text)
            .to.contain('503 Service Unavailable')
            .and.match(/try again/i);
          expect((await quietly(() => addItem(visitor, 'milk', csrf))).status).to.equal(503);
        } finally {
          client.destroy();
          await redis.stop();
        }
      });
    }
  });
}
