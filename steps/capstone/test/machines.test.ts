import { expect } from 'chai';
import { connectRedis } from '@course/platform/redis';
import type { Redis } from '@course/platform/redis';
import { redisInstalled, redisOrSkip, startRedis } from '@course/platform/testing/redis';
import type { RedisServer } from '@course/platform/testing/redis';
import { utcDay } from '../src/day.ts';
import { expectExpiring } from './helpers/expiry.ts';
import {
  cleanUp,
  databasePath,
  dayIn,
  dealt,
  pageFromEachWorker,
  restart,
  startMachine,
  todayIn,
  Visitor,
} from './helpers/machines.ts';
import type { Machine } from './helpers/machines.ts';
import { UNDER_TEST } from './helpers/under-test.ts';

// The capstone's whole task, through real HTTP against real servers (the code under test:
// src/, or solution/ with CAPSTONE_SRC=solution): adds that overlap on every worker of
// every machine, each counted once; one list, whoever shows it; and still there after
// the servers stop and start again.
const day = utcDay(); // the servers are given TODAY, so that a test never straddles midnight
// 40 adds, with counts that put the list in one order.
const ADDS = { tea: 12, milk: 10, bread: 8, jam: 6, eggs: 4 };
const LIST = ['tea (12)', 'milk (10)', 'bread (8)', 'jam (6)', 'eggs (4)'];
const VISITORS = 8; // in parallel, each with 5 adds in a row

// The adds, from VISITORS visitors at once, each sending its adds to the machines in turn.
async function addEverything(urls: string[]) {
  const visitors = dealt(ADDS, VISITORS).map((items) => ({ items, visitor: new Visitor() }));
  await Promise.all(
    visitors.map(async ({ items, visitor }, v) => {
      for (const [n, item] of items.entries())
        await visitor.add(urls[(v + n) % urls.length], item);
    }),
  );
}

// What every worker of every machine shows as today's list.
async function listsOn(machines: Machine[]) {
  const pages = [];
  for (const machine of machines)
    pages.push(...(await pageFromEachWorker(await machine.url())));
  expect(pages.map(dayIn)).to.deep.equal(pages.map(() => day));
  return pages.map(todayIn);
}

// Started as mocha begins: they boot side by side, the two machines while the first tests run.
let redis: RedisServer | undefined;
let pair: Promise<Machine[]> | undefined;
let alone: Machine;
before(() => {
  alone = startMachine({ WORKERS: '2', DATABASE_PATH: databasePath(), TODAY: day });
  if (!redisInstalled()) return;
  pair = startRedis().then((server) => {
    redis = server;
    const env = { WORKERS: '2', REDIS_URL: server.url, TODAY: day };
    return [1, 2].map(() => startMachine({ ...env, DATABASE_PATH: databasePath() }));
  });
  pair.catch(() => {}); // a failure is reported by the suite that awaits it
});
after(cleanUp);

// Each test makes the adds it checks: none needs another to have run first.
describe(`one machine without Redis, WORKERS=2 (${UNDER_TEST}/)`, () => {
  it('counts every one of 40 overlapping adds once, both workers show the same list, and it outlives a restart', async () => {
    await addEverything([await alone.url()]);
    expect(await listsOn([alone]), 'before the restart').to.deep.equal([LIST, LIST]);
    alone = await restart(alone);
    expect(await listsOn([alone]), 'after the restart').to.deep.equal([LIST, LIST]);
  });
});

describe(`two machines, WORKERS=2 each, one Redis (${UNDER_TEST}/)`, () => {
  let machines: Machine[];
  let client: Redis;
  before(async function () {
    redisOrSkip(this);
    machines = await pair!;
    client = await connectRedis(redis!.url, { log: () => {} });
  });
  after(() => client?.destroy());

  it('counts every one of 40 adds made through both machines at once, all four workers show the same list, and it outlives a restart of both', async () => {
    await addEverything(await Promise.all(machines.map((machine) => machine.url())));
    const all = [LIST, LIST, LIST, LIST];
    expect(await listsOn(machines), 'before the restart').to.deep.equal(all);
    machines = await Promise.all(machines.map(restart));
    expect(await listsOn(machines), 'after the restart').to.deep.equal(all);
  });

  it('keeps the list in Redis, where every key expires: sessions, and the day’s list within a week', async () => {
    // An add of its own, for keys to look at whatever ran before. Added once, honey stays
    // out of the five most added that the test above checks, whichever runs first.
    await new Visitor().add(await machines[0].url(), 'honey');
    const keys = await client.keys('*');
    const lists = keys.filter((key) => !key.startsWith('session:'));
    expect(lists.length, 'keys in Redis besides the sessions').to.be.above(0);
    for (const key of keys) expect(await client.pTTL(key), key).to.be.above(0);
    await expectExpiring(client, lists, day);
  });
});
