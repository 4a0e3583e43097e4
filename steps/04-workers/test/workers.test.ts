import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { cleanUp, isRunning } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';
import {
  fresh,
  fromEveryWorker,
  stepInOneProcess,
  stepWithTwoWorkers,
  waitUntil,
} from './helpers/workers.ts';

// src/server.ts in real processes: with WORKERS=2, a primary and two workers. Both servers
// are the step's shared ones (helpers/workers.ts), started once, as mocha begins, and
// booting while other tests run. test/pitfalls-04.test.ts shows what each worker keeps,
// and what a visitor keeps across them.
let two: Server;
let one: Server;
before(() => {
  two = stepWithTwoWorkers().server;
  one = stepInOneProcess(); // WORKERS unset: one process, as in the earlier steps
});
// Every process, workers included, even after a failure; then check that none is left.
after(async () => {
  const pids = [two, one].flatMap((s) => [s.child.pid, ...s.workers()]);
  await cleanUp();
  // A worker may outlive its primary by a moment: the signal reaches each on its own.
  await waitUntil(
    () => !pids.some((pid) => pid && isRunning(pid)),
    'every server process to end',
  );
});

describe('WORKERS', function () {
  this.timeout(20_000); // on a busy machine, starting processes can take a while

  it('WORKERS=2 serves from two worker processes, over separate connections', async () => {
    const answers = await fromEveryWorker(async () => fresh(await two.url()));
    const pids = new Set(answers.map((answer) => answer.servedBy));
    expect(pids.size).to.equal(2);
    for (const pid of pids) expect(two.workers()).to.include(pid);
    expect(pids).not.to.include(two.child.pid); // the primary serves nothing
    for (const answer of answers) {
      expect(answer.text).to.contain(`<footer>Served by process ${answer.servedBy}</footer>`);
    }
  });

  it('without WORKERS, one process serves, as before', async () => {
    const url = await one.url();
    const answers = await Promise.all([fresh(url), fresh(url), fresh(url)]);
    expect(answers.map((answer) => answer.servedBy)).to.deep.equal(
      Array(3).fill(one.child.pid),
    );
    expect(one.workers()).to.deep.equal([]);
  });

  describe('a worker that dies with a connection handed to it', () => {
    before(function () {
      if (process.platform === 'win32') this.skip(); // no SIGSTOP; nor round-robin by default
    });

    it('that connection gets no answer (the primary holds it); the ones opened after are answered', async () => {
      // The shared server: this test runs after the others that use it (the last file),
      // and leaves it with two workers serving. Another test may have replaced one.
      const url = await two.url();
      const [frozen, other] = two.workers().filter(isRunning);
      const started = two.workers().length;
      const giveUp = new AbortController(); // the client's own time-out, set below
      const atMost = AbortSignal.any([giveUp.signal, AbortSignal.timeout(10_000)]);
      try {
        // The primary hands each new connection to a free worker: one that has said it took
        // the last connection it was handed. A stopped worker takes nothing, so it is free
        // until it is handed one, and never again: of two connections, the other worker
        // answers one, and the other one waits for the stopped worker. A third is answered
        // by the other worker: had the primary kept the second waiting for a free worker
        // (a busy primary may not yet have read that the stopped worker took its last
        // connection), it would have handed the second on to it first, in order; then the
        // other worker answers both, and two more are sent.
        process.kill(frozen, 'SIGSTOP');
        let handedOver: Promise<Reply | string> | undefined;
        for (let pairs = 1; !handedOver; pairs++) {
          if (pairs > 5) throw new Error('5 pairs of connections, none for the stopped worker');
          const pair = [ask(url, atMost), ask(url, atMost)];
          const first = await Promise.race(pair.map((answer, i) => answer.then(() => i)));
          expect(await pair[first]).to.include({ status: 200, servedBy: other });
          const third = await ask(url, AbortSignal.timeout(5_000));
          expect(third).to.include({ status: 200, servedBy: other });
          const second = pair[1 - first];
          if (await Promise.race([second.then(() => true), sleep(50)]))
            expect(await second).to.include({ status: 200, servedBy: other });
          else handedOver = second;
        }

        // It dies before it has taken that connection, as a worker killed under load can.
        // The other worker answers at once, and so does the replacement once it is started.
        process.kill(frozen, 'SIGKILL');
        const killed = Date.now();
        const soon = await ask(url, AbortSignal.timeout(5_000));
        expect(soon).to.include({ status: 200, servedBy: other });
        await waitUntil(() => two.workers().length > started, 'a replacement worker');
        const replacement = two.workers().at(-1);
        // New connections until both have answered (round-robin: two usually do).
        const served = new Set<number>();
        for (let tries = 0; served.size < 2 && tries < 20; tries++) {
          const answer = await ask(url, AbortSignal.timeout(5_000));
          expect(answer).to.have.property('status', 200);
          served.add((answer as Reply).servedBy);
        }
        expect(served).to.deep.equal(new Set([other, replacement]));

        // A second after the kill, and a quarter of a second after the replacement and the
        // other worker have answered new connections (each within milliseconds), the
        // connection handed to the dead worker has had no answer, nor been closed, nor been
        // handed on to another worker: only the client's own time-out ends it.
        setTimeout(() => giveUp.abort(), Math.max(killed + 1_000 - Date.now(), 250));
        expect(await handedOver).to.equal('no answer');
      } finally {
        giveUp.abort();
        if (isRunning(frozen)) process.kill(frozen, 'SIGKILL');
      }
    });
  });
});

// What a test needs of an answer: its status, and the pid in X-Served-By.
type Reply = { status: number; servedBy: number };

// GET on a new connection, as a client with a time-out sends it: the answer; or
// 'no answer' if `signal` aborts first (the client gave up); or the error the client saw.
function ask(url: string, signal: AbortSignal): Promise<Reply | string> {
  return new Promise((resolve) => {
    const failed = (error: NodeJS.ErrnoException) =>
      resolve(error.name === 'AbortError' ? 'no answer' : (error.code ?? error.message));
    const req = request(url, { agent: false, signal }, (res) => {
      const served = {
        status: res.statusCode ?? 0,
        servedBy: Number(res.headers['x-served-by']),
      };
      res
        .on('error', failed)
        .on('end', () => resolve(served))
        .resume();
    });
    req.on('error', failed).end();
  });
}
