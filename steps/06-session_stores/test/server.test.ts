import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { DEV_SESSION_KEY } from '@course/platform';
import { sessionCookie } from './helpers/cookies.ts';
import { cleanUp, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

// src/server.ts, the real entry point, in a real process, started in a root hook as mocha
// begins: it boots while the other test files run. (The refusal without SESSION_KEYS is
// step 02's and the platform's; HTTPS behind a proxy, step 04's.)
const KEY = randomBytes(32).toString('base64url');
const production = { NODE_ENV: 'production', SESSION_KEYS: KEY };
let live: Server;
before(() => {
  live = startServer(production);
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
});
