import { expect } from 'chai';
import request from 'supertest';
import { hasPanel, panelRows } from '@course/platform/testing/panel';
import { createApp } from '../src/app.ts';

// The state inspector's panel, through HTTP: in development, each page lists what this
// step keeps (the count, in the visitor's session cookie); elsewhere there is no panel.
const app = (env: string) => createApp({ env, keys: ['test key'] }).callback();

describe('the state inspector', () => {
  it('shows the count in the session cookie, with the cookie’s size, for this visitor', async () => {
    const visitor = request.agent(app('development'));
    await visitor.get('/').set('Accept', 'text/html').expect(200);
    const res = await visitor.get('/howdy').set('Accept', 'text/html').expect(200);
    const bytes = ([] as string[])
      .concat(res.headers['set-cookie'])
      .map((header) => header.split(';')[0])
      .filter((pair) => pair.startsWith('tutorial.session='))
      .reduce((sum, pair) => sum + pair.length, 0);
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
    for (const env of ['production', 'test']) {
      expect(
        hasPanel(
          (await request(app(env)).get('/').set('Accept', 'text/html').expect(200)).text,
        ),
      ).to.equal(false);
    }
  });
});
