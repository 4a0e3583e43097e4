import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { DEV_SESSION_KEY } from '../src/config.ts';
import { encodeSession, sessionCookie } from './helpers/cookies.ts';
import { cleanUp, rawClient, responseHeads, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

// src/server.ts in a real process, one per test or group of tests. They all start at
// once, in a root hook as mocha begins, and boot while the other test files run.
const KEY = randomBytes(32).toString('base64url');
const production = { NODE_ENV: 'production', SESSION_KEYS: KEY };
let refused: Server;
let draining: Server;
let stalled: Server;
let live: Server;
let behindProxy: Server;
before(() => {
  refused = startServer({ NODE_ENV: 'production' }); // no SESSION_KEYS
  // Without SHUTDOWN_TIMEOUT, a shutdown may wait 10 s: longer than any test here waits.
  draining = startServer({ NODE_ENV: 'development' });
  // The deadline is all this server's test is about, not its length: the shortest will do.
  stalled = startServer({ SHUTDOWN_TIMEOUT: '0.01' });
  live = startServer(production);
  behindProxy = startServer({
    ...production,
    SECURE_COOKIES: 'true',
    TRUST_PROXY: 'true',
    PUBLIC_URL: 'https://shop.example',
  });
});
after(cleanUp); // every server and connection, even after a failure

const GET = (path: string) => `GET ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`;
// The start of a form post that promises a body of `length` bytes.
const POST = (length: number) =>
  'POST /items HTTP/1.1\r\nHost: localhost\r\n' +
  `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${length}\r\n\r\n`;
const FORCED = /Closing the connections still open/;

// The session cookie a response sets: its name ends in `tutorial.session` (over HTTPS
// it has a prefix), and its signature travels in another cookie, `<name>.sig`.
function sessionSetCookie(res: Response) {
  const header = res.headers
    .getSetCookie()
    .find((cookie) => /^[^=]*tutorial\.session=/.test(cookie));
  if (!header)
    throw new Error(`no session cookie in ${JSON.stringify(res.headers.getSetCookie())}`);
  return { name: header.split('=')[0], header };
}
const count = async (res: Response) => Number(/Count: (\d+)/.exec(await res.text())?.[1]);

describe('src/server.ts', function () {
  this.timeout(20_000); // on a busy machine, starting a process can take a while

  it('refuses to start in production without SESSION_KEYS: one line on stderr, exit code 1', async () => {
    const [code] = await refused.exited;
    expect(code).to.equal(1);
    expect(refused.output.stderr).to.match(
      /^Cannot start: SESSION_KEYS must be set when NODE_ENV is "production": [^\n]*\n$/,
    );
  });

  describe('in production, with SESSION_KEYS', () => {
    // The cookie's name, as the server names it.
    let name: string;
    before(async () => {
      name = sessionSetCookie(await fetch(await live.url())).name;
    });

    it('continues a session signed with a key from SESSION_KEYS', async () => {
      const cookie = sessionCookie(encodeSession({ counter: 41 }), KEY, name);
      expect(await count(await fetch(await live.url(), { headers: { cookie } }))).to.equal(42);
    });

    for (const [which, key] of [
      ['a key from the source code', 'itsaseekreet'],
      ['the development key', DEV_SESSION_KEY],
    ]) {
      it(`ignores a session signed with ${which}: the visitor starts afresh`, async () => {
        const cookie = sessionCookie(encodeSession({ counter: 41 }), key, name);
        expect(await count(await fetch(await live.url(), { headers: { cookie } }))).to.equal(1);
      });
    }

    it('logs no stack trace for visitors who hang up mid-post, and goes on serving', async () => {
      // Each promises 1000 bytes, sends 10 and hangs up; the server then closes its side.
      const hangUp = async () => {
        const client = await rawClient(await live.url());
        client.socket.end(`${POST(1000)}item=0123456789`);
        await client.closed;
      };
      await Promise.all(Array.from({ length: 20 }, hangUp));

      expect((await fetch(await live.url())).status).to.equal(200);
      expect(live.output.stderr).to.equal('');
    });
  });

  describe('with SECURE_COOKIES and TRUST_PROXY, behind a TLS-terminating proxy', () => {
    it('sends the session cookie with the Secure attribute, to a request that came over HTTPS', async () => {
      const res = await fetch(await behindProxy.url(), {
        headers: { 'X-Forwarded-Proto': 'https' },
      });
      expect(res.status).to.equal(200);
      expect(sessionSetCookie(res).header).to.match(/;\s*secure\b/i);
    });

    it('redirects a page load over plain HTTP to the same path at PUBLIC_URL, whatever the Host', async () => {
      const url = new URL('/howdy?from=test', await behindProxy.url());
      const res = await fetch(url, {
        redirect: 'manual',
        headers: { 'X-Forwarded-Host': 'evil.example' },
      });
      expect(res.status).to.equal(308);
      expect(res.headers.get('location')).to.equal('https://shop.example/howdy?from=test');
      expect(res.headers.get('cache-control')).to.equal('no-store');
      expect(res.headers.getSetCookie()).to.deep.equal([]);
      const head = await fetch(url, { method: 'HEAD', redirect: 'manual' });
      expect(head.status).to.equal(308);
    });

    it('refuses anything else over plain HTTP, saying why', async () => {
      const res = await fetch(await behindProxy.url(), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'item=tea',
      });
      expect(res.status).to.equal(403);
      expect(await res.text()).to.contain('This site works over HTTPS only');
    });
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
      arrivingClient.socket.write(`${GET('/')}GET /howdy HTTP/1.1\r\nHost: localhost\r\n`);
      // A form post whose body is still arriving when the signal comes. The answer to a
      // first request in the same write proves that the server has begun the post.
      postingClient.socket.write(`${GET('/howdy')}${POST(10)}item=`);
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
      expect(idle).to.contain('Count: 1');
      expect(draining.output.stderr).to.contain('SESSION_KEYS is not set');
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

    it('finishes a request in progress, with Connection: close, then exits', () => {
      const [, second] = responseHeads(posting);
      expect(second).to.match(/^HTTP\/1\.1 403 /); // refused (no CSRF token), but answered
      expect(second).to.match(/^Connection: close$/im);
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
