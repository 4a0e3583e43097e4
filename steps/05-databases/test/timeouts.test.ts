import { expect } from 'chai';
import { cleanUp, rawClient, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

// Clients that trickle a request a byte at a time, as a slow-loris attack does: the
// server's time-outs (in the file that listens) close them after a bounded time, where
// Node's defaults would let them hold a connection for 300 s.
const HEADERS_TIMEOUT = 5_000; // ms, as the server sets it
const REQUEST_TIMEOUT = 10_000;
// Node checks once a second, and a busy machine delays a low-priority server further;
// Node's own defaults (60 s for the headers, 300 s for the request) stay far outside.
const SLACK = 20_000;

// Sends `start`, then one more byte every half second until the server closes the
// connection; resolves with how long that took and what the server sent.
async function trickle(server: Server, start: string) {
  const client = await rawClient(await server.url());
  const began = Date.now();
  client.socket.write(start);
  const drip = setInterval(() => client.socket.write('a'), 500);
  const received = await client.closed;
  clearInterval(drip);
  return { ms: Date.now() - began, received };
}

// They start in a root hook, as mocha begins, and wait while the other files' tests run.
let server: Server;
let slowHeaders: ReturnType<typeof trickle>;
let slowBody: ReturnType<typeof trickle>;
before(() => {
  server = startServer({});
  slowHeaders = trickle(server, 'GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
  slowBody = trickle(
    server,
    'POST /slow HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n' +
      'Content-Length: 100000\r\n\r\n',
  );
  // A failure is reported by the test that awaits it, not as an unhandled rejection.
  slowHeaders.catch(() => {});
  slowBody.catch(() => {});
});
after(cleanUp); // every server and connection, even after a failure

describe('request time-outs', function () {
  this.timeout(REQUEST_TIMEOUT + SLACK + 20_000); // and the server's start-up

  it(`answers 408 and closes a connection whose headers take over ${HEADERS_TIMEOUT / 1000} s`, async () => {
    const { ms, received } = await slowHeaders;
    expect(received).to.match(/^HTTP\/1\.1 408 /);
    expect(ms).to.be.within(HEADERS_TIMEOUT - 500, HEADERS_TIMEOUT + SLACK);
  });

  it(`closes a connection whose request body takes over ${REQUEST_TIMEOUT / 1000} s`, async () => {
    const { ms } = await slowBody;
    expect(ms).to.be.within(REQUEST_TIMEOUT - 500, REQUEST_TIMEOUT + SLACK);
  });
});
