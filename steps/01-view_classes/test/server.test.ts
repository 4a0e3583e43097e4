import { expect } from 'chai';
import { cleanUp, rawClient, responseHeads, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

// src/server.ts in a real process, one per test or group of tests. They all start at
// once, in a root hook as mocha begins, and boot while the other test files run.
let badPort: Server;
let draining: Server;
let stalled: Server;
before(() => {
  badPort = startServer({ PORT: '99999' });
  // Without SHUTDOWN_TIMEOUT, a shutdown may wait 10 s: longer than any test here waits.
  draining = startServer({});
  // The deadline is all this server's test is about, not its length: the shortest will do.
  stalled = startServer({ SHUTDOWN_TIMEOUT: '0.01' });
});
after(cleanUp); // every server and connection, even after a failure

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`;
const FORCED = /Closing the connections still open/;

describe('src/server.ts', function () {
  this.timeout(20_000); // on a busy machine, starting a process can take a while

  it('refuses a bad PORT with one line on stderr, no stack trace, and exit code 1', async () => {
    const [code] = await badPort.exited;
    expect(code).to.equal(1);
    expect(badPort.output.stderr).to.match(
      /^Cannot start: PORT must be a whole number from 0 to 65535, [^\n]*\n$/,
    );
  });

  describe('on SIGTERM', () => {
    // One signal to one server, with a connection in each state that must not hold its
    // shutdown up: idle, and a request still arriving. Each test checks what became of one.
    let code: number | null;
    let arriving: string; // what the second connection had received by the time it closed
    before(async function () {
      if (process.platform === 'win32') this.skip(); // no signals: kill() ends a process at once
      const url = await draining.url();
      const clients = await Promise.all([rawClient(url), rawClient(url)]);
      const [idleClient, arrivingClient] = clients;
      idleClient.socket.write(GET('/'));
      // Two requests in one write, the second unfinished: the answer to the first proves
      // that the server has read the start of the second.
      arrivingClient.socket.write(`${GET('/')}GET /howdy HTTP/1.1\r\nHost: localhost\r\n`);
      // All answered; the idle connection stays open for the next request.
      await Promise.all(clients.map((client) => client.waitFor(/<\/html>/)));

      draining.child.kill('SIGTERM');
      await draining.printed(/shutting down/);
      arrivingClient.socket.write('\r\n'); // the end of the second request
      [code] = await draining.exited;
      [, arriving] = await Promise.all(clients.map((client) => client.closed));
    });

    it('closes an idle keep-alive connection and exits at once, with code 0', () => {
      expect(code).to.equal(0);
      expect(draining.output.stdout).to.contain('SIGTERM: shutting down');
      expect(draining.output.stdout).not.to.match(FORCED); // it did not wait for the deadline
    });

    it('answers a request still arriving, with Connection: close, then exits', () => {
      const [, second] = responseHeads(arriving);
      expect(second)
        .to.match(/^HTTP\/1\.1 200 /)
        .and.match(/^Connection: close$/im);
      expect(code).to.equal(0);
      expect(draining.output.stdout).not.to.match(FORCED);
    });

    it('does not let a stalled request keep it running past SHUTDOWN_TIMEOUT', async () => {
      const client = await rawClient(await stalled.url());
      client.socket.write(`${GET('/')}GET /howdy HTTP/1.1\r\nHost: loc`); // and nothing more, ever
      await client.waitFor(/<\/html>/);

      stalled.child.kill('SIGTERM');
      const [code] = await stalled.exited;
      expect(code).to.equal(0);
      expect(stalled.output.stdout).to.match(FORCED);
      await client.closed; // closed by the server
    });
  });
});
