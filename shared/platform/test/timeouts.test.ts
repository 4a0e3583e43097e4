import Koa from 'koa';
import { expect } from 'chai';
import { HEADERS_TIMEOUT, httpServer, REQUEST_TIMEOUT } from '../src/index.ts';
import { cleanUp, rawClient, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

// Clients that trickle a request a byte at a time, as a slow-loris attack does: the
// server's time-outs (set by serve()) close them after a bounded time, where
// Node's defaults would let them hold a connection for 300 s. The fixture server is
// given shorter time-outs than the defaults, so that the tests need not wait 10 s.
const SHORT = { headersTimeout: 1_000, requestTimeout: 2_000 }; // ms
// Node checks once a second, and a busy machine delays a low-priority server further;
// the defaults (5 s for the headers, 10 s for the request) stay outside.
const SLACK = 3_000;

// Sends `start`, then one more byte every 100 ms until the server closes the
// connection; resolves with how long that took and what the server sent.
async function trickle(server: Server, start: string) {
  const client = await rawClient(await server.url());
  const began = Date.now();
  client.socket.write(start);
  const drip = setInterval(() => client.socket.write('a'), 100);
  const received = await client.closed;
  clearInterval(drip);
  return { ms: Date.now() - began, received };
}

// They start in a root hook, as mocha begins, and wait while the other files' tests run.
let server: Server;
let slowHeaders: ReturnType<typeof trickle>;
let slowBody: ReturnType<typeof trickle>;
before(() => {
  server = startServer({
    HEADERS_TIMEOUT: String(SHORT.headersTimeout),
    REQUEST_TIMEOUT: String(SHORT.requestTimeout),
  });
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
  this.timeout(SHORT.requestTimeout + SLACK + 20_000); // and the server's start-up

  it('are 5 s for the headers and 10 s for the whole request, unless serve() is given others', () => {
    expect([HEADERS_TIMEOUT, REQUEST_TIMEOUT]).to.deep.equal([5_000, 10_000]);
    const server = httpServer(new Koa());
    expect([server.headersTimeout, server.requestTimeout]).to.deep.equal([5_000, 10_000]);
    const short = httpServer(new Koa(), SHORT);
    expect([short.headersTimeout, short.requestTimeout]).to.deep.equal([1_000, 2_000]);
  });

  it('answer 408 and close a connection whose headers take longer', async () => {
    const { ms, received } = await slowHeaders;
    expect(received).to.match(/^HTTP\/1\.1 408 /);
    expect(ms).to.be.within(SHORT.headersTimeout - 100, SHORT.headersTimeout + SLACK);
  });

  it('close a connection whose request body takes longer', async () => {
    const { ms } = await slowBody;
    expect(ms).to.be.within(SHORT.requestTimeout - 100, SHORT.requestTimeout + SLACK);
  });
});
