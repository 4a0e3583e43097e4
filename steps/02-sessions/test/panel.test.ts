import { expect } from 'chai';
import request from 'supertest';
import { asBrowser, hasPanel, panelRows, setCookieBytes } from '@course/platform/testing/panel';
import { createApp } from '../src/app.ts';

// The state inspector's panel, through HTTP: in development, each page lists what this
// step keeps (the count, in the visitor's session cookie); elsewhere there is no panel.
const app = (env: string) => createApp({ env, keys: ['test key'] }).callback();

describe('the state inspector', () => {
  it('shows the count in the session cookie, with the cookie’s size, for this visitor', async () => {
    const visitor = request.agent(app('development'));
    await asBrowser(visitor).expect(200);
    const res = await asBrowser(visitor, '/howdy').expect(200);
    const bytes = setCookieBytes(res, 'tutorial.session');
    expect(panelRows(res.text)).to.deep.equal([
      [
        'ctx.session.counter',
        '2',
        `the cookie tutorial.session: ${bytes} of 4,096 bytes; signed (tutorial.session.sig), not encrypted`,
        'this visitor',
        'up to 24 h after its last change',
      ],
    ]);
    expect(res.text).to.contain(`<p>Served by process ${process.pid}, the only one.</p>`);
  });

  it('is not on the page outside development', async () => {
    expect(hasPanel((await asBrowser(app('production')).expect(200)).text)).to.equal(false);
    expect(hasPanel((await asBrowser(app('test')).expect(200)).text)).to.equal(false);
  });
});
