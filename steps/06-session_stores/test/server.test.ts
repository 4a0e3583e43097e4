import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { DEV_SESSION_KEY } from '@course/platform';
import { sessionCookie } from './helpers/cookies.ts';
import { cleanUp, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

// src/server.ts in a real process, one per test or group of tests. They all start at
// once, in a root hook as mocha begins, and boot while the other test files run.
const KEY = randomBytes(32).toString('base64url');
const production = { NODE_ENV: 'production', SESSION_KEYS: KEY };
let refused: Server;
let live: Server;
let behindProxy: Server;
before(() => {
  refused = startServer({ NODE_ENV: 'production' }); // no SESSION_KEYS
  live = startServer(production);
  behindProxy = startServer({
    ...production,
    SECURE_COOKIES: 'true',
    TRUST_PROXY: 'true',
    PUBLIC_URL: 'https://shop.example',
  });
});
after(cleanUp); // every server and connection, even after a failure

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
    // The cookie's name, as the server names it, and the id of a session the server keeps
    // (its count is at 1): the cookie's value.
    let name: string;
    let id: string;
    before(async () => {
      const { name: cookieName, header } = sessionSetCookie(await fetch(await live.url()));
      name = cookieName;
      id = header.split(';')[0].slice(name.length + 1);
    });

    it('says once, before "Serving on", that its sessions are in SQLite, and in which file', () => {
      expect(live.output.stdout.match(/^Sessions .*$/gm)).to.deep.equal([
        `Sessions in SQLite at ${live.databasePath}`, // outside the step's folder: in full
      ]);
      expect(live.output.stdout).to.match(/^Sessions in SQLite at .*\nServing on /m);
    });

    it('continues a session whose id is signed with a key from SESSION_KEYS', async () => {
      const cookie = sessionCookie(id, KEY, name);
      expect(await count(await fetch(await live.url(), { headers: { cookie } }))).to.be.above(
        1,
      );
    });

    for (const [which, key] of [
      ['a key from the source code', 'itsaseekreet'],
      ['the development key', DEV_SESSION_KEY],
    ]) {
      it(`ignores a session id signed with ${which}: the visitor starts afresh`, async () => {
        const cookie = sessionCookie(id, key, name);
        expect(await count(await fetch(await live.url(), { headers: { cookie } }))).to.equal(1);
      });
    }
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
  });
});
