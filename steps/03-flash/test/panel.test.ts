import { expect } from 'chai';
import request from 'supertest';
import { asBrowser, hasPanel, panelHtml, panelRows } from '@course/platform/testing/panel';
import { inSignedCookie, sessionRows } from '@course/platform/testing/panel';
import { createApp } from '../src/app.ts';
import { addItem, csrfFrom } from './helpers/forms.ts';

// The state inspector's panel, through HTTP: in development, each page lists what this
// step keeps (the count, the cart and the CSRF token in the visitor's session cookie, the
// flash messages until shown); elsewhere there is no panel.
const app = (env: string) => createApp({ env, keys: ['test key'] }).callback();

describe('the state inspector', () => {
  it('shows the flash message a page used up, and the session’s values in its cookie', async () => {
    const visitor = request.agent(app('development'));
    await addItem(visitor, '<b>tea</b>');
    const res = await asBrowser(visitor).expect(200);
    const token = csrfFrom(res);
    const flash = { error: [], info: ['Added “<b>tea</b>” to your cart.'] };
    expect(panelRows(res.text)).to.deep.equal([
      ['flash', JSON.stringify(flash), 'the session', 'this visitor', 'until shown once'],
      ...sessionRows(
        { counter: 2, csrf: `${token.slice(0, 8)}…`, items: ['<b>tea</b>'] },
        inSignedCookie(res, 'tutorial.session'),
        'up to 24 h after its last change',
      ),
    ]);
    expect(panelHtml(res.text)).to.not.contain(token); // the token: its first 8 characters only
    expect(res.text).to.not.contain('<b>tea</b>'); // escaped wherever it is shown
  });

  it('lists no flash row, and no cart, on a first page: the count and token only', async () => {
    const res = await asBrowser(app('development')).expect(200);
    expect(panelRows(res.text).map(([what]) => what)).to.deep.equal([
      'ctx.session.counter',
      'ctx.session.csrf',
    ]);
  });

  it('is not on the page outside development', async () => {
    expect(hasPanel((await asBrowser(app('production')).expect(200)).text)).to.equal(false);
    expect(hasPanel((await asBrowser(app('test')).expect(200)).text)).to.equal(false);
  });
});
