import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanUp, demo, isRunning, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';
import {
  Visitor,
  countIn,
  csrfIn,
  fresh,
  fromEveryWorker,
  inTurn,
  killWorker,
  noticeIn,
  pidsOf,
  stepWithTwoWorkers,
  visitsIn,
  waitUntil,
} from './helpers/workers.ts';
import type { Answer } from './helpers/workers.ts';

// Each pitfall: a naive app from pitfalls/ run as `npm run demo` runs it, in real worker
// processes started by the primary of the step's server (manageWorkers), misbehaving with
// WORKERS=2; and the same story with WORKERS=1, or told to this step's app, which does not.
// Every server starts once for this file, as mocha begins.
let folder: string;
let naiveNotice: string; // the naive app's notice file, read by it once, at start-up
let naiveNoticeOne: string; // the same, for the naive app in one process
const naive = (name: string, env: Record<string, string>) => startServer(env, demo(name));
const servers: Record<string, Server> = {};
before(() => {
  folder = mkdtempSync(join(tmpdir(), 'pitfalls-04-'));
  naiveNotice = join(folder, 'naive.txt');
  naiveNoticeOne = join(folder, 'naive-one.txt');
  writeFileSync(naiveNotice, 'Old notice');
  writeFileSync(naiveNoticeOne, 'Old notice');
  servers.visitsTwo = naive('visits-counter', { WORKERS: '2' });
  servers.visitsOne = naive('visits-counter', {});
  servers.storeTwo = naive('memory-store', { WORKERS: '2' });
  servers.storeOne = naive('memory-store', {});
  servers.noticeNaive = naive('notice-at-startup', {
    WORKERS: '2',
    NOTICE_FILE: naiveNotice,
  });
  servers.noticeOne = naive('notice-at-startup', { NOTICE_FILE: naiveNoticeOne });
  servers.step = stepWithTwoWorkers().server; // this step's app, shared with other files
});
after(async () => {
  const pids = Object.values(servers).flatMap((s) => [s.child.pid, ...s.workers()]);
  await cleanUp();
  rmSync(folder, { recursive: true, force: true });
  await waitUntil(
    () => !pids.some((pid) => pid && isRunning(pid)),
    'every server process to end',
  );
});

const cartIn = (answer: Answer) => /Cart: (.*)/.exec(answer.text)?.[1];
const storedIn = (answer: Answer) =>
  Number(/Sessions in this process's memory: (\d+)/.exec(answer.text)?.[1]);

describe('step 04, pitfalls', function () {
  this.timeout(20_000); // on a busy machine, starting processes can take a while

  // #region pitfall-1
  describe('pitfall 1: a site-wide count in a module-level variable', () => {
    it('naive, WORKERS=2: each worker counts its own visits, and none counts them all', async () => {
      const url = await servers.visitsTwo.url();
      const answers = await inTurn(10, () => fresh(url));
      const pids = pidsOf(answers);
      expect(pids.size).to.equal(2);
      const last = [...pids].map((pid) =>
        visitsIn(answers.findLast((a) => a.servedBy === pid)!),
      );
      expect(Math.max(...answers.map(visitsIn))).to.be.below(10); // nobody sees the real total
      expect(last[0] + last[1]).to.equal(10); // it is split between the processes
    });

    it('naive, WORKERS=1 (as in development): the count looks right', async () => {
      const url = await servers.visitsOne.url();
      const answers = await inTurn(10, () => fresh(url));
      expect(answers.map(visitsIn)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });
  });
  // #endregion pitfall-1

  // #region pitfall-2
  describe('pitfall 2: sessions in a Map in process memory', () => {
    it('naive, WORKERS=2: the session is found on one worker and missing on the other', async () => {
      const visitor = new Visitor(await servers.storeTwo.url());
      const answers = await inTurn(6, () => visitor.send('/'));
      expect(pidsOf(answers).size).to.equal(2);
      // Each worker that does not find the session starts a new one: the count restarts.
      const counts = answers.map(countIn);
      expect(counts.filter((count) => count === 1).length).to.be.above(1);
    });

    it('naive, WORKERS=1 (as in development): the session is always found', async () => {
      const visitor = new Visitor(await servers.storeOne.url());
      const answers = await inTurn(6, () => visitor.send('/'));
      expect(answers.map(countIn)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    });

    it('naive: every request without a cookie adds an entry, and none is ever removed', async () => {
      const url = await servers.storeOne.url();
      const answers = await inTurn(25, () => fresh(url));
      const stored = answers.map(storedIn);
      expect(stored.at(-1)! - stored[0]).to.equal(24);
    });

    it('this step, WORKERS=2: the cookie carries the session to every worker', async () => {
      const visitor = new Visitor(await servers.step.url());
      const answers = await inTurn(6, () => visitor.send('/'));
      expect(pidsOf(answers).size).to.equal(2);
      expect(answers.map(countIn)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    });
  });
  // #endregion pitfall-2

  // #region pitfall-3
  describe('pitfall 3: the notice read once, at start-up', () => {
    it('naive: an edit does not show, and a restarted worker differs from the others', async () => {
      const server = servers.noticeNaive;
      const url = await server.url();
      writeFileSync(naiveNotice, 'New notice');
      const before = await fromEveryWorker(() => fresh(url));
      expect(new Set(before.map(noticeIn))).to.deep.equal(new Set(['Old notice']));

      // One worker restarts (a crash, a deploy): it reads the file as it is now.
      const replacement = await killWorker(server, before[0].servedBy);
      const after = await fromEveryWorker(() => fresh(url));
      const notices = new Map(after.map((answer) => [answer.servedBy, noticeIn(answer)]));
      expect(notices.get(replacement)).to.equal('New notice');
      expect(new Set(notices.values())).to.deep.equal(new Set(['Old notice', 'New notice']));
    });

    it('naive, WORKERS=1 (as in development): an edit does not show, but every page agrees', async () => {
      const url = await servers.noticeOne.url();
      writeFileSync(naiveNoticeOne, 'New notice');
      const answers = await inTurn(3, () => fresh(url));
      expect(answers.map(noticeIn)).to.deep.equal(['Old notice', 'Old notice', 'Old notice']);
    });

    it('this step: every worker shows the edit on its next page', async () => {
      const { server, noticeFile } = stepWithTwoWorkers();
      const url = await server.url();
      expect(noticeIn(await fresh(url))).to.equal('Old notice');
      writeFileSync(noticeFile, 'New notice: <b>escaped</b>');
      const answers = await fromEveryWorker(() => fresh(url));
      for (const answer of answers) {
        expect(noticeIn(answer)).to.equal('New notice: &lt;b&gt;escaped&lt;/b&gt;');
      }
    });
  });
  // #endregion pitfall-3

  // #region pitfall-4
  describe('pitfall 4: a worker crashes under a visitor', () => {
    it("naive: the cart lived in the dead worker's memory, and is gone", async () => {
      const server = servers.storeTwo;
      const url = await server.url();
      // One visitor, one cookie: the key of a session kept by the worker that made it.
      const added = await fresh(new URL('/items?item=tea', url).href, { method: 'POST' });
      const cookie = added.setCookies.map((header) => header.split(';')[0]).join('; ');
      const before = await fromEveryWorker(() => fresh(url, { cookie }));
      const holder = before.find((answer) => answer.servedBy === added.servedBy)!;
      expect(cartIn(holder)).to.equal('tea');

      await killWorker(server, added.servedBy);
      const after = await fromEveryWorker(() => fresh(url, { cookie }));
      expect(after.map(cartIn)).to.deep.equal(after.map(() => '(empty)'));
    });

    it('this step: the cart is in the cookie; the worker is replaced, the visitor notices nothing', async () => {
      const server = servers.step;
      const visitor = new Visitor(await server.url());
      const page = await visitor.send('/');
      await visitor.send('/items', { method: 'POST', form: `_csrf=${csrfIn(page)}&item=tea` });

      const replacement = await killWorker(server, page.servedBy);
      expect(server.output.stdout).to.contain(
        `Worker ${page.servedBy} was killed by SIGKILL; starting a replacement`,
      );
      const after = await fromEveryWorker(() => visitor.send('/'));
      expect(after.map((answer) => answer.servedBy)).to.include(replacement);
      // 1 was the first page; the post counted nothing; every page after it counts one more.
      expect(after.map(countIn)).to.deep.equal(after.map((_, i) => i + 2));
      for (const answer of after) expect(answer.text).to.contain('<li>tea</li>');
    });
  });
  // #endregion pitfall-4
});
