import { once } from 'node:events';
import { request } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { cleanUp, isRunning, startServer, waitUntil } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

// manageWorkers() in real processes: the fixture server with WORKERS=2, a primary and
// two workers. Each server starts once, as mocha begins, and boots while other tests run.
let two: Server;
let interrupted: Server;
let terminated: Server;
before(() => {
  two = startServer({ WORKERS: '2' });
  interrupted = startServer({ WORKERS: '2' });
  terminated = startServer({ WORKERS: '2' });
});
// Every process, workers included, even after a failure; then check that none is left.
after(async () => {
  const pids = [two, interrupted, terminated].flatMap((s) => [s.child.pid, ...s.workers()]);
  await cleanUp();
  // A worker may outlive its primary by a moment: the signal reaches each on its own.
  await waitUntil(
    () => !pids.some((pid) => pid && isRunning(pid)),
    'every server process to end',
  );
});

// The status of a GET on a new connection of its own, as another visitor's would be.
const status = (url: string) =>
  new Promise<number>((resolve, reject) => {
    request(url, { agent: false }, (res) => resolve(res.resume().statusCode ?? 0))
      .on('error', reject)
      .end();
  });

describe('manageWorkers', function () {
  this.timeout(20_000); // on a busy machine, starting processes can take a while

  it('starts the workers, then says once where they serve, with the primary pid', async () => {
    const url = await two.url();
    expect(two.workers()).to.have.length(2);
    expect(two.workers()).not.to.include(two.child.pid); // the primary serves nothing
    expect(two.output.stdout).to.contain(
      `Serving on ${url} with 2 workers (primary ${two.child.pid})`,
    );
    expect(two.output.stdout.match(/Serving on/g)).to.have.length(1);
    expect(await status(url)).to.equal(200);
  });

  it('names the worker that answered in the state inspector (development)', async () => {
    const res = await fetch(`${await two.url()}/state`, { headers: { Accept: 'text/html' } });
    const line = /<p>Served by process (\d+), worker #(\d+) of the 2 workers\.<\/p>/.exec(
      await res.text(),
    );
    expect(line, 'the served-by line').to.not.equal(null);
    expect(two.workers()).to.include(Number(line?.[1]));
  });

  it('replaces a worker that dies at once, and goes on serving', async () => {
    const url = await two.url();
    const [dead] = two.workers();
    process.kill(dead, 'SIGKILL');
    // Within the test's 20 s: one CI run on Node 22 saw no replacement within 10 s.
    await waitUntil(() => two.workers().length > 2, 'a replacement worker', 15_000);
    expect(two.output.stdout).to.contain(
      `Worker ${dead} was killed by SIGKILL; starting a replacement\n`,
    );
    expect(await status(url)).to.equal(200);
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
      expect(interrupted.output.stdout).to.contain(
        'SIGINT: stopping 2 workers, waiting up to 10s for requests in flight',
      );
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

  it('cannot start when the port is taken: one line, exit code 1, no worker left behind', async () => {
    const taken = createServer().listen(0);
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
