import { expect } from 'chai';
import { DEV_SESSION_KEY } from '@course/platform';
import { encodeSession, sessionCookie } from './helpers/cookies.ts';
import { cleanUp, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';
import {
  SESSION_KEY as KEY,
  countIn,
  fresh,
  fromEveryWorker,
  stepInOneProcess,
  stepWithTwoWorkers,
} from './helpers/workers.ts';

// src/server.ts, the real entry point, in real processes: it reads the settings, builds
// the app and serves it. (Listening, time-outs and shutdown are the platform's, tested in
// shared/platform.) They all start in a root hook, as mocha begins, and boot while the
// other test files run; the step's two servers are shared with the other files.
let serving: Server;
let refused: Server;
let live: Server;
let behindProxy: Server;
before(() => {
  serving = stepInOneProcess(); // development
  refused = startServer({ NODE_ENV: 'production' }); // no SESSION_KEYS
  live = stepWithTwoWorkers().server; // production, SESSION_KEYS read by each worker
  behindProxy = startServer({
    NODE_ENV: 'production',
    SESSION_KEYS: KEY,
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

  it('serves the home page and its stylesheet over real HTTP, warning about the development key', async () => {
    const url = await serving.url();
    const page = await fetch(url);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.contain('<h1>Hi Home View</h1>');
    const css = await fetch(new URL('/static/style.css', url));
    expect(css.headers.get('content-type')).to.match(/text\/css/);
    expect(serving.output.stderr).to.contain('SESSION_KEYS is not set');
  });

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

    it('continues a session signed with a key from SESSION_KEYS, in every worker', async () => {
      const cookie = sessionCookie(encodeSession({ counter: 41 }), KEY, name);
      const url = await live.url();
      const answers = await fromEveryWorker(() => fresh(url, { cookie }));
      expect(answers.map(countIn)).to.deep.equal(answers.map(() => 42));
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
