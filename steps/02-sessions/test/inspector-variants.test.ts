import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import {
  asBrowser,
  inDevelopment,
  panelRow,
  setCookieBytes,
} from '@course/platform/testing/panel';
import type * as globalCounter from '../pitfalls/global-counter.ts';
import * as hardcodedSecret from '../pitfalls/hardcoded-secret.ts';
import * as sessionHistory from '../pitfalls/session-history.ts';

// Each naive variant, seen in a browser as `npm run demo` serves it (no NODE_ENV, so Koa's
// env is 'development'): its state inspector names where the naive state really lives.
describe('step 02, the naive variants in the state inspector', () => {
  it('global-counter: the count is a variable in this process’s memory, for every visitor', async () => {
    const url = new URL('../pitfalls/global-counter.ts', import.meta.url);
    url.searchParams.set('process', randomBytes(4).toString('hex'));
    const { createApp } = (await import(url.href)) as typeof globalCounter;
    const server = inDevelopment(createApp);
    await request(server).get('/').expect('Count: 1'); // curl's plain text, as it was
    const res = await asBrowser(server).expect(200);
    expect(res.text).to.contain('<pre class="state-page">Count: 2</pre>');
    expect(panelRow(res.text, 'counter')).to.deep.equal({
      what: 'counter',
      value: '2',
      where: `a variable of this module, in this process's memory (pid ${process.pid})`,
      who: 'every visitor',
      lasts: 'until the process ends',
    });
  });

  it('hardcoded-secret: the signing key is in the source code, and its value is not shown', async () => {
    const res = await asBrowser(inDevelopment(hardcodedSecret.createApp)).expect(200);
    expect(panelRow(res.text, 'the signing key (app.keys)')?.where).to.equal(
      'in the source code, pitfalls/hardcoded-secret.ts, for all who can read it',
    );
    expect(panelRow(res.text, 'ctx.session.counter')?.where).to.match(
      /^the cookie tutorial\.session/,
    );
    expect(res.text).to.not.contain('itsaseekreet');
  });

  it('session-history: the history is in the cookie, which grows with every visit', async () => {
    const keys = ['test key'];
    const visitor = request.agent(inDevelopment(() => sessionHistory.createApp({ keys })));
    await visitor.get('/').expect('Visits: 1'); // curl's plain text, as it was
    const res = await asBrowser(visitor).expect(200);
    const bytes = setCookieBytes(res, 'tutorial.session');
    expect(panelRow(res.text, 'ctx.session.history')?.where).to.equal(
      `the cookie tutorial.session: ${bytes} of 4,096 bytes; signed (tutorial.session.sig), not encrypted`,
    );
    expect(panelRow(res.text, 'the cookie tutorial.session')?.value).to.equal(
      `"${bytes} bytes"`,
    );
  });
});
