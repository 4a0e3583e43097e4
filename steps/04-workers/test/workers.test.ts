import { once } from 'node:events';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { cleanUp, isRunning, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';
import { fresh, fromEveryWorker, stepWithTwoWorkers, waitUntil } from './helpers/workers.ts';

// src/server.ts in real processes: with WORKERS=2, a primary and two workers. Each server
// starts once, as mocha begins, and boots while other tests run. test/pitfalls-04.test.ts
// shows what each worker keeps, and what a visitor keeps across them.
let two: Server;
let one: Server;
let interrupted: Server;
let terminated: Server;
let crashing: Server;
before(() => {
  two = stepWithTwoWorkers().server;
  one = startServer({}); // WORKERS unset: one process, as in the earlier steps
  interrupted = startServer({ WORKERS: '2' });
  terminated = startServer({ WORKERS: '2' });
  crashing = startServer({ WORKERS: '2' });
});
// Every process, workers included, even after a failure; then check that none is left.
after(async () => {
  const pids = [two, one, interrupted, terminated, crashing].flatMap((s) => [
    s.child.pid,
    ...s.workers(),
  ]);
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

  describe('stopping', () => {
    before(function () {
      if (process.platform === 'win32') this.skip(); // no signals to send there
    });

    it('Ctrl-C (SIGINT to every process of the server) stops the workers, then the primary', async () => {
      await interrupted.url();
      const workers = interrupted.workers();
      process.kill(-(interrupted.child.pid as number), 'SIGINT'); // what a terminal does
      const [code] = await interrupted.exited;
      expect(code).to.equal(0);
      expect(interrupted.output.stdout).to.contain('SIGINT: stopping 2 workers');
      expect(workers.filter(isRunning)).to.deep.equal([]);
    });

    it('SIGTERM to the primary alone (a process manager) stops the workers too', async () => {
      await terminated.url();
      const workers = terminated.workers();
      terminated.child.kill('SIGTERM');
      const [code] = await terminated.exited;
      expect(code).to.equal(0);
      expect(terminated.output.stdout).to.contain('SIGTERM: stopping 2 workers');
      expect(terminated.output.stdout).not.to.contain('replacement');
      expect(workers.filter(isRunning)).to.deep.equal([]);
    });
  });

  describe('a worker that dies with a connection handed to it', () => {
    before(function () {
      if (process.platform === 'win32') this.skip(); // no SIGSTOP; nor round-robin by default
    });

    it('that connection gets no answer (the primary holds it); the ones opened after are answered', async () => {
      const url = await crashing.url();
      const [frozen, other] = crashing.workers();
      const giveUp = new AbortController(); // the client's own time-out, set below
      const atMost = AbortSignal.any([giveUp.signal, AbortSignal.timeout(10_000)]);
      try {
        // The primary hands each new connection to a free worker: one that has taken the
        // last connection it was handed. A stopped worker takes nothing, so it is free until
        // it is handed one, and never again: of two connections, the other worker answers
        // one, and the other one waits for the stopped worker.
        process.kill(frozen, 'SIGSTOP');
        const two = [ask(url, atMost), ask(url, atMost)];
        const first = await Promise.race(two.map((answer, i) => answer.then(() => i)));
        expect(await two[first]).to.include({ status: 200, servedBy: other });
        const handedOver = two[1 - first];

        // It dies before it has taken that connection, as a worker killed under load can.
        // The other worker answers at once, and so does the replacement once it is started.
        process.kill(frozen, 'SIGKILL');
        const killed = Date.now();
        const soon = await ask(url, AbortSignal.timeout(5_000));
        expect(soon).to.include({ status: 200, servedBy: other });
        await waitUntil(() => crashing.workers().length > 2, 'a replacement worker');
        const replacement = crashing.workers().at(-1);
        // New connections until both have answered (round-robin: two usually do).
        const served = new Set<number>();
        for (let tries = 0; served.size < 2 && tries < 20; tries++) {
          const answer = await ask(url, AbortSignal.timeout(5_000));
          expect(answer).to.have.property('status', 200);
          served.add((answer as Reply).servedBy);
        }
        expect(served).to.deep.equal(new Set([other, replacement]));

        // Three seconds after the kill, the connection handed to the dead worker has had no
        // answer, and is not closed either: only the client's own time-out ends it.
        setTimeout(() => giveUp.abort(), killed + 3_000 - Date.now());
        expect(await handedOver).to.equal('no answer');
      } finally {
        giveUp.abort();
        if (isRunning(frozen)) process.kill(frozen, 'SIGKILL');
      }
    });
  });

  it('cannot start when the port is taken: one line, exit code 1, no worker left behind', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as AddressInfo;
    try {
      const server = startServer({ WORKERS: '2', PORT: String(port), SESSION_KEYS: 'k' });
      const [code] = await server.exited;
      expect(code).to.equal(1);
      expect(server.output.stderr).to.match(
        new RegExp(`^Cannot start: port ${port} is in use; [^\\n]*\\n$`),
      );
      expect(server.output.stdout).not.to.contain('replacement');
    } finally {
      taken.close();
    }
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
