import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { cleanUp, rawClient, responseHeads, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

// serve() in a real process (the fixture server), one per test or group of tests. They
// all start at once, in a root hook as mocha begins, and boot while the other tests run.
let refused: Server;
let draining: Server;
let stalled: Server;
let twice: Server;
let live: Server;
before(() => {
  refused = startServer({ NODE_ENV: 'production' }); // no SESSION_KEYS
  // Without SHUTDOWN_TIMEOUT, a shutdown may wait 10 s: longer than any test here waits.
  draining = startServer({ NODE_ENV: 'development' });
  // The deadline is all this server's test is about, not its length: the shortest will do.
  stalled = startServer({ SHUTDOWN_TIMEOUT: '0.01' });
  // A deadline far beyond the test's: only the second signal can end it in time.
  twice = startServer({ SHUTDOWN_TIMEOUT: '3600' });
  live = startServer({ NODE_ENV: 'production', SESSION_KEYS: 'a secret' });
});
after(cleanUp); // every server and connection, even after a failure

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`;
// The start of a form post that promises a body of `length` bytes.
const POST = (length: number) =>
  'POST /form HTTP/1.1\r\nHost: localhost\r\n' +
  `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\n`;
const FORCED = /Closing the connections still open/;

describe('serve', function () {
  this.timeout(20_000); // on a busy machine, starting a process can take a while

  it('refuses to start on a settings mistake: one line on stderr, exit code 1', async () => {
    const [code] = await refused.exited;
    expect(code).to.equal(1);
    expect(refused.output.stderr).to.match(
      /^Cannot start: SESSION_KEYS must be set when NODE_ENV is "production": [^\n]*\n$/,
    );
  });

  it('cannot start when the port is taken: one line naming it, exit code 1', async () => {
    const taken = createServer().listen(0);
    await once(taken, 'listening');
    const { port } = taken.address() as AddressInfo;
    try {
      const server = startServer({ PORT: String(port), SESSION_KEYS: 'k' });
      const [code] = await server.exited;
      expect(code).to.equal(1);
      expect(server.output.stderr).to.match(
        new RegExp(
          `^Cannot start: port ${port} is in use; stop the other server or set PORT\\n$`,
        ),
      );
    } finally {
      taken.close();
    }
  });

  it('says where it serves, once, in one line', async () => {
    const url = await live.url();
    expect(live.output.stdout).to.equal(`Serving on ${url}\n`);
  });

  it('logs no stack trace for visitors who hang up mid-post, and goes on serving', async () => {
    // Each promises 1000 bytes, sends 10 and hangs up; the server then closes its side.
    const hangUp = async () => {
      const client = await rawClient(await live.url());
      client.socket.end(`${POST(1000)}item=01234`);
      await client.closed;
    };
    await Promise.all(Array.from({ length: 20 }, hangUp));

    expect((await fetch(await live.url())).status).to.equal(200);
    expect(live.output.stderr).to.equal('');
  });

  describe('on SIGTERM', () => {
    // One signal to one server, with a connection in each state that must not hold its
    // shutdown up: idle, a request still arriving, a post whose body is still arriving.
    // Each test checks what became of one of them.
    let code: number | null;
    let idle: string; // what the idle connection had received before the signal
    let arriving: string; // and what the other two had received by the time they closed
    let posting: string;
    before(async function () {
      if (process.platform === 'win32') this.skip(); // no signals: kill() ends a process at once
      const url = await draining.url();
      const clients = await Promise.all([rawClient(url), rawClient(url), rawClient(url)]);
      const [idleClient, arrivingClient, postingClient] = clients;
      idleClient.socket.write(GET('/'));
      // Two requests in one write, the second unfinished: the answer to the first proves
      // that the server has read the start of the second.
      arrivingClient.socket.write(`${GET('/')}GET /other HTTP/1.1\r\nHost: localhost\r\n`);
      // A form post whose body is still arriving when the signal comes. The answer to a
      // first request in the same write proves that the server has begun the post.
      postingClient.socket.write(`${GET('/other')}${POST(10)}item=`);
      // All answered; the idle connection stays open for the next request.
      await Promise.all(clients.map((client) => client.waitFor(/<\/html>/)));
      idle = idleClient.received();

      draining.child.kill('SIGTERM');
      await draining.printed(/shutting down/);
      arrivingClient.socket.write('\r\n'); // the end of the second request
      postingClient.socket.write('apple'); // the rest of the body
      [code] = await draining.exited;
      [, arriving, posting] = await Promise.all(clients.map((client) => client.closed));
    });

    it('closes an idle keep-alive connection and exits at once, with code 0', () => {
      expect(idle).to.contain('<h1>Home</h1>');
      expect(draining.output.stderr).to.contain('SESSION_KEYS is not set');
      expect(code).to.equal(0);
      expect(draining.output.stdout).to.contain(
        'SIGTERM: shutting down, waiting up to 10s for requests in flight',
      );
      expect(draining.output.stdout).not.to.match(FORCED); // it did not wait for the deadline
    });

    it('answers a request still arriving, with Connection: close, then exits', () => {
      const [, second] = responseHeads(arriving);
      expect(second)
        .to.match(/^HTTP\/1\.1 200 /)
        .and.match(/^Connection: close$/im);
      expect(arriving).to.contain('<h1>Other</h1>');
      expect(code).to.equal(0);
      expect(draining.output.stdout).not.to.match(FORCED);
    });

    it('finishes a request in progress, with Connection: close, then exits', () => {
      const [, second] = responseHeads(posting);
      expect(second)
        .to.match(/^HTTP\/1\.1 200 /)
        .and.match(/^Connection: close$/im);
      expect(posting).to.contain('Added apple');
      expect(code).to.equal(0);
      expect(draining.output.stdout).not.to.match(FORCED);
    });

    it('does not let a stalled request keep it running past SHUTDOWN_TIMEOUT', async () => {
      const client = await rawClient(await stalled.url());
      client.socket.write(`${GET('/')}GET /other HTTP/1.1\r\nHost: loc`); // and nothing more, ever
      await client.waitFor(/<\/html>/);

      stalled.child.kill('SIGTERM');
      const [code] = await stalled.exited;
      expect(code).to.equal(0);
      expect(stalled.output.stdout).to.match(FORCED);
      await client.closed; // closed by the server
    });

    it('exits at once, with code 1, on a second signal while it waits', async () => {
      const client = await rawClient(await twice.url());
      client.socket.write(`${GET('/')}GET /other HTTP/1.1\r\nHost: loc`); // never finished
      await client.waitFor(/<\/html>/);

      twice.child.kill('SIGTERM');
      await twice.printed(/SIGTERM: shutting down, waiting up to 3600s/);
      twice.child.kill('SIGINT');
      const [code] = await twice.exited;
      expect(code).to.equal(1);
      expect(twice.output.stdout).not.to.match(FORCED);
    });
  });
});
