import { expect } from 'chai';
import { DEV_SESSION_KEY } from '@course/platform';
import { encodeSession, sessionCookie } from './helpers/cookies.ts';
import { SESSION_KEY as KEY, stepWithTwoWorkers } from './helpers/workers.ts';
import { cleanUp } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

// src/server.ts, the real entry point, in real processes: it reads the settings, builds
// the app and serves it. (Listening, time-outs and shutdown are the platform's, tested in
// shared/platform; the development key's warning and the refusal without SESSION_KEYS in
// step 02, and in the platform's settings; HTTPS behind a proxy in step 04.) The server is
// the step's shared one (helpers/workers.ts), in production, started as mocha begins.
let live: Server;
before(() => {
  live = stepWithTwoWorkers().server; // production, SESSION_KEYS read by each worker
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
});
