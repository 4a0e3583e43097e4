import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { DEV_SESSION_KEY } from '@course/platform';
import { encodeSession, sessionCookie } from './helpers/cookies.ts';
import { cleanUp, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

// src/server.ts, the real entry point, in a real process: it reads the settings, builds
// the app and serves it. (Listening, time-outs and shutdown are the platform's, tested in
// shared/platform; the development key's warning and the refusal without SESSION_KEYS in
// step 02, and in the platform's settings.) They all start in a root hook, as mocha
// begins, and boot while the other test files run.
const KEY = randomBytes(32).toString('base64url');
const production = { NODE_ENV: 'production', SESSION_KEYS: KEY };
let live: Server;
let behindProxy: Server;
before(() => {
  live = startServer(production);
  behindProxy = startServer({
    ...production,
    SECURE_COOKIES: 'true',
    TRUST_PROXY: 'true',
    PUBLIC_URL: 'https://shop.example',
  });
});
after(cleanUp); // every server, even after a failure

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
});
