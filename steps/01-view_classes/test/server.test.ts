import { expect } from 'chai';
import { cleanUp, startServer } from './helpers/server.ts';
import type { Server } from './helpers/server.ts';

// src/server.ts, the real entry point, in a real process: it reads the settings, builds
// the app and serves it. (Listening, time-outs and shutdown are the platform's, tested in
// shared/platform.) Both start in a root hook, as mocha begins, and boot while the other
// test files run.
let serving: Server;
let badPort: Server;
before(() => {
  serving = startServer({});
  badPort = startServer({ PORT: '99999' });
});
after(cleanUp); // every server, even after a failure

describe('src/server.ts', function () {
  this.timeout(20_000); // on a busy machine, starting a process can take a while

  it('serves the home page and its stylesheet over real HTTP', async () => {
    const url = await serving.url();
    const page = await fetch(url);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.contain('<h1>Hi Home View</h1>');
    const css = await fetch(new URL('/static/style.css', url));
    expect(css.headers.get('content-type')).to.match(/text\/css/);
  });

  it('refuses a bad PORT with one line on stderr, no stack trace, and exit code 1', async () => {
    const [code] = await badPort.exited;
    expect(code).to.equal(1);
    expect(badPort.output.stderr).to.match(
      /^Cannot start: PORT must be a whole number from 0 to 65535, [^\n]*\n$/,
    );
  });
});
